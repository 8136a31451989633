// The visits of one page, each in a fresh browser profile: what the page does
// before a choice, after "reject all" and a reload, after "accept all", after
// withdrawal, and what the server sends with and without a consent cookie.
// Only observations here; audit.mjs judges them against the config.

/**
 * Runs in every frame before the page's own scripts: records each
 * `document.cookie` assignment with the script that made it (from the stack).
 */
const cookieProbe = () => {
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (!desc || !desc.set) return;
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    enumerable: true,
    get() {
      return desc.get.call(this);
    },
    set(value) {
      try {
        const urls = (new Error().stack ?? '').match(/(?:https?|file):\/\/[^\s)]+:\d+:\d+/g) ?? [];
        const report = globalThis.__douiAuditCookie;
        if (typeof report === 'function') report(String(value), urls[0] ?? '', location.href);
      } catch {}
      desc.set.call(this, value);
    },
  });
  // `new Image().src = …` reaches DevTools without an initiator: note the script here.
  const img = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src');
  if (img && img.set) {
    Object.defineProperty(HTMLImageElement.prototype, 'src', {
      configurable: true,
      enumerable: true,
      get() {
        return img.get.call(this);
      },
      set(value) {
        try {
          const urls = (new Error().stack ?? '').match(/(?:https?|file):\/\/[^\s)]+:\d+:\d+/g) ?? [];
          const report = globalThis.__douiAuditSrc;
          if (urls[0] && typeof report === 'function') report(new URL(String(value), document.baseURI).href, urls[0]);
        } catch {}
        img.set.call(this, value);
      },
    });
  }
};

/** `name=value; Max-Age=…` → { name, seconds (null: session), deleted }. */
export function parseCookieString(text, now = Date.now()) {
  const [pair, ...attrs] = String(text).split(';');
  const eq = pair.indexOf('=');
  const name = (eq < 0 ? '' : pair.slice(0, eq)).trim();
  let maxAge, expires;
  for (const a of attrs) {
    const i = a.indexOf('=');
    const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    const value = i < 0 ? '' : a.slice(i + 1).trim();
    if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    if (key === 'expires') expires = Date.parse(value);
  }
  let seconds = null;
  if (maxAge !== undefined) seconds = maxAge;
  else if (expires !== undefined && !Number.isNaN(expires)) seconds = Math.round((expires - now) / 1000);
  return { name, seconds, deleted: seconds !== null && seconds <= 0 };
}

/** An open page with everything it does recorded. */
async function open(browser, url, deadline, options) {
  const context = await browser.newContext({ locale: options.locale ?? 'ja-JP', viewport: { width: 1280, height: 800 } });
  const rec = { requests: [], cookieSets: [], inflight: 0, last: Date.now(), initiators: new Map(), srcSets: new Map(), phase: 'load' };
  await context.exposeFunction('__douiAuditCookie', (value, script, page) => {
    rec.cookieSets.push({ ...parseCookieString(value), source: script ? `script ${script}` : `document.cookie on ${page}`, phase: rec.phase });
  });
  await context.exposeFunction('__douiAuditSrc', (url, script) => {
    if (!rec.srcSets.has(url) && rec.srcSets.size < 5000) rec.srcSets.set(url, script);
  });
  await context.addInitScript(cookieProbe);
  const page = await context.newPage();
  page.setDefaultTimeout(Math.max(1000, deadline - Date.now()));
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (e) => {
      if (rec.initiators.size < 5000) rec.initiators.set(e.request.url, e.initiator);
    });
  } catch {}
  page.on('request', (r) => {
    rec.inflight++;
    rec.last = Date.now();
    if (rec.requests.length < 5000) {
      let frame = '';
      try {
        frame = r.frame() === page.mainFrame() ? '' : r.frame().url();
      } catch {}
      rec.requests.push({ url: r.url(), type: r.resourceType(), frame, phase: rec.phase });
    }
  });
  const done = () => {
    rec.inflight = Math.max(0, rec.inflight - 1);
    rec.last = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  page.on('response', async (response) => {
    try {
      for (const h of await response.headersArray()) {
        if (h.name.toLowerCase() !== 'set-cookie') continue;
        for (const line of h.value.split('\n')) {
          rec.cookieSets.push({ ...parseCookieString(line), source: `Set-Cookie from ${response.url()}`, phase: rec.phase });
        }
      }
    } catch {}
  });
  const status = await page.goto(url, { waitUntil: 'load', timeout: Math.max(1000, deadline - Date.now()) }).then(
    (r) => r?.status() ?? 0,
  );
  return { context, page, rec, status };
}

