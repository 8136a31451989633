// A small static server for the benchmark: serves one folder, raw (no
// compression, no caching), on several loopback addresses at one port.
// Compressed sizes are computed separately from the files themselves, so the
// wire format does not matter here.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Maps a URL path to a file under `root`, or null when it would leave it. */
export function fileFor(root, pathname) {
  const rel = normalize(decodeURIComponent(pathname)).replace(/^\/+/, '');
  if (rel.startsWith('..')) return null;
  return join(root, rel);
}

/** Serves `root` on every host in `hosts` (same port). Returns { port, urls, close }. */
export async function serve(root, hosts) {
  const handler = async (req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    let file = fileFor(root, pathname);
    try {
      if (file && (await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  };
  const servers = [];
  let port = 0;
  for (const host of hosts) {
    const server = createServer(handler);
    await new Promise((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, ok);
    });
    port = server.address().port;
    servers.push(server);
  }
  return {
    port,
    urls: hosts.map((h) => `http://${h}:${port}`),
    close: () => Promise.all(servers.map((s) => new Promise((ok) => s.close(ok)))),
  };
}
