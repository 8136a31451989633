// What the page may load obeys the visitor's choice: third-party scripts,
// beacons, embeds and late-inserted content wait for consent; refused services'
// cookies are deleted; Google Consent Mode and Global Privacy Control are honoured.
// The third party is the test server's second loopback origin (127.0.0.2),
// which logs every request it receives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { axe, setup } from './harness.mjs';

const env = setup();

/** Third-party requests made after `since` (a log length), as paths. */
function thirdPartySince(since) {
  return env.server.log
    .slice(since)
    .filter((r) => r.host.startsWith('127.0.0.2'))
    .map((r) => r.path);
}

/** Opens `path` and waits until doui started and the late content arrived. */
async function visit(path = '/', options) {
  const page = await env.page(null, options);
  await page.goto(path.startsWith('http') ? path : env.origin + path);
  await settle(page);
  return page;
}

async function settle(page) {
  await page.evaluate(() => window.doui.ready);
  // late.js inserts its script after 300 ms and fetches its fragment at once.
  await page.locator('#late-widget iframe').waitFor({ state: 'attached' });
  await env.quiet(page);
}

const analyticsRuns = (page) => page.evaluate(() => window.demoAnalytics?.runs ?? 0);

const consentCalls = (page) =>
  page.evaluate(() =>
    (window.dataLayer ?? []).filter((a) => a[0] === 'consent').map((a) => [a[1], { ...a[2] }]),
  );

test('before any choice nothing reaches the third party and embeds show placeholders', async () => {
  const since = env.server.log.length;
  const page = await visit('/');
  assert.deepEqual(thirdPartySince(since), []);
  assert.equal(await analyticsRuns(page), 0);
  assert.equal((await page.context().cookies()).filter((c) => c.name.startsWith('_ga')).length, 0);
  // Both the embed in the markup and the one inserted by AJAX wait behind a placeholder.
  assert.equal(await page.locator('.doui-embed .doui-ph').count(), 2);
  assert.equal(await page.locator('iframe[src]').count(), 0);
  const ph = page.locator('.doui-embed .doui-ph').first();
  assert.match(await ph.innerText(), /YouTube\s+Google LLC/);
  assert.ok(await ph.locator('button', { hasText: '今回だけ表示する' }).isVisible());
  assert.ok(await ph.locator('button', { hasText: 'YouTubeを常に許可する' }).isVisible());
  // The placeholder covers the iframe's own box: nothing shifts when it loads.
  const [frame, cover] = await Promise.all([
    page.locator('.doui-embed iframe').first().boundingBox(),
    ph.boundingBox(),
  ]);
  assert.deepEqual(cover, frame);
  // The fallback for refused analytics ran.
  assert.match(await page.locator('#analytics-status').innerText(), /アクセス解析はオフです/);
  assert.equal(await page.locator('#late-widget').getAttribute('data-widget-ran'), null);
  assert.deepEqual(await axe(page, '.demo-gated'), []);
  assert.deepEqual(page.errors, []);
});

test('reject all keeps everything blocked, also after a reload', async () => {
  const since = env.server.log.length;
  const page = await visit('/');
  await page.locator('[data-doui-action="reject-all"]').click();
  await env.quiet(page);
  await page.reload();
  await settle(page);
  assert.deepEqual(thirdPartySince(since), []);
  assert.equal(await page.locator('.doui-embed .doui-ph').count(), 2);
  assert.deepEqual(page.errors, []);
});

