// `doui audit <url>`: visits a live site in an installed Chrome or Chromium
// and checks that it does what its config says (docs/audit.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig, lifetimeText } from './config.mjs';
import { browserArgs, findBrowser } from './browser.mjs';
import { cacheCheck, visitPage } from './visits.mjs';
import { htmlReport, suggestedServices, suggestions, summary } from './report.mjs';

export const usage = `usage:
  doui audit <url> [--config site.json] [--pages N] [--browser /path/to/chromium]
                   [--json] [--report report.html] [--suggest]
                   [--page-timeout seconds] [--time-limit seconds] [--tolerance percent]
      visit the site in Chrome or Chromium and check it against its config`;

/** Parses the arguments after `audit`; throws an Error with a message on a mistake. */
export function parseArgs(args) {
  const o = { url: null, config: null, pages: 10, browser: null, json: false, report: null, suggest: false, pageTimeout: 60, timeLimit: 900, tolerance: 10, browserArgs: [] };
  const value = (i, name) => {
    if (i + 1 >= args.length) throw new Error(`${name} needs a value`);
    return args[i + 1];
  };
  const number = (text, name, min, max) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected a whole number from ${min} to ${max}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const take = () => (inline !== undefined ? inline : value(i++, flag));
    switch (flag) {
      case '--config': o.config = take(); break;
      case '--pages': o.pages = number(take(), '--pages', 1, 1000); break;
      case '--browser': o.browser = take(); break;
      case '--json': o.json = true; break;
      case '--report': o.report = take(); break;
      case '--suggest': o.suggest = true; break;
      case '--page-timeout': o.pageTimeout = number(take(), '--page-timeout', 1, 3600); break;
      case '--time-limit': o.timeLimit = number(take(), '--time-limit', 1, 86400); break;
      case '--tolerance': o.tolerance = number(take(), '--tolerance', 0, 100); break;
      case '--browser-arg': o.browserArgs.push(take()); break;
      default:
        if (a.startsWith('-') || o.url) throw new Error(`unexpected argument: ${a}`);
        o.url = a;
    }
  }
  if (!o.url) throw new Error('the URL to audit is missing');
  let u;
  try {
    u = new URL(o.url);
  } catch {
    throw new Error(`not a URL: ${o.url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`not an http or https URL: ${o.url}`);
  return o;
}

const skipExt = /\.(pdf|zip|gz|png|jpe?g|gif|svg|webp|ico|css|js|mjs|json|md|xml|txt|wasm|mp4|mp3|woff2?)$/i;
/** Same-origin page links, without fragments. */
function pageLinks(links, origin) {
  const out = [];
  for (const l of links) {
    try {
      const u = new URL(l);
      if (u.origin !== origin || skipExt.test(u.pathname)) continue;
      u.hash = '';
      out.push(u.href);
    } catch {}
  }
  return out;
}

const originOf = (url) => {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
};
const short = (url) => {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return url;
  }
};
const kindOfRequest = { script: 'ungated-script', image: 'ungated-image', document: 'ungated-frame' };

/** Judges the observations of every page against the config. */
export function judge(pages, config, origin, { tolerance = 10 } = {}) {
  const findings = [];
  const seen = new Map();
  const add = (f, key) => {
    const k = `${f.code}|${key}`;
    const old = seen.get(k);
    if (old) {
      if (!old.pages.includes(f.page) && old.pages.length < 50) old.pages.push(f.page);
      return;
    }
    const finding = { severity: 'violation', ...f, pages: [f.page] };
    seen.set(k, finding);
    findings.push(finding);
  };
  // Which services each third-party origin belongs to, from the gated elements that name them.
  const gatedAt = new Map();
  for (const p of pages) {
    for (const g of p.gated ?? []) {
      const o = originOf(g.url);
      if (!o || o === origin) continue;
      if (!gatedAt.has(o)) gatedAt.set(o, new Set());
      for (const s of config.resolve(g.consent)) gatedAt.get(o).add(s);
    }
  }
  const necessaryOnly = (o) => {
    const s = [...(gatedAt.get(o) ?? [])];
    return s.length > 0 && s.every((x) => x.required);
  };
  const transmitted = (o) => [...(gatedAt.get(o) ?? [])].some((s) => s.transmissions > 0);
  const third = (url) => {
    const o = originOf(url);
    return o && o !== origin ? o : null;
  };
  /** Element, script and the third-party origin responsible for a request. */
  const cause = (req, v) => {
    const init = v.initiators?.get?.(req.url);
    const frame = init?.stack?.callFrames?.find((f) => f.url) ?? init?.stack?.parent?.callFrames?.find((f) => f.url);
    const set = v.srcSets?.get?.(req.url);
    const script = frame ? `${frame.url}:${frame.lineNumber + 1}` : init?.type === 'parser' && init.url ? `markup of ${init.url}` : set ?? init?.url ?? '';
    const via = third(req.frame) ?? (frame ? third(frame.url) : set ? third(set.replace(/:\d+:\d+$/, '')) : null);
    return { element: v.elements?.[req.url] ?? '', script, via };
  };
  const covered = (o, via) => transmitted(o) || (via && via !== o && transmitted(via));
  const cookieSource = (v, name) => [...(v.cookieSets ?? [])].reverse().find((s) => s.name === name && !s.deleted);
  const isConsent = (name) => name === config.consentCookie;
  const party = (c) => {
    const host = new URL(origin).hostname;
    const d = c.domain.replace(/^\./, '');
    return host === d || host.endsWith('.' + d) ? 'first' : 'third';
  };
  const observedSeconds = (c, v) => {
    const set = cookieSource(v, c.name);
    if (set) return set.seconds;
    return c.expires === -1 ? null : Math.round(c.expires - Date.now() / 1000);
  };
  const describe = (c, v) => {
    const seconds = observedSeconds(c, v);
    return { name: c.name, domain: c.domain, path: c.path, party: party(c), lifetime: seconds === null ? 'session' : lifetimeText(seconds), seconds, source: cookieSource(v, c.name)?.source ?? '' };
  };
  const seenDeclared = new Set();

  for (const p of pages) {
    const page = p.url;
    if (p.error) {
      add({ code: 'page-error', severity: 'error', page, message: `${p.url} ${p.error}` }, page);
      continue;
    }
    if (!p.hasDoui) {
      add({ code: 'no-doui', page, message: 'doui did not start on this page: no banner, nothing gated' }, page);
    }
    // 1 and 2: before a choice, and after "reject all" and a reload.
    for (const [visit, v] of [['no choice', p.visits.none], ['rejected', p.visits.rejected]]) {
      if (!v) continue;
      for (const req of v.requests) {
        const o = third(req.url);
        if (!o || necessaryOnly(o)) continue;
        const c = cause(req, v);
        const code = kindOfRequest[req.type] ?? 'ungated-request';
        add({ code, page, visit, url: req.url, host: o, type: req.type, ...c, message: `${req.type} from ${o} loaded ${visit === 'no choice' ? 'before any choice' : 'after “reject all”'}: ${short(req.url)}` }, short(req.url));
      }
      for (const ck of v.cookies) {
        if (isConsent(ck.name)) continue;
        const decl = config.cookie(ck.name);
        if (decl?.required) continue;
        const d = describe(ck, v);
        add({ code: 'cookie-before-consent', page, visit, ...d, service: decl?.service ?? null, message: `cookie ${ck.name} (${d.domain}) set ${visit === 'no choice' ? 'before any choice' : 'after “reject all”'}${decl ? ` (declared for ${decl.service})` : ', declared nowhere'}` }, ck.name);
      }
      for (const st of v.storage ?? []) {
        const decl = config.cookie(st.name);
        if (decl?.required) continue;
        add({ code: 'storage-before-consent', page, visit, name: st.name, kind: st.kind, message: `${st.kind} entry ${st.name} written ${visit === 'no choice' ? 'before any choice' : 'after “reject all”'}` }, st.kind + st.name);
      }
    }
    // 3: accept all.
    const a = p.visits.accepted;
    if (a) {
      for (const ck of a.cookies) {
        const decl = config.cookie(ck.name);
        const d = describe(ck, a);
        if (decl) seenDeclared.add(decl);
        if (isConsent(ck.name) && !decl) continue;
        if (!decl) {
          add({ code: 'undeclared-cookie', page, visit: 'accepted', ...d, message: `cookie ${ck.name} (${d.party}-party, ${d.domain}, ${d.lifetime}) is declared by no service` }, ck.name);
          continue;
        }
        const want = decl.seconds;
        const got = d.seconds;
        const off = want === null || got === null ? want !== got : Math.abs(got - want) > Math.max(want * (tolerance / 100), 3600);
        if (off) {
          add({ code: 'lifetime-mismatch', page, visit: 'accepted', ...d, declared: decl.lifetime, service: decl.service, message: `cookie ${ck.name} lives ${d.lifetime}, declared ${decl.lifetime} (${decl.service})` }, ck.name);
        }
      }
      for (const req of a.requests) {
        const o = third(req.url);
        if (!o) continue;
        const c = cause(req, a);
        if (covered(o, c.via)) continue;
        const why = gatedAt.has(o) ? `its services (${[...gatedAt.get(o)].map((s) => s.id).join(', ') || 'unknown ids'}) declare no transmissions` : 'no gated element names a service for it';
        add({ code: 'undeclared-host', page, visit: 'accepted', url: req.url, host: o, type: req.type, ...c, message: `${req.type} from ${o}: no transmission covers this host (${why})` }, o);
      }
    }
    // 4: withdrawal.
    const w = p.visits.withdrawn;
    if (w) {
      for (const ck of w.cookies) {
        const decl = config.cookie(ck.name);
        if (!decl || decl.required || isConsent(ck.name)) continue;
        const d = describe(ck, w);
        add({ code: 'cookie-after-withdraw', page, visit: 'withdrawn', ...d, service: decl.service, message: `cookie ${ck.name} (${decl.service}) is still there after consent was withdrawn${ck.httpOnly ? ' (HttpOnly: only the server can delete it)' : ''}` }, ck.name);
      }
      for (const req of w.requests) {
        const o = third(req.url);
        if (!o || necessaryOnly(o)) continue;
        const c = cause(req, w);
        add({ code: 'request-after-withdraw', page, visit: 'withdrawn', url: req.url, host: o, type: req.type, ...c, message: `${req.type} to ${o} after consent was withdrawn: ${short(req.url)}` }, short(req.url));
      }
    }
    // 5: cache safety.
    for (const d of p.cache ?? []) {
      add({ code: 'cache-unsafe', page, cookie: d.cookie, line: d.line, excerpt: d.excerpt, message: `the HTML differs with a${d.cookie === 'accepting' ? 'n accepting' : ' refusing'} consent cookie (line ${d.line}): a page cache would serve one visitor's state to another` }, page + d.cookie);
    }
  }
  const audited = pages.filter((p) => !p.error && p.visits.accepted);
  if (audited.length > 0) {
    for (const decl of config.cookies) {
      if (seenDeclared.has(decl) || decl.name === config.consentCookie) continue;
      add({ code: 'declared-not-seen', severity: 'notice', page: pages[0].url, name: decl.name, service: decl.service, declared: decl.lifetime, message: `cookie ${decl.name} (${decl.service}) is declared but was not seen on the pages audited` }, decl.name);
    }
  }
  return findings;
}

