// Hostile input and hostile environments: tampered cookies, injection through
// every config field and the policy Markdown, huge inputs, a strict CSP, wasm
// that fails to load, blocked cookies, several tabs, no WebAssembly at all.
// In every case: no crash, nothing non-essential runs, nothing executes that
// was not meant to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { setup } from './harness.mjs';

const env = setup();
const demoConfig = readFileSync(new URL('../../www/doui-config.json', import.meta.url), 'utf8');

const thirdParty = (since) => env.server.log.slice(since).filter((r) => r.host.startsWith('127.0.0.2'));

/** A page at `path` served from `html`, on the first-party origin. */
async function servePage(page, path, html, extra = {}) {
  await page.route(env.origin + path, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  for (const [p, body] of Object.entries(extra)) {
    await page.route(env.origin + p, (route) => route.fulfill({ contentType: 'text/plain; charset=utf-8', body }));
  }
}

/** A minimal page embedding doui with `config` inline (escaped as a CMS must). */
function pageWith(config, body = '') {
  const json = (typeof config === 'string' ? config : JSON.stringify(config)).replaceAll('<', '\\u003c');
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>t</title>
<link rel="stylesheet" href="/dist/doui.css">
<script type="application/json" id="doui-config">${json}</script>
<script type="module" src="/dist/doui.js"></script></head>
<body><main><h1>t</h1>${body}</main></body></html>`;
}

// ---- Tampered consent cookie ----------------------------------------------

const good = '1.q8Xk2mVb8pL0aZ3nYw7cTg.TIME.1.50b5f8ce.necessary:1~consent:1~login:1~preferences:1~comments:1~screen-options:1~analytics:1~google-analytics:1~advertising:1~ad-beacon:1~embeds:1~youtube:1~example-widget:1';
const now = () => Math.floor(Date.now() / 1000);
const tampered = {
  truncated: () => good.replace('TIME', now()).slice(0, 60),
  'wrong version': () => good.replace('TIME', now()).replace(/^1\./, '2.'),
  'extra field': () => good.replace('TIME', now()).replace('.50b5f8ce.', '.50b5f8ce.extra.'),
  huge: () => good.replace('TIME', now()) + '~x:1'.repeat(900),
  'non-UTF-8 escapes': () => good.replace('TIME', now()).replace('necessary', '%FF%FEnecessary'),
  'unknown category': () => good.replace('TIME', now()).replace('embeds:1', 'retired:1'),
  'future date': () => good.replace('TIME', now() + 86400 * 30),
  'far past': () => good.replace('TIME', 1),
  'not a number': () => good.replace('TIME', '17e8'),
  empty: () => '',
  'bad id': () => good.replace('TIME', now()).replace('q8Xk2mVb8pL0aZ3nYw7cTg', 'q8Xk2mVb8pL0aZ3nYw7cT!'),
  'duplicate entries': () => good.replace('TIME', now()) + '~analytics:1',
  'value 2': () => good.replace('TIME', now()).replace('analytics:1', 'analytics:2'),
};

test('every tampered consent cookie means "ask again", without an error', async () => {
  // The untampered value is accepted (so the cases below test the tampering).
  const ok = await env.page(null);
  await ok.context().addCookies([{ name: 'doui_consent', value: good.replace('TIME', now()), url: env.origin }]);
  await ok.goto(env.origin + '/');
  await ok.evaluate(() => window.doui.ready);
  assert.equal(await ok.evaluate(() => window.doui.accepted('analytics')), true);
  assert.equal(await ok.locator('.doui-banner').count(), 0);
  await ok.context().close();
  for (const [name, value] of Object.entries(tampered)) {
    const since = env.server.log.length;
    const page = await env.page(null);
    await page.context().addCookies([{ name: 'doui_consent', value: value(), url: env.origin }]);
    await page.goto(env.origin + '/');
    await page.locator('.doui-banner').waitFor();
    assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false, name);
    assert.equal(await page.evaluate(() => window.doui.consent()), null, name);
    await env.quiet(page);
    assert.deepEqual(thirdParty(since), [], name);
    assert.deepEqual(page.errors, [], name);
    await page.context().close();
  }
});

// ---- Injection --------------------------------------------------------------

const payloads = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1">',
  '"><svg onload="window.__xss=1">',
  "'><iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
  '<a href="javascript:window.__xss=1">link</a>',
  '&lt;img src=x onerror=window.__xss=1&gt;',
  '<details open ontoggle="window.__xss=1">x</details>',
  '<body onload=window.__xss=1>',
  '<input autofocus onfocus=window.__xss=1>',
  '"onmouseover="window.__xss=1',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>',
  '<object data="data:text/html,<script>parent.__xss=1</script>"></object>',
  '<base href="javascript:window.__xss=1//">',
  '{{constructor.constructor("window.__xss=1")()}}',
  '<scr<script>ipt>window.__xss=1</script>',
  '&#60;script&#62;window.__xss=1&#60;/script&#62;',
];

/** The demo config with a payload in every text a visitor can see. */
function hostileConfig() {
  const c = JSON.parse(demoConfig);
  let i = 0;
  const next = () => payloads[i++ % payloads.length];
  const text = () => ({ ja: next(), en: next() });
  c.siteName = text();
  for (const cat of c.categories) {
    cat.title = text();
    cat.description = text();
    for (const s of cat.services ?? []) {
      for (const k of ['name', 'provider', 'purpose', 'country']) s[k] = text();
      for (const k of s.cookies ?? []) k.purpose = text();
      for (const t of s.transmissions ?? []) for (const k of ['data', 'purposeSite', 'purposeRecipient', 'recipient']) t[k] = text();
    }
  }
  c.texts = { ja: {}, en: {} };
  for (const key of ['bannerTitle', 'bannerBody', 'acceptAll', 'rejectAll', 'customize', 'policyLink', 'prefsTitle', 'prefsBody', 'save', 'close', 'embedNotice', 'loadOnce', 'alwaysAllow', 'saved', 'tocTitle']) {
    c.texts.ja[key] = next();
    c.texts.en[key] = next();
  }
  return c;
}

const hostileMarkdown = `---
title: ${payloads[1]}
lang: ja
---
# ${payloads[0]}

${payloads.map((p, n) => `## 第${n + 1}条 ${p}\n\n${p}\n\n[link](javascript:window.__xss=1) [data](data:text/html,<script>__xss=1</script>) ![img](x" onerror="window.__xss=1)\n`).join('\n')}

<div onclick="window.__xss=1">raw block</div>

| a | b |
|---|---|
| ${payloads[2].replaceAll('|', '\\|')} | [x](JaVaScRiPt:window.__xss=1) |

\`\`\`doui-cookies
\`\`\`

\`\`\`doui-transmissions
\`\`\`
`;

test(`${payloads.length} XSS payloads through every config field and the policy Markdown execute nothing`, async () => {
  const page = await env.page(null);
  const dialogs = [];
  page.on('dialog', (d) => dialogs.push(d.message()) && d.dismiss());
  const body = `<iframe data-consent="youtube" data-src="about:blank" width="300" height="200" title="v"></iframe>
<div data-doui-policy="/xss.md"></div>`;
  await servePage(page, '/xss.html', pageWith(hostileConfig(), body), { '/xss.md': hostileMarkdown });
  await page.addInitScript(() => document.addEventListener('doui:policy', () => (window.policyAt = performance.now())));
  await page.goto(env.origin + '/xss.html');
  await page.locator('.doui-banner').waitFor();
  await page.waitForFunction(() => window.policyAt);
  // The payloads are shown as text.
  assert.match(await page.locator('.doui-banner').innerText(), /<img src=x onerror|<script>window.__xss=1<\/script>/);
  assert.ok((await page.locator('[data-doui-policy]').innerText()).includes('<script>window.__xss=1</script>'));
  await page.locator('[data-doui-action="customize"]').click();
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  await page.locator('.doui-ph').waitFor();
  await page.keyboard.press('Escape');
  await page.evaluate(() => window.doui.acceptAll());
  await env.quiet(page);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(dialogs, []);
  const found = await page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('.doui *, .doui-ph *, [data-doui-policy] *')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) bad.push(`${el.localName}[${a.name}]`);
        if (/^\s*(javascript|data|vbscript):/i.test(a.value) && /^(href|src|action|formaction|data|srcdoc)$/.test(a.name)) bad.push(`${el.localName}[${a.name}=${a.value}]`);
      }
      if (['script', 'iframe', 'object', 'embed', 'base', 'style', 'svg', 'math', 'input'].includes(el.localName)) bad.push(el.localName);
    }
    return bad;
  });
  assert.deepEqual(found, []);
  assert.deepEqual(page.errors, []);
});

