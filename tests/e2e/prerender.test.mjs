// The banner at first paint: the demo's home pages carry the banner root as
// `doui snippet` prints it (tests/prerendered.rs keeps them in step) and the
// head script's tag with the cookie's name, revision and lifetime. The head
// script decides before first paint whether it shows; doui.js takes the markup
// over without rebuilding it, or replaces it when it is stale.
//
// Most tests hold the banner wasm back (`holdWasm`) so that the page is seen as
// a visitor sees it before doui.js has started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setup, axe } from './harness.mjs';

const env = setup();
const demoConfig = readFileSync(new URL('../../www/doui-config.json', import.meta.url), 'utf8');
const vectors = JSON.parse(readFileSync(new URL('../vectors/consent-cookie.json', import.meta.url), 'utf8'));

const now = () => Math.floor(Date.now() / 1000);
/** A valid stored choice for the demo config (revision 1), everything accepted. */
const accepted = (time = now()) =>
  `1.q8Xk2mVb8pL0aZ3nYw7cTg.${time}.1.50b5f8ce.necessary:1~consent:1~login:1~preferences:1~comments:1~screen-options:1~analytics:1~google-analytics:1~advertising:1~ad-beacon:1~embeds:1~youtube:1~example-widget:1`;

/** Holds every request for the banner wasm until the returned function is called. */
async function holdWasm(page) {
  let release;
  const gate = new Promise((ok) => (release = ok));
  await page.route('**/dist/doui_bg.wasm', async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

/**
 * Records, in every animation frame from the first (just before it is
 * painted), whether the banner is displayed and whether doui.js has taken the
 * root over; and the paint and layout-shift entries.
 */
function recordFrames(page) {
  return page.addInitScript(() => {
    window.frames_ = [];
    window.paints = [];
    window.shifts = 0;
    const tick = () => {
      const b = document.querySelector('.doui-banner');
      frames_.push({
        shown: !!b && getComputedStyle(b).display !== 'none' && b.getClientRects().length > 0,
        live: !!document.querySelector('.doui-live'),
      });
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new PerformanceObserver((l) => paints.push(...l.getEntries().map((e) => ({ name: e.name, time: e.startTime })))).observe({ type: 'paint', buffered: true });
    new PerformanceObserver((l) => l.getEntries().forEach((e) => (shifts += e.value))).observe({ type: 'layout-shift', buffered: true });
  });
}

const firstContentfulPaint = (page) =>
  page.waitForFunction(() => window.paints.find((p) => p.name === 'first-contentful-paint')).then((h) => h.jsonValue());

/** Where the prerendered banner is, and a screenshot of that box. */
async function bannerShot(page) {
  const box = await page.locator('.doui-banner').boundingBox();
  return { box, png: await page.screenshot({ clip: box }) };
}

test('first visit: the prerendered banner is in the first contentful paint, before the wasm', async () => {
  const page = await env.page(null);
  const release = await holdWasm(page);
  await recordFrames(page);
  await page.goto(env.origin + '/', { waitUntil: 'domcontentloaded' });
  const fcp = await firstContentfulPaint(page);
  const frames = await page.evaluate(() => frames_);
  assert.ok(frames.length > 0);
  // From the very first frame, before doui.js could take anything over.
  assert.deepEqual(frames[0], { shown: true, live: false });
  assert.ok(frames.every((f) => f.shown && !f.live), JSON.stringify(frames));
  assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-doui-ask')), true);
  // The screenshot at first paint (nothing has changed since: the wasm is
  // held back and the prerendered banner has no entrance animation) shows
  // the banner: without it, the same box looks different.
  const { box, png } = await bannerShot(page);
  assert.ok(box.width > 200 && box.height > 100, JSON.stringify(box));
  assert.ok(fcp.time > 0);
  await page.evaluate(() => document.querySelector('.doui').classList.add('doui-test-hidden'));
  await page.addStyleTag({ content: '.doui-test-hidden{visibility:hidden}' });
  const without = await page.screenshot({ clip: box });
  assert.notDeepEqual(png, without);
  await page.evaluate(() => document.querySelector('.doui').classList.remove('doui-test-hidden'));

  // Made live: the same elements, in the same place, nothing shifted.
  await page.evaluate(() => {
    window.prerenderedBanner = document.querySelector('.doui-banner');
    window.boxBefore = JSON.stringify(prerenderedBanner.getBoundingClientRect());
  });
  release();
  await page.evaluate(() => window.doui.ready);
  await page.waitForFunction(() => document.activeElement?.classList.contains('doui-banner'));
  assert.equal(await page.evaluate(() => document.querySelector('.doui-banner') === window.prerenderedBanner), true);
  assert.equal(await page.evaluate(() => JSON.stringify(prerenderedBanner.getBoundingClientRect()) === boxBefore), true);
  assert.equal(await page.evaluate(() => document.querySelectorAll('.doui').length), 1);
  assert.equal(await page.evaluate(() => window.shifts), 0);
  assert.ok((await page.evaluate(() => frames_)).every((f) => f.shown));
  // Live: the choice is recorded and the banner goes.
  await page.locator('[data-doui-action="reject-all"]').click();
  await page.waitForFunction(() => !document.querySelector('.doui-banner'));
  assert.match((await page.context().cookies()).find((c) => c.name === 'doui_consent').value, /^1\.[\w-]{22}\.\d+\.1\./);
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
  assert.deepEqual(page.errors, []);
});

test('returning visitor with a valid choice: no banner in any frame', async () => {
  for (const path of ['/', '/en/']) {
    const page = await env.page(null);
    await page.context().addCookies([{ name: 'doui_consent', value: accepted(), url: env.origin }]);
    const release = await holdWasm(page);
    await recordFrames(page);
    await page.goto(env.origin + path, { waitUntil: 'domcontentloaded' });
    await firstContentfulPaint(page);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-doui-ask')), false);
    release();
    await page.evaluate(() => window.doui.ready);
    await page.waitForTimeout(300);
    const frames = await page.evaluate(() => frames_);
    assert.ok(frames.length > 5 && frames.some((f) => f.live), path);
    assert.deepEqual(frames.filter((f) => f.shown), [], path);
    assert.equal(await page.locator('.doui-banner').count(), 0, path);
    assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), true);
    assert.deepEqual(page.errors, [], path);
  }
});

test('a choice the head script lets through but doui refuses shows the banner once doui decides', async () => {
  const page = await env.page(null);
  // The right revision and a fresh time, but an id the config does not have.
  await page.context().addCookies([{ name: 'doui_consent', value: accepted().replace('embeds:1', 'retired:1'), url: env.origin }]);
  const release = await holdWasm(page);
  await recordFrames(page);
  await page.goto(env.origin + '/', { waitUntil: 'domcontentloaded' });
  await firstContentfulPaint(page);
  await page.waitForTimeout(200);
  assert.equal(await page.locator('.doui-banner').isVisible(), false);
  release();
  await page.evaluate(() => window.doui.ready);
  await page.waitForFunction(() => document.activeElement?.classList.contains('doui-banner'));
  assert.equal(await page.locator('.doui-banner').isVisible(), true);
  const frames = await page.evaluate(() => frames_);
  // Hidden until doui.js ran, shown from then on.
  assert.ok(frames.every((f) => f.shown === f.live), JSON.stringify(frames));
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
  assert.deepEqual(page.errors, []);
});

test('a banner the head script showed although a valid choice is stored goes without a flash', async () => {
  // A page whose head tag names an older revision: its check asks, doui knows better.
  const page = await env.page(null);
  // A refusal: the page is served by the test, and nothing of the third party may load.
  const refused = accepted().replace(/(analytics|advertising|ad-beacon|embeds|youtube|example-widget|preferences|comments|screen-options):1/g, '$1:0');
  await page.context().addCookies([{ name: 'doui_consent', value: refused, url: env.origin }]);
  const html = (await (await fetch(env.origin + '/')).text()).replace('data-doui-revision="1"', 'data-doui-revision="0"');
  await page.route(env.origin + '/', (r) => r.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await recordFrames(page);
  await page.goto(env.origin + '/');
  await page.evaluate(() => window.doui.ready);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.doui-banner').count(), 0);
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
  // Once live, never shown: it went in the task that took the root over.
  const frames = await page.evaluate(() => frames_);
  assert.ok(frames.some((f) => f.live));
  assert.deepEqual(frames.filter((f) => f.live && f.shown), []);
  assert.deepEqual(page.errors, []);
});

test('clicks before the wasm is ready: the button says it is busy, and the click is applied', async () => {
  for (const [action, check] of [
    ['reject-all', async (page) => assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false)],
    ['accept-all', async (page) => assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), true)],
    ['customize', async (page) => {
      await page.waitForFunction(() => document.querySelector('dialog.doui-prefs')?.open);
      await page.keyboard.press('Escape');
      // The banner is still there, and focus came back to it.
      await page.waitForFunction(() => document.activeElement?.closest('.doui-banner'));
    }],
  ]) {
    const page = await env.page(null);
    const release = await holdWasm(page);
    await page.goto(env.origin + '/', { waitUntil: 'domcontentloaded' });
    const button = page.locator(`[data-doui-action="${action}"]`);
    await button.click();
    assert.equal(await button.getAttribute('aria-busy'), 'true', action);
    assert.equal(await button.evaluate((b) => getComputedStyle(b).cursor), 'progress');
    assert.equal((await page.context().cookies()).find((c) => c.name === 'doui_consent'), undefined);
    release();
    await page.evaluate(() => window.doui.ready);
    if (action !== 'customize') {
      await page.waitForFunction(() => !document.querySelector('.doui-banner'));
      assert.ok((await page.context().cookies()).find((c) => c.name === 'doui_consent'), action);
      assert.match(await page.locator('.doui-status').innerText(), /保存しました/);
    }
    await check(page);
    assert.equal(await page.locator('[aria-busy]').count(), 0, action);
    assert.deepEqual(page.errors, [], action);
  }
});

