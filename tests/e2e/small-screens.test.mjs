// The banner and the preferences stay usable on small screens, large text and
// whatever font the browser falls back to: they never run off the screen and
// scroll inside themselves; the banner's choices stay on screen.
//
// Each case runs twice: with the machine's Japanese font, and in a browser whose
// fontconfig hides every font that covers Japanese, as on a visitor's machine
// without one (the glyphs then come from whatever fallback is left).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axe, launch, setup } from './harness.mjs';

const env = setup();
const noJapanese = { dir: '', conf: '', browser: null };

/** A fontconfig file: the system's configuration, less every font that covers Japanese. */
function fontconfigWithoutJapanese(dir) {
  const conf = join(dir, 'fonts.conf');
  writeFileSync(
    conf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <cachedir>${dir}/cache</cachedir>
  <selectfont><rejectfont><pattern><patelt name="lang"><string>ja</string></patelt></pattern></rejectfont></selectfont>
</fontconfig>
`,
  );
  return conf;
}

const japaneseFonts = (extraEnv = {}) =>
  execFileSync('fc-list', [':lang=ja', 'family'], { env: { ...process.env, ...extraEnv }, encoding: 'utf8' }).trim();

before(async () => {
  noJapanese.dir = mkdtempSync(join(tmpdir(), 'doui-fonts-'));
  noJapanese.conf = fontconfigWithoutJapanese(noJapanese.dir);
  noJapanese.browser = await launch({ env: { ...process.env, FONTCONFIG_FILE: noJapanese.conf } });
});
after(async () => {
  await noJapanese.browser?.close();
  rmSync(noJapanese.dir, { recursive: true, force: true });
});

test('the two font set-ups are what they claim', () => {
  assert.notEqual(japaneseFonts(), '', 'the test machine has a Japanese font (./dev test installs one)');
  assert.equal(japaneseFonts({ FONTCONFIG_FILE: noJapanese.conf }), '', 'the second browser sees no Japanese font');
});

/** Waits until the banner's entrance animation is over, so its box is where it stays. */
const settled = (page, selector) =>
  page.locator(selector).evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));

/**
 * What is wrong with `scope` on screen: it runs off the viewport, scrolls
 * sideways, or has a control that is outside the viewport, smaller than
 * 24×24 px, or (for `pinned`, the choice buttons) not visible and clickable
 * where it is without scrolling anything.
 */
function problemsOf(page, scope, pinned) {
  return page.evaluate(
    ([scope, pinned]) => {
      const problems = [];
      const root = document.querySelector(scope);
      const box = root.getBoundingClientRect();
      if (box.top < 0 || box.bottom > innerHeight + 0.5) problems.push(`${scope} runs off the screen: ${box.top}–${box.bottom} of ${innerHeight}`);
      if (root.scrollWidth > root.clientWidth + 1) problems.push(`${scope} scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
      if (document.documentElement.scrollWidth > innerWidth) problems.push(`page scrolls sideways (${document.documentElement.scrollWidth})`);
      for (const el of root.querySelectorAll('button, a[href], input, summary')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue; // inside a closed <details>
        if (r.left < 0 || r.right > innerWidth) problems.push(`${el.outerHTML.slice(0, 60)} outside the viewport`);
        if (el.localName !== 'a' && (r.width < 24 || r.height < 24)) problems.push(`${el.outerHTML.slice(0, 60)} is ${r.width}×${r.height}`);
      }
      for (const action of pinned) {
        const el = root.querySelector(`[data-doui-action="${action}"]`);
        const r = el.getBoundingClientRect();
        const inside = r.top >= Math.max(0, box.top) && r.bottom <= Math.min(innerHeight, box.bottom) + 0.5;
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!inside || !el.contains(hit)) problems.push(`${action} is not on screen (${r.top}–${r.bottom}, hit ${hit?.className})`);
      }
      return problems;
    },
    [scope, pinned],
  );
}

// [name, viewport, extra style, whether the choice buttons must be on screen
// without scrolling]. At 320×480 with text at 200% the three choices alone are
// taller than the screen: there they must be reachable by scrolling inside the
// banner, which stays on screen.
const screens = [
  ['320×640', { width: 320, height: 640 }, null, true],
  ['320×640, text at 200%', { width: 320, height: 640 }, 'html { font-size: 200% }', true],
  ['320×480', { width: 320, height: 480 }, null, true],
  ['320×480, text at 200%', { width: 320, height: 480 }, 'html { font-size: 200% }', false],
  ['1280×720, text at 200%', { width: 1280, height: 720 }, 'html { font-size: 200% }', true],
];

for (const font of ['with a Japanese font', 'without a Japanese font']) {
  for (const [name, viewport, style, pinned] of screens) {
    test(`banner and preferences stay usable at ${name}, ${font}`, async () => {
      const page =
        font === 'with a Japanese font'
          ? await env.page(null, { viewport })
          : await (async () => {
              const context = await noJapanese.browser.newContext({ locale: 'ja-JP', viewport });
              env.contexts.push(context);
              return context.newPage();
            })();
      await page.goto(env.origin + '/');
      if (style) await page.addStyleTag({ content: style });
      await page.locator('.doui-banner').waitFor();
      await settled(page, '.doui-banner');
      assert.deepEqual(await problemsOf(page, '.doui-banner', pinned ? ['accept-all', 'reject-all', 'customize'] : []), []);
      if (!pinned) {
        // Reachable by scrolling the banner itself, which never leaves the screen.
        await page.locator('[data-doui-action="customize"]').scrollIntoViewIfNeeded();
        assert.deepEqual(await problemsOf(page, '.doui-banner', ['customize']), []);
      }

      await page.locator('[data-doui-action="customize"]').click();
      await page.locator('dialog.doui-prefs[open]').waitFor();
      await page.evaluate(() => document.querySelectorAll('.doui-prefs details').forEach((d) => (d.open = true)));
      await settled(page, 'dialog.doui-prefs');
      // The preferences scroll inside themselves (their switches must not pass
      // under pinned buttons); their first choices are on screen when they open,
      // and the last ones are reached by scrolling the dialog.
      assert.deepEqual(await problemsOf(page, 'dialog.doui-prefs', pinned ? ['accept-all'] : []), []);
      for (const action of ['close', 'save']) {
        await page.locator(`dialog.doui-prefs [data-doui-action="${action}"]`).scrollIntoViewIfNeeded();
        assert.deepEqual(await problemsOf(page, 'dialog.doui-prefs', [action]), []);
      }
      await page.locator('[data-doui-action="save"]').click();
      assert.equal(await page.evaluate(() => window.doui.consent().categories.analytics), false);
      assert.deepEqual(await axe(page, '.doui'), []);
    });
  }
}