/** Waits until no request has been in flight for `idle` ms (at most `max` ms). */
async function quiet(page, rec, deadline, idle = 600, max = 6000) {
  const stop = Math.min(Date.now() + max, deadline);
  await page.waitForTimeout(100);
  while (Date.now() < stop) {
    if (rec.inflight === 0 && Date.now() - rec.last >= idle) return;
    await page.waitForTimeout(100);
  }
}

/** Waits for doui to start; false when the page has no doui. */
async function douiReady(page, deadline) {
  try {
    await page.waitForFunction(() => window.doui && window.doui.ready, null, { timeout: Math.max(500, Math.min(8000, deadline - Date.now())) });
    await page.evaluate(() => window.doui.ready);
    return true;
  } catch {
    return false;
  }
}

/** What the page shows: cookies, storage, elements by URL, gated elements, links. */
async function snapshot(page, context) {
  const cookies = await context.cookies();
  const dom = await page
    .evaluate(() => {
      const elements = {};
      let n = 0;
      for (const el of document.querySelectorAll('script[src],img,iframe,link[href],embed,object,video,audio,source')) {
        if (++n > 2000) break;
        const url = el.currentSrc || el.src || el.href || el.data;
        if (url && !elements[url]) elements[url] = el.outerHTML.replace(/\s+/g, ' ').slice(0, 200);
      }
      const gated = [];
      for (const el of document.querySelectorAll('[data-consent]')) {
        if (gated.length > 2000) break;
        const src = el.dataset.src || el.dataset.href || el.getAttribute('src') || el.getAttribute('href');
        if (src) {
          try {
            gated.push({ consent: el.dataset.consent, url: new URL(src, document.baseURI).href, tag: el.tagName.toLowerCase() });
          } catch {}
        }
      }
      const links = [...document.querySelectorAll('a[href]')].slice(0, 2000).map((a) => a.href);
      const storage = [];
      for (const [kind, s] of [['localStorage', globalThis.localStorage], ['sessionStorage', globalThis.sessionStorage]]) {
        try {
          for (let i = 0; i < s.length && i < 200; i++) storage.push({ kind, name: s.key(i) });
        } catch {}
      }
      const inline = document.getElementById('doui-config');
      const attr = document.querySelector('script[data-doui-config]');
      const config = inline
        ? { text: inline.textContent }
        : attr
          ? { url: new URL(attr.getAttribute('data-doui-config'), document.baseURI).href }
          : null;
      return { elements, gated, links, storage, config, lang: document.documentElement.lang };
    })
    .catch(() => ({ elements: {}, gated: [], links: [], storage: [], config: null, lang: '' }));
  return { cookies, ...dom };
}

/** Clicks the banner's (or the preferences') button for `action`, or uses the API. */
async function choose(page, action, prefs = false) {
  const scope = prefs ? 'dialog.doui-prefs[open]' : '.doui-banner';
  const button = page.locator(`${scope} [data-doui-action="${action}"]`).first();
  let how = 'button';
  try {
    await button.click({ timeout: 3000 });
  } catch {
    how = 'api';
    await page.evaluate((a) => (a === 'accept-all' ? window.doui.acceptAll() : window.doui.rejectAll()), action);
  }
  await page.waitForFunction(() => window.doui.consent() !== null, null, { timeout: 5000 }).catch(() => {});
  return how;
}

const consentValue = (cookies, name) => cookies.find((c) => c.name === name)?.value ?? null;

/**
 * All visits of one page. Returns the observations, or { error } when the page
 * could not be loaded (a status of 400 or more, a time-out).
 */