test('focus stays where the visitor moved it before doui took the banner over', async () => {
  const page = await env.page(null);
  const release = await holdWasm(page);
  await page.goto(env.origin + '/', { waitUntil: 'domcontentloaded' });
  await page.locator('.site-header a').first().focus();
  release();
  await page.evaluate(() => window.doui.ready);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => document.activeElement.closest('.site-header') !== null), true);
  assert.deepEqual(page.errors, []);
});

for (const [name, edit, had, want] of [
  ['another revision', (t) => t.replace('"revision": 1,', '"revision": 2,'), /1\.ja\.\d+/, /2\.ja\.\d+/],
  ['the same revision with other words', (t) => t.replace('"doui デモブログ"', '"doui ブログ"'), /1\.ja\.\d+/, /1\.ja\.\d+/],
]) {
  test(`prerendered markup from ${name} is replaced, with a warning naming both`, async () => {
    const page = await env.page(null);
    const warnings = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.route(env.origin + '/doui-config.json', (r) => r.fulfill({ contentType: 'application/json', body: edit(demoConfig) }));
    await page.goto(env.origin + '/');
    await page.evaluate(() => window.doui.ready);
    const stale = warnings.find((w) => w.startsWith('doui: prerendered banner'));
    assert.ok(stale, warnings.join('\n'));
    const [, from, to] = stale.match(/banner (\S+) is stale, rebuilt as (\S+)$/);
    assert.match(from, had);
    assert.match(to, want);
    assert.notEqual(from, to);
    assert.equal(await page.evaluate(() => document.querySelectorAll('.doui').length), 1);
    assert.equal(await page.evaluate(() => document.querySelector('.doui').hasAttribute('data-doui-snippet')), false);
    if (name.includes('words')) assert.match(await page.locator('.doui-site').innerText(), /doui ブログ/);
    await page.locator('[data-doui-action="accept-all"]').click();
    assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), true);
    assert.deepEqual(page.errors, []);
  });
}

