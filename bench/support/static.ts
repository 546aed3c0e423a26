// A tiny static file server for benchmarks: serves a built folder on 127.0.0.1, port 0.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `root` at `/` (index.html for a folder) and each extra mount at its URL prefix, all on
 * one origin (so pages share one IndexedDB); refuses paths outside the folders.
 */
export async function serveStatic(
  root: string,
  mounts: Record<string, string> = {},
): Promise<StaticServer> {
  const table = [
    ...Object.entries(mounts).map(([prefix, dir]) => ({
      prefix: `/${prefix.replace(/^\/+|\/+$/g, '')}/`,
      dir: path.resolve(dir),
    })),
    { prefix: '/', dir: path.resolve(root) },
  ];
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const mount = table.find((m) => urlPath.startsWith(m.prefix)) ?? table[table.length - 1]!;
    const base = mount.dir;
    const rel = '/' + urlPath.slice(mount.prefix.length);
    const file = path.resolve(base, '.' + (rel.endsWith('/') ? rel + 'index.html' : rel));
    if (!file.startsWith(base + path.sep) && file !== base) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
