// Receipts: a proof of each choice, kept on the site's own server (the config's
// `receipts.url`; the server is `doui-receipts`, see docs/receipts.md), bundled
// as dist/doui-receipts.js. banner.js loads it only for a config that names a
// server, once a choice is in force or when an earlier page view left a receipt
// unsent, so nothing here delays the banner or the choice.
//
// A receipt is the choice's event detail (`consent::detail_json`) plus the
// format version, the language shown, whether the browser sent Global Privacy
// Control, what the choice was, and the SHA-256 of what a first-time visitor is
// shown (`ui::shown_text`, from the policy module, loaded here). The choice is
// noted in localStorage as soon as this file runs, and waits there until the
// server has answered: after a network error, a 5xx, a 408 or a 429, or when
// the policy module could not be loaded, it is sent on the next page view; any
// other refusal is logged with the server's reason and dropped, as sending it
// again would not help.

import { PENDING } from './receipts-pending.js';
import { REJECT_ALL, ACCEPT_ALL, SAVE_DRAFT, SET_ONE, KEEP } from './contract.js';

/** The receipt format (`v`). */
const VERSION = 1;
/**
 * Receipts kept at most, the oldest dropped first: a page that can never reach
 * its server must not fill the visitor's storage.
 */
const MAX_PENDING = 20;
/**
 * What a choice records, by banner.js's `decide` kinds: reject all, accept all,
 * the saved preferences, one switch (API or embed placeholder), and the refusal
 * Global Privacy Control made of an earlier opt-in, stored.
 */
const ACTIONS = { [REJECT_ALL]: 'reject', [ACCEPT_ALL]: 'accept', [SAVE_DRAFT]: 'custom', [SET_ONE]: 'custom', [KEEP]: 'withdraw' };

/**
 * Sends the receipt of a choice made with the site config `config` (JSON text)
 * in language `lang`: `kind` is banner.js's `decide` kind, `before` and
 * `detail` are the event details of the choice in force before and after it.
 * Then sends every receipt still waiting; without a kind, only those. Never throws.
 */
export function send(config, lang, kind, before, detail) {
  let url;
  try {
    url = JSON.parse(config.trim()).receipts?.url;
  } catch {}
  if (!url) return queue;
  if (kind !== undefined) {
    // Noted at once, before anything is fetched: a page left right after the
    // choice still has it for the next page view, which completes it.
    const gpc = navigator.globalPrivacyControl === true;
    // A visitor keeps one consent id across choices, so the choice's whole
    // detail (id, time, decisions) is what tells this note from another.
    keep({ key: detail, draft: { kind, before, detail, lang, gpc } });
  }
  return flush(url, config);
}

/**
 * The receipt of a noted choice (see `send`). An error marked `final` will
 * not go away by trying again (a mistake in the config, no `crypto.subtle`).
 */
async function receipt(config, { kind, before, detail, lang, gpc }) {
  const final = (message) => Object.assign(new Error(message), { final: true });
  if (!globalThis.crypto?.subtle) throw final('receipts need a page served over https (crypto.subtle)');
  const policy = await import('./doui-policy.js');
  await policy.load();
  // The banner module does not read `receipts`: the whole config is checked here.
  const problem = policy.checkConfig(config);
  if (problem) throw final(problem.message);
  const after = JSON.parse(detail);
  const shown = await sha256(policy.shownText(config, lang, gpc));
  return { v: VERSION, ...after, lang, gpc, action: action(kind, before, after), shown };
}

/**
 * A choice that refuses anything the one before it allowed is a withdrawal,
 * whichever way it was made; otherwise its kind says what it was.
 */
function action(kind, before, after) {
  const was = before ? JSON.parse(before) : null;
  const now = { ...after.categories, ...after.services };
  const withdrawn =
    was && Object.entries({ ...was.categories, ...was.services }).some(([id, on]) => on && !now[id]);
  return withdrawn ? 'withdraw' : ACTIONS[kind];
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text`. */
async function sha256(text) {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Receipts not kept in storage (blocked or full): they live as long as the page. */
let unsaved = [];

/** The receipts waiting to be sent, each `{ key, draft }` (noted) or `{ key, receipt }` (complete). */
function pending() {
  let list = [];
  try {
    list = JSON.parse(localStorage.getItem(PENDING)) ?? [];
  } catch {}
  const stored = Array.isArray(list) ? list.filter((r) => r && typeof r.key === 'string') : [];
  return [...stored, ...unsaved.filter((r) => !stored.some((s) => s.key === r.key))];
}

/** Keeps `list` (the newest `MAX_PENDING`) in storage, else in `unsaved`. */
function store(list) {
  list = list.slice(-MAX_PENDING);
  try {
    if (list.length) localStorage.setItem(PENDING, JSON.stringify(list));
    else localStorage.removeItem(PENDING);
    unsaved = [];
  } catch {
    unsaved = list;
  }
}

const keep = (entry) => store([...pending().filter((r) => r.key !== entry.key), entry]);
const forget = (key) => store(pending().filter((r) => r.key !== key));

let queue = Promise.resolve();
/**
 * Completes and posts every receipt waiting, one at a time: a second choice
 * made while the first is on its way waits its turn instead of sending the
 * waiting receipts twice. A completed receipt replaces its note at once, so
 * that a later page view sends exactly what this one built.
 */
function flush(url, config) {
  queue = queue.then(async () => {
    for (const entry of pending()) {
      let body = entry.receipt;
      if (entry.draft) {
        try {
          body = await receipt(config, entry.draft);
        } catch (e) {
          const id = JSON.parse(entry.draft.detail).id;
          console[e?.final ? 'error' : 'warn'](`doui: no receipt of choice ${id}${e?.final ? '' : ' yet'}: ${e?.message ?? e}`);
          if (e?.final) forget(entry.key);
          continue;
        }
        store(pending().map((r) => (r.key === entry.key ? { key: r.key, receipt: body } : r)));
      }
      if (body && (await post(url, body))) forget(entry.key);
    }
  }).catch((e) => console.error('doui: receipts:', e?.message ?? e)); // the queue goes on
  return queue;
}

/** Sends one receipt; true when it is done with (stored, or refused for good). */
async function post(url, body) {
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      keepalive: true,
      mode: 'cors',
      credentials: 'omit',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    console.warn(`doui: receipts server not reached (${e?.message ?? e}); the receipt is sent on a later page view`);
    return false;
  }
  if (res.ok) return true;
  if (res.status >= 500 || res.status === 408 || res.status === 429) {
    console.warn(`doui: receipts server answered ${res.status}; the receipt is sent on a later page view`);
    return false;
  }
  const reason = await res.json().then(
    (answer) => answer?.error,
    () => '',
  );
  console.error(`doui: the receipts server refused a receipt (${res.status}${reason ? `: ${reason}` : ''})`);
  return true;
}
