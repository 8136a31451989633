// Google Consent Mode v2 defaults. Load synchronously in <head>, before any
// Google tag and before doui: everything is denied until doui sends the
// visitor's choice ('update'), which tags wait for up to wait_for_update ms.
window.dataLayer = window.dataLayer || [];
function gtag() {
  dataLayer.push(arguments);
}
gtag('consent', 'default', {
  ad_storage: 'denied',
  ad_user_data: 'denied',
  ad_personalization: 'denied',
  analytics_storage: 'denied',
  functionality_storage: 'denied',
  personalization_storage: 'denied',
  security_storage: 'denied',
  wait_for_update: 500,
});

// The prerendered banner (`doui snippet`), decided before first paint. Given
// the cookie's name, the config's revision and the choice's lifetime in days
// (`doui snippet --head` prints the tag with them), this marks <html> with
// data-doui-ask unless a choice for this revision is stored and not expired;
// doui.css shows the prerendered banner only then. The format is
// src/consent.rs's (checked against tests/vectors/consent-cookie.json); doui.js
// applies every other rule once it runs and shows or hides the banner then.
(function (data) {
  var value, fields, time, now;
  if (!data || !data.douiRevision) return;
  try {
    document.cookie.split(';').some(function (pair) {
      var at = pair.indexOf('=');
      return at >= 0 && pair.slice(0, at).trim() == data.douiCookie && ((value = pair.slice(at + 1).trim()), 1);
    });
  } catch (e) {}
  fields = value ? value.split('.') : [];
  time = +fields[2];
  now = Math.floor(Date.now() / 1000);
  if (
    !(
      fields.length == 6 &&
      fields[0] == '1' &&
      fields[3] == data.douiRevision &&
      /^(0|[1-9]\d{0,11})$/.test(fields[2]) &&
      time <= now + 600 &&
      now - time <= data.douiDays * 86400
    )
  )
    document.documentElement.setAttribute('data-doui-ask', '');
  // A click on the prerendered banner before doui.js has taken it over is kept
  // (doui.js applies it) and the button says it is busy meanwhile.
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('.doui[data-doui-snippet]:not(.doui-live) [data-doui-action]');
    if (button) {
      button.closest('.doui').setAttribute('data-doui-pending', button.getAttribute('data-doui-action'));
      button.setAttribute('aria-busy', 'true');
    }
  });
})(document.currentScript && document.currentScript.dataset);
