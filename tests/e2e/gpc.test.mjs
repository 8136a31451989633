// Global Privacy Control that overrides an earlier opt-in is stored as a
// refusal: a later visit without the signal is not an opt-in again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.mjs';

const env = setup();

const withGpc = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });

const stored = async (context) => (await context.cookies()).find((c) => c.name === 'doui_consent')?.value ?? '';

test('a GPC override of an earlier opt-in is stored, and holds without the signal', async () => {
  // An earlier visit without the signal accepted everything.
  const page = await env.page('/');
  await page.evaluate(() => window.doui.ready);
  await page.evaluate(() => window.doui.acceptAll());
  const accepted = await stored(page.context());
  assert.match(accepted, /~advertising:1~ad-beacon:1~/);
  // The next visit sends the signal: advertising is refused, and so stored.
  await page.context().addInitScript(withGpc);
  await page.reload();
  await page.evaluate(() => window.doui.ready);
  assert.equal(await page.evaluate(() => window.doui.accepted('advertising')), false);
  const overridden = await stored(page.context());
  assert.match(overridden, /~advertising:0~ad-beacon:0~/);
  assert.match(overridden, /~analytics:1~google-analytics:1~/, 'the rest of the choice is kept');
  assert.notEqual(overridden, accepted, 'the override is stored as a decision of its own');
  assert.equal(overridden.split('.')[1], accepted.split('.')[1], 'the visitor keeps their consent id');
  // The same cookie in a browser without the signal: still refused.
  const later = await env.page(null);
  await later.context().addCookies(await page.context().cookies());
  await later.goto(env.origin + '/');
  await later.evaluate(() => window.doui.ready);
  assert.equal(await later.evaluate(() => window.doui.accepted('advertising')), false);
  assert.equal(await later.evaluate(() => window.doui.accepted('analytics')), true);
  assert.equal(await later.locator('.doui-banner').count(), 0, 'the choice still counts: no banner');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(later.errors, []);
});

test('GPC with a stored choice that opted into nothing it covers rewrites nothing', async () => {
  const page = await env.page('/');
  await page.evaluate(() => window.doui.ready);
  await page.evaluate(() => window.doui.set('analytics', true));
  const before = await stored(page.context());
  await page.context().addInitScript(withGpc);
  await page.reload();
  await page.evaluate(() => window.doui.ready);
  assert.equal(await stored(page.context()), before);
  assert.deepEqual(page.errors, []);
});
