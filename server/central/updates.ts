// The generic update feed for the desktop shell (electron-updater `generic` provider): serves
// the installers and their `latest*.yml` from one folder, read-only, with byte ranges so that
// a download cut on a weak link resumes instead of starting again.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { fail } from './errors';

/** Only what electron-builder publishes: feeds, installers, block maps. */
const PUBLISHED = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}\.(yml|exe|deb|AppImage|blockmap|zip|dmg)$/;

const TYPES: Record<string, string> = {
  '.yml': 'text/yaml; charset=utf-8',
  '.blockmap': 'application/octet-stream',
};

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * One `bytes=a-b` / `bytes=a-` / `bytes=-n` range of a file of `size` bytes; null when the
 * header is absent, 'unsatisfiable' when it cannot be served, and 'ignore' for forms we do not
 * serve partially (several ranges): those get the whole file, which every client accepts.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | null | 'unsatisfiable' | 'ignore' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return 'ignore';
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return 'ignore';
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Registers GET/HEAD /updates/:file serving `dir` (nothing is registered without a folder). */
export function registerUpdates(app: FastifyInstance, dir: string | undefined): void {
  if (!dir) return;
  const root = path.resolve(dir);
  app.route<{ Params: { file: string } }>({
    method: ['GET', 'HEAD'],
    url: '/updates/:file',
    // Installers are already compressed; compressing them again only burns CPU.
    config: { compress: false },
    handler: async (req, reply) => {
      const name = req.params.file;
      // The name is checked against the published patterns and must stay inside the folder:
      // no separators, no dot-dot, nothing hidden.
      if (!PUBLISHED.test(name) || name.includes('..')) {
        fail('E_NOT_FOUND', '没有这个更新文件 (no such update file)');
      }
      const file = path.join(root, name);
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(file);
      } catch {
        fail('E_NOT_FOUND', '没有这个更新文件 (no such update file)');
      }
      if (!stat.isFile()) fail('E_NOT_FOUND', '没有这个更新文件 (no such update file)');
      const ext = path.extname(name);
      reply
        .header('content-type', TYPES[ext] ?? 'application/octet-stream')
        .header('accept-ranges', 'bytes')
        .header('last-modified', stat.mtime.toUTCString())
        // The feed must be re-read every time; installers carry their version in the name.
        .header('cache-control', ext === '.yml' ? 'no-cache' : 'public, max-age=86400');
      const range = parseRange(req.headers.range, stat.size);
      if (range === 'unsatisfiable') {
        return reply.status(416).header('content-range', `bytes */${stat.size}`).send();
      }
      if (range && range !== 'ignore') {
        reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${stat.size}`)
          .header('content-length', range.end - range.start + 1);
        if (req.method === 'HEAD') return reply.send();
        return reply.send(fs.createReadStream(file, { start: range.start, end: range.end }));
      }
      reply.header('content-length', stat.size);
      if (req.method === 'HEAD') return reply.send();
      return reply.send(fs.createReadStream(file));
    },
  });
}
