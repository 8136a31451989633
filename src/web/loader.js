// The script a site includes:
//   <script type="module" src="/dist/doui.js" data-doui-config="/doui-config.json"></script>
// or the `doui` package's main module, imported by a bundled app. It finds the
// config, starts the banner module, exposes the API on window.doui and as
// module exports, and fetches the policy side (doui-policy.js with its wasm)
// only when the page shows a policy ([data-doui-policy]).
//
// Files beside this one are named with literal `new URL('./…', import.meta.url)`
// and `import('./…')`: bundlers (Vite, webpack 5, Rollup) recognise exactly
// these forms and copy the files into the app's output.

// Only static property reads of the namespace (wasm.x), never the namespace
// as a value: so the bundler leaves out what nothing calls.
import * as wasm from './abi.js';
import * as banner from './banner.js';
import { startGate } from './gate.js';

let configured = null;
const configGiven = new Promise((resolve) => (configured = resolve));
/**
 * Gives doui the site config (an object or JSON text) from script, for pages
 * that have neither an inline #doui-config nor a data-doui-config attribute,
 * such as bundled apps that import the config. Only the first call counts.
 */
export function configure(config) {
  configured?.(typeof config === 'string' ? config : JSON.stringify(config));
  configured = null;
}

let configText;
/**
 * The site config as JSON text: inline #doui-config, else the URL in
 * data-doui-config, else what `configure()` is given.
 */
export function configJson() {
  return (configText ??= (async () => {
    const inline = document.getElementById('doui-config');
    if (inline) return inline.textContent;
    const tag = document.querySelector('script[data-doui-config]');
    if (!tag) return configGiven;
    const res = await fetch(new URL(tag.dataset.douiConfig, location.href));
    if (!res.ok) throw new Error(`config ${res.url} answered ${res.status}`);
    return res.text();
  })());
}

// A page without any config is a mistake unless the app calls configure():
// say so once the page has loaded and nothing came.
addEventListener('load', () => {
  if (configured && !document.querySelector('#doui-config, script[data-doui-config]'))
    console.warn('doui: waiting for a config: add <script type="application/json" id="doui-config">, data-doui-config, or call configure()');
});

let started = false;
/**
 * Instantiates the banner module from its response: while it downloads when it
 * is served as application/wasm, else (with a warning) once it has.
 */
function instantiate(res) {
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}`);
  if (res.headers.get('content-type') === 'application/wasm') return WebAssembly.instantiateStreaming(res);
  console.warn('doui: serve .wasm files as application/wasm');
  return res.arrayBuffer().then(WebAssembly.instantiate);
}
const ready = Promise.all([fetch(new URL('./doui_bg.wasm', import.meta.url)).then(instantiate), configJson()])
  .then(([{ instance }, config]) => {
    wasm.use(instance);
    started = banner.startBanner(config, (text) => loadPolicyPage().then((p) => p.explainConfig(text)));
    // A prerendered banner nothing can answer goes: nothing non-essential runs.
    if (!started) return banner.prerendered()?.remove();
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
  .catch((e) => {
    banner.prerendered()?.remove();
    console.error('doui: not started, nothing non-essential will run:', e.message ?? e);
  });

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
const loadPolicyPage = () => (policyPage ??= import('./doui-policy.js'));

/** Renders every [data-doui-policy="policy.md"] element under `root`. */
export function renderPolicies(root = document) {
  if (!root.querySelector('[data-doui-policy]')) return Promise.resolve();
  return loadPolicyPage().then(
    (p) => p.renderPolicies(root, configJson),
    (e) => console.error('doui: policy not shown:', e.message ?? e),
  );
}

window.doui = { accepted, consent, show, showPreferences, acceptAll, rejectAll, set, onChange, ready, renderPolicies, configure };
renderPolicies();