/**
 * Serves the demo page with `config` and checks that doui fails closed: no
 * banner, nothing allowed, and one console error naming `field` (the full
 * message comes from the policy module, fetched for a broken config).
 */
async function expectFailsClosed(config, field) {
  const page = await env.page(null);
  await servePage(page, '/broken.html', pageWith(config));
  await page.goto(env.origin + '/broken.html');
  await page.evaluate(() => window.doui.ready);
  for (let i = 0; i < 50 && !page.errors.length; i++) await page.waitForTimeout(100);
  assert.equal(await page.locator('.doui-banner').count(), 0);
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
  assert.equal(page.errors.length, 1);
  assert.ok(page.errors[0].startsWith('doui: config line '), page.errors[0]);
  assert.ok(page.errors[0].includes(`: ${field}: `), page.errors[0]);
}

test('a javascript: URL in the config is refused with an error naming the field', async () => {
  const c = JSON.parse(demoConfig);
  c.categories[2].services[0].privacyUrl = 'javascript:window.__xss=1';
  await expectFailsClosed(c, 'categories[2].services[0].privacyUrl');
});

test('a broken transmission entry fails closed in the banner too, with the field named', async () => {
  // Only a policy shows transmissions, but a config is valid or invalid everywhere alike.
  const c = JSON.parse(demoConfig);
  const ci = c.categories.findIndex((cat) => (cat.services ?? []).some((sv) => sv.transmissions?.length));
  const si = c.categories[ci].services.findIndex((sv) => sv.transmissions?.length);
  c.categories[ci].services[si].transmissions[0].recipientUrl = 'javascript:window.__xss=1';
  await expectFailsClosed(c, `categories[${ci}].services[${si}].transmissions[0].recipientUrl`);
});

