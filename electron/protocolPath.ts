// Maps an app://halldesk/… URL to a file inside the renderer build, refusing anything that
// would leave it (.., encoded .., backslashes, NUL, symlinks pointing out). Pure but for the
// injected realpath, so it is tested without Electron.
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../shared/ipc/csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'halldesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Headers on every app:// response, errors included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export type ResolveResult =
  { ok: true; filePath: string } | { ok: false; status: 400 | 403 | 404; reason: string };

export interface ResolveOptions {
  /** fs.realpathSync-like; throws when the file does not exist. */
  realpath: (p: string) => string;
}

export function resolveAppPath(
  root: string,
  requestUrl: string,
  opts: ResolveOptions,
): ResolveResult {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'bad url' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
    return { ok: false, status: 403, reason: 'wrong origin' };
  }
  // Decode once, as the file system sees names; a second layer of encoding stays literal
  // ("%252e" is a file called "%2e"), so a double-encoded ".." cannot climb.
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad encoding' };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, reason: 'NUL in path' };
  if (decoded.includes('\\')) return { ok: false, status: 403, reason: 'backslash in path' };
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.')) {
    return { ok: false, status: 403, reason: 'dot segment' };
  }
  let relative = segments.filter(Boolean).join('/');
  if (relative === '') relative = 'index.html';
  if (path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) {
    return { ok: false, status: 403, reason: 'absolute path' };
  }
  const rootAbs = path.resolve(root);
  const candidate = path.resolve(rootAbs, relative);
  if (!isInside(rootAbs, candidate)) return { ok: false, status: 403, reason: 'outside root' };

  // Follow symlinks on both sides: a link inside the build that points out is refused.
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = opts.realpath(rootAbs);
  } catch {
    return { ok: false, status: 404, reason: 'no build' };
  }
  try {
    realFile = opts.realpath(candidate);
  } catch {
    return { ok: false, status: 404, reason: 'not found' };
  }
  if (!isInside(realRoot, realFile))
    return { ok: false, status: 403, reason: 'symlink out of root' };
  return { ok: true, filePath: realFile };
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' ? !rel.startsWith('..') && !path.isAbsolute(rel) : true;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
};

export function mimeType(filePath: string): string {
  return MIME[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}
