// The banner in the page. Every decision (what to show, what a click records,
// which cookies to delete, what Google tags are told) is made by the banner
// module (`banner.rs`); this file puts its markup into the document, moves
// focus, keeps Tab inside the preferences, writes cookies and dispatches events.

import * as w from './abi.js'; // the banner module's exports
import { PENDING } from './receipts-pending.js';

// The codes of its exports, generated from src/contract.rs (inlined by the bundler).
import { HTTPS, COOKIES, GPC, CHOICE, OVERRIDDEN, REOPEN, ADS_DATA_REDACTION, URL_PASSTHROUGH, REBUILD } from './contract.js';
import { REJECT_ALL, ACCEPT_ALL, SAVE_DRAFT, SET_ONE, KEEP, ON, MIXED } from './contract.js';

let root;
let opener = null; // where focus returns when the preferences close
let fit = null; // measures the banner for the room kept for it (see startBanner)
let options = 0; // w.state() at start: the config's bits (REOPEN…) stay as they are
let site; // the config text, for receipts

/** `document.cookie`, or null where the browser refuses it (sandbox, blocked storage). */
function cookies() {
  try {
    return document.cookie;
  } catch {
    return null;
  }
}

function writeCookie(line) {
  try {
    document.cookie = line;
  } catch {
    // Blocked: the choice holds for this page view, and the visitor is told.
  }
}

const now = () => Date.now() / 1000;
const random = () => crypto.getRandomValues(new Uint32Array(4));
const find = (selector) => root.querySelector(selector);
const dialog = () => find('dialog.doui-prefs');
const emit = (type, detail) => document.dispatchEvent(new CustomEvent(type, { detail }));

/** Google's command queue: the site's gtag() if it has one, else the same push it does. */
function gtag() {
  if (typeof window.gtag === 'function') return window.gtag(...arguments);
  (window.dataLayer = window.dataLayer || []).push(arguments);
}

/**
 * Starts the banner with the site config (JSON text). Returns false when the
 * config is invalid, and `explain(config)` resolves to the message to log: then
 * nothing non-essential is ever allowed.
 */
