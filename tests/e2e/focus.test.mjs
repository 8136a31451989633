// Keyboard focus is always where the visitor can see it (WCAG 2.2): while the
// banner shows, Tab never lands on an element the banner entirely covers
// (2.4.11 Focus Not Obscured), and a blocked embed is out of the Tab order
// while its placeholder covers it (2.4.7 Focus Visible).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, setup } from './harness.mjs';

const env = setup();

/** A first visit at `viewport`, once the banner has focus and its entrance is over. */
async function withBanner(path, viewport) {
  const page = await env.page(path, { viewport });
  await page.locator('.doui-banner').waitFor();
  await page.waitForFunction(() => document.activeElement?.className === 'doui-banner', null, { timeout: 2000 });
  await page.locator('.doui-banner').evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  if (await page.locator('[data-doui-policy]').count()) await page.locator('[data-doui-policy] article').waitFor();
  // The demo's late content (a script after 300 ms, an embed by fetch) is in.
  if (await page.locator('#late-widget').count()) {
    await page.locator('#late-widget iframe').waitFor({ state: 'attached' });
    await env.quiet(page);
  }
  return page;
}

/**
 * Tabs through the whole page (until focus comes back to where it started) and
 * returns every focus stop that was entirely hidden: under the banner, or
 * outside the viewport.
 */
async function hiddenFocusStops(page) {
  const hidden = [];
  let first = null;
  let stops = 0;
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const banner = document.querySelector('.doui-banner');
      // A number per element, kept outside the DOM: late content shifts any index.
      const ids = (window.focusStops ??= new WeakMap());
      if (!ids.has(el)) ids.set(el, (window.focusCount = (window.focusCount ?? 0) + 1));
      const key = `${el.localName} ${(el.textContent || el.title || '').trim().slice(0, 30)} #${ids.get(el)}`;
      if (banner?.contains(el)) return { key, hidden: false };
      const a = el.getBoundingClientRect();
      const [w, h] = [document.documentElement.clientWidth, document.documentElement.clientHeight];
      // The part of the element inside the viewport…
      const [x1, y1, x2, y2] = [Math.max(a.left, 0), Math.max(a.top, 0), Math.min(a.right, w), Math.min(a.bottom, h)];
      if (x2 <= x1 || y2 <= y1) return { key, hidden: true };
      if (!banner) return { key, hidden: false };
      // …is it all under the banner?
      const b = banner.getBoundingClientRect();
      return { key, hidden: x1 >= b.left && x2 <= b.right && y1 >= b.top && y2 <= b.bottom };
    });
    if (!stop) continue;
    if (stop.key === first) break;
    first ??= stop.key;
    stops++;
    if (stop.hidden) hidden.push(stop.key);
  }
  return { hidden, stops };
}

for (const [path, width, height] of [
  ['/', 1280, 800],
  ['/', 375, 667],
  ['/privacy.html', 1280, 800],
  ['/privacy.html', 375, 667],
  ['/en/', 320, 568],
  ['/en/privacy.html', 320, 568],
]) {
  test(`Tab never lands under the banner: ${path} at ${width}×${height}`, async () => {
    const page = await withBanner(path, { width, height });
    const { hidden, stops } = await hiddenFocusStops(page);
    assert.ok(stops > 8, `tabbed through ${stops} stops`);
    assert.deepEqual(hidden, [], `${hidden.length} of ${stops} focus stops entirely hidden`);
    // The banner is still open and the page still scrolls to its very end.
    assert.equal(await page.locator('.doui-banner').count(), 1);
    assert.deepEqual(page.errors, []);
  });
}