test('accepting analytics runs its tag at once, once, and nothing else', async () => {
  const since = env.server.log.length;
  const page = await visit('/');
  await page.locator('[data-doui-action="customize"]').click();
  await page.locator('#doui-c-analytics').check();
  await page.locator('[data-doui-action="save"]').click();
  await page.waitForFunction(() => window.demoAnalytics?.beacons === 1);
  const paths = thirdPartySince(since);
  assert.ok(paths.includes('/third-party/gtag.js'), paths.join());
  assert.ok(paths.some((p) => p.startsWith('/third-party/pixel.gif?collect=pageview')), 'the beacon was sent');
  assert.ok(!paths.some((p) => p.includes('collect=ad') || p.includes('embed.html') || p.includes('widget')), paths.join());
  // The inline config after the tag ran too, in document order.
  assert.ok(await page.evaluate(() => window.dataLayer.some((a) => a[0] === 'config' && a[1] === 'G-DEMO')));
  // Consenting again does not run the tag a second time.
  await page.evaluate(() => window.doui.set('google-analytics', true));
  await page.evaluate(() => window.doui.set('analytics', true));
  await env.quiet(page);
  assert.equal(await analyticsRuns(page), 1);
  assert.equal(await page.locator('iframe[src]').count(), 0);
  assert.deepEqual(page.errors, []);
});

test('accept all, then reload: everything loads on page load', async () => {
  const page = await visit('/');
  await page.locator('[data-doui-action="accept-all"]').click();
  // Without a reload, the embeds and the late widget load too.
  await page.waitForFunction(() => document.querySelector('#late-widget')?.dataset.widgetRan === '1');
  assert.equal(await page.locator('.doui-ph').count(), 0);
  const since = env.server.log.length;
  await page.reload();
  await settle(page);
  await page.waitForFunction(() => document.querySelector('#late-widget')?.dataset.widgetRan === '1');
  const paths = thirdPartySince(since);
  for (const want of ['/third-party/gtag.js', '/third-party/embed.html', '/third-party/embed.html?late=1', '/third-party/widget.js']) {
    assert.ok(paths.includes(want), `${want} in ${paths.join()}`);
  }
  assert.ok(paths.some((p) => p.includes('collect=ad')), 'the ad beacon loaded');
  assert.equal(await page.locator('.doui-ph').count(), 0);
  assert.equal(await page.locator('iframe[src]').count(), 2);
  assert.equal(await page.locator('#analytics-status').innerText(), '', 'the fallback did not run');
  assert.deepEqual(page.errors, []);
});

test('withdrawing deletes declared cookies on parent domains and paths, and blocks on reload', async () => {
  const page = await visit(`${env.named}/en/`);
  await page.locator('[data-doui-action="accept-all"]').click();
  await page.waitForFunction(() => document.cookie.includes('_ga_DEMO='));
  // A cookie on a non-root path, and one of a refused service's patterns.
  await page.evaluate(() => {
    document.cookie = '_ga_OLD=1; Path=/en; Max-Age=600';
    document.cookie = 'comment_author_abc=me; Path=/; Domain=doui.test; Max-Age=600';
    document.cookie = 'wordpress_logged_in_abc=keep; Path=/; Max-Age=600';
  });
  const before = (await page.context().cookies()).map((c) => `${c.name}@${c.domain}${c.path}`);
  assert.ok(before.includes('_ga@.doui.test/'), before.join());
  assert.ok(before.includes('_ga_OLD@www.doui.test/en'), before.join());
  await page.evaluate(() => window.doui.rejectAll());
  const after = (await page.context().cookies()).map((c) => c.name).sort();
  assert.deepEqual(after, ['doui_consent', 'wordpress_logged_in_abc']);
  // The tag already ran in this page view: the visitor is offered a reload.
  const notice = page.locator('.doui-notice');
  await notice.getByRole('button', { name: 'Reload' }).waitFor();
  assert.match(await notice.innerText(), /reload the page/);
  await env.quiet(page);
  const since = env.server.log.length;
  await Promise.all([page.waitForEvent('load'), notice.getByRole('button', { name: 'Reload' }).click()]);
  await settle(page);
  assert.deepEqual(thirdPartySince(since), []);
  assert.equal(await analyticsRuns(page), 0);
  assert.deepEqual(page.errors, []);
});

