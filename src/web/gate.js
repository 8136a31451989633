// Enforcement in the document: elements marked `data-consent` stay inert until
// the banner module says their marking is allowed, then run or load without a
// reload. Which marking is allowed is decided in Rust (`gate::allows`); this file
// only finds the elements and brings them to life.
//
//   <script type="text/plain" data-consent="analytics" data-src="…">  (or inline code)
//   <script type="text/plain" data-consent="!analytics">…</script>    fallback while refused
//   <iframe data-consent="youtube" data-src="…" width height title>  placeholder until allowed
//   <img|link|video|audio|source data-consent="advertising" data-src|data-href|data-srcset>

const MARKED = '[data-consent]';
// Attributes that describe the inert element, not the one that runs.
const OWN = new Set(['type', 'data-type', 'data-src', 'data-consent']);

let banner;
// Markings of scripts that ran in this page view: they cannot be stopped.
const ran = new Set();
// Scripts run one after another, in the order they were found (document order).
let queue = Promise.resolve();
// Iframes a visitor loaded once from their placeholder.
const once = new WeakSet();
// The site's own tabindex of each blocked iframe (null: none), given back when it loads.
const tabs = new WeakMap();

/** Starts gating: handles what is in the document now and whatever arrives later. */
export function startGate(module) {
  banner = module;
  apply(document);
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) if (n.nodeType === 1) apply(n);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener('doui:change', () => {
    if ([...ran].some((m) => !banner.allows(m))) banner.withdrawn();
    apply(document);
  });
  document.addEventListener('click', (e) => {
    const button = e.target.closest?.('[data-doui-embed]');
    const frame = button?.closest('.doui-embed')?.querySelector('iframe');
    if (!frame) return;
    const what = button.dataset.douiEmbed;
    if (what === 'once') {
      once.add(frame);
      apply(frame);
    } else {
      banner.set(what, true);
    }
  });
}

/** Gates `root` and every marked element inside it. */
function apply(root) {
  const found = root.matches?.(MARKED) ? [root] : [];
  for (const el of found.concat([...root.querySelectorAll(MARKED)])) gate(el);
}

function gate(el) {
  const marking = el.dataset.consent;
  const allowed = banner.allows(marking);
  const tag = el.localName;
  if (tag === 'script') {
    if (allowed && el.type === 'text/plain' && !el.douiQueued) {
      el.douiQueued = true;
      queue = queue.then(() => run(el, marking));
    }
  } else if (tag === 'iframe') {
    // Once consented, a later withdrawal applies to an embed loaded "once" too.
    if (allowed) once.delete(el);
    frame(el, allowed || once.has(el), marking);
  } else if (allowed) {
    load(el);
  }
}

/** Replaces an inert script with a live copy; resolves once the next may run. */
function run(old, marking) {
  // A fallback (`!id`) losing its condition is expected, not a withdrawal.
  if (!marking.includes('!')) ran.add(marking);
  const s = document.createElement('script');
  for (const a of old.attributes) if (!OWN.has(a.name)) s.setAttribute(a.name, a.value);
  if (old.dataset.type) s.type = old.dataset.type;
  // The nonce attribute reads empty once parsed; the property keeps it.
  if (old.nonce) s.nonce = old.nonce;
  const src = old.dataset.src;
  let done = Promise.resolve();
  if (src) {
    // Inserted scripts are async by default; keep the order unless asked otherwise.
    s.async = old.hasAttribute('async');
    s.src = src;
    if (!s.async && s.type !== 'module') {
      done = new Promise((ok) => {
        s.onload = s.onerror = ok;
      });
    }
  } else {
    s.text = old.text;
  }
  old.replaceWith(s);
  return done;
}

/** Loads a pixel, stylesheet or media element. */
function load(el) {
  const d = el.dataset;
  if (d.srcset) el.srcset = d.srcset;
  if (d.src) el.src = d.src;
  if (d.href) el.href = d.href;
  delete d.src;
  delete d.srcset;
  delete d.href;
  delete d.consent;
  const media = el.localName === 'source' ? el.parentElement : el;
  if (media?.load) media.load();
}

/**
 * An embed shows its placeholder while refused and its content once allowed; a
 * withdrawn embed is emptied again. The wrapper keeps the iframe's own box, so
 * nothing moves when one replaces the other.
 */
function frame(el, allowed, marking) {
  let box = el.parentElement;
  if (!box?.classList.contains('doui-embed')) {
    box = document.createElement('div');
    box.className = 'doui-embed';
    el.before(box);
    // An atomic move keeps the frame; append() would tear it down and build a new one.
    if (box.moveBefore) box.moveBefore(el, null);
    else box.append(el);
  }
  const shown = box.querySelector('.doui-ph');
  if (allowed) {
    shown?.remove();
    if (tabs.has(el)) {
      const own = tabs.get(el);
      if (own === null) el.removeAttribute('tabindex');
      else el.setAttribute('tabindex', own);
      tabs.delete(el);
    }
    if (el.getAttribute('src') !== el.dataset.src) el.src = el.dataset.src;
  } else {
    // Out of the Tab order while its placeholder covers it: focus would be invisible.
    if (!tabs.has(el)) {
      tabs.set(el, el.getAttribute('tabindex'));
      el.tabIndex = -1;
    }
    // Navigating away unloads a withdrawn embed; removing `src` would not.
    if (el.src && el.src !== 'about:blank') el.src = 'about:blank';
    if (!shown) box.insertAdjacentHTML('beforeend', banner.placeholder(marking));
  }
}
