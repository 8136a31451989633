// Stand-in for a Google tag, served from the demo's "third party" origin. Like
// the real one it sets first-party _ga cookies on the widest domain it can and
// sends a measurement beacon home. It reads Consent Mode from dataLayer: with
// analytics_storage denied it neither sets cookies nor sends an identifier.
(() => {
  const home = new URL(document.currentScript.src).origin;
  const state = (window.demoAnalytics ??= { runs: 0, beacons: 0, storage: 'denied' });
  state.runs += 1;
  for (const args of window.dataLayer ?? []) {
    if (args[0] === 'consent' && args[2]?.analytics_storage) state.storage = args[2].analytics_storage;
  }
  // Like the real tag, it carries on where cookies are blocked.
  if (state.storage === 'granted') try {
    // "auto" cookie domain: the highest domain the browser accepts.
    const labels = location.hostname.split('.');
    // The demo's pages configure 13 months (cookie_expires), not Google's default 2 years.
    const months13 = 'Max-Age=33696000; Path=/';
    for (let i = Math.max(labels.length - 2, 0); i >= 0; i--) {
      const domain = /^[\d.]+$/.test(location.hostname) ? '' : '; Domain=' + labels.slice(i).join('.');
      document.cookie = `_ga=GA1.1.${Date.now()}; ${months13}${domain}`;
      if (document.cookie.includes('_ga=')) {
        document.cookie = `_ga_DEMO=GS1.1.${Date.now()}; ${months13}${domain}`;
        break;
      }
    }
  } catch {}
  const beacon = new Image();
  beacon.src = `${home}/third-party/pixel.gif?collect=pageview&page=${encodeURIComponent(location.pathname)}&storage=${state.storage}`;
  state.beacons += 1;
})();