test('a browser that needs another banner (Global Privacy Control) gets it rebuilt, without a warning', async () => {
  const page = await env.page(null);
  const warnings = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  await page.goto(env.origin + '/');
  await page.evaluate(() => window.doui.ready);
  assert.match(await page.locator('.doui-banner .doui-note').innerText(), /GPC/);
  assert.deepEqual(warnings, []);
  assert.deepEqual(page.errors, []);
});

test('a click before the wasm on a banner that this browser gets rebuilt (Global Privacy Control) is still applied', async () => {
  const page = await env.page(null);
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const release = await holdWasm(page);
  await page.goto(env.origin + '/', { waitUntil: 'domcontentloaded' });
  await page.locator('[data-doui-action="accept-all"]').click();
  release();
  await page.evaluate(() => window.doui.ready);
  await page.waitForFunction(() => !document.querySelector('.doui-banner'));
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), true);
  // The signal still refuses what it covers.
  assert.equal(await page.evaluate(() => window.doui.accepted('advertising')), false);
  assert.deepEqual(page.errors, []);
});

test('when doui cannot start, the prerendered banner goes: nothing can answer it', async () => {
  const page = await env.page(null);
  await page.route('**/dist/doui_bg.wasm', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.goto(env.origin + '/');
  await page.evaluate(() => window.doui.ready);
  assert.equal(await page.locator('.doui').count(), 0);
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
});

test('keyboard journey and axe-core on the prerendered banner, before and after doui takes it over', async () => {
  const page = await env.page(null);
  const release = await holdWasm(page);
  await page.goto(env.origin + '/', { waitUntil: 'domcontentloaded' });
  assert.deepEqual(await axe(page, '.doui'), []);
  release();
  await page.evaluate(() => window.doui.ready);
  await page.waitForFunction(() => document.activeElement?.classList.contains('doui-banner'));
  assert.deepEqual(await axe(page, '.doui'), []);
  // Tab reaches the three choices in order; customise opens the preferences.
  const labels = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    labels.push(await page.evaluate(() => document.activeElement.dataset.douiAction));
  }
  assert.deepEqual(labels, ['accept-all', 'reject-all', 'customize']);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('dialog.doui-prefs')?.open);
  assert.deepEqual(await axe(page, 'dialog.doui-prefs'), []);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.dataset.douiAction === 'customize');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('.doui-banner'));
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
  assert.ok((await page.context().cookies()).find((c) => c.name === 'doui_consent'));
  assert.deepEqual(page.errors, []);
});

