// Receipts end to end: the demo site with `receipts.url` pointing at the real
// receipts server (`doui-receipts`, built by ./dev test) on another loopback
// port, so that the POST crosses origins and CORS is really exercised. Choices
// made in Chromium must arrive as rows the server's own endpoints give back,
// with the shown-text hash and the GPC signal; a receipt made while the server
// is down arrives on the next page view; without `receipts` nothing is fetched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../support/server.mjs';
import { launch } from './harness.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const binary = process.env.DOUI_RECEIPTS_BIN ?? join(root, 'target/debug/doui-receipts');
const demoConfig = JSON.parse(readFileSync(join(root, 'www/doui-config.json'), 'utf8'));
const TOKEN = 'receipts-e2e-admin-token-0123456789';

const env = { work: '', www: '', site: null, origin: '', receiptsPort: 0, receiptsUrl: '', server: null, browser: null, plain: null };

/** A free loopback port: the receipts URL must name it before the server starts (and again after a restart). */
function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** The demo config with `change` applied, as the demo site serves it now. */
function serveConfig(change = (c) => c) {
  const config = change(structuredClone(demoConfig));
  const text = JSON.stringify(config, null, 2);
  writeFileSync(join(env.www, 'doui-config.json'), text);
  return text;
}

const withReceipts = (c) => ({ ...c, receipts: { url: env.receiptsUrl } });

/** Starts the receipts server on its port with the config that has `receipts`; resolves once it listens. */
function startReceipts() {
  const config = join(env.work, 'site.json');
  writeFileSync(config, JSON.stringify(withReceipts(structuredClone(demoConfig)), null, 2));
  const child = spawn(
    binary,
    [
      '--config', config,
      '--db', `sqlite://${join(env.work, 'receipts.db')}`,
      '--listen', `127.0.0.1:${env.receiptsPort}`,
      '--origin', env.origin,
      '--admin-token-file', join(env.work, 'token'),
      // The page's POSTs and this file's GETs all come from 127.0.0.1.
      '--rate-limit', '6000',
      '--rate-burst', '200',
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((ok, fail) => {
    const onData = (d) => {
      output += d;
      if (output.includes('listening on')) ok(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`doui-receipts exited with ${code}: ${output}`)));
    child.once('error', fail);
  });
}

/** Stops the receipts server's whole process group and waits for it to go. */
async function stopReceipts() {
  const child = env.server;
  env.server = null;
  if (!child || child.exitCode !== null) return;
  const gone = new Promise((ok) => child.once('exit', ok));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {}
  await gone;
}

before(async () => {
  assert.ok(existsSync(binary), `${binary} is missing: build it with \`cargo build -p doui-receipts\` (./dev test does)`);
  env.work = mkdtempSync(join(tmpdir(), 'doui-receipts-e2e-'));
  writeFileSync(join(env.work, 'token'), TOKEN);
  // A copy of the demo site whose config each test sets.
  env.www = join(env.work, 'www');
  cpSync(join(root, 'www'), env.www, { recursive: true });
  env.site = await startServer({
    mounts: [
      ['/dist/', join(root, 'dist')],
      ['/policies/', join(root, 'policies')],
      ['/', env.www],
    ],
  });
  env.origin = env.site.urls[0];
  env.receiptsPort = await freePort();
  env.receiptsUrl = `http://127.0.0.1:${env.receiptsPort}/v1/receipts`;
  env.server = await startReceipts();
  // The untouched demo, for the site without receipts.
  env.plain = await startServer();
  env.browser = await launch();
});

after(async () => {
  await env.browser?.close();
  await stopReceipts();
  await env.site?.close();
  await env.plain?.close();
  if (env.work) rmSync(env.work, { recursive: true, force: true });
});

/** A fresh browser context and page, recording every request and console error; `init` runs in the page first. */
async function open(url, init) {
  const context = await env.browser.newContext({ locale: 'ja-JP' });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.errors = [];
  page.warnings = [];
  page.requests = [];
  let inFlight = 0;
  page.quiet = () => inFlight === 0;
  page.on('request', (r) => {
    inFlight++;
    page.requests.push({ method: r.method(), url: r.url() });
  });
  const done = () => inFlight--;
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' ? page.errors : m.type() === 'warning' ? page.warnings : []).push(m.text()));
  await page.goto(url);
  await page.evaluate(() => window.doui.ready);
  return page;
}

/** Resolves once no request has been in flight for `ms` milliseconds (at most 20 s). */
async function networkQuiet(page, ms = 500) {
  const end = Date.now() + 20_000;
  let since = Date.now();
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    if (!page.quiet()) since = Date.now();
    else if (Date.now() - since >= ms) return;
  }
  throw new Error('the network never went quiet');
}

