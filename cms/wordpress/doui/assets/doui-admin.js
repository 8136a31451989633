// Settings → doui: checks the config as it is typed with doui's own policy
// module (the same wasm as the command line, so errors name the line and the
// field), refuses to submit an invalid one, and looks for a second Google
// Consent Mode default on the front page.
const form = document.getElementById('doui-form');
const area = document.getElementById('doui-config');
const status = document.getElementById('doui-config-status');
const checked = document.getElementById('doui-checked');
const snippet = document.getElementById('doui-snippet');
const snippetLang = document.getElementById('doui-snippet-lang');

/** FNV-1a, 32 bits, of the text with LF line ends (the server computes the same). */
function token(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text.replace(/\r\n/g, '\n'))) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

let problem = 'not checked yet';
let policy;

async function check() {
  policy ??= import(new URL('doui-policy.js', form.dataset.douiDist).href).then(async (p) => {
    await p.load();
    return p;
  });
  const text = area.value;
  const p = await policy;
  if (text !== area.value) return;
  problem = p.checkConfig(text)?.message ?? '';
  checked.value = problem ? '' : token(text);
  // The banner's markup for the public pages' first paint, built by doui's own
  // code (`doui snippet`), in the language those pages show: the config's, else
  // the site's. None when the visitor's browser picks the language.
  snippet.value = snippetLang.value = '';
  const lang = problem ? '' : JSON.parse(text).lang || form.dataset.douiLang;
  if (lang === 'ja' || lang === 'en') {
    const out = p.runCli(['snippet', 'config.json', '--lang', lang], () => text);
    if (out.code === 0) {
      snippet.value = out.stdout.trimEnd();
      snippetLang.value = lang;
    }
  }
  area.setAttribute('aria-invalid', problem ? 'true' : 'false');
  status.classList.toggle('doui-admin-error', !!problem);
  status.textContent = problem || form.dataset.douiValid || 'The config is valid.';
}

let timer;
area.addEventListener('input', () => {
  checked.value = snippet.value = snippetLang.value = '';
  clearTimeout(timer);
  timer = setTimeout(check, 250);
});

// The preview: the config as it stands, posted into the frame.
for (const button of document.querySelectorAll('[data-doui-preview]')) {
  button.addEventListener('click', () => {
    const post = document.createElement('form');
    post.method = 'post';
    post.action = form.dataset.douiPreviewUrl;
    post.target = 'doui-preview';
    post.hidden = true;
    const fields = {
      action: 'doui_preview',
      _wpnonce: form.dataset.douiPreviewNonce,
      lang: button.dataset.douiPreview,
      [area.name]: area.value,
    };
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      post.append(input);
    }
    document.body.append(post);
    post.submit();
    post.remove();
  });
}

form.addEventListener('submit', (e) => {
  if (problem || checked.value !== token(area.value)) {
    e.preventDefault();
    status.classList.add('doui-admin-error');
    status.textContent = problem || 'not checked yet';
    area.focus();
  }
});

check().catch((e) => {
  status.textContent = `doui: ${e.message ?? e}`;
});

// A Consent Mode default printed by another plugin (an inline gtag('consent', 'default', …)).
fetch(form.dataset.douiHome, { credentials: 'omit' })
  .then((r) => r.text())
  .then((html) => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const others = [...doc.scripts].filter(
      (s) => !s.src && /['"]consent['"]\s*,\s*['"]default['"]/.test(s.textContent),
    ).length;
    const found = document.getElementById('doui-cm-owner-found');
    if (found && others) {
      found.classList.add('doui-admin-error');
      found.textContent = form.dataset.douiOther.replace('%d', others);
    }
  })
  .catch(() => {});