test('under a strict Content-Security-Policy: decided in the head, shown, taken over, no violation', async () => {
  for (const path of ['/?csp=strict', '/en/?csp=strict']) {
    const page = await env.page(null);
    await page.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const release = await holdWasm(page);
    await recordFrames(page);
    await page.goto(env.origin + path, { waitUntil: 'domcontentloaded' });
    await firstContentfulPaint(page);
    assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-doui-ask')), true, path);
    assert.deepEqual((await page.evaluate(() => frames_))[0], { shown: true, live: false }, path);
    await page.locator('[data-doui-action="accept-all"]').click();
    release();
    await page.evaluate(() => window.doui.ready);
    await page.waitForFunction(() => !document.querySelector('.doui-banner'));
    assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), true, path);
    assert.deepEqual(await page.evaluate(() => window.violations), [], path);
    assert.deepEqual(page.errors, [], path);
  }
});

test("the head script's check agrees with the consent codec's vectors", async () => {
  const page = await env.page(null);
  // The vector's Cookie header as document.cookie, and its time as the clock.
  await page.addInitScript(() => {
    const v = JSON.parse(decodeURIComponent(location.hash.slice(1)));
    Object.defineProperty(Document.prototype, 'cookie', { get: () => v.header, set: () => {} });
    Date.now = () => v.now * 1000;
  });
  await page.route(`${env.origin}/head-check/**`, (route) => {
    const config = new URL(route.request().url()).pathname.split('/').pop();
    const tag = vectors.heads[config].replace('src="doui-consent-default.js"', 'src="/dist/doui-consent-default.js"');
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: `<!doctype html><html><head>${tag}</head><body></body></html>` });
  });
  let checked = 0;
  for (const [i, v] of vectors.cases.entries()) {
    if (v.headAsks === null) continue;
    await page.goto(`${env.origin}/head-check/${i}/${v.config}#${encodeURIComponent(JSON.stringify({ header: v.header, now: v.now }))}`);
    const asks = await page.evaluate(() => document.documentElement.hasAttribute('data-doui-ask'));
    assert.equal(asks, v.headAsks, v.name);
    checked++;
  }
  assert.ok(checked >= 20, `${checked} vectors checked`);
  assert.deepEqual(page.errors, []);
});