const api = (path, headers = {}) => fetch(`http://127.0.0.1:${env.receiptsPort}${path}`, { headers });

/** The receipts the server holds for this consent id, polled until `count` are there (at most 15 s). */
async function history(id, count = 1) {
  const end = Date.now() + 15_000;
  for (;;) {
    const res = await api(`/v1/receipts/${id}`);
    assert.equal(res.status, 200, `GET /v1/receipts/${id}`);
    const body = await res.json();
    if (body.receipts.length >= count || Date.now() > end) return body.receipts.map((r) => r.receipt);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The shown text's hash as the policy module builds it, hashed here with Node's own SHA-256. */
let policyModule;
async function expectedShown(configText, lang, gpc) {
  if (!policyModule) {
    policyModule = await import(join(root, 'target/bindgen/doui_policy.js'));
    policyModule.initSync({ module: readFileSync(join(root, 'dist/doui_policy_bg.wasm')) });
  }
  const text = policyModule.shownText(configText, lang, gpc);
  assert.ok(text.startsWith('<section class="doui-banner"'), text.slice(0, 80));
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const consent = (page) => page.evaluate(() => window.doui.consent());
const pending = (page) => page.evaluate(() => localStorage.getItem('doui:receipts'));
const everything = (c, on) => Object.fromEntries(Object.keys(c).map((k) => [k, on]));
const utcDay = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const made = []; // every receipt this file made, for the export test

test('accept, reject, saved preferences and withdrawal each arrive as a receipt with the shown text', async () => {
  const text = serveConfig(withReceipts);
  const shownJa = await expectedShown(text, 'ja', false);

  // First visit, accept all.
  const page = await open(env.origin + '/');
  assert.ok(!page.requests.some((r) => /doui-receipts\.js|doui-policy\.js/.test(r.url)), 'no receipts code before a choice');
  assert.ok(!page.requests.some((r) => r.url.includes(`:${env.receiptsPort}/`)), 'no request to the receipts server on a page view');
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  const accepted = await consent(page);
  const [a] = await history(accepted.id);
  assert.deepEqual(
    { v: a.v, id: a.id, time: a.time, revision: a.revision, policy: a.policy, lang: a.lang, gpc: a.gpc, action: a.action, shown: a.shown },
    { v: 1, id: accepted.id, time: accepted.time, revision: 1, policy: accepted.policy, lang: 'ja', gpc: false, action: 'accept', shown: shownJa },
  );
  assert.deepEqual(a.categories, accepted.categories);
  assert.deepEqual(a.services, accepted.services);
  assert.deepEqual(a.categories, everything(a.categories, true));
  made.push(a);
  // The POST was cross-origin: a preflight, then the receipt.
  assert.ok(page.requests.some((r) => r.method === 'POST' && r.url === env.receiptsUrl));

  // The server keeps the text itself, under its hash.
  const shown = await api(`/v1/texts/${shownJa}`);
  assert.equal(shown.status, 200);
  assert.match(await shown.text(), /すべて拒否する/);

  // Withdrawal: the preferences, analytics off, saved.
  await page.locator('.doui-reopen').click();
  await page.locator('dialog.doui-prefs input[data-doui-item="analytics"]').uncheck();
  await page.getByRole('button', { name: '選択を保存する' }).click();
  const withdrawn = await consent(page);
  assert.equal(withdrawn.id, accepted.id, 'the visitor keeps their consent id, so the server has their history');
  const [a1, w] = await history(withdrawn.id, 2);
  assert.equal(a1.action, 'accept', 'the history is in the order of the choices');
  assert.equal(w.action, 'withdraw');
  assert.equal(w.categories.analytics, false);
  assert.equal(w.services['google-analytics'], false);
  assert.equal(w.categories.advertising, true);
  assert.equal(w.shown, shownJa);
  made.push(w);

  // Reject all after that: still a withdrawal (advertising was on).
  await page.evaluate(() => window.doui.rejectAll());
  const [, , w2] = await history((await consent(page)).id, 3);
  assert.equal(w2.action, 'withdraw');
  assert.deepEqual(Object.entries(w2.categories).filter(([, on]) => on), [['necessary', true]]);
  made.push(w2);
  assert.equal(await pending(page), null, 'nothing left waiting');
  assert.deepEqual(page.errors, []);

  // A first visit that rejects all: a refusal, not a withdrawal.
  const rejecting = await open(env.origin + '/');
  await rejecting.getByRole('button', { name: 'すべて拒否する' }).click();
  const [r] = await history((await consent(rejecting)).id);
  assert.equal(r.action, 'reject');
  assert.equal(r.categories.analytics, false);
  made.push(r);

  // A first visit in English that saves its own choice.
  const english = await open(env.origin + '/en/');
  await english.getByRole('button', { name: 'Customise' }).click();
  await english.locator('dialog.doui-prefs input[data-doui-item="analytics"]').check();
  await english.getByRole('button', { name: 'Save my choices' }).click();
  const [c] = await history((await consent(english)).id);
  assert.deepEqual({ action: c.action, lang: c.lang, analytics: c.categories.analytics, advertising: c.categories.advertising }, {
    action: 'custom',
    lang: 'en',
    analytics: true,
    advertising: false,
  });
  assert.equal(c.shown, await expectedShown(text, 'en', false));
  assert.notEqual(c.shown, shownJa);
  made.push(c);
  assert.deepEqual([...rejecting.errors, ...english.errors], []);
});

const withGpc = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });

test('Global Privacy Control: the receipt says so, hashes the text shown with it, and the stored override is a withdrawal', async () => {
  const text = serveConfig(withReceipts);
  const page = await open(env.origin + '/', withGpc);
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  const [a] = await history((await consent(page)).id);
  assert.deepEqual({ gpc: a.gpc, action: a.action, advertising: a.categories.advertising, analytics: a.categories.analytics }, {
    gpc: true,
    action: 'accept',
    advertising: false,
    analytics: true,
  });
  assert.equal(a.shown, await expectedShown(text, 'ja', true));
  assert.notEqual(a.shown, await expectedShown(text, 'ja', false), 'GPC changes what is shown');
  made.push(a);

  // An opt-in made without the signal, then a visit with it: the override is stored, and receipted.
  const earlier = await open(env.origin + '/');
  await earlier.evaluate(() => window.doui.acceptAll());
  const opted = await consent(earlier);
  made.push((await history(opted.id))[0]);
  await earlier.context().addInitScript(withGpc);
  await earlier.reload();
  await earlier.evaluate(() => window.doui.ready);
  const overridden = await consent(earlier);
  assert.equal(overridden.id, opted.id);
  const [, o] = await history(overridden.id, 2);
  assert.deepEqual({ gpc: o.gpc, action: o.action, advertising: o.categories.advertising, analytics: o.categories.analytics }, {
    gpc: true,
    action: 'withdraw',
    advertising: false,
    analytics: true,
  });
  made.push(o);
  assert.deepEqual([...page.errors, ...earlier.errors], []);
});

test('a receipt made while the server is down arrives on the next page view', async () => {
  serveConfig(withReceipts);
  await stopReceipts();
  const page = await open(env.origin + '/');
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  const { id } = await consent(page);
  // The POST failed: the receipt waits in storage, and the choice holds all the same.
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('doui:receipts') ?? '[]')[0]?.receipt?.shown);
  const waiting = JSON.parse(await pending(page)).map((entry) => entry.receipt);
  assert.equal(waiting[0].id, id);
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), true);
  assert.ok(page.warnings.some((w) => w.includes('receipts server not reached')), page.warnings.join('\n'));

  env.server = await startReceipts();
  assert.deepEqual(await history(id, 0), [], 'nothing arrived while the server was down');
  await page.reload();
  await page.evaluate(() => window.doui.ready);
  const [late] = await history(id);
  assert.deepEqual({ id: late.id, action: late.action }, { id, action: 'accept' });
  assert.equal(late.shown, waiting[0].shown);
  await page.waitForFunction(() => localStorage.getItem('doui:receipts') === null);
  made.push(late);
  // A later page view with nothing waiting sends nothing.
  const before = page.requests.length;
  await page.reload();
  await page.evaluate(() => window.doui.ready);
  await networkQuiet(page);
  const later = page.requests.slice(before);
  assert.ok(!later.some((r) => r.url.includes(`:${env.receiptsPort}/`) || r.url.includes('doui-receipts.js')), JSON.stringify(later));
  assert.equal((await history(id)).length, 1, 'sent once');
});

