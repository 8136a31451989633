// The demo site is what sites copy, so it has to be a compliant example: every
// page links to the policy and to its external-transmission section, has a
// footer control that reopens the Cookie settings, sets the Consent Mode
// defaults before doui can send an update, the site publishes that it honours
// Global Privacy Control, and what sends data to a third party is declared and
// gated as its own service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { setup } from './harness.mjs';

const env = setup();

/** Every page of the demo site that loads doui: www/*.html and www/en/*.html. */
const pages = ['', 'en/'].flatMap((dir) =>
  readdirSync(new URL(`../../www/${dir}`, import.meta.url))
    .filter((f) => f.endsWith('.html'))
    .map((f) => `/${dir}${f === 'index.html' ? '' : f}`),
);

test('the page list covers the demo', () => {
  for (const want of ['/', '/privacy.html', '/policies.html', '/policy.html', '/lab.html', '/en/', '/en/privacy.html']) {
    assert.ok(pages.includes(want), `${want} in ${pages}`);
  }
});

test('every page links to the policy and its external-transmission section, and reopens the Cookie settings', async () => {
  for (const path of pages) {
    const page = await env.page(path);
    await page.evaluate(() => window.doui.ready);
    const footer = await page.evaluate(() => {
      const links = [...document.querySelectorAll('footer a[href]')].map((a) => new URL(a.href));
      const lang = document.documentElement.lang;
      const policy = lang === 'en' ? '/en/privacy.html' : '/privacy.html';
      return {
        policy: links.some((u) => u.pathname === policy && !u.hash),
        transmissions: links.some((u) => u.pathname === policy && u.hash === '#external-transmission'),
        settings: document.querySelector('footer [data-doui-open]')?.textContent.trim(),
        lang,
      };
    });
    assert.ok(footer.policy, `${path}: footer links to the policy`);
    assert.ok(footer.transmissions, `${path}: footer links to the external-transmission section`);
    assert.equal(footer.settings, footer.lang === 'en' ? 'Cookie settings' : 'Cookie設定', `${path}: footer Cookie settings`);
    await page.locator('footer [data-doui-open]').focus();
    await page.keyboard.press('Enter');
    await page.locator('dialog.doui-prefs[open]').waitFor({ timeout: 2000 });
    assert.deepEqual(page.errors.filter((e) => !/404/.test(e)), [], path);
    await page.context().close();
  }
});

test('every page sets the Consent Mode defaults before doui can send an update', async () => {
  for (const path of pages) {
    const page = await env.page(path);
    await page.evaluate(() => window.doui.ready);
    await page.evaluate(() => window.doui.set('analytics', true));
    const calls = await page.evaluate(() =>
      (window.dataLayer ?? []).map((a) => [a[0], a[1]]).filter(([kind]) => kind === 'consent' || kind === 'set'),
    );
    assert.deepEqual(calls[0], ['consent', 'default'], `${path}: ${JSON.stringify(calls)}`);
    assert.ok(calls.some(([k, v]) => k === 'consent' && v === 'update'), `${path}: an update follows`);
    await page.context().close();
  }
});

test('the site publishes that it honours Global Privacy Control', async () => {
  const res = await fetch(`${env.origin}/.well-known/gpc.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const body = await res.json();
  assert.equal(body.gpc, true);
  assert.match(body.lastUpdate, /^\d{4}-\d{2}-\d{2}$/);
});

test('the late widget is a declared service with its transmission, and waits for its own consent', async () => {
  const config = JSON.parse(readFileSync(new URL('../../www/doui-config.json', import.meta.url), 'utf8'));
  const page = await env.page('/');
  await page.evaluate(() => window.doui.ready);
  const marking = await page.locator('#late-widget script[data-consent]').getAttribute('data-consent', { timeout: 2000 });
  const service = config.categories.flatMap((c) => c.services ?? []).find((s) => s.id === marking);
  assert.ok(service, `the widget is gated by a service of its own, not "${marking}"`);
  assert.ok(service.transmissions?.length > 0, 'its transmission is declared');
  // Always allowing YouTube from its placeholder does not release the widget.
  const since = env.server.log.length;
  await page.locator('.doui-embed').first().getByRole('button', { name: 'YouTubeを常に許可する' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('iframe[src]').length === 2);
  await env.quiet(page);
  const sent = () => env.server.log.slice(since).filter((r) => r.host.startsWith('127.0.0.2')).map((r) => r.path);
  assert.ok(!sent().some((p) => p.includes('widget')), sent().join());
  assert.equal(await page.locator('#late-widget').getAttribute('data-widget-ran'), null);
  // Its own consent does.
  await page.evaluate((id) => window.doui.set(id, true), marking);
  await page.waitForFunction(() => document.querySelector('#late-widget')?.dataset.widgetRan === '1');
  assert.ok(sent().includes('/third-party/widget.js'), sent().join());
  assert.deepEqual(page.errors, []);
});
