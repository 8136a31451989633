// The policy module's JavaScript API hands out plain values, not strings to be
// parsed again: the rendered policy with its headings, and every refusal as
// { line, path, problem, message } (returned by checkConfig, thrown by
// renderPolicy as an Error carrying the same fields). Runs the module built by
// ./dev build, in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const glue = path.join(root, 'target/bindgen/doui_policy.js');
const wasm = path.join(root, 'dist/doui_policy_bg.wasm');

async function policyModule() {
  assert.ok(fs.existsSync(glue) && fs.existsSync(wasm), 'the policy module is not built: run ./dev build first');
  const module = await import(glue);
  module.initSync({ module: fs.readFileSync(wasm) });
  return module;
}

const config = JSON.stringify({
  revision: 1,
  categories: [
    { id: 'necessary', required: true, title: 'N', description: 'd' },
    {
      id: 'analytics', title: 'A', description: 'd',
      services: [{ id: 'ga', name: 'GA', provider: 'G', purpose: 'p', cookies: [{ name: '_ga', lifetime: '2y' }] }],
    },
  ],
});

test('renderPolicy returns a plain object with the html, title, language, version and headings', async () => {
  const { renderPolicy } = await policyModule();
  const p = renderPolicy('# 方針\n\n## 目的 {#purpose}\n\n### 細目\n\n```doui-cookies\n```\n', config);
  assert.equal(Object.getPrototypeOf(p), Object.prototype, 'a plain object, nothing to free');
  assert.deepEqual(Object.keys(p).sort(), ['headings', 'html', 'lang', 'title', 'version']);
  assert.equal(p.title, '方針');
  assert.equal(p.lang, 'ja');
  assert.match(p.version, /^[0-9a-f]{8}$/);
  assert.ok(p.html.includes('<code>_ga</code>'), 'the cookie table is filled from the config');
  assert.deepEqual(p.headings.map((h) => [h.level, h.id, h.text]).slice(1), [
    [2, 'purpose', '目的'],
    [3, p.headings[2].id, '細目'],
  ]);
  assert.ok(p.html.includes(`id="${p.headings[2].id}"`));
});

test('headings come back whole whether or not an id or a text holds a NUL', async () => {
  // Without a NUL the headings cross packed into one string; with one, field by field.
  const { renderPolicy } = await policyModule();
  const plain = renderPolicy('# T\n\n## x {#a-b}\n\n### y`z`\n\n## 3\n', config);
  assert.deepEqual(plain.headings, [
    { level: 1, id: 't', text: 'T' },
    { level: 2, id: 'a-b', text: 'x' },
    { level: 3, id: 'yz', text: 'yz' },
    { level: 2, id: '3', text: '3' },
  ]);
  const nul = renderPolicy('# T\n\n## x {#a\u0000b}\n\n### y\u0000z\n', config);
  assert.deepEqual(nul.headings, [
    { level: 1, id: 't', text: 'T' },
    { level: 2, id: 'a\u0000b', text: 'x' },
    { level: 3, id: 'yz', text: 'y\u0000z' },
  ]);
  for (const p of [plain, nul]) {
    assert.deepEqual(Object.keys(p), ['html', 'title', 'lang', 'version', 'headings']);
    assert.equal(p.title, 'T');
  }
});

test('a policy error is thrown as an Error with its line and problem', async () => {
  const { renderPolicy } = await policyModule();
  let caught;
  try {
    renderPolicy('# x\n\n```doui-tables\n```\n', config);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, 'an Error, with a stack');
  assert.equal(caught.line, 3);
  assert.equal(caught.path, '');
  assert.match(caught.problem, /^unknown block `doui-tables`/);
  assert.equal(caught.message, `policy line 3: ${caught.problem}`);
});

test('a config error names its line and field path, from checkConfig and from renderPolicy', async () => {
  const { checkConfig, renderPolicy } = await policyModule();
  assert.equal(checkConfig(config), null);
  const bad = config.replace('"ga"', '"GA!"');
  const problem = checkConfig(bad);
  assert.deepEqual(Object.keys(problem).sort(), ['line', 'message', 'path', 'problem']);
  assert.equal(problem.line, 1);
  assert.equal(problem.path, 'categories[1].services[0].id');
  assert.equal(problem.message, `config line 1: categories[1].services[0].id: ${problem.problem}`);
  assert.throws(() => renderPolicy('# x\n', bad), (e) => e instanceof Error && e.path === problem.path && e.message === problem.message);
  const multiLine = JSON.stringify(JSON.parse(bad), null, 2);
  assert.equal(checkConfig(multiLine).line, multiLine.split('\n').findIndex((l) => l.includes('"GA!"')) + 1);
});

test('runCli returns its outcome as a plain object', async () => {
  const { runCli } = await policyModule();
  const run = runCli(['version', 'p.md'], () => '# x\n');
  assert.equal(Object.getPrototypeOf(run), Object.prototype);
  assert.deepEqual(Object.keys(run).sort(), ['code', 'stderr', 'stdout']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^[0-9a-f]{8}\n$/);
});
