// The committed JSON Schema of the site config, as an editor or a build tool uses it
// (ajv, draft 2020-12 like schemars' output), against doui's own reader: the policy
// module's checkConfig, built by ./dev build. The schema must accept what the reader
// accepts and refuse what it refuses, except where a schema cannot know better:
//   - an id used twice (JSON Schema cannot compare values across the document);
//   - JSON text the reader refuses before reading it as a config (a key twice in one
//     object, a number written with a fraction), which JSON.parse reads without complaint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p) => fs.readFileSync(path.join(root, p), 'utf8');

const schema = JSON.parse(read('schema/doui-config.schema.json'));
const validate = new Ajv2020({ allErrors: true, allowUnionTypes: true }).compile(schema);
const demoText = read('www/doui-config.json');
const demo = JSON.parse(demoText);

/** The reader's verdict: '' when valid, else `config line N: field: problem`. */
async function reader() {
  const glue = path.join(root, 'target/bindgen/doui_policy.js');
  const wasm = path.join(root, 'dist/doui_policy_bg.wasm');
  assert.ok(fs.existsSync(glue) && fs.existsSync(wasm), 'the policy module is not built: run ./dev build first');
  const module = await import(glue);
  module.initSync({ module: fs.readFileSync(wasm) });
  // The reader's verdict as one sentence: '' when it accepts.
  return (text) => module.checkConfig(text)?.message ?? '';
}

const errors = () => (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');
const clone = (v) => structuredClone(v);

test('the schema accepts the demo config, which names it', () => {
  assert.equal(demo.$schema, '../schema/doui-config.schema.json');
  assert.ok(validate(demo), errors());
});

test('the schema refuses broken configs, naming the field', () => {
  const cases = [
    ['unknown key typo', (c) => { c.categories[0].services[0].provder = c.categories[0].services[0].provider; delete c.categories[0].services[0].provider; }, '/categories/0/services/0'],
    ['wrong type', (c) => { c.reopenButton = 'yes'; }, '/reopenButton'],
    ['bad lifetime', (c) => { c.categories[0].services[0].cookies[0].lifetime = '182 days'; }, '/categories/0/services/0/cookies/0/lifetime'],
    ['bad id', (c) => { c.categories[0].id = 'Necessary'; }, '/categories/0/id'],
    ['id too long', (c) => { c.categories[0].id = 'a'.repeat(65); }, '/categories/0/id'],
    ['blank text', (c) => { c.categories[0].title = ' \u3000'; }, '/categories/0/title'],
    ['unknown language', (c) => { c.siteName = { fr: 'x' }; }, '/siteName'],
    ['unknown text key', (c) => { c.texts = { en: { acceptEverything: 'x' } }; }, '/texts/en'],
    ['javascript: URL', (c) => { c.policyUrl = 'javascript:alert(1)'; }, '/policyUrl'],
    ['protocol-relative URL', (c) => { c.policyUrl = '//evil.example/'; }, '/policyUrl'],
    ['consent lifetime too long', (c) => { c.cookie.days = 396; }, '/cookie/days'],
    ['revision 0', (c) => { c.revision = 0; }, '/revision'],
    ['no categories', (c) => { c.categories = []; }, '/categories'],
    ['missing revision', (c) => { delete c.revision; }, ''],
    ['unknown consent type', (c) => { c.categories[2].consentTypes = ['analytics']; }, '/categories/2/consentTypes/0'],
    ['$schema not a string', (c) => { c.$schema = 1; }, '/$schema'],
  ];
  for (const [what, change, where] of cases) {
    const c = clone(demo);
    change(c);
    assert.equal(validate(c), false, `${what}: accepted`);
    assert.ok(validate.errors.some((e) => e.instancePath === where), `${what}: no error at ${where}: ${errors()}`);
  }
});

// Values that each break some rule somewhere, tried at every position of the demo.
const replacements = [
  null, true, 0, -1, 1, 395, 396, 4294967296, '', ' \u3000', '\u0085', '\ufeff', 'x', 'Bad Id', 'a-b_1', 'consent',
  'session', '2y', '0d', '1000000d', '13 months', '/path', '//evil.example', 'https://example.com/a b',
  'http://', '/', 'javascript:alert(1)', '_ga_*', 'a;b', 'ad_storage', 'first', 'advanced', 'ja', 'a'.repeat(17),
  [], ['x'], ['ad_storage', 'nope'], {}, { ja: 'x' }, { fr: 'x' }, { ja: null }, { en: '' }, { ja: 'x', en: 'y' },
];

function* positions(v, at = []) {
  yield at;
  if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) yield* positions(child, [...at, Array.isArray(v) ? Number(k) : k]);
  }
}

