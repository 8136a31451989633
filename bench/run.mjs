#!/usr/bin/env node
// doui's benchmark: the banner side by side with vanilla-cookieconsent and
// klaro, and the policy renderer against markdown-it, all in one headless
// Chromium run on loopback.
//
//   node bench/run.mjs [--runs N] [--only banner|policy] [--settle MS]
//
// It installs its own npm packages (bench/package-lock.json) when they are
// missing or stale, snapshots dist/ (build it first), serves a scratch copy of
// everything on 127.0.0.1 (the site) and 127.0.0.2 (a stand-in third party),
// and writes bench/results.json (every run) and bench/results.md (tables).
// What each figure means is described in results.md and in bench/README.md.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zc, gzipSync } from 'node:zlib';
import { chromiumArgs as sharedChromiumArgs } from '../tests/support/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');

// ---------------------------------------------------------------------------
// Options

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const RUNS = Math.max(1, Number(opt('runs', 7)));
const ONLY = opt('only', 'all'); // banner | policy | all
const SETTLE_MS = Number(opt('settle', 600)); // wait after the banner before collecting (doubled at CPU 4×)
const WARM_RUNS = Math.max(1, Number(opt('warm-runs', 3)));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The test suites' flags (loopback only), without the automation flag:
// vanilla-cookieconsent hides its banner from bots (navigator.webdriver) by
// default, as a site's real visitors never are.
const chromiumArgs = ['--disable-blink-features=AutomationControlled', ...sharedChromiumArgs];

const log = (...a) => console.error('[bench]', ...a);

// ---------------------------------------------------------------------------
// Set-up: packages, the dist snapshot, the site, the server, the browser

function ensurePackages() {
  const lock = join(here, 'package-lock.json');
  const installed = join(here, 'node_modules/.package-lock.json');
  if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs) {
    log('installing bench/ packages from package-lock.json');
    // No install scripts: only files from the packages' dist/ folders are used
    // (klaro lists its own build tools, sass among them, as dependencies).
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: here, stdio: ['ignore', 'inherit', 'inherit'] });
  }
}

/** The bare pulldown-cmark module for the policy figures, which `./dev bench` builds. */
function checkBenchModule() {
  const wasm = join(repo, 'target/bench/pulldown_cmark_bg.wasm');
  if (ONLY !== 'banner' && !existsSync(wasm)) {
    throw new Error('target/bench/ lacks the bare pulldown-cmark module: run ./dev bench, which builds it');
  }
}

async function snapshotDist(scratch) {
  const dist = join(repo, 'dist');
  const need = ['doui.js', 'doui_bg.wasm', 'doui.css', 'doui-policy.js', 'doui_policy_bg.wasm'];
  const missing = need.filter((f) => !existsSync(join(dist, f)));
  if (missing.length) {
    throw new Error(`dist/ lacks ${missing.join(', ')}: build it first (./dev build)`);
  }
  // A copy, so that a rebuild during the run cannot change what is measured.
  const copy = join(scratch, 'dist');
  await cp(dist, copy, { recursive: true });
  return copy;
}

