// Serves the built renderer (dist/renderer) at /workbench/ so that the workbench page talks to the
// admin API on the same origin (the admin API sends no CORS headers). Files only from that folder.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { fail } from './errors';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

export function registerWorkbenchStatic(app: FastifyInstance, dir = DEFAULT_RENDERER_DIR): void {
  const root = path.resolve(dir);
  app.get('/workbench', async (_req, reply) => reply.redirect('/workbench/#/workbench'));
  app.get<{ Params: { '*': string } }>('/workbench/*', async (req, reply) => {
    const rel = req.params['*'] || 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) fail('E_NOT_FOUND', '没有这个文件 (no such file)');
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(file);
    } catch {
      fail(
        'E_NOT_FOUND',
        rel === 'index.html'
          ? '工作台页面尚未构建，请运行 npm run build:renderer (the workbench is not built)'
          : '没有这个文件 (no such file)',
      );
    }
    const hashed = rel.startsWith('assets/');
    return reply
      .type(TYPES[path.extname(file)] ?? 'application/octet-stream')
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(bytes);
  });
}
