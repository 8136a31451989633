// `doui audit` as a site owner runs it: the staged package's command (./dev
// build writes target/npm/), Debian's Chromium, and sites on loopback only:
// the demo site, which must pass in both languages, a page built to fail with
// one finding per defect, and a crawl over 50 linked pages with a page that
// never answers and one that answers 500.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs } from '../support/chromium.mjs';
import { startServer } from '../support/server.mjs';
import { startFixtures } from './fixtures/server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const doui = join(root, 'target/npm/bin/doui.mjs');
const browser = process.env.CHROMIUM ?? '/usr/bin/chromium';
const work = { demo: null, fixtures: null, dir: '' };

/** Runs `doui audit …` on loopback; resolves { code, stdout, stderr }. */
function audit(...args) {
  const browserArgs = chromiumArgs.filter((a) => a !== '--headless=new').map((a) => `--browser-arg=${a}`);
  return new Promise((resolve) => {
    execFile(
      'node',
      [doui, 'audit', ...args, '--browser', browser, ...browserArgs],
      { timeout: 240_000, maxBuffer: 16 << 20, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const json = (r) => JSON.parse(r.stdout);

before(async () => {
  assert.ok(existsSync(doui), 'target/npm is missing: run ./dev build');
  work.demo = await startServer({ hosts: ['127.0.0.1', '127.0.0.2'] });
  work.fixtures = await startFixtures();
  work.dir = mkdtempSync(join(tmpdir(), 'doui-audit-'));
});
after(async () => {
  await work.demo?.close();
  await work.fixtures?.close();
  if (work.dir) rmSync(work.dir, { recursive: true, force: true });
});

for (const [lang, path] of [['Japanese', '/'], ['English', '/en/']]) {
  test(`the demo site passes in ${lang} (${path})`, async () => {
    const report = join(work.dir, `demo-${lang}.html`);
    const r = await audit(`${work.demo.urls[0]}${path}`, '--pages', '2', '--json', '--report', report);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = json(r);
    assert.equal(result.pages.length, 2);
    assert.deepEqual(result.pages.filter((p) => p.error), []);
    assert.deepEqual(result.findings.filter((f) => f.severity !== 'notice'), []);
    // Not a pass by seeing nothing: accepting set the analytics cookies the config declares.
    const unseen = result.findings.filter((f) => f.code === 'declared-not-seen').map((f) => f.name);
    assert.ok(!unseen.includes('_ga') && !unseen.includes('_ga_*'), `_ga was seen: ${unseen}`);
    assert.ok(unseen.includes('YSC'), 'a declared cookie the demo never sets is a notice');
    const html = readFileSync(report, 'utf8');
    assert.match(html, /<img alt="The consent banner[^"]*" src="data:image\/png;base64,[A-Za-z0-9+/=]{200,}">/);
    assert.doesNotMatch(html, /<script/i);
  });
}

test('the page built to fail: each defect is named, once', async () => {
  const report = join(work.dir, 'bad.html');
  const r = await audit(`${work.fixtures.origin}/`, '--pages', '1', '--json', '--report', report, '--suggest');
  assert.equal(r.code, 1, r.stderr);
  const { findings, counts, suggested } = json(r);
  const host = (n) => `http://127.0.0.${n}:${new URL(work.fixtures.origin).port}`;
  const pick = (code, where) => findings.filter((f) => f.code === code && Object.entries(where).every(([k, v]) => f[k] === v));
  // A script that is not gated, fetched before any choice, from the markup.
  const ungated = pick('ungated-script', { url: `${host(2)}/tp/counter.js`, visit: 'no choice' });
  assert.equal(ungated.length, 1);
  assert.match(ungated[0].element, /<script src=/);
  // A pixel outside the config, fired by the site's own script.
  const pixel = pick('undeclared-host', { host: host(3), type: 'image' });
  assert.equal(pixel.length, 1);
  assert.match(pixel[0].script, /\/site\.js:\d+:\d+$/);
  // An undeclared first-party cookie, with its lifetime and the script that set it.
  const cookie = pick('undeclared-cookie', { name: 'fx_visitor', party: 'first', lifetime: '1d' });
  assert.equal(cookie.length, 1);
  assert.match(cookie[0].source, /\/tp\/stats\.js/);
  // _ga for 400 days where the config says 2 years.
  assert.equal(pick('lifetime-mismatch', { name: '_ga', lifetime: '400d', declared: '2y', service: 'stats' }).length, 1);
  // An iframe from a host whose service declares no transmission.
  const frame = pick('undeclared-host', { host: host(4), type: 'document' });
  assert.equal(frame.length, 1);
  assert.match(frame[0].element, /<iframe data-consent="chat"/);
  // A cookie left after withdrawal (HttpOnly: doui cannot delete it).
  assert.equal(pick('cookie-after-withdraw', { name: 'fx_stats', service: 'stats' }).length, 1);
  // HTML that differs by consent cookie, with an excerpt.
  const cache = pick('cache-unsafe', {});
  assert.deepEqual(cache.map((f) => f.cookie).sort(), ['accepting', 'refusing']);
  assert.match(cache[0].excerpt, /\+ <p>Welcome back!<\/p>/);
  // Nothing else: the counter, still ungated after withdrawal, is the only other finding.
  assert.deepEqual(
    findings.map((f) => f.code).sort(),
    ['cache-unsafe', 'cache-unsafe', 'cookie-after-withdraw', 'lifetime-mismatch', 'request-after-withdraw', 'undeclared-cookie', 'undeclared-host', 'undeclared-host', 'ungated-script'],
  );
  assert.equal(pick('request-after-withdraw', { url: `${host(2)}/tp/counter.js` }).length, 1);
  assert.equal(counts.violations, 9);
  // --suggest with --json: the entries are in the JSON.
  assert.deepEqual(suggested.flatMap((s) => s.cookies ?? []), [{ name: 'fx_visitor', lifetime: '1d' }]);
  assert.deepEqual(suggested.flatMap((s) => s.transmissions ?? []).length, 2);
  // The report escapes what the page sent and runs no script.
  const html = readFileSync(report, 'utf8');
  assert.match(html, /&lt;iframe data-consent=&quot;chat&quot;/);
  assert.doesNotMatch(html, /<script|<iframe/i);
});

test('the terminal summary and --suggest on the page built to fail', async () => {
  const r = await audit(`${work.fixtures.origin}/`, '--pages', '1', '--suggest');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^fail: 9 violations, 0 pages not audited, 0 notices$/m);
  assert.match(r.stdout, /undeclared-cookie {2}cookie fx_visitor \(first-party, 127\.0\.0\.1, 1d\)/);
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colours when not on a terminal');
  assert.match(r.stdout, /"name": "fx_visitor",\s*"lifetime": "1d"/);
  assert.match(r.stdout, /"data": "TODO: what is sent to http:\/\/127\.0\.0\.3:\d+"/);
  assert.match(r.stderr, /^\[1\/1\] http:\/\/127\.0\.0\.1:\d+\/$/m, 'a progress line');
});

test('a crawl of 50 linked pages stops at --pages; a hanging page and a 500 do not stop it', async () => {
  const started = Date.now();
  const r = await audit(`${work.fixtures.origin}/crawl/0`, '--pages', '5', '--page-timeout', '20', '--json');
  assert.equal(r.code, 1, r.stderr);
  const result = json(r);
  assert.deepEqual(
    result.pages.map((p) => new URL(p.url).pathname),
    ['/crawl/0', '/crawl/hang', '/crawl/500', '/crawl/1', '/crawl/2'],
  );
  assert.ok(result.pages.every((p) => Number.isInteger(p.ms) && p.ms > 0));
  assert.ok(result.ms >= result.pages.reduce((s, p) => s + p.ms, 0));
  const errors = result.findings.filter((f) => f.code === 'page-error');
  assert.deepEqual(errors.map((f) => new URL(f.page).pathname).sort(), ['/crawl/500', '/crawl/hang']);
  assert.match(errors.find((f) => f.page.endsWith('/500')).message, /answered HTTP 500/);
  assert.match(errors.find((f) => f.page.endsWith('/hang')).message, /time limit per page/);
  assert.equal(result.counts.violations, 0);
  // A time limit far above what a normal page takes even on a loaded machine, so
  // only the hanging page reaches it.
  assert.ok(result.pages.find((p) => p.url.endsWith('/hang')).ms < 30_000, 'the hanging page is given up within its time');
  assert.ok(Date.now() - started < 120_000);
  const crawled = work.fixtures.log.filter((l) => /^\/crawl\/\d+$/.test(l.path)).map((l) => l.path);
  assert.ok(!crawled.includes('/crawl/3'), 'no page beyond the limit was fetched');
});

test('no browser: a clear message, nothing downloaded', async () => {
  const r = await new Promise((resolve) =>
    execFile('node', [doui, 'audit', 'http://127.0.0.1:9/', '--browser', join(work.dir, 'no-such-browser')], (error, stdout, stderr) =>
      resolve({ code: error?.code ?? 0, stdout, stderr }),
    ),
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^doui audit: no browser at .*no-such-browser$/m);
  const none = await new Promise((resolve) =>
    execFile('node', [doui, 'audit', 'http://127.0.0.1:9/'], { env: { ...process.env, CHROME_PATH: join(work.dir, 'none') } }, (error, stdout, stderr) =>
      resolve({ code: error?.code ?? 0, stderr }),
    ),
  );
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no Chrome or Chromium found/);
});

test('an invalid --config stops the audit with the reader\'s message', async () => {
  const config = join(work.dir, 'broken.json');
  writeFileSync(config, '{ "revision": 1,\n  "categories": [ { "id": "a", "titel": "x" } ] }');
  const r = await audit(`${work.fixtures.origin}/`, '--config', config);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^doui audit: .*broken\.json: config line 2: categories\[0\]\.titel: unknown field/m);
});
