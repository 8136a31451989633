// A visitor reads the site's policy and the policy gallery, rendered in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, setup } from './harness.mjs';

const env = setup();

async function openPolicy(path) {
  const page = await env.page(path);
  await page.waitForSelector('article.doui-policy');
  return page;
}

test('the demo policy shows a table of contents and tables generated from the config', async () => {
  const page = await openPolicy('/privacy.html');
  const tocLinks = await page.locator('nav.doui-toc a').count();
  assert.ok(tocLinks >= 8, `table of contents has ${tocLinks} links`);
  const cookieTable = page.locator('table', { has: page.locator('th', { hasText: '保存期間' }) });
  assert.ok((await cookieTable.count()) >= 4, 'one cookie table per category with cookies');
  const cookies = await cookieTable.allInnerTexts();
  const all = cookies.join('\n');
  for (const want of ['_ga', 'comment_author_*', 'wordpress_logged_in_*', '1年', '2日', '2週間', 'サードパーティ']) {
    assert.ok(all.includes(want), `cookie tables mention ${want}`);
  }
  const tx = await page.locator('table', { has: page.locator('th', { hasText: '送信される情報' }) }).innerText();
  for (const want of ['Google LLC（Google アナリティクス）', '送信先での利用目的', 'Example Ads']) {
    assert.ok(tx.includes(want), `transmission table mentions ${want}`);
  }
  const version = await page.locator('.doui-policy-version').innerText();
  assert.match(version, /^[0-9a-f]{8}$/);
  assert.equal(await page.locator('article.doui-policy').getAttribute('data-version'), version);
  assert.deepEqual(page.errors, []);
});

test('table-of-contents links and anchors in the address bar both land on their heading', async () => {
  const page = await openPolicy('/privacy.html');
  const link = page.locator('nav.doui-toc a').nth(3);
  const href = await link.getAttribute('href');
  await link.click();
  assert.equal(decodeURIComponent(new URL(page.url()).hash), decodeURIComponent(href));
  const target = page.locator(`[id="${decodeURIComponent(href.slice(1))}"]`);
  assert.ok(await target.isVisible());
  assert.ok((await target.boundingBox()).y < 100, 'heading scrolled to the top');

  const direct = await openPolicy('/privacy.html#external-transmission');
  const heading = direct.locator('[id="external-transmission"]');
  assert.equal(await heading.count(), 1, 'the footer link target exists');
  await direct.waitForFunction(() => document.getElementById('external-transmission').getBoundingClientRect().top < 100);
});

test('the English policy renders with English tables', async () => {
  const page = await openPolicy('/en/privacy.html');
  assert.equal(await page.locator('article.doui-policy').getAttribute('lang'), 'en');
  const text = await page.locator('article.doui-policy').innerText();
  for (const want of ['Contents', 'Lifetime', '1 year', '2 days', 'Information sent', 'Google LLC (Google Analytics)']) {
    assert.ok(text.includes(want), `English policy mentions ${want}`);
  }
});

const seeds = {
  'kumagaya-smart-city': '熊谷市スマートシティサービスに関する個人情報保護方針',
  'jlis-my-number-card-site': '個人情報の取扱いについて',
  'moka-line-account': '真岡市 LINE 公式アカウント運用ポリシー',
  'hanno-driving-school': 'プライバシーポリシー',
  'jtpa-personal-information-rules': '公益社団法人日本交通計画協会 個人情報保護規程',
};

test('every policy in the gallery renders with its title and contents', async () => {
  const gallery = await env.page('/policies.html');
  const links = await gallery.locator('.gallery a[href^="/policy.html"]').count();
  assert.equal(links, Object.keys(seeds).length);
  for (const [doc, title] of Object.entries(seeds)) {
    const page = await openPolicy(`/policy.html?doc=${doc}`);
    assert.ok((await page.locator('article h1').innerText()).includes(title), doc);
    assert.ok((await page.locator('nav.doui-toc a').count()) >= 3, `${doc} has a table of contents`);
    assert.deepEqual(page.errors, [], doc);
    await page.context().close();
  }
});

