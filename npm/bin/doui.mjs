#!/usr/bin/env node
// The `doui` command of the npm package: the same Rust code as `cargo run`,
// compiled into the policy module, run in Node. `npx doui check site.json`.
import { readFileSync } from 'node:fs';
import { initSync, runCli } from '../doui-policy.js';

// Node's wording of the common file errors, as the native command words them,
// so that both print the same lines.
const osErrors = {
  ENOENT: 'No such file or directory (os error 2)',
  EACCES: 'Permission denied (os error 13)',
  EISDIR: 'Is a directory (os error 21)',
};
function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(osErrors[e.code] ?? e.message);
  }
}

const args = process.argv.slice(2);
// `doui schema`: the policy module leaves the schema out (browsers would
// download it for nothing); the package ships the same file the native
// command prints.
const schema = () => ({ code: 0, stdout: readFileSync(new URL('../doui-config.schema.json', import.meta.url), 'utf8'), stderr: '' });
const cli = () => {
  initSync({ module: readFileSync(new URL('../doui_policy_bg.wasm', import.meta.url)) });
  return runCli(args, readText);
};
if (args[0] === 'audit') {
  // `doui audit <url>` drives a browser: JavaScript of its own (audit/, docs/audit.md).
  const { audit } = await import('../audit/audit.mjs');
  process.exitCode = await audit(args.slice(1));
} else {
  const { code, stdout, stderr } = args.length === 1 && args[0] === 'schema' ? schema() : cli();
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = code;
}
