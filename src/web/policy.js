// The policy side of doui, bundled as dist/doui-policy.js and fetched only by
// pages that show a policy (or to explain a broken config): the Markdown
// renderer's wasm module, its stylesheet, and putting rendered policies into
// the page. It also re-exports the renderer (`renderPolicy`, `mountPolicy`,
// `checkConfig`, and `default` to compile it) for direct use.
import init, * as renderer from '../../target/bindgen/doui_policy.js';

export * from '../../target/bindgen/doui_policy.js';
export { default } from '../../target/bindgen/doui_policy.js';

let compiled;
/** Compiles the renderer's wasm module once. */
export function load() {
  // A literal `new URL('./…', import.meta.url)`, so that bundlers copy the file.
  return (compiled ??= init({ module_or_path: new URL('./doui_policy_bg.wasm', import.meta.url) }));
}

/** What is wrong with a site config (`config line N: field: problem`), or ''. */
export async function explainConfig(text) {
  await load();
  return renderer.checkConfig(text)?.message ?? '';
}

/** Says why a policy is not shown, and links to its Markdown source. */
function policyFailed(el, e) {
  const message = e?.message ?? String(e);
  console.error('doui: policy not shown:', message);
  const why = document.createElement('p');
  why.textContent = message;
  const source = document.createElement('a');
  source.href = new URL(el.dataset.douiPolicy, location.href).href;
  source.textContent = source.pathname.split('/').pop();
  const link = document.createElement('p');
  link.append(source);
  el.setAttribute('role', 'alert');
  el.replaceChildren(why, link);
}

/** Links the policy stylesheet (`doui-policy.css`, beside this module) once per page. */
export function useStylesheet() {
  if (document.querySelector('link[data-doui-policy-css]')) return;
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('./doui-policy.css', import.meta.url).href;
  css.dataset.douiPolicyCss = '';
  document.head.append(css);
}

/**
 * Renders every [data-doui-policy="policy.md"] element under `root`;
 * `configJson()` resolves to the site config text, whose tables it fills.
 */
export async function renderPolicies(root, configJson) {
  const targets = [...root.querySelectorAll('[data-doui-policy]')];
  if (!targets.length) return;
  useStylesheet();
  let config;
  try {
    [, config] = await Promise.all([load(), configJson().catch(() => null)]);
  } catch (e) {
    // No WebAssembly, or the module did not load: the source stays one click away.
    for (const el of targets) policyFailed(el, e);
    return;
  }
  for (const el of targets) {
    try {
      const res = await fetch(new URL(el.dataset.douiPolicy, location.href));
      if (!res.ok) throw new Error(`${res.url} answered ${res.status}`);
      const version = renderer.mountPolicy(el, await res.text(), config ?? undefined);
      el.dispatchEvent(new CustomEvent('doui:policy', { bubbles: true, detail: { version } }));
    } catch (e) {
      policyFailed(el, e);
    }
  }
  // The anchor in the address bar points into content that did not exist at load.
  const id = decodeURIComponent(location.hash.slice(1));
  if (id) document.getElementById(id)?.scrollIntoView();
}
