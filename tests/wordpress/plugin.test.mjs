// The WordPress plugin on a real WordPress (tests/wordpress/site.mjs): the
// banner and what waits for it, comment cookies decided on the server from the
// consent cookie, identical HTML for every visitor, the settings page, the
// policy page, WP Consent API, accessibility, and no PHP warnings of its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../support/chromium.mjs';
import { axe } from '../e2e/harness.mjs';
import { startSite, WCA_DIR } from './site.mjs';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
let site;
let browser;
let ids;

before(async () => {
  site = await startSite();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
  ids = JSON.parse(site.php("echo wp_json_encode( get_option( 'doui_test_ids' ) );"));
});

after(async () => {
  await browser?.close();
  await site?.stop();
});

/** A fresh visitor at `path`; `page.external` collects requests to anything but the site. */
async function visit(path, options = {}) {
  const context = await browser.newContext({ locale: 'ja-JP', ...options });
  const page = await context.newPage();
  page.external = [];
  page.errors = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(site.origin) && /^https?:/.test(url)) page.external.push(url);
  });
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && page.errors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && page.errors.push(`${r.status()} ${r.url()}`));
  await page.goto(site.origin + path);
  await page.evaluate(() => window.doui.ready);
  return page;
}

/** Scrolls through the page so that lazy embeds would load, then waits. */
async function scrollThrough(page) {
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(700);
}