test('a refused embed can be loaded once, or its service always allowed, from the placeholder', async () => {
  const page = await visit('/en/');
  await page.locator('[data-doui-action="reject-all"]').click();
  const first = page.locator('.doui-embed').first();
  assert.ok(await first.getByRole('button', { name: 'Always allow YouTube' }).isVisible());
  await first.getByRole('button', { name: 'Load this once' }).click();
  await page.waitForFunction(() => document.querySelectorAll('iframe[src]').length === 1);
  assert.equal(await page.evaluate(() => window.doui.accepted('youtube')), false);
  // By keyboard this time. (A mouse click right after an out-of-process iframe
  // loaded can be routed to that iframe by headless Chromium's hit testing.)
  await page.locator('.doui-embed').nth(1).getByRole('button', { name: 'Always allow YouTube' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('iframe[src]').length === 2);
  assert.equal(await page.evaluate(() => window.doui.accepted('youtube')), true);
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
  // Withdrawn again: the embeds are emptied and the placeholders return.
  await page.evaluate(() => window.doui.set('youtube', false));
  await page.waitForFunction(() => document.querySelectorAll('.doui-ph').length === 2);
  assert.deepEqual(page.errors, []);
});

test('Consent Mode: default first, then an update for every choice and on every load', async () => {
  const page = await visit('/');
  let calls = await consentCalls(page);
  assert.equal(calls.length, 1);
  assert.equal(calls[0][0], 'default');
  assert.equal(await page.evaluate(() => window.dataLayer[0][0]), 'consent', 'default comes before anything else');
  for (const type of ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage', 'functionality_storage', 'personalization_storage', 'security_storage']) {
    assert.equal(calls[0][1][type], 'denied', type);
  }
  assert.equal(await page.evaluate(() => window.dataLayer.some((a) => a[0] === 'set' && a[1] === 'ads_data_redaction' && a[2] === true)), true);
  await page.evaluate(() => window.doui.set('analytics', true));
  calls = await consentCalls(page);
  assert.equal(calls.length, 2);
  assert.deepEqual(calls[1], ['update', {
    ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied',
    analytics_storage: 'granted', functionality_storage: 'denied', personalization_storage: 'denied',
    security_storage: 'granted',
  }]);
  await page.evaluate(() => window.doui.acceptAll());
  calls = await consentCalls(page);
  assert.equal(calls.length, 3);
  assert.ok(Object.values(calls[2][1]).every((v) => v === 'granted'));
  await page.reload();
  await settle(page);
  calls = await consentCalls(page);
  assert.deepEqual(calls.map((c) => c[0]), ['default', 'update']);
  assert.ok(Object.values(calls[1][1]).every((v) => v === 'granted'));
  assert.deepEqual(page.errors, []);
});

test('Global Privacy Control keeps advertising off, says so, and overrides an earlier opt-in', async () => {
  const page = await env.page(null);
  // An earlier visit without the signal accepted everything.
  await page.goto(env.origin + '/');
  await settle(page);
  const beforeAccept = env.server.log.length;
  await page.evaluate(() => window.doui.acceptAll());
  assert.equal(await page.evaluate(() => window.doui.accepted('advertising')), true);
  // The accepted beacon loads at once; its request must arrive before the
  // reload, or it would be counted against the page with the signal.
  const beacon = () => thirdPartySince(beforeAccept).some((p) => p.includes('collect=ad'));
  for (let i = 0; i < 50 && !beacon(); i++) await page.waitForTimeout(100);
  assert.ok(beacon(), 'the beacon loads once advertising is accepted');
  await page.context().addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
  );
  const since = env.server.log.length;
  await page.reload();
  await settle(page);
  assert.equal(await page.evaluate(() => window.doui.accepted('advertising')), false);
  assert.equal(await page.evaluate(() => window.doui.accepted('ad-beacon')), false);
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), true);
  assert.ok(!thirdPartySince(since).some((p) => p.includes('collect=ad')));
  // Accepting all (or the category itself) cannot switch it on.
  await page.evaluate(() => window.doui.acceptAll());
  await page.evaluate(() => window.doui.set('advertising', true));
  assert.equal(await page.evaluate(() => window.doui.accepted('advertising')), false);
  const calls = await consentCalls(page);
  assert.equal(calls.at(-1)[1].ad_storage, 'denied');
  // A new visitor with the signal is told in the banner and in the preferences.
  const fresh = await env.page(null);
  await fresh.context().addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
  );
  await fresh.goto(env.origin + '/');
  await fresh.locator('.doui-banner').waitFor();
  assert.match(await fresh.locator('.doui-banner').innerText(), /グローバル・プライバシー・コントロール（GPC）/);
  await fresh.locator('[data-doui-action="customize"]').click();
  assert.ok(await fresh.locator('#doui-c-advertising').isDisabled());
  assert.ok(await fresh.locator('#doui-c-ad-beacon').isDisabled());
  assert.ok(!(await fresh.locator('#doui-c-analytics').isDisabled()));
  assert.deepEqual(page.errors, []);
  assert.deepEqual(fresh.errors, []);
});