test('the room kept for the banner follows its height, and goes with it', async () => {
  const page = await withBanner('/', { width: 375, height: 667 });
  const padding = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom) || 0);
  const banner = await page.locator('.doui-banner').evaluate((el) => el.offsetHeight + parseFloat(getComputedStyle(el).bottom));
  assert.ok(Math.abs((await padding()) - banner) <= 1, `scroll-padding-bottom ${await padding()} for a banner of ${banner}`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForTimeout(100);
  const wide = await page.locator('.doui-banner').evaluate((el) => el.offsetHeight + parseFloat(getComputedStyle(el).bottom));
  assert.ok(wide < banner, 'the banner is lower on a wide screen');
  assert.ok(Math.abs((await padding()) - wide) <= 1, `scroll-padding-bottom ${await padding()} for a banner of ${wide}`);
  await page.locator('[data-doui-action="reject-all"]').click();
  assert.equal(await padding(), 0, 'no room kept once the banner is gone');
  assert.equal(await page.locator('.doui-banner-slot').evaluate((el) => el.offsetHeight), 0);
});

test('the room is kept under a strict Content-Security-Policy too', async () => {
  const page = await env.page('/lab.html?csp=strict', { viewport: { width: 375, height: 667 } });
  await page.locator('.doui-banner').waitFor();
  await page.waitForFunction(() => parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom) > 100);
  assert.deepEqual(await page.evaluate(() => window.lab.violations), []);
});

test('a browser without constructed stylesheets still gets the banner, without the room', async () => {
  const page = await env.page(null);
  await page.context().addInitScript(() => {
    window.CSSStyleSheet = function CSSStyleSheet() {
      throw new TypeError('Illegal constructor');
    };
  });
  await page.goto(env.origin + '/');
  await page.locator('.doui-banner').waitFor();
  await page.locator('[data-doui-action="reject-all"]').click();
  assert.equal(await page.evaluate(() => window.doui.accepted('necessary')), true);
  assert.deepEqual(page.errors, []);
});

test('a blocked embed is out of the Tab order, and gets the site\'s own tabindex back when it loads', async () => {
  const page = await env.page('/en/');
  await page.evaluate(() => window.doui.ready);
  await page.locator('[data-doui-action="reject-all"]').click();
  // A late embed with a tabindex of the site's own.
  await page.evaluate(() => {
    const f = document.createElement('iframe');
    Object.assign(f, { title: 'Own tabindex', width: 200, height: 120 });
    f.dataset.consent = 'youtube';
    f.dataset.src = document.documentElement.dataset.thirdParty + '/third-party/embed.html?own';
    f.setAttribute('tabindex', '2');
    f.id = 'own-tabindex';
    document.querySelector('main').append(f);
  });
  await page.locator('#own-tabindex + .doui-ph, .doui-embed:has(#own-tabindex) .doui-ph').waitFor();
  const frames = () =>
    page.evaluate(() => [...document.querySelectorAll('.doui-embed iframe')].map((f) => [f.tabIndex, f.getAttribute('tabindex')]));
  assert.deepEqual(await frames(), [[-1, '-1'], [-1, '-1'], [-1, '-1']]);
  // From a placeholder's last button, Tab goes on to something visible, not into the frame.
  const button = page.locator('.doui-embed').first().getByRole('button', { name: 'Always allow YouTube' });
  await button.focus();
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.localName), 'iframe');
  // Loaded once, then allowed: the site's own value, or none, comes back exactly.
  await page.locator('.doui-embed').first().getByRole('button', { name: 'Load this once' }).click();
  await page.waitForFunction(() => document.querySelector('.doui-embed iframe').tabIndex === 0);
  assert.deepEqual((await frames())[0], [0, null]);
  await page.evaluate(() => window.doui.set('youtube', true));
  await page.waitForFunction(() => document.querySelectorAll('.doui-ph').length === 0);
  assert.deepEqual(await frames(), [[0, null], [0, null], [2, '2']]);
  // Withdrawn: out of the Tab order again.
  await page.evaluate(() => window.doui.set('youtube', false));
  await page.waitForFunction(() => document.querySelectorAll('.doui-ph').length === 3);
  assert.deepEqual(await frames(), [[-1, '-1'], [-1, '-1'], [-1, '-1']]);
  assert.deepEqual(await axe(page, '.demo-gated'), []);
  assert.deepEqual(page.errors, []);
});
