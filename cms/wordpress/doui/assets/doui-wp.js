// doui on a WordPress page, after doui.js: the comment form's "save my name"
// box follows the consent for the comment cookies, WP Consent API is told every
// choice, and policies written inline in a post are rendered.
const settings = JSON.parse(document.getElementById('doui-wp')?.textContent || '{}');
const doui = window.doui;

// WP Consent API reads this before it answers wp_has_consent().
window.wp_consent_type = 'optin';

/** Whether a consent detail allows a category or service id. */
const allows = (detail, id) => detail?.categories?.[id] ?? detail?.services?.[id] ?? false;

function sync(detail) {
  const box = document.getElementById('wp-comment-cookies-consent');
  if (box && settings.comments) box.checked = allows(detail, settings.comments);
  if (typeof window.wp_set_consent === 'function') {
    for (const [category, ids] of Object.entries(settings.wca ?? {})) {
      window.wp_set_consent(category, ids.every((id) => allows(detail, id)) ? 'allow' : 'deny');
    }
  }
}

if (doui) {
  document.addEventListener('doui:consent', (e) => sync(e.detail));
  doui.onChange(sync);
  // Ticking "save my name" is consent to the cookies that do it.
  document.addEventListener('change', (e) => {
    if (e.target.id === 'wp-comment-cookies-consent' && e.target.checked && settings.comments) {
      if (!doui.accepted(settings.comments)) doui.set(settings.comments, true);
    }
  });
}

const inline = [...document.querySelectorAll('.doui-wp-policy[data-doui-markdown]')];
if (inline.length) {
  const policy = await import(new URL('../dist/doui-policy.js', import.meta.url).href);
  policy.useStylesheet();
  await policy.load();
  const config = document.getElementById('doui-config')?.textContent;
  for (const el of inline) {
    try {
      policy.mountPolicy(el, el.dataset.douiMarkdown, config);
    } catch (e) {
      el.setAttribute('role', 'alert');
      el.textContent = e?.message ?? String(e);
    }
  }
}
