// The script a site includes:
//   <script type="module" src="/dist/doui.js" data-doui-config="/doui-config.json"></script>
// It finds the config, starts the banner module, exposes the API on window.doui
// and as module exports, and fetches the policy side (policy-page.js with its
// wasm) only when the page shows a policy ([data-doui-policy]).

// Only static property reads of the glue's namespace (wasm.x), never the
// namespace as a value: so the bundler leaves out the glue nothing calls.
import init, * as wasm from '../../target/bindgen/doui.js';
import * as banner from './banner.js';
import { startGate } from './gate.js';

const here = import.meta.url;

let configText;
/** The site config as JSON text: inline #doui-config, else the URL in data-doui-config. */
export function configJson() {
  return (configText ??= (async () => {
    const inline = document.getElementById('doui-config');
    if (inline) return inline.textContent;
    const tag = document.querySelector('script[data-doui-config]');
    if (!tag) throw new Error('no config: add <script type="application/json" id="doui-config"> or data-doui-config');
    const res = await fetch(new URL(tag.dataset.douiConfig, location.href));
    if (!res.ok) throw new Error(`config ${res.url} answered ${res.status}`);
    return res.text();
  })());
}

let started = false;
const ready = Promise.all([init({ module_or_path: new URL('doui_bg.wasm', here) }), configJson()])
  .then(([, config]) => {
    started = banner.startBanner(config, (text) => loadPolicyPage().then((p) => p.explainConfig(text)));
    if (!started) return;
    // Gating in a task of its own, after the banner is in: it can move iframes
    // into their placeholders, which is costly, and nothing marked runs before
    // it anyway.
    return new Promise((next) => setTimeout(next));
  })
  .then(() => {
    if (!started) return;
    startGate({ allows: wasm.allows, placeholder: wasm.placeholder, withdrawn: banner.withdrawn, set: banner.set });
    syncTabs();
  })
  .catch((e) => console.error('doui: not started, nothing non-essential will run:', e.message ?? e));

/**
 * Keeps the site's open tabs in step: a choice made in one is adopted by the
 * others at once. The cookie is the truth; the message only says "look again".
 */
function syncTabs() {
  if (typeof BroadcastChannel !== 'function') return;
  const channel = new BroadcastChannel('doui');
  let adopting = false;
  channel.onmessage = () => {
    adopting = true;
    try {
      banner.resync();
    } finally {
      adopting = false;
    }
  };
  document.addEventListener('doui:change', () => adopting || channel.postMessage(0));
}

const whenStarted = (f) => (...args) => (started ? f(...args) : ready.then(() => started && f(...args)));

/** Whether a category or service id is allowed now (false until doui has started). */
export const accepted = (id) => started && wasm.accepted(String(id));
/** The current decision (categories, services, id, time, revision, policy), or null. */
export const consent = () => (started && JSON.parse(wasm.consentJson() || 'null')) || null;
/** Shows the banner again. */
export const show = whenStarted(() => banner.showBanner());
/** Opens the preferences dialog. */
export const showPreferences = whenStarted(() => banner.showPreferences());
/** Accepts everything. */
export const acceptAll = whenStarted(() => banner.acceptAll());
/** Refuses everything that is not necessary. */
export const rejectAll = whenStarted(() => banner.rejectAll());
/** Sets one category or service; resolves to false for an unknown id. */
export const set = whenStarted((id, allowed) => banner.set(id, allowed));
/** Calls `listener(detail)` on every change; returns a function that unsubscribes. */
export function onChange(listener) {
  const handler = (e) => listener(e.detail);
  document.addEventListener('doui:change', handler);
  return () => document.removeEventListener('doui:change', handler);
}
export { ready };

let policyPage;
/** The policy side of doui (`doui-policy.js`: renderer, wasm, stylesheet), fetched on first use. */
const loadPolicyPage = () => (policyPage ??= import(new URL('doui-policy.js', here).href));

/** Renders every [data-doui-policy="policy.md"] element under `root`. */
export function renderPolicies(root = document) {
  if (!root.querySelector('[data-doui-policy]')) return Promise.resolve();
  return loadPolicyPage().then(
    (p) => p.renderPolicies(root, configJson),
    (e) => console.error('doui: policy not shown:', e.message ?? e),
  );
}

window.doui = { accepted, consent, show, showPreferences, acceptAll, rejectAll, set, onChange, ready, renderPolicies };
renderPolicies();