function chromiumVersion() {
  try {
    return execFileSync(CHROMIUM, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------
// Small statistics

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
/** The font family the browser's fontconfig picks for Japanese text. */
function japaneseFont() {
  try {
    return execFileSync('fc-match', [':lang=ja', 'family'], { encoding: 'utf8' }).trim().split(',')[0] || 'none';
  } catch {
    return 'unknown';
  }
}
/** The order of the contenders in run `i`: rotated, so each takes each place. */
const rotate = (list, i) => list.map((_, k) => list[(k + i) % list.length]);

// ---------------------------------------------------------------------------
// Sizes: every file measured raw, gzip -9 and brotli quality 11 (window 24)

const sizeCache = new Map();
async function sizesOf(file) {
  if (!sizeCache.has(file)) {
    const buf = await readFile(file);
    sizeCache.set(file, {
      raw: buf.length,
      gzip: gzipSync(buf, { level: 9 }).length,
      brotli: brotliCompressSync(buf, {
        params: {
          [zc.BROTLI_PARAM_QUALITY]: zc.BROTLI_MAX_QUALITY,
          [zc.BROTLI_PARAM_LGWIN]: zc.BROTLI_MAX_WINDOW_BITS,
          [zc.BROTLI_PARAM_SIZE_HINT]: buf.length,
        },
      }).length,
    });
  }
  return sizeCache.get(file);
}

// ---------------------------------------------------------------------------
// The banner benchmark

const KINDS = ['js', 'wasm', 'css', 'config', 'other'];

async function bannerLoad(env, name, { rate, click }) {
  const { browser, origin, site, probe, contenders, classify, fileFor } = env;
  const sel = contenders[name] ?? { banner: '#no-banner', reject: '#none', cookie: 'none' };
  const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 720 } });
  try {
    await context.addInitScript({
      content: probe.replace('__PROBE__', JSON.stringify({ ...sel, click })),
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    await page.goto(`${origin}/${name}/`, { waitUntil: 'load', timeout: 60_000 });
    if (name !== 'bare') {
      await page.waitForFunction(
        (click) => {
          const b = window.__bench;
          return b && b.visibleAt !== null && (!click || b.hiddenAt !== null);
        },
        click,
        { timeout: 30_000, polling: 100 },
      ).catch((e) => {
        throw new Error(`${name} at CPU ${rate}× (${click ? 'click' : 'load'}): ${e.message.split('\n')[0]} ${JSON.stringify(errors)}`);
      });
    }
    // Let whatever the manager does after showing the banner finish.
    if (!click) await page.waitForTimeout(rate > 1 ? 2 * SETTLE_MS : SETTLE_MS);
    const data = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        ...window.__bench,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
        load: nav?.loadEventEnd ?? null,
        resources: performance
          .getEntriesByType('resource')
          .map((e) => ({ url: e.name, start: e.startTime, end: e.responseEnd })),
        analyticsRan: window.benchAnalyticsRan ?? 0,
        wasmMemory: window.__benchWasmMemory?.() ?? 0,
      };
    });
    let heap = null;
    if (!click) {
      await cdp.send('HeapProfiler.collectGarbage');
      heap = await cdp.send('Runtime.getHeapUsage');
    }

    // Bytes of the manager's own files, by kind, fetched before the banner showed.
    const bytes = {};
    for (const k of KINDS) bytes[k] = { raw: 0, gzip: 0, brotli: 0, files: [] };
    for (const res of data.resources) {
      const u = new URL(res.url);
      if (u.origin !== origin) continue;
      const kind = classify(name, u.pathname);
      if (!kind) continue;
      if (data.visibleAt !== null && res.end > data.visibleAt) continue;
      const s = await sizesOf(fileFor([['/', site]], u.pathname));
      bytes[kind].raw += s.raw;
      bytes[kind].gzip += s.gzip;
      bytes[kind].brotli += s.brotli;
      bytes[kind].files.push(u.pathname);
    }

    const tasks = data.longTasks;
    // Long animation frames in which the manager's own code ran: every
    // same-origin script on these pages is the manager's (or its set-up).
    const own = (sc) => sc.url.startsWith(origin + '/');
    const ownFrames = (data.longFrames ?? []).filter((f) => f.scripts.some(own));
    return {
      contender: name,
      rate,
      mode: click ? 'click' : 'load',
      attached: data.attachedAt,
      visible: data.visibleAt,
      interactive: data.interactiveAt,
      hidden: data.hiddenAt,
      clicks: data.clicks,
      cookieBeforeClick: data.cookieBeforeClick ?? null,
      fcp: data.fcp,
      // The banner's first visible frame against the page's first contentful
      // paint, in the same run: 0 or less is the same frame (the probe looks in
      // the animation frame, just before the paint the entry stamps).
      afterFcp: data.visibleAt !== null && data.fcp !== null ? data.visibleAt - data.fcp : null,
      domContentLoaded: data.domContentLoaded,
      load: data.load,
      longTasks: tasks.length,
      longTaskMs: tasks.reduce((a, t) => a + t.duration, 0),
      tbt: tasks.reduce((a, t) => a + Math.max(0, t.duration - 50), 0),
      ownFrames: data.longFrames ? ownFrames.length : null,
      ownScriptMs: data.longFrames ? Math.max(0, ...ownFrames.flatMap((f) => f.scripts.filter(own).map((sc) => sc.duration))) : null,
      cls: data.shifts.reduce((a, s) => a + s.value, 0),
      heapUsed: heap?.usedSize ?? null,
      heapBacking: heap?.backingStorageSize ?? null,
      wasmMemory: data.wasmMemory,
      clickDelay: click && data.interactiveAt !== null ? data.interactiveAt - data.visibleAt : null,
      bytes,
      analyticsRan: data.analyticsRan,
      errors,
    };
  } finally {
    await context.close();
  }
}

