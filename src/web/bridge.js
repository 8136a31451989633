// The banner module's few imports that are smaller written here than bound
// through web-sys one method at a time.

/** Dispatches a doui event on document with a JSON detail. */
export function emit(type, detailJson) {
  document.dispatchEvent(new CustomEvent(type, { detail: JSON.parse(detailJson) }));
}

/** Reports a problem in the console, where site developers look. */
export function report(message) {
  console.error('doui: ' + message);
}

/** 16 random bytes from the platform's cryptographic generator. */
export function randomBytes() {
  return crypto.getRandomValues(new Uint8Array(16));
}

/** Google's command queue: the site's gtag() if it has one, else the same push it does. */
function gtag() {
  if (typeof window.gtag === 'function') return window.gtag(...arguments);
  (window.dataLayer = window.dataLayer || []).push(arguments);
}

/** gtag('consent', 'update', …) with the types from doui's mapping. */
export function consentUpdate(json) {
  gtag('consent', 'update', JSON.parse(json));
}

/** The Consent Mode flags the config asks for. */
export function consentFlags(redaction, passthrough) {
  if (redaction) gtag('set', 'ads_data_redaction', true);
  if (passthrough) gtag('set', 'url_passthrough', true);
}

/** Reloads the page, so that scripts whose consent was withdrawn stop. */
export function reload() {
  location.reload();
}