function edited(at, change) {
  const c = clone(demo);
  if (!at.length) return change(null, null, c);
  const parent = at.slice(0, -1).reduce((v, k) => v[k], c);
  change(parent, at.at(-1), c);
  return c;
}

/** Where the reader's refusal is one a schema cannot share, or null. */
function schemaCannotKnow(message) {
  if (message.includes('this id is already used')) return 'duplicate id';
  if (message.includes('the same key appears twice')) return 'duplicate key';
  if (message.includes('numbers must be whole numbers')) return 'number with a fraction';
  return null;
}

function compare(checkConfig, inputs) {
  const tally = { inputs: 0, bothAccept: 0, bothReject: 0, readerOnly: {}, disagreements: [] };
  for (const [name, text] of inputs) {
    tally.inputs++;
    const refusal = checkConfig(text);
    let value;
    try {
      value = JSON.parse(text.replace(/^\ufeff/, ''));
    } catch {
      // Not JSON at all: the reader must refuse it too.
      if (refusal) tally.bothReject++;
      else tally.disagreements.push(`${name}: the reader accepts text JSON.parse refuses`);
      continue;
    }
    const valid = validate(value);
    if (valid && !refusal) tally.bothAccept++;
    else if (!valid && refusal) tally.bothReject++;
    else if (valid && schemaCannotKnow(refusal)) {
      const why = schemaCannotKnow(refusal);
      tally.readerOnly[why] = (tally.readerOnly[why] ?? 0) + 1;
    } else if (valid) tally.disagreements.push(`${name}: the schema accepts, the reader says ${refusal}`);
    else tally.disagreements.push(`${name}: the reader accepts, the schema says ${errors()}`);
  }
  return tally;
}

function report(what, tally) {
  console.log(`${what}: ${tally.inputs} inputs, ${tally.bothAccept} accepted by both, ${tally.bothReject} refused by both, refused only by the reader: ${JSON.stringify(tally.readerOnly)}, ${tally.disagreements.length} disagreements`);
  assert.deepEqual(tally.disagreements.slice(0, 20), [], `${what}: the schema and the reader disagree`);
}

test('the schema and the reader agree on every position of the demo config, changed', async () => {
  const checkConfig = await reader();
  const inputs = [['demo', demoText]];
  for (const at of positions(demo)) {
    const name = '/' + at.join('/');
    const key = at.at(-1);
    if (typeof key === 'string') {
      inputs.push([`drop ${name}`, JSON.stringify(edited(at, (p, k) => delete p[k]), null, 2)]);
      inputs.push([`rename ${name}`, JSON.stringify(edited(at, (p, k) => { p[`${k}s`] = p[k]; delete p[k]; }), null, 2)]);
    }
    for (const r of replacements) {
      const c = edited(at, (p, k, whole) => { if (p) p[k] = clone(r); else return r; });
      inputs.push([`${name} = ${JSON.stringify(r)}`, JSON.stringify(at.length ? c : r, null, 2)]);
    }
  }
  const tally = compare(checkConfig, inputs);
  assert.ok(tally.inputs > 2000 && tally.bothAccept > 100 && tally.bothReject > 1000, JSON.stringify(tally).slice(0, 300));
  assert.ok(tally.readerOnly['duplicate id'] > 0, 'no mutation repeated an id: the exception is untested');
  report('mutations of the demo config', tally);
});

test('the schema and the reader agree on receipts URLs (tests/vectors/receipts-urls.json)', async () => {
  const checkConfig = await reader();
  const vectors = JSON.parse(read('tests/vectors/receipts-urls.json'));
  for (const [list, valid] of [['valid', true], ['invalid', false]]) {
    for (const url of vectors[list]) {
      const c = clone(demo);
      c.receipts = { url };
      const text = JSON.stringify(c, null, 2);
      assert.equal(validate(c), valid, `schema, ${JSON.stringify(url)}: ${errors()}`);
      const refusal = checkConfig(text);
      assert.equal(!refusal, valid, `reader, ${JSON.stringify(url)}: ${refusal}`);
      if (!valid) assert.match(refusal, /^config line \d+: receipts\.url: (expected an https URL|must not be empty)/, JSON.stringify(url));
    }
  }
});

test('the schema and the reader agree on the fuzz corpus', async () => {
  const checkConfig = await reader();
  const inputs = [];
  for (const dir of ['fuzz/corpus/config', 'fuzz/regressions/config']) {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) continue;
    for (const f of fs.readdirSync(full).sort()) {
      inputs.push([`${dir}/${f}`, new TextDecoder().decode(fs.readFileSync(path.join(full, f)))]);
    }
  }
  assert.ok(inputs.length >= 50, `expected the fuzz corpus, found ${inputs.length} inputs`);
  const tally = compare(checkConfig, inputs);
  assert.ok(tally.bothAccept > 0, 'no valid config in the corpus');
  report('fuzz corpus', tally);
});
