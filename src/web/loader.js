// The script a site includes: <script type="module" src="/dist/doui.js" data-doui-config="/doui-config.json">.
// It finds the config, starts the banner module, and fetches the policy module
// only when the page shows a policy ([data-doui-policy]).

const here = import.meta.url;

let configText;
/** The site config as JSON text: inline #doui-config, else the URL in data-doui-config, else null. */
export function configJson() {
  return (configText ??= (async () => {
    const inline = document.getElementById('doui-config');
    if (inline) return inline.textContent;
    const tag = document.querySelector('script[data-doui-config]');
    if (!tag) return null;
    const res = await fetch(new URL(tag.dataset.douiConfig, location.href));
    if (!res.ok) throw new Error(`doui: config ${res.url} answered ${res.status}`);
    return res.text();
  })());
}

let policyModule;
/** Loads the Markdown renderer (a separate wasm module) once. */
export function loadPolicyModule() {
  return (policyModule ??= import(new URL('doui-policy.js', here).href).then(async (m) => {
    await m.default({ module_or_path: new URL('doui_policy_bg.wasm', here) });
    return m;
  }));
}

/** Renders every [data-doui-policy="policy.md"] element under `root`. */
export async function renderPolicies(root = document) {
  const targets = [...root.querySelectorAll('[data-doui-policy]')];
  if (!targets.length) return;
  const [m, config] = await Promise.all([loadPolicyModule(), configJson().catch(() => null)]);
  for (const el of targets) {
    try {
      const res = await fetch(new URL(el.dataset.douiPolicy, location.href));
      if (!res.ok) throw new Error(`${res.url} answered ${res.status}`);
      const version = m.mountPolicy(el, await res.text(), config ?? undefined);
      el.dispatchEvent(new CustomEvent('doui:policy', { bubbles: true, detail: { version } }));
    } catch (e) {
      console.error('doui: policy not shown:', e.message);
      el.setAttribute('role', 'alert');
      el.textContent = e.message;
    }
  }
  // The anchor in the address bar points into content that did not exist at load.
  const id = decodeURIComponent(location.hash.slice(1));
  if (id) document.getElementById(id)?.scrollIntoView();
}

renderPolicies();
