// The banner module's exports as functions of strings, numbers and booleans,
// as src/web/banner.rs documents them: the page side of src/web/abi.rs, which
// says how strings cross. Hand-written, because wasm-bindgen's glue for the
// same calls cost the critical path more than the calls themselves.

let x; // the instance's exports
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Starts using the instantiated banner module. */
export const use = (instance) => (x = instance.exports);

/** Writes `strings` into the module's argument buffer; returns their byte counts. */
function put(...strings) {
  let at = x.args(strings.reduce((n, s) => n + s.length * 3, 0));
  return strings.map((s) => {
    const n = encoder.encodeInto(s, new Uint8Array(x.memory.buffer, at)).written;
    at += n;
    return n;
  });
}

/** The string an export returned, `len` bytes long. */
const text = (len) => decoder.decode(new Uint8Array(x.memory.buffer, x.out(), len));

export const start = (config, htmlLang, languages, cookies, now, flags, host, path) =>
  text(x.start(...put(config, htmlLang, languages, cookies, host, path), now, flags));
export const state = () => x.state();
export const shell = () => text(x.shell());
export const snippetKey = () => text(x.snippetKey());
export const bannerHtml = () => text(x.bannerHtml());
export const preferencesHtml = () => text(x.preferencesHtml());
export const switches = (id, on) => text(x.switches(...put(id), on));
/** `random` is four random 32-bit numbers (a Uint32Array). */
export const decide = (kind, id, on, random, now) => text(x.decide(kind, ...put(id), on, ...random, now));
export const confirm = (cookies) => text(x.confirm(...put(cookies)));
export const deletions = (cookies) => text(x.deletions(...put(cookies)));
export const consentMode = () => text(x.consentMode());
export const resync = (cookies, now) => !!x.resync(...put(cookies), now);
export const accepted = (id) => !!x.accepted(...put(id));
export const consentJson = () => text(x.consentJson());
export const allows = (marking) => !!x.allows(...put(marking));
export const placeholder = (marking) => text(x.placeholder(...put(marking)));
export const reloadNotice = () => text(x.reloadNotice());
