// The demo site's static server, used by `./dev serve` and by the end-to-end tests.
//
// `/dist/` serves the built bundle, `/policies/` the Markdown policies, everything
// else comes from `www/`. The same handler answers on a second loopback address
// (127.0.0.2), which plays the third party whose content doui gates; every request
// is logged with the host it reached, so tests can assert what did or did not load.
// In HTML pages, `%THIRD_PARTY%` stands for that second origin (its port is
// only known at start), and `%NONCE%` for a fresh nonce; `?csp=strict` serves a
// page under a strict Content-Security-Policy that allows scripts by that nonce
// (`?csp=nowasm`: the same without 'wasm-unsafe-eval').

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The demo site: URL prefix → folder, first match wins. */
export const demoMounts = [
  ['/dist/', join(root, 'dist')],
  ['/policies/', join(root, 'policies')],
  ['/', join(root, 'www')],
];
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  // Markdown as plain text, so that a browser shows a policy's source instead of downloading it.
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file a URL path maps to under `mounts`, or null when it would leave them. */
export function fileFor(mounts, pathname) {
  for (const [prefix, dir] of mounts) {
    if (pathname.startsWith(prefix)) {
      const rel = normalize(decodeURIComponent(pathname.slice(prefix.length)));
      if (rel.startsWith('..')) return null;
      return join(dir, rel);
    }
  }
  return null;
}

/**
 * Starts the server on each host. Returns { log, urls, close }.
 * `log` collects { host, method, path, time } for every request.
 */
export async function startServer({ hosts = ['127.0.0.1'], port = 0, quiet = true, mounts = demoMounts } = {}) {
  const log = [];
  let thirdParty = '';
  const handler = async (req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    log.push({ host: url.host, method: req.method, path: url.pathname + url.search, time: Date.now() });
    if (!quiet) console.log(req.method, url.host, url.pathname);
    let file = fileFor(mounts, url.pathname);
    try {
      if (file && (await stat(file)).isDirectory()) file = join(file, 'index.html');
      let body = file && (await readFile(file));
      const headers = {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      };
      if (extname(file) === '.html') {
        const nonce = randomBytes(12).toString('base64');
        body = body.toString('utf8').replaceAll('%THIRD_PARTY%', thirdParty).replaceAll('%NONCE%', nonce);
        const csp = url.searchParams.get('csp');
        if (csp === 'strict' || csp === 'nowasm') {
          // `nowasm` leaves out 'wasm-unsafe-eval': doui's module cannot compile.
          const wasm = csp === 'strict' ? " 'wasm-unsafe-eval'" : '';
          headers['content-security-policy'] =
            `default-src 'self'; script-src 'self'${wasm} 'nonce-${nonce}' ${thirdParty}; ` +
            `style-src 'self'; img-src 'self' ${thirdParty}; frame-src ${thirdParty}; connect-src 'self' ${thirdParty}; object-src 'none'`;
        }
      }
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
    }
  };
  const servers = [];
  let boundPort = port;
  for (const host of hosts) {
    const server = createServer(handler);
    await new Promise((ok, fail) => {
      server.once('error', fail);
      server.listen(boundPort, host, ok);
    });
    boundPort = server.address().port;
    servers.push(server);
  }
  thirdParty = hosts[1] ? `http://${hosts[1]}:${boundPort}` : '';
  return {
    log,
    port: boundPort,
    urls: hosts.map((h) => `http://${h}:${boundPort}`),
    close: () => Promise.all(servers.map((s) => new Promise((ok) => s.close(ok)))),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 8080);
  const s = await startServer({ hosts: ['127.0.0.1', '127.0.0.2'], port, quiet: false });
  console.log(`demo site: ${s.urls[0]}/   (third-party origin: ${s.urls[1]}/)`);
}