// ---- Huge input ---------------------------------------------------------------

function hugePolicy() {
  const policies = readdirSync(new URL('../../policies/', import.meta.url))
    .filter((f) => f.endsWith('.md') && !f.includes('.en.'))
    .map((f) => readFileSync(new URL(`../../policies/${f}`, import.meta.url), 'utf8').replace(/^---[\s\S]*?\n---\n/, ''));
  let huge = '---\nlang: ja\n---\n# 大きなポリシー\n\n';
  while (Buffer.byteLength(huge) < 5 * 1024 * 1024) huge += policies.join('\n\n');
  // The last words, so the test can tell the whole document was rendered.
  return huge + '\n\n## 最後の節\n\nここまでが全文です。\n';
}

/** Records when the banner appears and when a policy is rendered. */
const timeline = () => {
  document.addEventListener('doui:policy', () => (window.policyAt = performance.now()));
  new MutationObserver(() => {
    if (!window.bannerAt && document.querySelector('.doui-banner')) window.bannerAt = performance.now();
  }).observe(document, { childList: true, subtree: true });
};

test('a 5 MB policy renders and the page stays usable (time printed)', async () => {
  const huge = hugePolicy();
  const page = await env.page(null);
  await servePage(page, '/huge.html', pageWith(demoConfig, '<div data-doui-policy="/huge.md"></div>'), { '/huge.md': huge });
  await page.addInitScript(timeline);
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => Math.round(e.duration)))).observe({ type: 'longtask' });
  });
  await page.goto(env.origin + '/huge.html');
  await page.locator('.doui-banner').waitFor();
  const renderedAt = await (await page.waitForFunction(() => window.policyAt, null, { timeout: 60000 })).jsonValue();
  const bytes = Buffer.byteLength(huge);
  const tasks = await page.evaluate(() => window.longTasks);
  console.log(JSON.stringify({ policyBytes: bytes, bannerVisibleMs: Math.round(await page.evaluate(() => window.bannerAt)), policyRenderedMs: Math.round(renderedAt), longTasks: tasks.length, longestTaskMs: Math.max(0, ...tasks) }));
  // Rendered to its last words, not cut short.
  assert.equal(await page.locator('[data-doui-policy] h2').last().innerText(), '最後の節');
  assert.match(await page.locator('[data-doui-policy] p').last().innerText(), /ここまでが全文です。/);
  assert.ok((await page.locator('[data-doui-policy] h2').count()) > 1000);
  // The banner still answers.
  await page.locator('[data-doui-action="reject-all"]').click();
  assert.equal(await page.evaluate(() => window.doui.consent().categories.analytics), false);
  assert.deepEqual(page.errors, []);
});

