// Finding and starting an installed Chrome or Chromium. The audit never
// downloads a browser.
import { existsSync } from 'node:fs';

/** Where Debian, Ubuntu and Google put their browsers. */
export const usualPaths = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The browser to drive: `--browser`, then CHROME_PATH, then the usual paths; null if none. */
export function findBrowser(flag, env = process.env) {
  if (flag) return existsSync(flag) ? flag : null;
  if (env.CHROME_PATH) return existsSync(env.CHROME_PATH) ? env.CHROME_PATH : null;
  return usualPaths.find((p) => existsSync(p)) ?? null;
}

/** Headless, no first-run or background traffic of the browser's own. */
export const browserArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
];
