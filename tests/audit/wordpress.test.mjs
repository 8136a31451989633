// `doui audit` against the WordPress plugin's test site (tests/wordpress/site.mjs,
// started once): clean with the plugin's default config, and a cookie that a
// plugin sets without the config declaring it is named. Needs Debian's
// WordPress, PHP and MariaDB (./dev test installs them before this runs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs } from '../support/chromium.mjs';
import { startSite } from '../wordpress/site.mjs';

const doui = fileURLToPath(new URL('../../target/npm/bin/doui.mjs', import.meta.url));
let site;

function audit(...args) {
  const browserArgs = chromiumArgs.filter((a) => a !== '--headless=new').map((a) => `--browser-arg=${a}`);
  return new Promise((resolve) => {
    execFile(
      'node',
      [doui, 'audit', ...args, '--browser', process.env.CHROMIUM ?? '/usr/bin/chromium', ...browserArgs],
      { timeout: 240_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.stop();
});

test('the WordPress site passes with the default config', async () => {
  const r = await audit(`${site.origin}/`, '--pages', '2', '--json');
  const result = JSON.parse(r.stdout);
  assert.deepEqual(result.findings.filter((f) => f.severity !== 'notice'), [], r.stderr);
  assert.equal(r.code, 0);
  assert.equal(result.pages.length, 2);
});

test('a cookie a plugin sets without the config declaring it is named', async () => {
  // A test-only must-use plugin in this site's own copy of WordPress.
  writeFileSync(
    join(site.dir, 'wp/wp-content/mu-plugins/doui-audit-promo.php'),
    `<?php
// Test-only: a plugin that remembers a promotion for 30 days (1mo in the config's units), declared nowhere.
add_action( 'init', static function () {
	if ( ! is_admin() && ! headers_sent() ) {
		setcookie( 'promo_seen', '1', time() + 30 * DAY_IN_SECONDS, '/' );
	}
} );
`,
  );
  const r = await audit(`${site.origin}/`, '--pages', '1', '--json');
  assert.equal(r.code, 1, r.stderr);
  const { findings } = JSON.parse(r.stdout);
  const undeclared = findings.filter((f) => f.code === 'undeclared-cookie');
  assert.deepEqual(undeclared.map((f) => [f.name, f.party, f.lifetime]), [['promo_seen', 'first', '1mo']]);
  assert.match(undeclared[0].source, /^Set-Cookie from http:\/\/127\.0\.0\.1:\d+\//);
  // Set on the first response, before anyone was asked.
  assert.ok(findings.some((f) => f.code === 'cookie-before-consent' && f.name === 'promo_seen' && f.visit === 'no choice'));
});