export function startBanner(config, explain) {
  const jar = cookies();
  const flags =
    (location.protocol === 'https:' ? HTTPS : 0) |
    (navigator.cookieEnabled && jar !== null ? COOKIES : 0) |
    (navigator.globalPrivacyControl === true ? GPC : 0);
  const problem = w.start(
    config,
    document.documentElement.lang,
    (navigator.languages ?? [navigator.language]).join(','),
    jar ?? '',
    now(),
    flags,
    location.hostname,
    location.pathname,
  );
  if (problem) {
    // The full message (field and problem) comes from the policy module.
    explain(config).then(
      (full) => console.error('doui: ' + (full || problem)),
      () => console.error('doui: ' + problem),
    );
    return false;
  }
  options = w.state();
  site = config;
  try {
    // Receipts an earlier page view could not send.
    if (localStorage[PENDING]) receipt();
  } catch {}
  if (options & ADS_DATA_REDACTION) gtag('set', 'ads_data_redaction', true);
  if (options & URL_PASSTHROUGH) gtag('set', 'url_passthrough', true);
  // The banner's height with its margin, for doui.css to keep that much room at
  // the bottom of the page while it shows (--doui-room): a sheet of its own, as
  // doui sets no inline styles. A browser without constructed sheets does without.
  try {
    const room = new CSSStyleSheet();
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, room];
    fit = new ResizeObserver(() => {
      const b = find('.doui-banner');
      if (b) room.replaceSync(`:root{--doui-room:${b.offsetHeight + parseFloat(getComputedStyle(b).bottom)}px}`);
    });
  } catch {}
  // A prerendered root (`doui snippet`) is taken over as it is, if it is the
  // markup this config builds; one from another revision, language or wording
  // is replaced.
  const key = w.snippetKey();
  root = prerendered();
  if (root?.dataset.douiSnippet !== key) {
    if (root) {
      console.warn(`doui: prerendered banner ${root.dataset.douiSnippet} is stale, rebuilt as ${key}`);
      root.remove();
    }
    root = document.createElement('div');
    root.className = 'doui';
    root.lang = key.split('.')[1];
    root.innerHTML = w.shell();
    document.body.append(root);
  }
  root.classList.add('doui-live');
  root.addEventListener('click', onClick);
  root.addEventListener('change', onChange);
  root.addEventListener('keydown', onKey);
  // Any element with data-doui-open, anywhere in the page, reopens the preferences.
  document.addEventListener('click', (e) => {
    const el = e.target.closest?.('[data-doui-open]');
    if (el) {
      e.preventDefault();
      showPreferences(el);
    }
  });
  const stored = options & CHOICE;
  const banner = find('.doui-banner');
  if (stored) {
    // A prerendered banner the head script let show goes, in the same task.
    find('.doui-banner-slot').textContent = '';
    // Global Privacy Control overrode an opt-in: the refusal is what holds now,
    // also for a later visit without the signal.
    if (options & OVERRIDDEN) {
      writeCookie(w.decide(KEEP, '', false, random(), now()));
      receipt(KEEP);
    }
    reopen(true);
    enforce();
    emit('doui:consent', JSON.parse(w.consentJson()));
  } else if (banner && !(options & REBUILD)) {
    // Made live as it is: measured, and focused unless the visitor moved focus.
    fit?.observe(banner);
    if (document.activeElement === document.body) banner.focus({ preventScroll: true });
  } else {
    showBanner();
  }
  // Clicked before this ran (the head script kept it): applied now. The
  // button may be gone (a banner rebuilt for this browser).
  const pending = root.dataset.douiPending;
  if (pending) {
    const el = find('[aria-busy]');
    el?.removeAttribute('aria-busy');
    act(pending, el);
  }
  return true;
}

/** The banner root a server put into the page, not yet taken over. */
export const prerendered = () => document.querySelector('.doui[data-doui-snippet]:not(.doui-live)');

/** Shows or hides the floating reopen button (if the config has one). */
function reopen(shown) {
  const button = find('.doui-reopen');
  if (button) button.hidden = !(shown && options & REOPEN);
}

/** Shows the first-layer banner and moves focus into it. */
export function showBanner() {
  find('.doui-banner-slot').innerHTML = w.bannerHtml();
  fit?.disconnect();
  fit?.observe(find('.doui-banner'));
  reopen(false);
  // Focus in the frame that first paints the banner: focusing forces a layout,
  // which then happens once in that frame instead of inside this task. Unless
  // the visitor moved focus themselves in between.
  const before = document.activeElement;
  requestAnimationFrame(() => {
    if (document.activeElement === before) find('.doui-banner')?.focus({ preventScroll: true });
  });
}

/** Opens the preferences; `from` gets focus back when they close. */
export function showPreferences(from = document.activeElement) {
  if (dialog()?.open) return;
  opener = from;
  find('.doui-prefs-slot').innerHTML = w.preferencesHtml();
  syncSwitches('', false);
  dialog().showModal();
}

/** Closes the preferences without saving; focus returns to what opened them. */
function closePreferences() {
  const d = dialog();
  d?.close();
  d?.remove();
  const back = opener?.isConnected && opener.offsetParent ? opener : null;
  opener = null;
  (back ?? find(w.state() & CHOICE ? '.doui-reopen:not([hidden])' : '.doui-banner'))?.focus();
}

/** Category switches show a mixed state when only some of their services are on. */
function syncSwitches(id, on) {
  const states = w.switches(id, on);
  dialog()
    .querySelectorAll('input[data-doui-item]')
    .forEach((input, i) => {
      input.checked = states[i] === ON;
      input.indeterminate = states[i] === MIXED;
    });
}