for (const csp of [false, true]) {
  test(`module, nonce and integrity scripts run in order after consent${csp ? ' under a strict CSP' : ''}`, async () => {
    const page = await env.page(null);
    await page.goto(`${env.origin}/lab.html${csp ? '?csp=strict' : ''}`);
    await page.evaluate(() => window.doui.ready);
    assert.deepEqual(await page.evaluate(() => window.lab.runs), []);
    const before = env.server.log.length;
    const media = () =>
      page.evaluate(() => ({
        css: getComputedStyle(document.documentElement).getPropertyValue('--lab-gated-css').trim(),
        img: document.querySelector('main img').getAttribute('src'),
        source: document.querySelector('video source').getAttribute('src'),
      }));
    assert.deepEqual(await media(), { css: '', img: null, source: null });
    await page.evaluate(() => window.doui.set('analytics', true));
    await page.waitForFunction(() => window.lab.runs.length >= 4);
    await env.quiet(page);
    const runs = await page.evaluate(() => window.lab.runs);
    assert.deepEqual(runs.slice(0, 2), ['first', 'inline'], 'classic scripts keep document order');
    assert.deepEqual([...runs].sort(), ['first', 'inline', 'integrity', 'module:string']);
    assert.deepEqual(await page.evaluate(() => window.lab.violations), []);
    await page.waitForFunction(() => getComputedStyle(document.documentElement).getPropertyValue('--lab-gated-css').trim() === 'loaded');
    assert.deepEqual(await media(), { css: 'loaded', img: '/favicon.svg', source: '/third-party/none.webm?lab' });
    const loaded = env.server.log.slice(before).map((r) => r.path);
    for (const want of ['/js/lab.css', '/favicon.svg', '/third-party/none.webm?lab']) assert.ok(loaded.includes(want), `${want} in ${loaded}`);
    // Only the copy with the wrong hash failed, as Subresource Integrity demands,
    // and the stand-in video that does not exist.
    assert.deepEqual(page.errors.filter((e) => !(/integrity/.test(e) && /tampered/.test(e)) && !/404/.test(e)), []);
  });
}

test('advanced Consent Mode loads Google tags at once with denied defaults; everything else waits', async () => {
  const config = JSON.parse(readFileSync(new URL('../../www/doui-config.json', import.meta.url), 'utf8'));
  config.consentMode.mode = 'advanced';
  const page = await env.page(null);
  await page.route(env.origin + '/doui-config.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(config) }));
  const since = env.server.log.length;
  await page.goto(env.origin + '/');
  await settle(page);
  await page.waitForFunction(() => window.demoAnalytics?.runs === 1);
  const paths = thirdPartySince(since);
  assert.ok(paths.includes('/third-party/gtag.js'), paths.join());
  // The tag read the denied default: no identifier cookie, a cookieless ping.
  assert.ok(paths.some((p) => p.includes('collect=pageview') && p.includes('storage=denied')), paths.join());
  assert.equal((await page.context().cookies()).filter((c) => c.name.startsWith('_ga')).length, 0);
  assert.ok(!paths.some((p) => p.includes('collect=ad') || p.includes('embed.html') || p.includes('widget')), paths.join());
  assert.equal(await page.evaluate(() => window.doui.accepted('google-analytics')), false);
  assert.deepEqual(page.errors, []);
});