test('a config with 507 services shows its preferences, and says when the choice is too big to store (times printed)', async () => {
  const c = JSON.parse(demoConfig);
  c.categories = c.categories.map((cat, ci) => ({
    ...cat,
    services: (cat.services ?? []).concat(
      Array.from({ length: 100 }, (_, i) => ({
        id: `s${ci}-${i}`,
        name: `サービス ${ci}-${i}`,
        provider: 'Example K.K.',
        purpose: '計測のため',
        cookies: [{ name: `c${ci}_${i}_*`, lifetime: '1y' }],
      })),
    ),
  }));
  const page = await env.page(null);
  await servePage(page, '/many.html', pageWith(c));
  await page.addInitScript(timeline);
  await page.goto(env.origin + '/many.html');
  await page.locator('.doui-banner').waitFor();
  const [shown, saved] = await page.evaluate(async () => {
    const t = performance.now();
    await window.doui.showPreferences();
    await new Promise(requestAnimationFrame);
    const shown = performance.now() - t;
    const u = performance.now();
    document.querySelector('[data-doui-action="save"]').click();
    return [shown, performance.now() - u];
  });
  console.log(JSON.stringify({ services: 507, bannerVisibleMs: Math.round(await page.evaluate(() => window.bannerAt)), preferencesShownMs: Math.round(shown), savedMs: Math.round(saved) }));
  // 512 decisions do not fit the 4 KB a browser keeps per cookie: the choice
  // holds for this page view, and the visitor is told so instead of being misled.
  assert.equal((await page.context().cookies()).find((k) => k.name === 'doui_consent'), undefined);
  assert.match(await page.locator('.doui-status').innerText(), /このページを表示している間だけ/);
  assert.equal(await page.evaluate(() => window.doui.accepted('s4-99')), false);
  assert.equal(await page.evaluate(() => window.doui.accepted('necessary')), true);
  assert.deepEqual(page.errors, []);
});

// ---- Hostile environments -------------------------------------------------------

test('the demo site runs under a strict Content-Security-Policy without violations', async () => {
  for (const path of ['/?csp=strict', '/en/?csp=strict', '/privacy.html?csp=strict']) {
    const page = await env.page(null);
    await page.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(env.origin + path);
    await page.evaluate(() => window.doui.ready);
    if (await page.locator('.doui-banner').count()) {
      await page.locator('[data-doui-action="customize"]').click();
      await page.keyboard.press('Escape');
      await page.locator('[data-doui-action="accept-all"]').click();
    }
    // Everything accepted has loaded and run, so its violations are in.
    await env.quiet(page);
    assert.deepEqual(await page.evaluate(() => window.violations), [], path);
    assert.deepEqual(page.errors, [], path);
  }
});

