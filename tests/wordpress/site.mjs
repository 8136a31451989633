// A real WordPress for the plugin's end-to-end tests: Debian's WordPress copied
// into a temporary folder, MariaDB with its own data directory on a loopback
// port, a fresh site installed with wp_install(), the plugin from
// dist/doui-wordpress.zip activated, and PHP's built-in server on 127.0.0.1.
// A small server on 127.0.0.2 plays every third party. stop() ends everything
// this started, also after a failure.

import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Sends `signal` to a service's whole process group: each service is spawned
 * detached, as the leader of a group of its own. A group already gone is fine.
 */
function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch (e) {
    if (e.code !== 'ESRCH') throw e;
  }
}

const root = resolve(import.meta.dirname, '../..');
const WORDPRESS = '/usr/share/wordpress';
/** WP Consent API 1.0.8, a fixture kept beside the checkout, never part of it. */
export const WCA_DIR = resolve(root, '../shared/vendor/wp-consent-api');

function freePort(host = '127.0.0.1') {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function which(name, fallbacks) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(fallbacks)) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} is missing: install Debian's mariadb-server`);
}

async function waitFor(what, test, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await test()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Starts everything; returns the site. */
export async function startSite() {
  const zip = join(root, 'dist/doui-wordpress.zip');
  if (!existsSync(zip)) throw new Error('dist/doui-wordpress.zip is missing: run ./dev build first');
  const dir = await mkdtemp(join(tmpdir(), 'doui-wp-'));
  const site = {
    dir,
    origin: '',
    thirdParty: '',
    thirdPartyLog: [],
    processes: [],
    async stop() {
      for (const p of site.processes.reverse()) {
        if (p.exitCode === null && p.signalCode === null) {
          const exited = new Promise((ok) => p.once('exit', ok));
          signalGroup(p, 'SIGTERM');
          await Promise.race([exited, sleep(10000)]);
        }
        // `php -S` with workers forks them into its group, and they outlive a
        // master that alone was signalled: end whatever of the group is left.
        signalGroup(p, 'SIGKILL');
      }
      site.processes = [];
      await new Promise((ok) => (site.third ? site.third.close(ok) : ok()));
      if (!process.env.DOUI_KEEP_SITE) await rm(dir, { recursive: true, force: true });
    },
    /** Runs PHP with WordPress loaded; the code's output is returned. */
    php(code) {
      return execFileSync('php', ['-d', 'display_errors=stderr', '-d', 'error_reporting=E_ALL & ~E_DEPRECATED', join(dir, 'cli.php')], {
        cwd: join(dir, 'wp'),
        input: '<?php ' + code,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    },
    /** PHP warnings and errors the plugin's own files caused. */
    async pluginErrors() {
      const log = await readFile(join(dir, 'php-errors.log'), 'utf8').catch(() => '');
      return log.split('\n').filter((l) => l.includes('/plugins/doui/'));
    },
  };
  try {
    // The third party: logs every request and answers with a tiny page.
    const thirdPort = await freePort('127.0.0.2');
    site.third = createServer((req, res) => {
      site.thirdPartyLog.push(req.url);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>embed</title><p>embedded');
    });
    await new Promise((ok) => site.third.listen(thirdPort, '127.0.0.2', ok));
    site.thirdParty = `http://127.0.0.2:${thirdPort}`;

    // MariaDB with its own data directory.
    const data = join(dir, 'db');
    const socket = join(dir, 'db.sock');
    const dbPort = await freePort();
    execFileSync(which('mariadb-install-db', ['/usr/bin', '/usr/sbin']), [
      `--user=${userInfo().username}`, `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db',
    ], { stdio: 'ignore' });
    const db = spawn(which('mariadbd', ['/usr/sbin', '/usr/bin']), [
      '--no-defaults', `--user=${userInfo().username}`, `--datadir=${data}`, `--socket=${socket}`, `--port=${dbPort}`,
      '--bind-address=127.0.0.1', '--skip-name-resolve', '--skip-log-bin', '--innodb-buffer-pool-size=32M',
      `--pid-file=${join(dir, 'db.pid')}`, `--log-error=${join(dir, 'db.log')}`,
    ], { stdio: 'ignore', detached: true });
    site.processes.push(db);
    await waitFor('MariaDB', () => existsSync(socket));
    const sql = "CREATE DATABASE wp; CREATE USER 'wp'@'127.0.0.1' IDENTIFIED BY 'wp'; GRANT ALL ON wp.* TO 'wp'@'127.0.0.1';";
    await waitFor('MariaDB to answer', () => {
      execFileSync(which('mariadb', ['/usr/bin']), ['--no-defaults', '-S', socket, '-uroot', '-e', 'SELECT 1'], { stdio: 'ignore' });
      return true;
    });
    execFileSync(which('mariadb', ['/usr/bin']), ['--no-defaults', '-S', socket, '-uroot', '-e', sql]);

    // WordPress: core copied (Debian's copy is symlinked and reads /etc/wordpress),
    // its own wp-config.php and wp-content.
    const wp = join(dir, 'wp');
    const webPort = await freePort();
    site.origin = `http://127.0.0.1:${webPort}`;
    await mkdir(wp);
    for (const entry of await (await import('node:fs/promises')).readdir(WORDPRESS)) {
      if (['wp-content', 'wp-config.php', '.htaccess'].includes(entry)) continue;
      await cp(join(WORDPRESS, entry), join(wp, entry), { recursive: true, dereference: true });
    }
    const content = join(wp, 'wp-content');
    await mkdir(join(content, 'languages'), { recursive: true });
    for (const f of ['ja.mo', 'admin-ja.mo', 'admin-network-ja.mo', 'continents-cities-ja.mo']) {
      const from = join(WORDPRESS, 'wp-content/languages', f);
      if (existsSync(from)) await cp(from, join(content, 'languages', f), { dereference: true });
    }
    await cp(join(WORDPRESS, 'wp-content/themes/twentytwentythree'), join(content, 'themes/twentytwentythree'), {
      recursive: true,
      dereference: true,
    });
    await mkdir(join(content, 'plugins'), { recursive: true });
    execFileSync('unzip', ['-q', zip, '-d', join(content, 'plugins')]);
    if (existsSync(WCA_DIR)) {
      await cp(WCA_DIR, join(content, 'plugins/wp-consent-api'), { recursive: true, dereference: true });
    }
    await cp(join(import.meta.dirname, 'mu-plugins'), join(content, 'mu-plugins'), { recursive: true });
    await writeFile(
      join(wp, 'wp-config.php'),
      `<?php
define( 'DB_NAME', 'wp' );
define( 'DB_USER', 'wp' );
define( 'DB_PASSWORD', 'wp' );
define( 'DB_HOST', '127.0.0.1:${dbPort}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'WP_HOME', '${site.origin}' );
define( 'WP_SITEURL', '${site.origin}' );
define( 'WP_CONTENT_DIR', __DIR__ . '/wp-content' );
define( 'WP_CONTENT_URL', '${site.origin}/wp-content' );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'DOUI_TEST_THIRD_PARTY', '${site.thirdParty}' );
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as $k ) {
\tdefine( $k, 'doui-test-' . $k );
}
$table_prefix = 'wp_';
if ( ! defined( 'ABSPATH' ) ) {
\tdefine( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`,
    );
    await writeFile(
      join(dir, 'cli.php'),
      `<?php
$_SERVER['HTTP_HOST'] = '127.0.0.1:${webPort}';
$_SERVER['REQUEST_URI'] = '/';
if ( getenv( 'DOUI_INSTALLING' ) ) {
\tdefine( 'WP_INSTALLING', true );
}
require getcwd() . '/wp-load.php';
eval( '?>' . stream_get_contents( STDIN ) );
`,
    );
    execFileSync('php', ['-d', 'error_reporting=E_ALL & ~E_DEPRECATED', join(dir, 'cli.php')], {
      cwd: wp,
      env: { ...process.env, DOUI_INSTALLING: '1' },
      input: await readFile(join(import.meta.dirname, 'install.php'), 'utf8'),
      stdio: ['pipe', 'ignore', 'pipe'],
    });

    const server = spawn('php', [
      '-d', 'error_reporting=E_ALL', '-d', 'display_errors=0', '-d', 'log_errors=1',
      '-d', `error_log=${join(dir, 'php-errors.log')}`, '-S', `127.0.0.1:${webPort}`, '-t', wp,
    ], { cwd: wp, stdio: 'ignore', detached: true, env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' } });
    site.processes.push(server);
    await waitFor('php -S', async () => (await fetch(site.origin + '/wp-login.php')).ok);
    return site;
  } catch (e) {
    await site.stop();
    throw e;
  }
}
