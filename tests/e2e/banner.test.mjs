// A visitor meets the banner, chooses, and the choice is remembered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, setup } from './harness.mjs';

const env = setup();

async function firstVisit(path = '/') {
  const page = await env.page(path);
  await page.locator('.doui-banner').waitFor();
  // Focus moves in with the frame that first paints the banner.
  await page.waitForFunction(() => document.activeElement?.className === 'doui-banner', null, { timeout: 2000 });
  return page;
}

async function consentCookie(page) {
  const cookies = await page.context().cookies();
  return cookies.find((c) => c.name === 'doui_consent');
}

test('first visit shows the banner with focus inside and nothing allowed', async () => {
  const page = await firstVisit(); // which waits for focus to move into the banner
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
  assert.equal(await consentCookie(page), undefined);
  const [accept, reject] = await Promise.all(
    ['accept-all', 'reject-all'].map((a) => page.locator(`[data-doui-action="${a}"]`).boundingBox()),
  );
  assert.ok(Math.abs(accept.width - reject.width) < 1 && accept.height === reject.height, 'accept and reject are the same size');
  assert.deepEqual(page.errors, []);
});

test('accept all is stored, announced, and survives a reload', async () => {
  const page = await firstVisit();
  const events = page.evaluate(
    () =>
      new Promise((ok) => {
        const seen = [];
        for (const t of ['doui:consent', 'doui:change'])
          document.addEventListener(t, (e) => {
            seen.push([t, e.detail.categories.analytics]);
            if (seen.length === 2) ok(seen);
          });
      }),
  );
  await page.locator('[data-doui-action="accept-all"]').click();
  assert.deepEqual(await events, [['doui:consent', true], ['doui:change', true]]);
  assert.match((await consentCookie(page)).value, /^1\.[A-Za-z0-9_-]{22}\.\d+\.1\.50b5f8ce\.necessary:1~/);
  assert.equal(await page.locator('.doui-status').innerText(), '選択を保存しました。');
  await page.reload();
  await page.waitForFunction(() => window.doui.accepted('google-analytics'));
  assert.equal(await page.locator('.doui-banner').count(), 0);
  assert.ok(await page.locator('.doui-reopen').isVisible());
});

test('reject all keeps only the necessary category, also after reload', async () => {
  const page = await firstVisit();
  await page.locator('[data-doui-action="reject-all"]').click();
  await page.reload();
  await page.locator('.doui-reopen').waitFor();
  const state = await page.evaluate(() => window.doui.consent());
  assert.equal(state.categories.necessary, true);
  for (const id of ['preferences', 'analytics', 'advertising', 'embeds']) assert.equal(state.categories[id], false, id);
});

test('customise per service with the keyboard alone', async () => {
  const page = await firstVisit();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // customise
  await page.locator('dialog.doui-prefs[open]').waitFor();
  await page.locator('.doui-services').nth(2).locator('summary').click();
  await page.locator('#doui-c-google-analytics').focus();
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#doui-c-analytics').isChecked(), true, 'the only analytics service turns its category on');
  // Escape closes without saving; focus returns to the customise button.
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.douiAction), 'customize');
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
  await page.keyboard.press('Enter');
  await page.locator('.doui-services').nth(2).locator('summary').click();
  await page.locator('#doui-c-google-analytics').check();
  await page.locator('[data-doui-action="save"]').click();
  assert.equal(await page.evaluate(() => window.doui.accepted('google-analytics')), true);
  assert.equal(await page.evaluate(() => window.doui.accepted('advertising')), false);
});

test('Tab stays inside the preferences dialog', async () => {
  const page = await firstVisit();
  await page.locator('[data-doui-action="customize"]').click();
  await page.locator('dialog.doui-prefs[open]').waitFor();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(i % 3 ? 'Tab' : 'Shift+Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('dialog.doui-prefs')), `press ${i}`);
  }
});

test('English pages get the English banner', async () => {
  const page = await firstVisit('/en/');
  assert.equal(await page.locator('.doui-banner [data-doui-action="reject-all"]').innerText(), 'Reject all');
});

test('banner and preferences have no axe-core violations', async () => {
  for (const path of ['/', '/en/']) {
    const page = await firstVisit(path);
    assert.deepEqual(await axe(page, '.doui'), [], `${path} banner`);
    await page.locator('[data-doui-action="customize"]').click();
    await page.locator('dialog.doui-prefs[open]').waitFor();
    assert.deepEqual(await axe(page, '.doui'), [], `${path} preferences`);
  }
});

