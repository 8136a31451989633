// The npm package as a web developer gets it: packed into a tarball, installed
// into a new project, used three ways (bundled by esbuild, bundled by Vite, and
// copied as a plain folder of files), each served and checked in Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from '../e2e/harness.mjs';
import { startServer } from '../support/server.mjs';
import { bin, installPackage, root, run, staged } from './support.mjs';

const sample = join(root, 'tests/package/sample');
const work = { installed: null, app: '', browser: null };

/** index.html of the sample with `head` in place of its %HEAD% marker. */
const page = (head) => readFileSync(join(sample, 'index.html'), 'utf8').replace('%HEAD%', head);

before(() => {
  work.installed = installPackage();
  work.app = work.installed.app;
  for (const f of ['main.js', 'doui-config.json', 'stats.js', 'policy.md']) cpSync(join(sample, f), join(work.app, f));
});
before(async () => {
  work.browser = await launch();
});
after(async () => {
  await work.browser?.close();
  work.installed?.remove();
});

test('the tarball holds what a site needs and nothing else', () => {
  const listed = JSON.parse(run('npm', ['pack', staged, '--dry-run', '--json', '--silent'], root))[0].files.map((f) => f.path);
  const installed = join(work.app, 'node_modules/doui');
  for (const f of [
    'package.json', 'README.md', 'doui.js', 'doui_bg.wasm', 'doui.css', 'doui-consent-default.js', 'doui-policy.js',
    'doui_policy_bg.wasm', 'doui-receipts.js', 'doui-policy.css', 'doui-config.schema.json', 'index.d.ts', 'policy.d.ts',
    'doui-policy-wasm.d.ts', 'config.d.ts', 'bin/doui.mjs', 'docs/README.md', 'docs/config.md',
  ]) {
    assert.ok(listed.includes(f), `${f} is packed`);
    assert.ok(existsSync(join(installed, f)), `${f} is installed`);
  }
  assert.deepEqual(listed.filter((f) => /(^|\/)(src|tests|node_modules|target)\//.test(f)), []);
  // Every relative link of the README leads to a file in the package.
  const readme = readFileSync(join(installed, 'README.md'), 'utf8');
  const links = [...readme.matchAll(/\]\(((?!https?:|#)[^)#\s]+)/g)].map((m) => m[1]);
  assert.ok(links.length > 0);
  assert.deepEqual(links.filter((l) => !listed.includes(l)), []);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const cargoVersion = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "(.+)"$/m)[1];
  assert.equal(manifest.version, cargoVersion, 'the package has the crate version');
  assert.ok(existsSync(join(work.app, 'node_modules/.bin/doui')), 'the doui command is linked');
});

test('the exports map resolves every entry point for Node and bundlers', () => {
  const resolved = run(
    'node',
    [
      '--input-type=module',
      '-e',
      `for (const s of ['doui', 'doui/policy', 'doui/doui.css', 'doui/doui-policy.css', 'doui/consent-default.js', 'doui/doui-config.schema.json', 'doui/package.json'])
         console.log(s, import.meta.resolve(s));`,
    ],
    work.app,
  );
  for (const [spec, file] of [
    ['doui', 'doui.js'],
    ['doui/policy', 'doui-policy.js'],
    ['doui/doui.css', 'doui.css'],
    ['doui/consent-default.js', 'doui-consent-default.js'],
    ['doui/doui-config.schema.json', 'doui-config.schema.json'],
  ]) {
    assert.match(resolved, new RegExp(`^${spec} file://.*/node_modules/doui/${file.replace('.', '\\.')}$`, 'm'));
  }
});

/** Serves `dir` on loopback; the returned server logs every request. */
const serve = (dir) => startServer({ mounts: [['/', dir]] });

/**
 * On a first visit the banner shows; the gated script has not run nor been
 * fetched; "reject all" is recorded and `accepted()` answers; after a reload
 * the choice holds. Then "accept all" from the preferences runs the script
 * without a reload. The policy on the page is rendered by the lazily loaded
 * policy module, with the cookie table from the config.
 */
async function checkSite(origin, server) {
  const context = await work.browser.newContext({ locale: 'ja-JP' });
  try {
    const p = await context.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await p.goto(origin + '/');
    await p.locator('.doui-banner').waitFor();
    await p.evaluate(() => window.doui.ready);
    assert.equal(await p.evaluate(() => window.doui.accepted('analytics')), false);
    const analyticsTable = p.getByRole('table', { name: 'アクセス解析' });
    await analyticsTable.waitFor();
    assert.match(await analyticsTable.innerText(), /stats_id/);
    await p.locator('[data-doui-action="reject-all"]').click();
    await p.waitForFunction(() => window.doui.consent() !== null);
    assert.equal(await p.evaluate(() => window.doui.accepted('analytics')), false);
    assert.equal(await p.evaluate(() => window.statsRan), undefined, 'the gated script stayed inert');
    assert.equal(await p.locator('.doui-banner').count(), 0, 'the banner is gone');
    await p.reload();
    await p.evaluate(() => window.doui.ready);
    assert.equal(await p.evaluate(() => window.doui.consent()?.categories.analytics), false, 'the refusal holds');
    assert.equal(await p.locator('.doui-banner').count(), 0);
    assert.equal(server.log.filter((r) => r.path === '/stats.js').length, 0, 'stats.js was never fetched');
    await p.locator('[data-doui-open]').first().click();
    await p.locator('dialog.doui-prefs[open] [data-doui-action="accept-all"]').click();
    await p.waitForFunction(() => window.statsRan === true);
    assert.equal(await p.evaluate(() => window.doui.accepted('stats')), true);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}

test('bundled with esbuild', async () => {
  const out = join(work.app, 'esbuild-out');
  // --splitting keeps the policy renderer a chunk of its own, loaded only where a policy is shown.
  run(bin('esbuild'), ['main.js', '--bundle', '--format=esm', '--splitting', '--loader:.json=json', '--outdir=esbuild-out', '--log-level=warning'], work.app);
  // esbuild leaves `new URL('./x.wasm', import.meta.url)` as it is: the wasm files go beside the bundle.
  for (const f of readdirSync(join(work.app, 'node_modules/doui')).filter((f) => /\.wasm$|^doui-policy\.css$/.test(f)))
    cpSync(join(work.app, 'node_modules/doui', f), join(out, f));
  for (const f of ['stats.js', 'policy.md']) cpSync(join(work.app, f), join(out, f));
  writeFileSync(join(out, 'index.html'), page('<link rel="stylesheet" href="/main.css">\n<script type="module" src="/main.js"></script>'));
  const server = await serve(out);
  try {
    await checkSite(server.urls[0], server);
  } finally {
    await server.close();
  }
});

test('bundled with Vite', async () => {
  const src = join(work.app, 'vite-src');
  mkdirSync(join(src, 'public'), { recursive: true });
  for (const f of ['main.js', 'doui-config.json']) cpSync(join(work.app, f), join(src, f));
  for (const f of ['stats.js', 'policy.md']) cpSync(join(work.app, f), join(src, 'public', f));
  writeFileSync(join(src, 'index.html'), page('<script type="module" src="/main.js"></script>'));
  run(bin('vite'), ['build', '--logLevel', 'warn', '--outDir', join(work.app, 'vite-out'), '--emptyOutDir'], src);
  const out = join(work.app, 'vite-out');
  // Vite copied the wasm through `new URL(…, import.meta.url)`, under a hashed name.
  const assets = readdirSync(join(out, 'assets'));
  assert.ok(assets.some((f) => /^doui_bg-.*\.wasm$/.test(f)), `banner wasm among ${assets}`);
  assert.ok(assets.some((f) => /^doui_policy_bg-.*\.wasm$/.test(f)), `policy wasm among ${assets}`);
  const server = await serve(out);
  try {
    await checkSite(server.urls[0], server);
  } finally {
    await server.close();
  }
});

test('copied as a plain folder of files', async () => {
  const out = join(work.app, 'plain');
  mkdirSync(out);
  cpSync(join(work.app, 'node_modules/doui'), join(out, 'doui'), { recursive: true });
  for (const f of ['doui-config.json', 'stats.js', 'policy.md']) cpSync(join(work.app, f), join(out, f));
  writeFileSync(
    join(out, 'index.html'),
    page(
      '<link rel="stylesheet" href="/doui/doui.css">\n' +
        '<script src="/doui/doui-consent-default.js"></script>\n' +
        '<script type="module" src="/doui/doui.js" data-doui-config="/doui-config.json"></script>',
    ),
  );
  const server = await serve(out);
  try {
    await checkSite(server.urls[0], server);
  } finally {
    await server.close();
  }
});