test('a choice noted while the policy module cannot load is completed and sent on the next page view', async () => {
  const text = serveConfig(withReceipts);
  const page = await open(env.origin + '/');
  await page.route('**/dist/doui-policy.js', (route) => route.abort());
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  const { id } = await consent(page);
  const end = Date.now() + 15_000;
  while (!page.warnings.some((w) => w.includes('yet')) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.match(page.warnings.join('\n'), new RegExp(`doui: no receipt of choice ${id} yet: `));
  const [note] = JSON.parse(await pending(page));
  assert.equal(JSON.parse(note.draft.detail).id, id);
  assert.equal(note.draft.kind, 1, 'kept as the choice, to be completed');
  assert.deepEqual(await history(id, 0), []);
  await page.unroute('**/dist/doui-policy.js');
  await page.reload();
  await page.evaluate(() => window.doui.ready);
  const [late] = await history(id);
  assert.deepEqual({ action: late.action, shown: late.shown }, { action: 'accept', shown: await expectedShown(text, 'ja', false) });
  await page.waitForFunction(() => localStorage.getItem('doui:receipts') === null);
  made.push(late);
});

test('a receipt the server refuses is logged with its reason and not kept', async () => {
  // The page shows other words than the server's config: the shown text's hash cannot match.
  serveConfig((c) => withReceipts({ ...c, texts: { ja: { bannerTitle: 'Cookieの設定' } } }));
  const page = await open(env.origin + '/');
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  const { id } = await consent(page);
  const ours = () => page.errors.filter((e) => e.startsWith('doui:'));
  const end = Date.now() + 15_000;
  while (!ours().length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.equal(ours().length, 1, page.errors.join('\n'));
  assert.match(ours()[0], /^doui: the receipts server refused a receipt \(422: shown: not the hash of the text revision 1 shows in ja\)$/);
  assert.equal(await pending(page), null, 'a refusal is not sent again');
  assert.deepEqual(await history(id, 0), []);
});

test('a mistake in receipts is refused like any config mistake: the banner fails closed and says where it is', async () => {
  // One config, one verdict: the banner, the policy module, `doui check`, the
  // schema and the server all refuse it (a receipt in clear would leak the proof).
  serveConfig((c) => ({ ...c, receipts: { url: `http://receipts.example.jp:${env.receiptsPort}/v1/receipts` } }));
  const page = await open(env.origin + '/');
  await page.evaluate(() => window.doui.ready);
  const end = Date.now() + 15_000;
  while (!page.errors.length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.match(page.errors.join('\n'), /^doui: config line \d+: receipts\.url: expected an https URL/);
  assert.equal(await page.locator('.doui-banner').count(), 0, 'no banner');
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false, 'nothing allowed');
  await networkQuiet(page);
  assert.ok(!page.requests.some((r) => r.method === 'POST'), 'nothing posted');
  assert.ok(!page.requests.some((r) => /doui-receipts/.test(r.url)), 'no receipts code');
});

test('without receipts in the config, no receipts code is loaded and nothing is sent', async () => {
  const page = await open(env.plain.urls[0] + '/');
  await page.getByRole('button', { name: 'すべて同意する' }).click();
  await page.evaluate(() => window.doui.showPreferences());
  await page.getByRole('button', { name: 'すべて拒否する' }).last().click();
  await networkQuiet(page);
  const urls = page.requests.map((r) => r.url);
  assert.ok(urls.some((u) => u.endsWith('/dist/doui_bg.wasm')), 'the log saw the page load');
  assert.deepEqual(urls.filter((u) => /doui-receipts|doui-policy|v1\/receipts/.test(u)), []);
  assert.ok(!page.requests.some((r) => r.method === 'POST'));
  assert.equal(await pending(page), null);
  assert.deepEqual(env.plain.log.filter((r) => r.method !== 'GET'), []);
  assert.deepEqual(page.errors, []);
});

test('the admin export holds every receipt made here, with shown and gpc, as NDJSON and CSV', async () => {
  assert.ok(made.length >= 8, `${made.length} receipts made`);
  const range = `from=${utcDay(-1)}&to=${utcDay(1)}`;
  assert.equal((await api(`/v1/admin/export?${range}`)).status, 401, 'the export needs the token');
  const auth = { authorization: `Bearer ${TOKEN}` };
  const ndjson = await api(`/v1/admin/export?${range}&format=ndjson`, auth);
  assert.equal(ndjson.status, 200);
  const rows = (await ndjson.text()).trim().split('\n').map((l) => JSON.parse(l));
  // A visitor keeps one consent id across choices: a receipt is its id, time and decisions.
  const key = (r) => JSON.stringify([r.id, r.time, r.action, r.categories, r.services]);
  const byKey = new Map(rows.map((r) => [key(r.receipt), r.receipt]));
  for (const r of made) {
    const row = byKey.get(key(r));
    assert.ok(row, `${r.id} (${r.action}) is exported`);
    assert.deepEqual(
      { action: row.action, gpc: row.gpc, shown: row.shown, lang: row.lang, categories: row.categories },
      { action: r.action, gpc: r.gpc, shown: r.shown, lang: r.lang, categories: r.categories },
    );
  }
  assert.equal(rows.length, made.length, 'nothing else was stored: no refused receipt, no duplicate');
  const csv = await api(`/v1/admin/export?${range}&format=csv`, auth);
  assert.equal(csv.status, 200);
  const [header, ...lines] = (await csv.text()).trim().split('\r\n');
  const columns = header.split(',');
  const at = (line, name) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((f) => f.replace(/,$/, ''))[columns.indexOf(name)];
  assert.equal(lines.length, made.length);
  for (const r of made) {
    const line = lines.find((l) => at(l, 'consent_id') === r.id && at(l, 'time') === String(r.time) && at(l, 'action') === r.action && at(l, 'shown') === r.shown);
    assert.ok(line, `${r.id} in the CSV`);
    assert.deepEqual([at(line, 'action'), at(line, 'gpc'), at(line, 'shown')], [r.action, String(r.gpc), r.shown]);
  }
  // The chain the server keeps is intact.
  const verify = spawn(binary, ['verify', '--db', `sqlite://${join(env.work, 'receipts.db')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  verify.stdout.on('data', (d) => (out += d));
  verify.stderr.on('data', (d) => (out += d));
  const code = await new Promise((ok) => verify.once('exit', ok));
  assert.equal(code, 0, out);
  assert.match(out, new RegExp(`verified: ${made.length} receipts`));
});
