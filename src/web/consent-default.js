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
