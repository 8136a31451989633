// The package's TypeScript declarations, checked with tsc as an app would use
// them: a file that uses every API call, event and config field type-checks,
// and a file of wrong uses fails on exactly the lines marked `@error`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, installPackage, root } from './support.mjs';

const types = join(root, 'tests/package/types');
let installed;

before(() => {
  installed = installPackage();
  for (const f of ['uses.ts', 'misuse.ts']) cpSync(join(types, f), join(installed.app, f));
});
after(() => installed?.remove());

/** Runs tsc on one file with the sample tsconfig; returns its exit status and output. */
function tsc(file) {
  const config = JSON.parse(readFileSync(join(types, 'tsconfig.json'), 'utf8'));
  writeFileSync(join(installed.app, 'tsconfig.json'), JSON.stringify({ ...config, files: [file] }));
  try {
    return { status: 0, output: execFileSync(bin('tsc'), ['-p', '.'], { cwd: installed.app, encoding: 'utf8' }) };
  } catch (e) {
    return { status: e.status, output: e.stdout + e.stderr };
  }
}

test('every API call, event and config field type-checks', () => {
  // Every field the schema knows is used, so none can go untyped unnoticed.
  // (The built-in messages under `texts` are one dictionary: one of them is used.)
  const schema = JSON.parse(readFileSync(join(root, 'schema/doui-config.schema.json'), 'utf8'));
  const uses = readFileSync(join(types, 'uses.ts'), 'utf8');
  const fields = [schema, ...Object.entries(schema.$defs).filter(([name]) => name !== 'Messages').map(([, d]) => d)]
    .flatMap((d) => Object.keys(d.properties ?? {}));
  const used = (f) => new RegExp(`(^|[\\s{,])${f.replace('$', '\\$')}:`, 'm').test(uses);
  assert.deepEqual(fields.filter((f) => !used(f)), []);
  const { status, output } = tsc('uses.ts');
  assert.equal(status, 0, output);
});

test('wrong uses fail, each on its own line', () => {
  const { status, output } = tsc('misuse.ts');
  assert.notEqual(status, 0, 'tsc accepted the wrong uses');
  const marked = readFileSync(join(types, 'misuse.ts'), 'utf8')
    .split('\n')
    .flatMap((line, i) => (line.includes('// @error') ? [i + 1] : []));
  const reported = [...new Set([...output.matchAll(/^misuse\.ts\((\d+),\d+\): error/gm)].map((m) => +m[1]))];
  assert.ok(marked.length >= 5, 'the misuse file marks its errors');
  assert.deepEqual(reported.sort((a, b) => a - b), marked, output);
});