async function bannerBench(env) {
  const names = Object.keys(env.contenders);
  const runs = [];
  log('banner: warm-up load of each page (not counted)');
  for (const name of [...names, 'bare']) await bannerLoad(env, name, { rate: 1, click: false });
  for (const rate of [1, 4]) {
    for (let i = 0; i < RUNS; i++) {
      const order = rotate(names, i);
      for (const click of [false, true]) {
        for (const name of order) {
          const r = await bannerLoad(env, name, { rate, click });
          r.run = i;
          runs.push(r);
        }
      }
      // A page without any consent manager, for the heap baseline.
      const bare = await bannerLoad(env, 'bare', { rate, click: false });
      bare.run = i;
      runs.push(bare);
      log(`banner: CPU ${rate}× run ${i + 1}/${RUNS} done (order ${order.join(', ')})`);
    }
  }
  return runs;
}

// ---------------------------------------------------------------------------
// The policy-renderer benchmark

async function policyPage(env) {
  const context = await env.browser.newContext({ locale: 'ja-JP' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${env.origin}/policy/`, { waitUntil: 'load' });
  await page.waitForFunction(() => typeof window.benchLoad === 'function');
  const sizes = await page.evaluate(
    ([paths, config]) => window.benchLoad(paths, config),
    [env.docs.map((d) => `/policies/${d}`), '/doui/doui-config.json'],
  );
  return { context, page, sizes, errors };
}

async function policyBench(env) {
  const renderers = ['doui', 'markdown-it'];
  // Bare pulldown-cmark only warm: how close the engine behind the same boundary
  // comes, the ceiling for doui's warm figure.
  const warmRenderers = [...renderers, 'pulldown-cmark'];
  const cold = [];
  const warm = [];
  const nDocs = env.docs.length + 1; // the last one is every document concatenated
  let sizes = null;
  for (let r = 0; r < RUNS; r++) {
    for (const which of rotate(renderers, r)) {
      for (let i = 0; i < nDocs; i++) {
        const p = await policyPage(env);
        sizes ??= p.sizes;
        try {
          const c = await p.page.evaluate(([w, i]) => window.benchCold(w, i), [which, i]);
          cold.push({ renderer: which, doc: i, run: r, ...c, errors: p.errors });
        } catch (e) {
          cold.push({ renderer: which, doc: i, run: r, error: e.message.split('\n')[0] });
        } finally {
          await p.context.close();
        }
      }
    }
    log(`policy: cold run ${r + 1}/${RUNS} done`);
  }
  for (let r = 0; r < WARM_RUNS; r++) {
    for (const which of rotate(warmRenderers, r)) {
      const p = await policyPage(env);
      try {
        for (let i = 0; i < nDocs; i++) {
          try {
            const w = await p.page.evaluate(([w, i]) => window.benchWarm(w, i), [which, i]);
            warm.push({ renderer: which, doc: i, run: r, n: w.n, perRender: w.perRender, median: w.median });
          } catch (e) {
            warm.push({ renderer: which, doc: i, run: r, error: e.message.split('\n')[0] });
          }
        }
      } finally {
        await p.context.close();
      }
    }
    log(`policy: warm run ${r + 1}/${WARM_RUNS} done`);
  }
  return { docs: [...env.docs, 'all concatenated'], bytes: sizes, cold, warm };
}

// ---------------------------------------------------------------------------
// Summaries and tables

const fmtInt = (x) => (x === null || x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
const fmt = (x, d = 1) => (x === null || x === undefined ? '–' : x.toFixed(d));
const ratio = (a, b) => (a === null || b === null || b === 0 ? '–' : (a / b).toFixed(2));

function summarizeBanner(runs, names) {
  const out = {};
  for (const rate of [1, 4]) {
    out[rate] = {};
    for (const name of [...names, 'bare']) {
      const load = runs.filter((r) => r.rate === rate && r.contender === name && r.mode === 'load');
      const click = runs.filter((r) => r.rate === rate && r.contender === name && r.mode === 'click');
      const m = (rs, f) => median(rs.map(f));
      const bytes = {};
      for (const k of KINDS) {
        bytes[k] = {};
        for (const c of ['raw', 'gzip', 'brotli']) bytes[k][c] = m(load, (r) => r.bytes[k][c]);
      }
      for (const total of ['code', 'all']) {
        bytes[total] = {};
        for (const c of ['raw', 'gzip', 'brotli']) {
          bytes[total][c] = m(load, (r) =>
            ['js', 'wasm', 'css', ...(total === 'all' ? ['config', 'other'] : [])].reduce((a, k) => a + r.bytes[k][c], 0),
          );
        }
      }
      out[rate][name] = {
        n: load.length,
        bytes,
        attached: m(load, (r) => r.attached),
        visible: m(load, (r) => r.visible),
        interactive: m(click, (r) => r.interactive),
        hidden: m(click, (r) => r.hidden),
        fcp: m(load, (r) => r.fcp),
        afterFcp: m(load, (r) => r.afterFcp),
        longTasks: m(load, (r) => r.longTasks),
        longTaskMs: m(load, (r) => r.longTaskMs),
        tbt: m(load, (r) => r.tbt),
        ownFrames: m(load, (r) => r.ownFrames),
        ownScriptMs: m(load, (r) => r.ownScriptMs),
        cls: m(load, (r) => r.cls),
        heapUsed: m(load, (r) => r.heapUsed),
        heapBacking: m(load, (r) => r.heapBacking),
        wasmMemory: m(load, (r) => r.wasmMemory),
        memoryTotal: m(load, (r) => (r.heapUsed ?? 0) + (r.heapBacking ?? 0) + r.wasmMemory),
        clickDelay: m(click, (r) => r.clickDelay),
        clicksNeeded: m(click, (r) => r.clicks),
        errors: [...new Set(runs.filter((r) => r.contender === name).flatMap((r) => r.errors))],
      };
    }
  }
  return out;
}

function summarizePolicy(p) {
  const rows = p.docs.map((doc, i) => {
    const row = { doc, bytes: p.bytes?.[i] ?? null };
    for (const which of ['doui', 'markdown-it', 'pulldown-cmark']) {
      const c = p.cold.filter((x) => x.renderer === which && x.doc === i && !x.error);
      const w = p.warm.filter((x) => x.renderer === which && x.doc === i && !x.error);
      const warmMs = median(w.flatMap((x) => x.perRender));
      row[which] = {
        coldMs: median(c.map((x) => x.total)),
        coldLoadMs: median(c.map((x) => x.load)),
        coldFirstRenderMs: median(c.map((x) => x.firstRender)),
        warmMs,
        mbPerS: warmMs && row.bytes ? row.bytes / 1e6 / (warmMs / 1000) : null,
        errors: [...new Set([...p.cold, ...p.warm].filter((x) => x.renderer === which && x.doc === i && x.error).map((x) => x.error))],
      };
    }
    return row;
  });
  return rows;
}

function bannerTables(s, names) {
  // Ratios: each doui variant against each rival.
  const ours = names.filter((n) => n.startsWith('doui'));
  const pairs = ours.flatMap((o) => names.filter((n) => !n.startsWith('doui')).map((r) => [o, r]));
  const label = (n) => ({ doui: 'doui', 'doui-pre': 'doui prerendered', vcc: 'vanilla-cookieconsent', klaro: 'klaro', bare: 'no manager' })[n];
  const head = (extra = []) =>
    `| | ${names.map(label).join(' | ')} | ${pairs.map(([o, r]) => `${label(o)}/${label(r)}`).join(' | ')}${extra.map((e) => ` | ${e}`).join('')} |\n|---|${names.map(() => '---:').join('|')}|${pairs.map(() => '---:').join('|')}${extra.map(() => '|---:').join('')}|\n`;
  const row = (title, f, show, extra = []) =>
    `| ${title} | ${names.map((n) => show(f(n))).join(' | ')} | ${pairs.map(([o, r]) => ratio(f(o), f(r))).join(' | ')}${extra.map((e) => ` | ${e}`).join('')} |\n`;

  let md = '### Bytes the consent manager makes the page load before its banner shows\n\n';
  md += 'Median over the CPU 1× load runs; files as served (raw), and compressed by this script with gzip -9 and brotli 11.\n\n';
  md += head();
  const b = (n) => s[1][n].bytes;
  for (const [kind, title] of [
    ['js', 'JS'],
    ['wasm', 'wasm'],
    ['css', 'CSS'],
    ['code', '**code total** (JS + wasm + CSS)'],
    ['config', 'site config'],
    ['all', '**everything** (code + config)'],
  ]) {
    for (const c of ['raw', 'gzip', 'brotli']) {
      md += row(`${title}, ${c}`, (n) => b(n)[kind][c], fmtInt);
    }
  }
  for (const rate of [1, 4]) {
    const t = (n) => s[rate][n];
    md += `\n### Timing and main-thread cost, CPU ${rate}×${rate === 4 ? ' (DevTools throttling)' : ''}\n\n`;
    md += `Medians of ${s[rate].doui.n} runs per contender; ms from navigation start.\n\n`;
    md += head(['no manager']);
    md += row('banner in the DOM, ms', (n) => t(n).attached, (x) => fmt(x, 0), ['–']);
    md += row('banner visible, ms', (n) => t(n).visible, (x) => fmt(x, 0), ['–']);
    md += row('"reject all" click handled, ms', (n) => t(n).interactive, (x) => fmt(x, 0), ['–']);
    md += row('click handled − banner visible, ms (same run)', (n) => t(n).clickDelay, (x) => fmt(x, 0), ['–']);
    md += row('banner gone after the click, ms', (n) => t(n).hidden, (x) => fmt(x, 0), ['–']);
    md += row('first contentful paint, ms', (n) => t(n).fcp, (x) => fmt(x, 0), [fmt(t('bare').fcp, 0)]);
    md += row('**banner visible − first contentful paint, ms** (same run; ≤ 0: in the first paint)', (n) => t(n).afterFcp, (x) => fmt(x, 0), ['–']);
    md += row('long tasks', (n) => t(n).longTasks, (x) => fmt(x, 0), [fmt(t('bare').longTasks, 0)]);
    md += row('long tasks, total ms', (n) => t(n).longTaskMs, (x) => fmt(x, 0), [fmt(t('bare').longTaskMs, 0)]);
    md += row('long animation frames in which its code ran', (n) => t(n).ownFrames, (x) => fmt(x, 0), ['–']);
    md += row('its longest script run in those frames, ms', (n) => t(n).ownScriptMs, (x) => fmt(x, 0), ['–']);
    md += row('total blocking time, ms', (n) => t(n).tbt, (x) => fmt(x, 0), [fmt(t('bare').tbt, 0)]);
    md += row('cumulative layout shift', (n) => t(n).cls, (x) => fmt(x, 4), [fmt(t('bare').cls, 4)]);
    md += row('JS heap used, KB', (n) => t(n).heapUsed / 1024, (x) => fmtInt(x), [fmtInt(t('bare').heapUsed / 1024)]);
    md += row('ArrayBuffer backing stores, KB', (n) => t(n).heapBacking / 1024, (x) => fmtInt(x), [fmtInt(t('bare').heapBacking / 1024)]);
    md += row('wasm linear memory, KB', (n) => t(n).wasmMemory / 1024, (x) => fmtInt(x), [fmtInt(t('bare').wasmMemory / 1024)]);
    md += row('memory total (JS heap + ArrayBuffers + wasm), KB', (n) => t(n).memoryTotal / 1024, (x) => fmtInt(x), [fmtInt(t('bare').memoryTotal / 1024)]);
    md += row('**memory above the page without a manager**, KB', (n) => (t(n).memoryTotal - t('bare').memoryTotal) / 1024, (x) => fmtInt(x), ['0']);
  }
  return md;
}

function policyTable(rows) {
  let md = '| document | KB | doui warm ms | markdown-it warm ms | bare pulldown-cmark warm ms | doui MB/s | markdown-it MB/s | doui speed ÷ markdown-it | bare pulldown-cmark speed ÷ markdown-it | doui cold ms (load + first render) | markdown-it cold ms | doui/markdown-it cold |\n';
  md += '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n';
  const speed = (a, b) => (a.mbPerS && b.mbPerS ? fmt(a.mbPerS / b.mbPerS, 2) : '–');
  for (const r of rows) {
    const d = r.doui;
    const m = r['markdown-it'];
    const b = r['pulldown-cmark'];
    md += `| ${r.doc} | ${fmt(r.bytes / 1024, 1)} | ${fmt(d.warmMs, 3)} | ${fmt(m.warmMs, 3)} | ${fmt(b.warmMs, 3)} | ${fmt(d.mbPerS, 1)} | ${fmt(m.mbPerS, 1)} | ${speed(d, m)} | ${speed(b, m)} | ${fmt(d.coldMs, 1)} (${fmt(d.coldLoadMs, 1)} + ${fmt(d.coldFirstRenderMs, 1)}) | ${fmt(m.coldMs, 1)} (${fmt(m.coldLoadMs, 1)} + ${fmt(m.coldFirstRenderMs, 1)}) | ${ratio(d.coldMs, m.coldMs)} |\n`;
  }
  return md;
}

/**
 * The native renderer against bare pulldown-cmark with the same options
 * (benches/policy.rs, criterion, the release profile the wasm modules use),
 * read from criterion's estimates: median ns per render of each group.
 */
function nativeBench() {
  log('policy: native, cargo bench --bench policy (about a minute)');
  execFileSync('cargo', ['bench', '--quiet', '--bench', 'policy', '--', '--warm-up-time', '1', '--measurement-time', '3'], {
    cwd: repo,
    // criterion's progress lines go nowhere; on failure they are in the error.
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const dir = join(repo, 'target/criterion');
  const median = (group, fn) => JSON.parse(readFileSync(join(dir, group, fn, 'new/estimates.json'), 'utf8')).median.point_estimate;
  return readdirSync(dir)
    .filter((g) => existsSync(join(dir, g, 'doui/new/estimates.json')))
    .sort((a, b) => (a === 'all policies joined' ? 1 : b === 'all policies joined' ? -1 : a.localeCompare(b)))
    .map((group) => ({ group, douiUs: median(group, 'doui') / 1000, bareUs: median(group, 'pulldown-cmark') / 1000 }));
}

function nativeTable(rows) {
  let md = '| input | doui µs | bare pulldown-cmark µs | doui ÷ bare (time) |\n|---|---:|---:|---:|\n';
  for (const r of rows) md += `| ${r.group} | ${fmt(r.douiUs, 1)} | ${fmt(r.bareUs, 1)} | ${fmt(r.douiUs / r.bareUs, 2)} |\n`;
  return md;
}

/** The issue's goals, each read against this run's figures. */
function goals(bs, ps, largest, native) {
  const lines = [];
  const check = (ok, text) => lines.push(`- ${ok === null ? '?' : ok ? 'met' : '**not met**'}: ${text}`);
  if (bs) {
    const d1 = bs[1].doui;
    const v1 = bs[1].vcc;
    const k1 = bs[1].klaro;
    const gz = d1.bytes.code.gzip;
    check(gz !== null ? gz <= 15 * 1024 : null, `banner critical path ≤ 15 KB gzip — doui ${fmtInt(gz)} B (code; ${fmtInt(d1.bytes.all.gzip)} B with its config)`);
    check(gz !== null && v1.bytes.code.gzip !== null ? gz < v1.bytes.code.gzip : null, `smaller than vanilla-cookieconsent — ${fmtInt(gz)} vs ${fmtInt(v1.bytes.code.gzip)} B gzip (code)`);
    check(d1.visible !== null && v1.visible !== null ? d1.visible < v1.visible : null, `banner visible sooner than vanilla-cookieconsent (CPU 1×) — ${fmt(d1.visible, 0)} vs ${fmt(v1.visible, 0)} ms`);
    check(
      d1.ownScriptMs !== null ? d1.ownScriptMs < 50 : null,
      `no long task of doui's own at CPU 1× — its longest script run in a long animation frame ${fmt(d1.ownScriptMs, 0)} ms; long tasks on the page: ${fmt(d1.longTasks, 0)} (${fmt(d1.longTaskMs, 0)} ms), without any manager ${fmt(bs[1].bare.longTasks, 0)} (${fmt(bs[1].bare.longTaskMs, 0)} ms)`,
    );
    const d4 = bs[4].doui;
    const p1 = bs[1]['doui-pre'];
    const p4 = bs[4]['doui-pre'];
    if (p1 && p4) {
      check(
        p1.afterFcp !== null && p4.afterFcp !== null ? p1.afterFcp <= 0 && p4.afterFcp <= 0 : null,
        `prerendered banner visible in the page's first contentful paint at CPU 1× and 4× — ${fmt(p1.afterFcp, 0)} and ${fmt(p4.afterFcp, 0)} ms after it (vanilla-cookieconsent ${fmt(v1.afterFcp, 0)} and ${fmt(bs[4].vcc.afterFcp, 0)} ms, doui without prerendering ${fmt(d1.afterFcp, 0)} and ${fmt(d4.afterFcp, 0)} ms)`,
      );
    }
    check(d4.visible !== null && bs[4].vcc.visible !== null ? d4.visible < bs[4].vcc.visible : null, `banner visible sooner than vanilla-cookieconsent at CPU 4× without prerendering — ${fmt(d4.visible, 0)} vs ${fmt(bs[4].vcc.visible, 0)} ms`);
    check(d4.tbt < bs[4].vcc.tbt && d4.tbt < bs[4].klaro.tbt, `less blocking time than either rival at CPU 4× — doui ${fmt(d4.tbt, 0)} ms, vanilla-cookieconsent ${fmt(bs[4].vcc.tbt, 0)} ms, klaro ${fmt(bs[4].klaro.tbt, 0)} ms`);
    check(d1.cls === 0 && d4.cls === 0, `zero layout shift — doui CLS ${fmt(d1.cls, 4)} (1×), ${fmt(d4.cls, 4)} (4×); vanilla-cookieconsent ${fmt(v1.cls, 4)}, klaro ${fmt(k1.cls, 4)}`);
  }
  if (ps) {
    const all = ps[ps.length - 1];
    const speed = all.doui.mbPerS && all['markdown-it'].mbPerS ? all.doui.mbPerS / all['markdown-it'].mbPerS : null;
    check(speed !== null ? speed >= 3 : null, `policy module ≥ 3× markdown-it's warm throughput — ${fmt(speed, 2)}× on all documents concatenated (per document: ${ps
      .slice(0, -1)
      .map((r) => (r.doui.mbPerS && r['markdown-it'].mbPerS ? fmt(r.doui.mbPerS / r['markdown-it'].mbPerS, 2) : '–'))
      .join(', ')}); bare pulldown-cmark behind the same boundary: ${fmt(all['pulldown-cmark'].mbPerS && all['markdown-it'].mbPerS ? all['pulldown-cmark'].mbPerS / all['markdown-it'].mbPerS : null, 2)}×`);
    const big = ps.find((r) => r.doc === largest);
    check(big?.doui.coldMs != null ? big.doui.coldMs < 50 : null, `cold first render of the largest seed (${largest}) < 50 ms, module fetch and compile included — ${fmt(big?.doui.coldMs, 1)} ms`);
  }
  const joined = native?.find((r) => r.group === 'all policies joined');
  if (joined) {
    const times = joined.douiUs / joined.bareUs;
    check(times <= 2, `natively within 2× of bare pulldown-cmark with the same options — ${fmt(times, 2)}× the time on all policies joined`);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// Main

async function main() {
  ensurePackages();
  const { chromium } = await import('playwright-core');
  const { startServer, fileFor } = await import('../tests/support/server.mjs');
  const { buildSite, classify, contenders } = await import('./lib/variants.mjs');

  const scratch = await mkdtemp(join(tmpdir(), 'doui-bench-'));
  const site = join(scratch, 'site');
  let server;
  let browser;
  try {
    checkBenchModule();
    const dist = await snapshotDist(scratch);
    server = await startServer({ hosts: ['127.0.0.1', '127.0.0.2'], mounts: [['/', site]] });
    const [origin, third] = server.urls;
    await buildSite({ repo, dist, site, third });
    const docs = (await readdir(join(repo, 'policies'))).filter((f) => f.endsWith('.md')).sort();
    const probe = await readFile(join(here, 'lib/probe.js'), 'utf8');

    browser = await chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs });
    const env = { browser, origin, site, probe, contenders, classify, fileFor, docs };
    const meta = {
      date: new Date().toISOString(),
      browser: `${chromiumVersion()} (playwright reports ${browser.version()})`,
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      // Layout time on these Japanese pages depends on the font the text falls to.
      japaneseFont: japaneseFont(),
      runs: RUNS,
      warmRuns: WARM_RUNS,
      settleMs: SETTLE_MS,
      // Other work on the machine makes every figure noisier; it is recorded.
      loadAverageAtStart: loadavg()[0],
      versions: {},
      dist: {},
    };
    for (const p of ['vanilla-cookieconsent', 'klaro', 'markdown-it', 'playwright-core']) {
      meta.versions[p] = JSON.parse(await readFile(join(here, 'node_modules', p, 'package.json'), 'utf8')).version;
    }
    for (const f of (await readdir(dist)).sort()) meta.dist[f] = await sizesOf(join(dist, f));
    log(`${meta.browser}, ${meta.cores} cores, ${RUNS} runs`);

    const results = { meta };
    const names = Object.keys(contenders);
    if (ONLY !== 'policy') {
      results.banner = await bannerBench(env);
      results.bannerSummary = summarizeBanner(results.banner, names);
    }
    let largest = null;
    if (ONLY !== 'banner') {
      results.policy = await policyBench(env);
      results.policySummary = summarizePolicy(results.policy);
      const i = results.policy.bytes.slice(0, -1).reduce((best, b, k, all) => (b > all[best] ? k : best), 0);
      largest = docs[i];
      results.native = nativeBench();
    }

    meta.loadAverageAtEnd = loadavg()[0];
    let md = `# doui benchmark results\n\n`;
    md += `${meta.date.slice(0, 10)} · ${meta.browser} · ${meta.cores} cores (${meta.cpu}) · Node ${meta.node} · Japanese font ${meta.japaneseFont} · `;
    md += `vanilla-cookieconsent ${meta.versions['vanilla-cookieconsent']}, klaro ${meta.versions.klaro}, markdown-it ${meta.versions['markdown-it']} · `;
    md += `${RUNS} runs per contender, alternating order, fresh browser context each.\n\n`;
    const busy = Math.max(meta.loadAverageAtStart, meta.loadAverageAtEnd);
    if (busy > meta.cores / 2) {
      md += `> The machine was busy (1-minute load average ${busy.toFixed(1)} on ${meta.cores} cores): timings are noisier than on an idle machine; byte counts are unaffected.\n\n`;
    }
    md += '## Goals\n\n' + goals(results.bannerSummary, results.policySummary, largest, results.native) + '\n';
    if (results.bannerSummary) md += '## Banner\n\n' + bannerTables(results.bannerSummary, names) + '\n';
    if (results.policySummary) {
      md += '## Policy renderer\n\n';
      md += `doui: \`renderPolicy(markdown, config)\` of dist/doui-policy.js with the demo config; markdown-it: \`markdownit().render(markdown)\` (default preset: raw HTML escaped, tables and strikethrough on); bare pulldown-cmark: doui's Markdown options and pulldown-cmark's own writer behind the same wasm-bindgen string boundary, built as the policy module is (bench/pulldown-cmark), warm only. `;
      md += `Warm: median time per render over ${WARM_RUNS} pages × 9 timed loops of N renders each (N chosen so a loop lasts ≥ 40 ms). `;
      md += `Cold: median of ${RUNS} fresh pages, from starting the module import to the end of the first render (module fetch, compile and instantiation included; the Markdown is fetched beforehand).\n\n`;
      md += policyTable(results.policySummary);
    }
    if (results.native) {
      md += '\n## Policy renderer, native\n\n';
      md += '`cargo bench --bench policy` (criterion, median of 100 samples; release profile, `opt-level = "z"` as the wasm modules): `policy::render` with the demo config against bare pulldown-cmark with the same options, which renders no tables, contents or ids.\n\n';
      md += nativeTable(results.native);
    }
    await writeFile(join(here, 'results.json'), JSON.stringify(results, null, 1) + '\n');
    await writeFile(join(here, 'results.md'), md);
    console.log(md);
    log('wrote bench/results.json and bench/results.md');
  } finally {
    await browser?.close();
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
