// Runs in the page before any of its scripts (page.addInitScript), with
// the placeholder below replaced by { banner, reject, cookie, click } for the contender.
// It records, in performance.now() milliseconds from navigation start:
//   attachedAt    the banner element first in the DOM;
//   visibleAt     the first animation frame in which it has a box, is not
//                 display:none or visibility:hidden, and neither it nor an
//                 ancestor has opacity 0 (a fade-in counts from its first
//                 non-transparent frame);
//   interactiveAt (click mode only) when a click on "reject all" was handled,
//                 i.e. the contender's consent cookie was written by the time
//                 the click returned, or by the frame after it in which the
//                 cookie appeared (a click kept until the manager was ready);
//                 the click is retried every frame from visibleAt on until
//                 one is handled;
//   hiddenAt      (click mode only) the first frame with the banner gone;
// plus every long task and layout shift, and every long animation frame with
// the scripts that ran in it (so that a long task can be told apart from the
// page's own layout work and pinned on the code that caused it).
(() => {
  if (window.top !== window) return; // iframes (the embed) are not measured
  const cfg = __PROBE__;
  const r = (window.__bench = {
    attachedAt: null,
    visibleAt: null,
    interactiveAt: null,
    hiddenAt: null,
    clicks: 0,
    longTasks: [],
    longFrames: [],
    shifts: [],
  });
  const now = () => performance.now();

  // Wasm linear memory is not part of the JS heap figures the DevTools protocol
  // gives, so the memories of every instance the page creates are kept here and
  // measured at the end (window.__benchWasmMemory()).
  const memories = [];
  const keep = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result?.instance;
    for (const v of Object.values(instance?.exports ?? {})) {
      if (v instanceof WebAssembly.Memory) memories.push(v);
    }
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (original) WebAssembly[name] = (...args) => original.apply(WebAssembly, args).then(keep);
  }
  window.__benchWasmMemory = () => memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) r.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!e.hadRecentInput) r.shifts.push({ start: e.startTime, value: e.value });
      }
    }).observe({ type: 'layout-shift', buffered: true });
    // Last: an older browser without this entry type throws here.
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        r.longFrames.push({
          start: e.startTime,
          duration: e.duration,
          scripts: e.scripts.map((s) => ({ url: s.sourceURL, duration: s.duration, invoker: s.invoker })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (e) {
    r.observerError = String(e);
  }

  const shown = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility !== 'visible') return false;
    for (let e = el; e; e = e.parentElement) {
      if (Number(getComputedStyle(e).opacity) === 0) return false;
    }
    return true;
  };
  const cookieSet = () => document.cookie.split(/;\s*/).some((c) => c.startsWith(cfg.cookie + '='));

  // Attachment: a MutationObserver notices the element as soon as it is inserted.
  const mo = new MutationObserver(() => {
    if (r.attachedAt === null && document.querySelector(cfg.banner)) {
      r.attachedAt = now();
      mo.disconnect();
    }
  });
  mo.observe(document, { childList: true, subtree: true, attributes: true });

  const tryClick = () => {
    // A click kept while the manager was getting ready (doui's prerendered
    // banner) and applied later: handled in the frame that sees its cookie.
    if (r.clicks > 0 && !r.cookieBeforeClick && cookieSet()) {
      r.interactiveAt = now();
      return true;
    }
    const button = document.querySelector(cfg.reject);
    if (!button) return false;
    if (r.clicks === 0) r.cookieBeforeClick = cookieSet();
    r.clicks++;
    button.click();
    if (!cookieSet()) return false;
    r.interactiveAt = now();
    return true;
  };

  // Visibility (and, in click mode, the click) is checked once per frame.
  const frame = () => {
    const el = document.querySelector(cfg.banner);
    if (r.visibleAt === null) {
      if (el && shown(el)) r.visibleAt = now();
    }
    if (cfg.click && r.visibleAt !== null) {
      if (r.interactiveAt === null) tryClick();
      else if (!el || !shown(el)) r.hiddenAt = now();
    }
    const done = r.visibleAt !== null && (!cfg.click || r.hiddenAt !== null);
    if (!done) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
