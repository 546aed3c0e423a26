// Small HTTP helpers of the hall service: JSON answers and errors, bounded JSON bodies, zod
// validation into `E_VALIDATION`, the built renderer as static files.
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { z } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Request bodies: small everywhere, larger only for the configuration (key-customer list). */
export const MAX_BODY = 8 * 1024;
export const MAX_CONFIG_BODY = 512 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function readJson(req: http.IncomingMessage, limit = MAX_BODY): Promise<unknown> {
  const tooLarge = () => new HttpError(413, 'E_TOO_LARGE', `请求内容过大（上限 ${limit} 字节）`);
  // Refuse before reading when the client says how much it will send.
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        // Answer at once; the rest is ignored and the connection closed after the answer.
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
    req.on('end', () => {
      if (failed) return;
      if (size === 0) return resolve({});
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      } catch {
        reject(new HttpError(400, 'E_BAD_JSON', '请求内容不是有效的 JSON'));
      }
    });
  });
}

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new HttpError(
      400,
      'E_VALIDATION',
      `请求内容有误：${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      r.error.issues,
    );
  }
  return r.data;
}

/** Client address for rate limits (the hall LAN has no proxies in front of the service). */
export function clientKey(req: http.IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Serves a file of `staticRoot` (never outside it); false when there is none to serve. */
export function serveStatic(
  staticRoot: string | null,
  res: http.ServerResponse,
  pathname: string,
): boolean {
  if (!staticRoot) return false;
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.resolve(staticRoot, `.${rel}`);
  if (file !== staticRoot && !file.startsWith(staticRoot + path.sep)) return false;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return false;
  }
  if (!stat.isFile()) return false;
  const isHtml = file.endsWith('.html');
  res.writeHead(200, {
    'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': stat.size,
    // Hashed assets may be cached; the page itself is re-read so updates reach the TV.
    'cache-control': isHtml ? 'no-cache' : 'public, max-age=3600',
  });
  fs.createReadStream(file).pipe(res);
  return true;
}