test('a broken policy shows a clear error instead of breaking the page', async () => {
  const page = await env.page(null);
  await page.route('**/policies/moka-line-account.md', (route) =>
    route.fulfill({ contentType: 'text/markdown', body: '# x\n\n```doui-tables\n```\n' }),
  );
  await page.goto(env.origin + '/policy.html?doc=moka-line-account');
  const alert = page.locator('#viewer[role="alert"]');
  await alert.waitFor();
  assert.match(await alert.innerText(), /policy line 3: unknown block `doui-tables`/);
  assert.ok(page.errors.some((e) => e.includes('unknown block')), 'logged to the console');
});

test('policy pages have no axe-core violations', async () => {
  for (const path of ['/privacy.html', '/en/privacy.html', '/policy.html?doc=hanno-driving-school']) {
    const page = await openPolicy(path);
    const violations = await axe(page);
    assert.deepEqual(violations, [], `${path}: ${JSON.stringify(violations, null, 1)}`);
  }
});

test('generated tables stay readable on a 320 px phone inside a padded theme container', async () => {
  const page = await env.page(null, { viewport: { width: 320, height: 640 } });
  await page.goto(env.origin + '/privacy.html');
  // A theme's own padding around the policy, on top of the demo's.
  await page.addStyleTag({ content: '[data-doui-policy] { padding: 0 1.5rem; border: 1px solid #ccc; }' });
  await page.waitForSelector('article.doui-policy table');
  const tables = await page.evaluate(() =>
    [...document.querySelectorAll('.doui-policy .doui-table')].map((wrapper) => {
      const lines = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      };
      const headers = [...wrapper.querySelectorAll('th')];
      return {
        caption: wrapper.querySelector('caption')?.textContent ?? '',
        scrolls: wrapper.scrollWidth > wrapper.clientWidth,
        wrapperRight: wrapper.getBoundingClientRect().right,
        headerLines: headers.map((th) => [th.textContent, lines(th)]),
        narrowestColumn: Math.min(...headers.map((th) => th.getBoundingClientRect().width)),
        em: parseFloat(getComputedStyle(wrapper.querySelector('table')).fontSize),
        focusable: wrapper.tabIndex === 0,
      };
    }),
  );
  assert.ok(tables.length >= 5, `${tables.length} tables`);
  // The page itself never scrolls sideways: only a table's wrapper does.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'page wider than the screen');
  for (const t of tables) {
    assert.ok(t.wrapperRight <= 320, `${t.caption}: wrapper runs off the screen`);
    assert.ok(t.scrolls, `${t.caption}: squeezed into the screen instead of scrolling`);
    assert.ok(t.focusable, `${t.caption}: the scrolling wrapper must be reachable by keyboard`);
    for (const [text, n] of t.headerLines) assert.equal(n, 1, `${t.caption}: header 「${text}」 breaks over ${n} lines`);
    assert.ok(t.narrowestColumn >= 5 * t.em, `${t.caption}: a column is ${t.narrowestColumn}px wide`);
  }
  const cookieHeader = tables.flatMap((t) => t.headerLines).find(([text]) => text === 'Cookie名');
  assert.ok(cookieHeader, 'the cookie tables have a 「Cookie名」 column');
  assert.deepEqual(page.errors, []);
});

test('reading policies sends nothing to third parties', async () => {
  // On its own: the policy pages this test opens, not whatever ran before it.
  const since = env.server.log.length;
  const paths = ['/privacy.html', '/en/privacy.html', ...Object.keys(seeds).map((doc) => `/policy.html?doc=${doc}`)];
  for (const path of paths) {
    const page = await openPolicy(path);
    await env.quiet(page);
    await page.context().close();
  }
  const firstParty = env.server.log.slice(since).filter((r) => !r.host.startsWith('127.0.0.2'));
  assert.ok(firstParty.some((r) => r.path.endsWith('.md')), 'the policies were fetched, so the log is the right one');
  assert.deepEqual(env.server.log.slice(since).filter((r) => r.host.startsWith('127.0.0.2')), []);
});