export async function visitPage(browser, url, { deadline, consentCookie = 'doui_consent', screenshot = false, locale }) {
  const out = { url, visits: {}, screenshot: null, links: [], gated: [], config: null, error: null };
  const contexts = [];
  try {
    // 1. No choice yet.
    const v1 = await open(browser, url, deadline, { locale });
    contexts.push(v1.context);
    if (v1.status >= 400) {
      out.error = `answered HTTP ${v1.status}`;
      return out;
    }
    out.hasDoui = await douiReady(v1.page, deadline);
    await quiet(v1.page, v1.rec, deadline);
    const s1 = await snapshot(v1.page, v1.context);
    out.links = s1.links;
    out.gated = s1.gated;
    out.config = s1.config;
    out.visits.none = { ...v1.rec, ...s1 };
    if (screenshot && out.hasDoui) {
      try {
        const png = await v1.page.locator('.doui-banner').first().screenshot({ timeout: 3000 });
        out.screenshot = png.toString('base64');
      } catch {}
    }
    await v1.context.close();
    if (!out.hasDoui) return out;

    // 2. Reject all, then a reload.
    const v2 = await open(browser, url, deadline, { locale });
    contexts.push(v2.context);
    await douiReady(v2.page, deadline);
    v2.rec.phase = 'choice';
    out.rejectedBy = await choose(v2.page, 'reject-all');
    await quiet(v2.page, v2.rec, deadline);
    v2.rec.phase = 'reload';
    await v2.page.reload({ waitUntil: 'load', timeout: Math.max(1000, deadline - Date.now()) });
    await douiReady(v2.page, deadline);
    await quiet(v2.page, v2.rec, deadline);
    const s2 = await snapshot(v2.page, v2.context);
    out.visits.rejected = { ...v2.rec, ...s2 };
    out.refusingCookie = consentValue(s2.cookies, consentCookie);
    await v2.context.close();

    // 3. Accept all; 4. then withdraw, in the same profile.
    const v3 = await open(browser, url, deadline, { locale });
    contexts.push(v3.context);
    await douiReady(v3.page, deadline);
    v3.rec.phase = 'choice';
    out.acceptedBy = await choose(v3.page, 'accept-all');
    await quiet(v3.page, v3.rec, deadline, 800);
    const s3 = await snapshot(v3.page, v3.context);
    out.visits.accepted = { ...v3.rec, ...s3, requests: [...v3.rec.requests], cookieSets: [...v3.rec.cookieSets] };
    out.acceptingCookie = consentValue(s3.cookies, consentCookie);

    v3.rec.phase = 'withdraw';
    const withdrawFrom = { requests: v3.rec.requests.length, sets: v3.rec.cookieSets.length };
    await v3.page.evaluate(() => window.doui.showPreferences()).catch(() => {});
    out.withdrawnBy = await choose(v3.page, 'reject-all', true);
    await quiet(v3.page, v3.rec, deadline);
    v3.rec.phase = 'reload';
    await v3.page.reload({ waitUntil: 'load', timeout: Math.max(1000, deadline - Date.now()) });
    await douiReady(v3.page, deadline);
    await quiet(v3.page, v3.rec, deadline);
    const s4 = await snapshot(v3.page, v3.context);
    out.visits.withdrawn = {
      ...v3.rec,
      ...s4,
      requests: v3.rec.requests.slice(withdrawFrom.requests),
      cookieSets: v3.rec.cookieSets.slice(withdrawFrom.sets),
    };
    await v3.context.close();
  } catch (e) {
    out.error = /Timeout|timeout/.test(e.message) ? 'did not finish loading within the time limit per page' : e.message.split('\n')[0];
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
  return out;
}

/** The page's HTML without nonces, fetched with `cookie` (or none). */
async function fetchHtml(url, cookie, timeout) {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'follow', signal: AbortSignal.timeout(timeout) });
  const text = await res.text();
  return `HTTP ${res.status}\n` + text.replace(/nonce="[^"]*"/g, 'nonce=""').replace(/'nonce-[^']*'/g, "'nonce-'");
}

/** The first line where `a` and `b` differ, with two lines of context. */
export function diffExcerpt(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  const from = Math.max(0, i - 2);
  const cut = (s) => (s.length > 160 ? s.slice(0, 160) + '…' : s);
  const lines = [];
  for (let k = from; k < i; k++) lines.push('  ' + cut(la[k]));
  for (let k = i; k < Math.min(la.length, i + 3); k++) lines.push('- ' + cut(la[k]));
  for (let k = i; k < Math.min(lb.length, i + 3); k++) lines.push('+ ' + cut(lb[k]));
  return { line: i + 1, excerpt: lines.join('\n') };
}

/** 5. Cache safety: the HTML without a consent cookie, with a refusing and with an accepting one. */
export async function cacheCheck(url, name, refusing, accepting, timeout) {
  const base = await fetchHtml(url, '', timeout);
  const differences = [];
  for (const [label, value] of [['refusing', refusing], ['accepting', accepting]]) {
    if (!value) continue;
    const other = await fetchHtml(url, `${name}=${value}`, timeout);
    if (other !== base) differences.push({ cookie: label, ...diffExcerpt(base, other) });
  }
  return differences;
}
