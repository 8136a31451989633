// The npm package as a user installs it: `npm pack` of the staged package
// (target/npm/, written by ./dev build), installed from the tarball into a new
// project in a temporary folder.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const staged = join(root, 'target/npm');
/** A tool from the project's own pinned devDependencies. */
export const bin = (name) => join(root, 'node_modules/.bin', name);

/** Runs a command and returns its standard output; throws with its output on failure. */
export const run = (cmd, args, cwd, options = {}) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });

/**
 * Packs the package and installs the tarball into a new project. Returns the
 * temporary folder, the project folder in it, the tarball, and `remove()`.
 */
export function installPackage() {
  assert.ok(existsSync(join(staged, 'package.json')), 'target/npm is missing: run ./dev build');
  const dir = mkdtempSync(join(tmpdir(), 'doui-package-'));
  const packed = JSON.parse(run('npm', ['pack', staged, '--pack-destination', dir, '--json', '--silent'], root));
  const tarball = join(dir, packed[0].filename);
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sample-app', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app);
  return { dir, app, tarball, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
