// The package's `doui` command (the Rust CLI compiled into the policy module,
// run by Node) against the native binary: same output, same exit status.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { installPackage, root, run } from './support.mjs';

let installed;
let scratch;
const native = join(root, 'target/debug/doui');

before(() => {
  run('cargo', ['build', '-q', '--bin', 'doui'], root);
  installed = installPackage();
  scratch = mkdtempSync(join(tmpdir(), 'doui-cli-'));
});
after(() => {
  installed?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs both commands with `args` from the project folder; returns both results. */
function both(...args) {
  const opts = { cwd: root, encoding: 'utf8' };
  const [a, b] = [spawnSync(native, args, opts), spawnSync(join(installed.app, 'node_modules/.bin/doui'), args, opts)];
  return [a, b].map((r) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr }));
}

/** A copy of the demo config with `edit` applied to its text, as a path relative to the project. */
function configWith(name, edit) {
  const path = join(scratch, name);
  writeFileSync(path, edit(readFileSync(join(root, 'www/doui-config.json'), 'utf8')));
  return relative(root, path);
}

test('npx doui check passes the demo config, as the native command does', () => {
  const [nat, npm] = both('check', 'www/doui-config.json');
  assert.equal(npm.status, 0, npm.stderr);
  assert.match(npm.stdout, /^www\/doui-config\.json: ok: revision \d+, \d+ categories, \d+ services\n$/);
  assert.deepEqual(npm, nat);
});

for (const [name, edit, expected] of [
  ['a misspelt field', (t) => t.replace('"lifetime": "182d"', '"lifetme": "182d"'), /config line \d+: categories\[0\]\.services\[0\]\.cookies\[0\]/],
  ['a bad lifetime', (t) => t.replace('"lifetime": "182d"', '"lifetime": "182 days"'), /config line \d+: categories\[0\]\.services\[0\]\.cookies\[0\]\.lifetime: /],
  ['broken JSON', (t) => t.replace('"revision": 1,', '"revision": 1'), /config line \d+: /],
]) {
  test(`npx doui check names the line and field of ${name}, as the native command does`, () => {
    const file = configWith(name.replaceAll(' ', '-') + '.json', edit);
    const [nat, npm] = both('check', file);
    assert.equal(npm.status, 1);
    assert.match(npm.stderr, expected);
    assert.ok(npm.stderr.startsWith(`${file}: config line `), npm.stderr);
    assert.deepEqual(npm, nat);
  });
}

test('npx doui check --policy keeps policyVersion in step with the policies, as the native command does', () => {
  const policies = ['--policy', 'policies/demo-site.ja.md', '--policy', 'policies/demo-site.en.md'];
  const [nat, npm] = both('check', 'www/doui-config.json', ...policies);
  assert.equal(npm.status, 0, npm.stderr);
  assert.match(npm.stdout, /^policies\/demo-site\.ja\.md: ok: policyVersion\.ja is [0-9a-f]{8}\n/);
  assert.deepEqual(npm, nat);
  const stale = configWith('stale-policy.json', (t) => t.replace(/"ja": "[0-9a-f]{8}"/, '"ja": "0badc0de"'));
  const [nat2, npm2] = both('check', stale, ...policies);
  assert.equal(npm2.status, 1);
  assert.match(npm2.stderr, /policyVersion\.ja is 0badc0de, but policies\/demo-site\.ja\.md is now [0-9a-f]{8}: set it to /);
  assert.deepEqual(npm2, nat2);
});

test('npx doui snippet prints the prerendered banner and the head tag byte for byte as the native command does', () => {
  for (const args of [
    ['snippet', 'www/doui-config.json'],
    ['snippet', 'www/doui-config.json', '--lang', 'en'],
    ['snippet', 'www/doui-config.json', '--head', '/dist/doui-consent-default.js'],
    ['snippet', 'www/doui-config.json', '--lang', 'fr'],
    ['snippet', 'no-such-file.json'],
  ]) {
    const [nat, npm] = both(...args);
    assert.deepEqual(npm, nat, args.join(' '));
  }
  const [, ja] = both('snippet', 'www/doui-config.json');
  assert.equal(ja.status, 0, ja.stderr);
  assert.match(ja.stdout, /^<div class="doui" lang="ja" data-doui-snippet="1\.ja\.\d+"><div class="doui-banner-slot"><section class="doui-banner" /);
  const [, bad] = both('snippet', 'www/doui-config.json', '--lang', 'fr');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^--lang fr: the languages are ja and en\n/);
});

test('render, version, schema and a missing file print the same in both', () => {
  for (const args of [
    ['render', 'policies/demo-site.ja.md', '--config', 'www/doui-config.json'],
    ['render', 'policies/hanno-driving-school.md', '--standalone'],
    ['version', 'policies/demo-site.en.md'],
    ['schema'],
    ['check', 'no-such-file.json'],
    ['frobnicate'],
  ]) {
    const [nat, npm] = both(...args);
    assert.deepEqual(npm, nat, args.join(' '));
  }
  const [, schema] = both('schema');
  assert.deepEqual(JSON.parse(schema.stdout), JSON.parse(readFileSync(join(root, 'schema/doui-config.schema.json'), 'utf8')));
});