for (const [name, breakIt] of [
  ['answers 404', (page) => page.route('**/dist/doui_bg.wasm', (r) => r.fulfill({ status: 404, body: 'not found' }))],
  ['is aborted', (page) => page.route('**/dist/doui_bg.wasm', (r) => r.abort())],
  ['is blocked by the CSP', () => {}],
]) {
  test(`when the banner wasm ${name}, nothing non-essential runs and the page stays usable`, async () => {
    const since = env.server.log.length;
    const page = await env.page(null);
    await breakIt(page);
    await page.goto(env.origin + (name.includes('CSP') ? '/?csp=nowasm' : '/'));
    await page.evaluate(() => window.doui.ready);
    await env.quiet(page);
    assert.deepEqual(thirdParty(since), []);
    assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
    assert.equal(await page.evaluate(() => window.demoAnalytics), undefined);
    assert.ok(page.errors.some((e) => e.startsWith('doui: not started')), page.errors.join('\n'));
    await page.evaluate(() => window.doui.acceptAll());
    assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
    await Promise.all([page.waitForURL('**/privacy.html'), page.locator('footer a[href="/privacy.html"]').click()]);
  });
}

test('without WebAssembly nothing non-essential runs and the policy source is one click away', async () => {
  const since = env.server.log.length;
  const page = await env.page(null);
  await page.addInitScript(() => delete globalThis.WebAssembly);
  await page.goto(env.origin + '/');
  await page.evaluate(() => window.doui.ready);
  await env.quiet(page);
  assert.deepEqual(thirdParty(since), []);
  assert.ok(page.errors.some((e) => e.startsWith('doui: not started')));
  await Promise.all([page.waitForURL('**/privacy.html'), page.locator('footer a[href="/privacy.html"]').click()]);
  const box = page.locator('[data-doui-policy][role="alert"]');
  await box.waitFor();
  await Promise.all([page.waitForURL('**/policies/demo-site.ja.md'), box.getByRole('link', { name: 'demo-site.ja.md' }).click()]);
  assert.match(await page.locator('body').innerText(), /プライバシーポリシー/);
});

test('with cookies blocked the banner works for the page view and says so', async () => {
  const since = env.server.log.length;
  const page = await env.page(null);
  await page.addInitScript(() => {
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    Object.defineProperty(Document.prototype, 'cookie', { get: blocked, set: blocked });
    Object.defineProperty(Navigator.prototype, 'cookieEnabled', { get: () => false });
  });
  await page.goto(env.origin + '/');
  const banner = page.locator('.doui-banner');
  await banner.waitFor();
  assert.match(await banner.innerText(), /Cookieを保存できないため/);
  await env.quiet(page);
  assert.deepEqual(thirdParty(since), [], 'nothing before a choice');
  await page.locator('[data-doui-action="accept-all"]').click();
  await page.waitForFunction(() => window.demoAnalytics?.runs === 1);
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), true);
  assert.match(await page.locator('.doui-status').innerText(), /このページを表示している間だけ/);
  await page.reload();
  await page.locator('.doui-banner').waitFor();
  assert.equal(await page.evaluate(() => window.doui.accepted('analytics')), false);
  assert.deepEqual(page.errors, []);
});

test('a choice made in one tab applies to the other open tabs without a reload', async () => {
  const a = await env.page(null);
  const b = await a.context().newPage();
  b.errors = [];
  b.on('pageerror', (e) => b.errors.push(e.message));
  for (const p of [a, b]) {
    await p.goto(env.origin + '/');
    await p.locator('.doui-banner').waitFor();
  }
  await a.locator('[data-doui-action="accept-all"]').click();
  // The other tab hides its banner, releases its content and reports the change.
  await b.waitForFunction(() => window.doui.accepted('analytics') && window.demoAnalytics?.runs === 1);
  assert.equal(await b.locator('.doui-banner').count(), 0);
  await b.waitForFunction(() => document.querySelectorAll('.doui-ph').length === 0);
  // Withdrawal: the other tab unloads its embeds, deletes cookies, offers a reload.
  await a.evaluate(() => window.doui.rejectAll());
  await b.waitForFunction(() => !window.doui.accepted('analytics'));
  await b.waitForFunction(() => document.querySelectorAll('.doui-ph').length === 2);
  await b.locator('.doui-notice button').waitFor();
  const cookies = (await a.context().cookies()).map((c) => c.name);
  assert.deepEqual(cookies.filter((n) => n.startsWith('_ga')), []);
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
});
