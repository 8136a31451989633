// The policy-renderer benchmark, driven from run.mjs through page.evaluate.
//
// Three renderers on the same Markdown:
//   doui       the policy module of dist/ (doui-policy.js + doui_policy_bg.wasm),
//              renderPolicy(markdown, configJson) with the demo site's config;
//   markdown-it  its browser build, new markdownit() (the "default" preset: raw
//              HTML off, so raw HTML is escaped as doui does; tables and
//              strikethrough on; no footnotes, front matter or directives);
//   pulldown-cmark  bare pulldown-cmark with doui's options behind the same
//              wasm-bindgen string boundary (bench/pulldown-cmark), warm only:
//              what the engine and the boundary cost without doui's passes.
//
// performance.now() is coarse here (0.1 ms), so warm timings are loops of many
// renders, never single calls.

const inputs = { docs: [], config: null };

/** Fetches the documents (and doui's config) before anything is timed. */
window.benchLoad = async (paths, configUrl) => {
  inputs.docs = await Promise.all(paths.map(async (p) => (await fetch(p)).text()));
  inputs.config = configUrl ? await (await fetch(configUrl)).text() : null;
  const all = inputs.docs.join('\n\n');
  inputs.docs.push(all);
  return inputs.docs.map((d) => new TextEncoder().encode(d).length);
};

/** Loads a renderer and returns render(markdown) -> html string. */
async function load(which) {
  if (which === 'doui') {
    const m = await import('/doui/dist/doui-policy.js');
    await m.default({ module_or_path: new URL('/doui/dist/doui_policy_bg.wasm', location.href) });
    return (md) => m.renderPolicy(md, inputs.config ?? undefined).html;
  }
  if (which === 'pulldown-cmark') {
    const m = await import('/pulldown-cmark/pulldown_cmark.js');
    await m.default({ module_or_path: new URL('/pulldown-cmark/pulldown_cmark_bg.wasm', location.href) });
    return (md) => m.renderBare(md);
  }
  const { default: markdownit } = await import('/md/markdown-it.esm.min.mjs');
  const md = markdownit();
  return (src) => md.render(src);
}

/**
 * Cold: from starting the module import to the end of the first render of
 * document `i`, in a page that has loaded neither renderer before.
 */
window.benchCold = async (which, i) => {
  const t0 = performance.now();
  const render = await load(which);
  const t1 = performance.now();
  const html = render(inputs.docs[i]);
  const t2 = performance.now();
  return { total: t2 - t0, load: t1 - t0, firstRender: t2 - t1, htmlLength: html.length };
};

const loaded = {};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/**
 * Warm: the renderer already loaded and used. For document `i`, pick a count N
 * so that one loop of N renders lasts at least `loopMs`, then time `loops`
 * loops; returns the per-render time of each loop (ms).
 */
window.benchWarm = async (which, i, { loopMs = 40, loops = 9 } = {}) => {
  const render = (loaded[which] ??= await load(which));
  const doc = inputs.docs[i];
  let sink = 0;
  // Warm-up, and calibration of N.
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let k = 0; k < n; k++) sink += render(doc).length;
    const dt = performance.now() - t0;
    if (dt >= loopMs) break;
    // Too short to time (< 1 ms): grow fast; otherwise aim straight at loopMs.
    n = dt < 1 ? n * 8 : Math.max(n + 1, Math.ceil((n * loopMs * 1.2) / dt));
  }
  const perRender = [];
  for (let l = 0; l < loops; l++) {
    const t0 = performance.now();
    for (let k = 0; k < n; k++) sink += render(doc).length;
    perRender.push((performance.now() - t0) / n);
  }
  return { n, perRender, median: median(perRender), sink };
};