/** Waits until `check()` holds, for at most 10 s. */
async function until(check, what) {
  for (const end = Date.now() + 10000; !check(); ) {
    assert.ok(Date.now() < end, what);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

const consentCookie = async (page) => (await page.context().cookies()).find((c) => c.name === 'doui_consent')?.value;

/** The consent cookie a visitor gets by answering the banner with `action`. */
async function choose(action) {
  const page = await visit('/');
  await page.locator(`.doui-banner [data-doui-action="${action}"]`).click();
  const value = await consentCookie(page);
  await page.context().close();
  assert.ok(value, `no consent cookie after ${action}`);
  return value;
}

let comments = 0;
/**
 * Posts a comment as a visitor carrying `cookie`; returns the comment cookies
 * the response sets and deletes (a deletion has Max-Age=0), with their Max-Age.
 */
async function postComment(cookie, { save = true, headers = {} } = {}) {
  comments += 1;
  const body = new URLSearchParams({
    comment: `コメントのテスト ${comments} ${Date.now()}`,
    author: '鈴木 一郎',
    email: 'ichiro@example.jp',
    url: '',
    comment_post_ID: String(ids.post),
    comment_parent: '0',
  });
  if (save) body.set('wp-comment-cookies-consent', 'yes');
  const res = await fetch(`${site.origin}/wp-comments-post.php`, {
    method: 'POST',
    body,
    headers: cookie ? { cookie, ...headers } : headers,
    redirect: 'manual',
  });
  assert.equal(res.status, 302, `comment POST answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const sets = [];
  const deletions = [];
  for (const line of res.headers.getSetCookie()) {
    if (!line.startsWith('comment_author')) continue;
    const [pair] = line.split(';');
    const maxAge = Number(/;\s*Max-Age=(-?\d+)/i.exec(line)?.[1] ?? NaN);
    (maxAge > 0 ? sets : deletions).push({ name: pair.split('=')[0], value: pair.slice(pair.indexOf('=') + 1), maxAge });
  }
  return { sets, deletions };
}

test('first visit: banner, and nothing from other sites before a choice', async () => {
  site.thirdPartyLog.length = 0;
  const page = await visit(`/?p=${ids.post}`);
  await page.locator('.doui-banner').waitFor();
  await scrollThrough(page);
  assert.deepEqual(page.external, [], 'requests to other sites before a choice');
  assert.deepEqual(site.thirdPartyLog, [], 'the embed provider was reached before a choice');
  // Avatars show the local placeholder, the embed its placeholder, the emoji loader waits.
  const avatar = page.locator('img.avatar').first();
  assert.equal(await avatar.getAttribute('data-consent'), 'gravatar');
  assert.match(await avatar.getAttribute('src'), /\/plugins\/doui\/assets\/avatar\.svg$/);
  assert.equal(await page.locator('.doui-embed .doui-ph').count(), 1);
  assert.equal(await page.locator('script[type="text/plain"][data-consent="wp-emoji"]').count(), 1);
  assert.equal(await page.locator('link[rel="dns-prefetch"][href*="s.w.org"]').count(), 0);
  assert.deepEqual(page.errors, []);

  // Accepting releases them: the gating above is what held them back.
  await page.locator('.doui-banner [data-doui-action="accept-all"]').click();
  await page.waitForFunction(() => document.querySelector('.doui-embed iframe')?.getAttribute('src')?.includes('/embed/'));
  await page.locator('.doui-embed iframe').scrollIntoViewIfNeeded();
  await until(() => site.thirdPartyLog.some((u) => u.startsWith('/embed/doui-test')), 'the embed loads after consent');
  await avatar.scrollIntoViewIfNeeded();
  await until(() => page.external.some((u) => u.includes('gravatar.com/avatar/')), 'the avatar loads after consent');
  await page.context().close();

  // The front page too.
  const front = await visit('/');
  await front.locator('.doui-banner').waitFor();
  await scrollThrough(front);
  assert.deepEqual(front.external, [], 'requests to other sites from the front page before a choice');
  const head = await front.evaluate(() => [...document.head.querySelectorAll('script')].map((s) => s.src || s.type || 'inline'));
  assert.match(head[0], /\/dist\/doui-consent-default\.js$/, 'Consent Mode defaults come first');
  await front.context().close();
});

test('comment cookies follow consent, with the lifetime the policy shows, and go after withdrawal', async () => {
  const refused = await choose('reject-all');
  const accepted = await choose('accept-all');

  let r = await postComment(`doui_consent=${refused}`);
  assert.deepEqual(r.sets, [], 'preferences refused: no comment cookie is set');
  assert.equal(r.deletions.length, 3, 'and any old ones are deleted');

  r = await postComment(`doui_consent=${accepted}`);
  assert.deepEqual(r.sets.map((c) => c.name.replace(/_[0-9a-f]{32}$/, '')).sort(), ['comment_author', 'comment_author_email']);
  const maxAge = r.sets[0].maxAge;
  assert.equal(maxAge, 30000000, 'WordPress 6.1 keeps comment cookies 30,000,000 s');
  const saved = r.sets;

  r = await postComment(`doui_consent=${accepted}`, { save: false });
  assert.deepEqual(r.sets, [], '"save my name" unticked: no cookie even with consent');

  for (const [what, value] of [
    ['no consent cookie', ''],
    ['an expired choice', accepted.replace(/^1\.([^.]+)\.\d+\./, '1.$1.1000000000.')],
    ['another revision', accepted.replace(/^(1\.[^.]+\.\d+)\.1\./, '$1.9.')],
    ['a malformed value', accepted.replace('preferences:1', 'preferences:yes')],
    ['an unknown id', `${accepted}~extra:1`],
  ]) {
    r = await postComment(value && `doui_consent=${value}`);
    assert.deepEqual(r.sets, [], `${what}: no comment cookie`);
  }

  // The policy table states the lifetime the server used.
  const policy = await visit(`/?page_id=${ids.policy}`);
  const row = policy.locator('.doui-wp-policy tr', { hasText: 'comment_author_*' }).first();
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /347日/);
  assert.ok(text.includes(maxAge.toLocaleString('en-US')), `row says ${text}`);
  await policy.context().close();

  // A visitor who accepted and saved their name withdraws: the cookies are gone
  // on the next page, also when they were set again meanwhile.
  const page = await visit(`/?p=${ids.post}`);
  await page.evaluate(() => window.doui.acceptAll());
  const jar = () => saved.map((c) => ({ name: c.name, value: c.value, url: site.origin }));
  await page.context().addCookies(jar());
  await page.reload();
  await page.evaluate(() => window.doui.ready);
  assert.equal(await page.locator('#wp-comment-cookies-consent').isChecked(), true, 'the box follows consent');
  await page.evaluate(() => window.doui.set('preferences', false));
  await page.context().addCookies(jar());
  await page.goto(`${site.origin}/`);
  await page.evaluate(() => window.doui.ready);
  const left = (await page.context().cookies()).filter((c) => c.name.startsWith('comment_author'));
  assert.deepEqual(left, [], 'comment cookies after withdrawal');
  await page.goto(`${site.origin}/?p=${ids.post}`);
  await page.evaluate(() => window.doui.ready);
  assert.equal(await page.locator('#wp-comment-cookies-consent').isChecked(), false, 'the box follows withdrawal');
  r = await postComment(`doui_consent=${await consentCookie(page)}`);
  assert.deepEqual(r.sets, [], 'after withdrawal the server sets none');
  await page.context().close();
});

test('ticking "save my name" is consent for the comment cookies, and the browser then keeps them', async () => {
  const page = await visit(`/?p=${ids.post}`);
  await page.locator('.doui-banner [data-doui-action="reject-all"]').click();
  const box = page.locator('#wp-comment-cookies-consent');
  assert.equal(await box.isChecked(), false);
  await box.check();
  assert.deepEqual(await page.evaluate(() => [window.doui.accepted('comments'), window.doui.accepted('screen-options')]), [true, false]);
  await page.fill('#comment', `ブラウザーからのコメント ${Date.now()}`);
  await page.fill('#author', '佐藤 次郎');
  await page.fill('#email', 'jiro@example.jp');
  await Promise.all([page.waitForURL(/#comment-\d+$/), page.click('#submit')]);
  const names = (await page.context().cookies()).map((c) => c.name);
  assert.ok(names.some((n) => n.startsWith('comment_author_email_')), `cookies: ${names}`);
  await page.context().close();
});

test('the same HTML for every visitor, whatever consent cookie they carry', async () => {
  const refused = await choose('reject-all');
  const accepted = await choose('accept-all');
  for (const path of ['/', `/?p=${ids.post}`, `/?page_id=${ids.policy}`]) {
    const pages = [];
    for (const cookie of ['', `doui_consent=${refused}`, `doui_consent=${accepted}`]) {
      const res = await fetch(site.origin + path, { headers: cookie ? { cookie } : {} });
      assert.equal(res.status, 200);
      assert.deepEqual(res.headers.getSetCookie(), [], `${path} sets no cookie`);
      pages.push(await res.text());
    }
    assert.ok(pages[0].includes('id="doui-config"'), `${path} carries the config`);
    assert.equal(pages[1], pages[0], `${path}: refusing visitor`);
    assert.equal(pages[2], pages[0], `${path}: accepting visitor`);
  }
});

test('the banner has no accessibility violations', async () => {
  const page = await visit('/');
  await page.locator('.doui-banner').waitFor();
  assert.deepEqual(await axe(page, '.doui'), []);
  await page.context().close();
});

test('the policy page renders the cookie and external transmission tables', async () => {
  const page = await visit(`/?page_id=${ids.policy}`);
  await page.locator('.doui-wp-policy table').first().waitFor();
  const text = await page.locator('.doui-wp-policy').innerText();
  for (const expected of ['wordpress_logged_in_*', 'comment_author_email_*', 'wp-settings-*', 'wp-postpass_*', 'Automattic Inc.', 'Gravatar', 'YouTube']) {
    assert.ok(text.includes(expected), `policy lacks ${expected}`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** FNV-1a of the config text, as the settings page's script and the server compute it. */
function token(text) {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text.replace(/\r\n/g, '\n'))) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

async function login(user, password) {
  const context = await browser.newContext({ locale: 'ja-JP' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(`${site.origin}/wp-login.php`);
  await page.fill('#user_login', user);
  await page.fill('#user_pass', password);
  await Promise.all([page.waitForURL(/wp-admin/), page.click('#wp-submit')]);
  return page;
}

const storedConfig = () => site.php("echo get_option( 'doui_config' );");

/** Posts the settings form from inside the page with some fields replaced or removed. */
function postSettings(page, fields) {
  return page.evaluate(async (fields) => {
    const data = new FormData(document.getElementById('doui-form'));
    for (const [k, v] of Object.entries(fields)) {
      if (v === null) data.delete(k);
      else data.set(k, v);
    }
    const res = await fetch(document.getElementById('doui-form').getAttribute('action'), { method: 'POST', body: data });
    return { status: res.status, text: await res.text() };
  }, fields);
}

test('settings: checked as typed, invalid configs never saved, only administrators with a nonce', async () => {
  const original = storedConfig();
  const page = await login('admin', 'admin-password');
  await page.goto(`${site.origin}/wp-admin/options-general.php?page=doui`);
  const status = page.locator('#doui-config-status');
  await page.waitForFunction(() => document.getElementById('doui-config-status').textContent !== '');
  assert.equal(await status.textContent(), '設定は有効です。', 'the default config is valid for doui itself');
  assert.deepEqual(await axe(page, '#wpbody-content'), []);

  // A typo: doui's own check names the line and the field; saving is refused.
  const typo = original.replace('"title"', '"titel"');
  await page.fill('#doui-config', typo);
  await page.waitForFunction(() => /config line/.test(document.getElementById('doui-config-status').textContent));
  assert.match(await status.textContent(), /^config line \d+: categories\[0\]\.titel: /);
  await page.click('#submit');
  await page.waitForTimeout(500);
  assert.match(page.url(), /page=doui$/, 'the form was not sent');
  assert.equal(storedConfig(), original);

  // The server refuses what it can check even when the page's check is bypassed …
  const broken = original.replace('"revision": 1', '"revision": "one"');
  let res = await postSettings(page, { doui_config: broken, doui_checked: token(broken) });
  assert.ok(res.text.includes('設定は保存されませんでした'), `the refusal is shown: ${res.status} ${res.text.replace(/\s+/g, ' ').slice(-3000)}`);
  assert.ok(res.text.includes('revision'), 'the refusal names the field');
  assert.equal(storedConfig(), original);
  // … and anything the page has not checked.
  res = await postSettings(page, { doui_config: typo, doui_checked: '' });
  assert.ok(res.text.includes('検査を受けていません'));
  assert.equal(storedConfig(), original);
  // Without the nonce: refused.
  res = await postSettings(page, { doui_config: original.replace('doui 自動車学校', 'nonce test'), _wpnonce: null });
  assert.equal(res.status, 403);
  assert.equal(storedConfig(), original);

  // A valid change is saved.
  const renamed = original.replace('"siteName": "doui 自動車学校"', '"siteName": "doui ドライビングスクール"');
  assert.notEqual(renamed, original);
  await page.fill('#doui-config', renamed);
  await page.waitForFunction(() => document.getElementById('doui-config-status').textContent === '設定は有効です。');
  await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
  assert.equal(storedConfig(), renamed);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // A subscriber can neither see the page nor save.
  const subscriber = await login('subscriber', 'subscriber-password');
  const response = await subscriber.goto(`${site.origin}/wp-admin/options-general.php?page=doui`);
  assert.equal(response.status(), 403);
  const sent = await subscriber.evaluate(async (origin) => {
    const body = new URLSearchParams({ option_page: 'doui', action: 'update', doui_config: '{"revision":1,"categories":[{"id":"x","title":"x","description":"x"}]}' });
    const res = await fetch(`${origin}/wp-admin/options.php`, { method: 'POST', body });
    return res.status;
  }, site.origin);
  assert.equal(sent, 403);
  assert.equal(storedConfig(), renamed);
  await subscriber.context().close();
});

/** What `doui snippet` prints for `config` (text) in `lang`: the native command. */
function nativeSnippet(config, lang) {
  const dir = mkdtempSync(join(tmpdir(), 'doui-snippet-'));
  try {
    writeFileSync(join(dir, 'config.json'), config);
    const r = spawnSync('cargo', ['run', '-q', '--bin', 'doui', '--', 'snippet', join(dir, 'config.json'), '--lang', lang], { cwd: projectRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trimEnd();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the banner in the first paint: built by doui in the settings page, stored, printed after <body>, made live', async () => {
  // The settings test above saved the config through the page: its markup came with it.
  const config = storedConfig();
  const stored = JSON.parse(site.php("echo wp_json_encode( get_option( 'doui_snippet' ) );"));
  assert.equal(stored.token, token(config));
  assert.equal(stored.revision, JSON.parse(config).revision);
  assert.equal(stored.lang, 'ja');
  const native = nativeSnippet(config, 'ja');
  assert.equal(stored.html, native, 'stored byte for byte as the command line prints it');
  let html = await (await fetch(`${site.origin}/`)).text();
  assert.ok(html.includes(`${native}\n`), 'printed as built');
  assert.ok(html.indexOf(native) < html.indexOf('<main'), 'before the content');
  assert.match(html, /<script src="[^"]+\/dist\/doui-consent-default\.js" data-doui-cookie="doui_consent" data-doui-revision="1" data-doui-days="182"><\/script>/);

  // In the browser: shown before the wasm, then taken over as it is.
  const context = await browser.newContext({ locale: 'ja-JP' });
  const page = await context.newPage();
  const messages = [];
  page.on('console', (m) => ['warning', 'error'].includes(m.type()) && !m.text().startsWith('Failed to load resource') && messages.push(m.text()));
  let release;
  const gate = new Promise((ok) => (release = ok));
  await page.route('**/dist/doui_bg.wasm*', async (route) => {
    await gate;
    await route.continue();
  });
  await page.goto(`${site.origin}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length);
  assert.equal(await page.locator('.doui-banner').isVisible(), true, 'shown before the wasm arrived');
  assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-doui-ask')), true);
  await page.evaluate(() => (window.prerendered = document.querySelector('.doui-banner')));
  release();
  await page.evaluate(() => window.doui.ready);
  await page.waitForFunction(() => document.querySelector('.doui.doui-live .doui-banner') === window.prerendered);
  assert.equal(await page.locator('.doui').count(), 1);
  await page.locator('.doui-banner [data-doui-action="accept-all"]').click();
  assert.ok(await consentCookie(page));
  assert.deepEqual(messages, []);
  await context.close();

  // A config changed behind the settings page (here: a new revision) has no
  // stored markup: none is printed, and doui.js builds the banner.
  try {
    site.php(`update_option( 'doui_config', str_replace( '"revision": 1', '"revision": 2', get_option( 'doui_config' ) ) );`);
    html = await (await fetch(`${site.origin}/`)).text();
    assert.ok(!html.includes('data-doui-snippet'), 'no stale markup');
    assert.match(html, /data-doui-revision="2"/);
    const later = await visit('/');
    await later.locator('.doui-banner').waitFor();
    assert.deepEqual(later.errors, []);
    await later.context().close();
  } finally {
    site.php(`update_option( 'doui_config', base64_decode( '${Buffer.from(config).toString('base64')}' ) );`);
  }
  assert.equal(storedConfig(), config);
});

test('a policy written in the page, and the cookie settings button', async () => {
  const page = await visit(`/?page_id=${ids.inline}`);
  const policy = page.locator('.doui-wp-policy');
  await policy.locator('table').waitFor();
  const text = await policy.innerText();
  assert.ok(text.includes('当サイトの Cookie'), 'the heading from the page');
  assert.ok(text.includes('"引用符" -- そのまま'), `Markdown kept as written: ${text.slice(0, 200)}`);
  assert.ok(text.includes('comment_author_*') && !text.includes('wordpress_logged_in_*'), 'only the preferences table');
  await page.locator('.doui-banner [data-doui-action="reject-all"]').click();
  assert.equal(await page.locator('button.doui-wp-settings', { hasText: 'ブロックの設定ボタン' }).count(), 1, 'the block renders');
  await page.getByRole('button', { name: 'Cookie設定を開く' }).click();
  await page.locator('dialog.doui-prefs[open]').waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a policy uploaded to the media library', async () => {
  const admin = await login('admin', 'admin-password');
  await admin.goto(`${site.origin}/wp-admin/media-new.php?browser-uploader`);
  await admin.setInputFiles('#async-upload', {
    name: 'privacy-upload.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from('# アップロードしたポリシー\n\n```doui-transmissions\ncategory: embeds\n```\n'),
  });
  await Promise.all([admin.waitForURL(/upload\.php/), admin.click('#html-upload')]);
  await admin.context().close();
  const url = site.php("echo wp_get_attachment_url( get_posts( array( 'post_type' => 'attachment', 'name' => 'privacy-upload', 'numberposts' => 1 ) )[0]->ID );");
  assert.match(url, /privacy-upload\.md$/);
  const id = site.php(
    `echo wp_insert_post( array( 'post_title' => 'upload', 'post_type' => 'page', 'post_status' => 'publish', 'post_content' => '[doui_policy src="${url}"]' ) );`,
  );
  const page = await visit(`/?page_id=${id}`);
  const policy = page.locator('.doui-wp-policy');
  await policy.locator('table').waitFor();
  const text = await policy.innerText();
  assert.ok(text.includes('アップロードしたポリシー') && text.includes('Automattic Inc.'), text.slice(0, 300));
  await page.context().close();
});

test('settings: banner preview in Japanese and English, a second Consent Mode default, the privacy guide', async () => {
  site.php("update_option( 'doui_test_other_default', 1 );");
  const page = await login('admin', 'admin-password');
  try {
    await page.goto(`${site.origin}/wp-admin/options-general.php?page=doui`);
    await page.waitForFunction(() => /\b1\b/.test(document.getElementById('doui-cm-owner-found').textContent));
    const frame = page.frameLocator('iframe[name="doui-preview"]');
    for (const [button, lang, accept] of [['英語でプレビュー', 'en', /accept all/i], ['日本語でプレビュー', 'ja', /すべて同意する/]]) {
      await page.getByRole('button', { name: button }).click();
      await frame.locator(`html[lang="${lang}"] .doui-banner`).waitFor();
      assert.match(await frame.locator('.doui-banner [data-doui-action="accept-all"]').innerText(), accept);
    }
    // The other plugin owns the defaults: doui no longer prints its own.
    await page.check('input[name="doui_settings[cm_owner]"][value="other"]');
    await page.waitForFunction(() => document.getElementById('doui-checked').value !== '');
    await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
    let html = await (await fetch(`${site.origin}/`)).text();
    assert.ok(!html.includes('doui-consent-default.js'));
    await page.check('input[name="doui_settings[cm_owner]"][value="doui"]');
    await page.waitForFunction(() => document.getElementById('doui-checked').value !== '');
    await Promise.all([page.waitForURL(/settings-updated=true/), page.click('#submit')]);
    html = await (await fetch(`${site.origin}/`)).text();
    assert.ok(html.includes('doui-consent-default.js'));

    await page.goto(`${site.origin}/wp-admin/privacy-policy-guide.php`);
    const guide = await page.locator('#wpbody-content').textContent();
    assert.ok(guide.includes('comment_author_email_*') && guide.includes('[doui_policy]'), 'the suggested text lists the cookies');
    assert.deepEqual(page.errors, []);
  } finally {
    site.php("delete_option( 'doui_test_other_default' );");
    await page.context().close();
  }
});

test('a broken stored config fails closed: no banner, nothing from other sites, no comment cookies', async () => {
  const accepted = await choose('accept-all');
  const good = storedConfig();
  site.php(`update_option( 'doui_config', '{"revision": 1,' );`);
  try {
    assert.equal(storedConfig(), '{"revision": 1,');
    const html = await (await fetch(`${site.origin}/?p=${ids.post}`)).text();
    assert.ok(!html.includes('id="doui-config"'), 'no banner without a valid config');
    const context = await browser.newContext({ locale: 'ja-JP' });
    const page = await context.newPage();
    const external = [];
    page.on('request', (r) => !r.url().startsWith(site.origin) && /^https?:/.test(r.url()) && external.push(r.url()));
    await page.goto(`${site.origin}/?p=${ids.post}`);
    await scrollThrough(page);
    assert.deepEqual(external, []);
    assert.equal(await page.locator('img.avatar[data-consent="gravatar"]').count() > 0, true);
    await context.close();
    const r = await postComment(`doui_consent=${accepted}`);
    assert.deepEqual(r.sets, [], 'no comment cookies without a valid config');
  } finally {
    site.php(`update_option( 'doui_config', base64_decode( '${Buffer.from(good).toString('base64')}' ) );`);
  }
  assert.equal(storedConfig(), good);
});

test('Global Privacy Control (Sec-GPC) refuses comment cookies where the config makes the signal cover them', async () => {
  const accepted = await choose('accept-all');
  const good = storedConfig();
  // The preferences category marked as covered by the signal; the revision stays, so the choice still counts.
  site.php(
    "$c = json_decode( get_option( 'doui_config' ), true ); $c['categories'][1]['gpc'] = true; update_option( 'doui_config', wp_json_encode( $c ) );",
  );
  try {
    let r = await postComment(`doui_consent=${accepted}`);
    assert.equal(r.sets.length, 2, 'without the signal the choice holds');
    r = await postComment(`doui_consent=${accepted}`, { headers: { 'sec-gpc': '1' } });
    assert.deepEqual(r.sets, [], 'with the signal: no comment cookies');
  } finally {
    site.php(`update_option( 'doui_config', base64_decode( '${Buffer.from(good).toString('base64')}' ) );`);
  }
  assert.equal(storedConfig(), good);
});

test('WP Consent API follows the choice in PHP and JavaScript, and comment cookies stay right', async (t) => {
  if (!existsSync(WCA_DIR)) {
    t.skip(`WP Consent API 1.0.8 is not at ${WCA_DIR} (a fixture beside the checkout)`);
    return;
  }
  site.php("require_once ABSPATH . 'wp-admin/includes/plugin.php'; activate_plugin( 'wp-consent-api/wp-consent-api.php' );");
  try {
    const page = await visit(`/?p=${ids.post}`);
    const phpSays = async () => {
      const res = await page.context().request.get(`${site.origin}/?doui_test=consent`);
      return res.json();
    };
    const jsSays = () =>
      page.evaluate(() => ['functional', 'preferences', 'statistics', 'marketing'].map((c) => window.wp_has_consent(c)));

    await page.locator('.doui-banner [data-doui-action="reject-all"]').click();
    await page.waitForFunction(() => typeof window.wp_has_consent === 'function');
    assert.deepEqual(await jsSays(), [true, false, false, false]);
    let php = await phpSays();
    assert.equal(php.type, 'optin');
    assert.deepEqual([php.functional, php.preferences, php.statistics, php.marketing], [true, false, false, false]);
    let r = await postComment(`doui_consent=${await consentCookie(page)}`);
    assert.deepEqual(r.sets, []);

    await page.evaluate(() => window.doui.set('preferences', true));
    assert.deepEqual(await jsSays(), [true, true, false, false]);
    php = await phpSays();
    assert.deepEqual([php.functional, php.preferences, php.statistics, php.marketing], [true, true, false, false]);
    // WP Consent API alone would ask for 'preference' and never set them.
    r = await postComment(`doui_consent=${await consentCookie(page)}`);
    assert.equal(r.sets.length, 2, 'comment cookies with preferences accepted');

    // On the next page load, the stored choice is handed over again.
    await page.evaluate(() => window.doui.acceptAll());
    await page.reload();
    await page.evaluate(() => window.doui.ready);
    assert.deepEqual(await jsSays(), [true, true, true, true]);
    await page.context().close();
  } finally {
    site.php("require_once ABSPATH . 'wp-admin/includes/plugin.php'; deactivate_plugins( 'wp-consent-api/wp-consent-api.php' );");
  }
});

test("no PHP warnings or errors from the plugin's own files", async () => {
  assert.deepEqual(await site.pluginErrors(), []);
});

test('uninstalling removes the options', async () => {
  const left = site.php(
    "require_once ABSPATH . 'wp-admin/includes/plugin.php'; deactivate_plugins( 'doui/doui.php' ); uninstall_plugin( 'doui/doui.php' ); echo wp_json_encode( array( get_option( 'doui_config', 'gone' ), get_option( 'doui_settings', 'gone' ), get_option( 'doui_snippet', 'gone' ) ) );",
  );
  assert.deepEqual(JSON.parse(left), ['gone', 'gone', 'gone']);
});