/** Reads the config named by the page (inline or data-doui-config). */
async function configFromPage(found, timeout) {
  if (!found) throw new Error('the page names no config (no #doui-config, no data-doui-config): pass --config');
  if (found.text !== undefined) return loadConfig(found.text, 'inline #doui-config');
  const res = await fetch(found.url, { signal: AbortSignal.timeout(timeout) });
  if (!res.ok) throw new Error(`${found.url}: HTTP ${res.status}`);
  return loadConfig(await res.text(), found.url);
}

/** Runs the audit; returns the exit code. */
export async function audit(args, { stdout = process.stdout, stderr = process.stderr } = {}) {
  if (args.includes('--help') || args.includes('-h')) {
    stdout.write(usage + '\n');
    return 0;
  }
  let o;
  try {
    o = parseArgs(args);
  } catch (e) {
    stderr.write(`${e.message}\n${usage}\n`);
    return 2;
  }
  const path = findBrowser(o.browser);
  if (!path) {
    stderr.write(
      o.browser
        ? `doui audit: no browser at ${o.browser}\n`
        : 'doui audit: no Chrome or Chromium found. Install one (Debian: apt install chromium) and pass --browser /path/to/it or set CHROME_PATH; doui audit never downloads a browser.\n',
    );
    return 2;
  }
  let config = null;
  if (o.config) {
    try {
      config = loadConfig(readFileSync(o.config, 'utf8'), o.config);
    } catch (e) {
      // The reader's message names the file already.
      stderr.write(`doui audit: ${e.code === 'ENOENT' ? `${o.config}: no such file` : e.message}\n`);
      return 2;
    }
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    stderr.write('doui audit: playwright-core is missing: reinstall the doui package\n');
    return 2;
  }
  const start = Date.now();
  const overall = start + o.timeLimit * 1000;
  const origin = new URL(o.url).origin;
  const browser = await chromium.launch({ executablePath: path, args: [...browserArgs, ...o.browserArgs], timeout: 30000 });
  const pages = [];
  const queue = [new URL(o.url).href.replace(/#.*$/, '')];
  const queued = new Set(queue);
  let screenshot = null;
  let stopped = null;
  const tty = !!stderr.isTTY;
  try {
    while (queue.length > 0 && pages.length < o.pages) {
      if (Date.now() >= overall) {
        stopped = `the time limit of ${o.timeLimit} s was reached`;
        break;
      }
      const url = queue.shift();
      const t0 = Date.now();
      const line = `[${pages.length + 1}/${Math.min(o.pages, pages.length + 1 + queue.length)}] ${url}`;
      stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
      const deadline = Math.min(overall, t0 + o.pageTimeout * 1000);
      const p = await visitPage(browser, url, { deadline, consentCookie: config?.consentCookie, screenshot: !screenshot });
      if (!config && !p.error && p.config) {
        try {
          config = await configFromPage(p.config, 10000);
        } catch (e) {
          stderr.write(`${tty ? '\n' : ''}doui audit: ${e.message}\n`);
          return 2;
        }
      }
      if (!p.error && p.hasDoui && Date.now() < deadline) {
        try {
          p.cache = await cacheCheck(url, config?.consentCookie ?? 'doui_consent', p.refusingCookie, p.acceptingCookie, Math.max(1000, deadline - Date.now()));
        } catch (e) {
          p.cache = [];
          p.cacheError = e.message;
        }
      }
      screenshot ??= p.screenshot;
      p.ms = Date.now() - t0;
      pages.push(p);
      for (const l of pageLinks(p.links, origin)) {
        if (!queued.has(l) && queued.size < o.pages * 50) {
          queued.add(l);
          queue.push(l);
        }
      }
    }
  } finally {
    if (tty) stderr.write('\r\x1b[K');
    await browser.close().catch(() => {});
  }
  if (!config) {
    stderr.write('doui audit: no config: no page named one and --config was not given\n');
    return 2;
  }
  const findings = judge(pages, config, origin, { tolerance: o.tolerance });
  if (stopped) findings.push({ code: 'time-limit', severity: 'notice', page: o.url, pages: [o.url], message: `stopped early: ${stopped}` });
  const result = {
    url: o.url,
    pages: pages.map((p) => ({ url: p.url, ms: p.ms, error: p.error })),
    pageLimit: o.pages,
    ms: Date.now() - start,
    counts: {
      violations: findings.filter((f) => f.severity === 'violation').length,
      errors: findings.filter((f) => f.severity === 'error').length,
      notices: findings.filter((f) => f.severity === 'notice').length,
    },
    findings,
  };
  if (o.report) writeFileSync(o.report, htmlReport(result, screenshot));
  // With --json, the suggestions are part of the JSON, which stays one document.
  if (o.suggest && o.json) result.suggested = suggestedServices(findings);
  if (o.json) stdout.write(JSON.stringify(result, null, 2) + '\n');
  else stdout.write(summary(result, { colour: !!stdout.isTTY && !process.env.NO_COLOR }));
  if (o.suggest && !o.json) stdout.write(suggestions(findings));
  return result.counts.violations + result.counts.errors > 0 ? 1 : 0;
}