/** Deletes the cookies of refused services and tells Google tags. */
function enforce() {
  for (const line of w.deletions(cookies() ?? '').split('\n')) if (line) writeCookie(line);
  const update = w.consentMode();
  if (update) gtag('consent', 'update', JSON.parse(update));
}

/**
 * Records a decision (`kind`, and for SET_ONE an id and its value), stores it,
 * hides the banner, announces it and dispatches the events. Returns false for
 * an id the config does not have.
 */
function commit(kind, id = '', on = false) {
  const before = w.consentJson();
  const line = w.decide(kind, id, on, random(), now());
  if (!line) return false;
  writeCookie(line);
  applied(!before, w.confirm(cookies() ?? ''));
  receipt(kind, before);
  return true;
}

/**
 * Hands the choice just made (`kind` as in `decide`; `before`, the event
 * detail of the choice in force until then) to doui-receipts.js, when the
 * config names a receipts server; without a kind, the receipts an earlier page
 * view could not send. That file is loaded only then, after the choice is in force.
 */
function receipt(kind, before) {
  const detail = w.consentJson();
  if (JSON.parse(site.trim()).receipts)
    import('./doui-receipts.js').then((r) => r.send(site, root.lang, kind, before, detail));
}

/**
 * A choice is in force, made here (`status` says whether it was stored) or in
 * another tab: the banner goes, the choice is enforced, and the page is told.
 */
function applied(first, status) {
  find('.doui-banner-slot').textContent = '';
  reopen(true);
  if (status !== undefined) {
    if (dialog()) closePreferences();
    else find('.doui-reopen:not([hidden])')?.focus();
    find('.doui-status').textContent = status;
  }
  enforce();
  const detail = JSON.parse(w.consentJson());
  if (first) emit('doui:consent', detail);
  emit('doui:change', detail);
}

export const acceptAll = () => commit(ACCEPT_ALL);
export const rejectAll = () => commit(REJECT_ALL);
/** Sets one category or service and keeps the rest; false for an unknown id. */
export const set = (id, allowed) => commit(SET_ONE, String(id), !!allowed);

/** Another tab stored a choice: adopt it here without a reload. */
export function resync() {
  const first = !(w.state() & CHOICE);
  if (w.resync(cookies() ?? '', now())) applied(first);
}

/** Scripts that already ran lost their consent: offer a reload, or reload. */
export function withdrawn() {
  const notice = w.reloadNotice();
  if (!notice) location.reload();
  else find('.doui-notice').innerHTML = notice;
}

function onClick(e) {
  const el = e.target.closest('[data-doui-action]');
  act(el?.dataset.douiAction, el);
}

function act(action, el) {
  if (action === 'accept-all') acceptAll();
  else if (action === 'reject-all') rejectAll();
  else if (action === 'save') commit(SAVE_DRAFT);
  else if (action === 'customize') showPreferences(el);
  else if (action === 'close') closePreferences();
  else if (action === 'reload') location.reload();
}

function onChange(e) {
  const input = e.target.closest('input[data-doui-item]');
  if (input) syncSwitches(input.dataset.douiItem, input.checked);
}

/** Keeps Tab inside the open preferences and closes them on Escape. */
function onKey(e) {
  const d = dialog();
  if (!d?.open) return;
  if (e.key === 'Escape') {
    e.preventDefault();
    closePreferences();
    return;
  }
  if (e.key !== 'Tab') return;
  const focusable = [...d.querySelectorAll('button,a[href],input:not([disabled]),summary')].filter(
    (el) => el.offsetParent,
  );
  const first = focusable[0];
  const last = focusable.at(-1);
  const active = document.activeElement;
  const inside = d.contains(active);
  if (e.shiftKey && (active === first || !inside)) {
    e.preventDefault();
    last?.focus();
  } else if (!e.shiftKey && (active === last || !inside)) {
    e.preventDefault();
    first?.focus();
  }
}
