// Shared set-up for the end-to-end suites: one demo server (first party on
// 127.0.0.1, "third party" on 127.0.0.2) and one headless Debian Chromium per
// test file, a fresh browser context per test, and axe-core on demand.
//
// A new suite is a file `tests/e2e/<topic>.test.mjs`:
//
//   import { test } from 'node:test';
//   import { setup } from './harness.mjs';
//   const env = setup();
//   test('…', async () => { const page = await env.page('/'); … });

import { after, before } from 'node:test';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { startServer } from '../support/server.mjs';
import { chromiumArgs } from '../support/chromium.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

export { chromiumArgs };

/** Debian's Chromium, headless and on loopback only; `options` go to playwright's launch. */
export function launch(options = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: chromiumArgs,
    ...options,
  });
}

/** Registers before/after hooks; the returned object is filled in once they ran. */
export function setup() {
  const env = {
    server: null,
    browser: null,
    contexts: [],
    /** First-party origin, e.g. http://127.0.0.1:41234 */
    origin: '',
    /** Third-party origin on the second loopback address. */
    thirdParty: '',
    /** The first party under a domain name (www.doui.test, resolved to loopback). */
    named: '',
    /** A fresh context (cookies, storage) with a page open at `path`. Options go to newContext. */
    async page(path = '/', options = {}) {
      const context = await env.browser.newContext({ locale: 'ja-JP', ...options });
      env.contexts.push(context);
      const page = await context.newPage();
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && page.errors.push(m.text()));
      // Requests the page has started and not yet seen end, for quiet().
      page.inflight = 0;
      page.on('request', () => page.inflight++);
      for (const end of ['requestfinished', 'requestfailed']) page.on(end, () => page.inflight--);
      if (path !== null) await page.goto(path.startsWith('http') ? path : env.origin + path);
      return page;
    },
    /**
     * Waits until the network is quiet: the page has no request in flight and
     * the server has seen no new request for `ms`. A check that nothing was
     * loaded must come after this, not after a fixed time, so that a request
     * still on its way is counted and a slow machine does not pass vacuously.
     */
    async quiet(page, ms = 300) {
      const deadline = Date.now() + 15000;
      for (let seen = -1; ; ) {
        const now = env.server.log.length;
        if (now === seen && page.inflight <= 0) return;
        if (Date.now() > deadline) throw new Error(`network not quiet after 15 s: ${page.inflight} requests in flight`);
        seen = now;
        await page.waitForTimeout(ms);
      }
    },
    /** Requests the server saw on the third-party origin. */
    thirdPartyRequests() {
      return env.server.log.filter((r) => r.host.startsWith('127.0.0.2'));
    },
  };
  before(async () => {
    env.server = await startServer({ hosts: ['127.0.0.1', '127.0.0.2'] });
    [env.origin, env.thirdParty] = env.server.urls;
    env.named = `http://www.doui.test:${env.server.port}`;
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page; returns the violations. */
export async function axe(page, include) {
  // Evaluated through the DevTools protocol, so a strict page CSP does not block it.
  await page.evaluate(await axeSource);
  return page.evaluate(async (include) => {
    const result = await globalThis.axe.run(include ?? document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  }, include);
}
