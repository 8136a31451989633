// Flags for Debian's headless Chromium, shared by the end-to-end tests and the
// benchmark: keep the browser on loopback, with no lookups of update, sync or
// account hosts. www.doui.test is the first party under a name with a parent
// domain (so that cookies set on .doui.test can be tested); every other name
// stays unresolved.
export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP www.doui.test 127.0.0.1 , MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE 127.0.0.2 , EXCLUDE localhost',
];
