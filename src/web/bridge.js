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
