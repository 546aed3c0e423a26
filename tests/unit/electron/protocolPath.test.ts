// The app:// protocol's path mapping on a real temporary folder: files inside the build are
// served, anything that leaves it (.., encoded .., backslashes, NUL, symlinks out) is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInside, mimeType, resolveAppPath } from '../../../electron/protocolPath';

let base: string;
let root: string;
const opts = { realpath: fs.realpathSync };

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-proto-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), '');
  fs.writeFileSync(path.join(root, 'assets', '中文 名.png'), '');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'token');
  fs.mkdirSync(path.join(base, 'renderer-evil'));
  fs.writeFileSync(path.join(base, 'renderer-evil', 'x.js'), '');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link-out.txt'));
  fs.symlinkSync(path.join(root, 'assets', 'app.js'), path.join(root, 'link-in.js'));
});

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const ok = (url: string) => {
  const r = resolveAppPath(root, url, opts);
  if (!r.ok) throw new Error(`${url} refused: ${r.reason}`);
  return path.relative(fs.realpathSync(root), r.filePath);
};
const refused = (url: string) => {
  const r = resolveAppPath(root, url, opts);
  return r.ok ? 'served' : r.status;
};

describe('resolveAppPath', () => {
  it('serves index.html for the root and files inside the build', () => {
    expect(ok('app://halldesk/')).toBe('index.html');
    expect(ok('app://halldesk/index.html#/desk/new')).toBe('index.html');
    expect(ok('app://halldesk/assets/app.js?v=1')).toBe(path.join('assets', 'app.js'));
    expect(ok('app://halldesk/assets/%E4%B8%AD%E6%96%87%20%E5%90%8D.png')).toBe(
      path.join('assets', '中文 名.png'),
    );
  });

  it('follows symlinks that stay inside the build', () => {
    expect(ok('app://halldesk/link-in.js')).toBe(path.join('assets', 'app.js'));
  });

  it('never resolves a traversal attempt to a file outside the build', () => {
    const realRoot = fs.realpathSync(root);
    for (const url of [
      'app://halldesk/../secret.txt',
      'app://halldesk/%2e%2e/secret.txt',
      'app://halldesk/assets/%2E%2E/%2E%2E/secret.txt',
      'app://halldesk/..%2fsecret.txt',
      'app://halldesk/assets/..%2f..%2fsecret.txt',
      'app://halldesk/..%5csecret.txt',
      'app://halldesk/assets%5c..%5c..%5csecret.txt',
      'app://halldesk/%2e%2e%2f%2e%2e%2fetc/passwd',
      'app://halldesk/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    ]) {
      const r = resolveAppPath(root, url, opts);
      if (r.ok) expect(isInside(realRoot, r.filePath), url).toBe(true);
      else expect([403, 404], url).toContain(r.status);
    }
  });

  it('refuses encoded separators and dot segments that survive URL parsing', () => {
    // The URL parser folds plain and %2e dot segments itself; what it leaves ("..%2f",
    // backslashes) is decoded by us and must be refused, not resolved.
    expect(refused('app://halldesk/..%2fsecret.txt')).toBe(403);
    expect(refused('app://halldesk/assets/..%2f..%2fsecret.txt')).toBe(403);
    expect(refused('app://halldesk/..%5csecret.txt')).toBe(403);
    expect(refused('app://halldesk/assets%5c..%5c..%5csecret.txt')).toBe(403);
    expect(ok('app://halldesk/assets/../index.html')).toBe('index.html');
  });

  it('treats double encoding literally (no second decode)', () => {
    expect(refused('app://halldesk/%252e%252e/secret.txt')).toBe(404);
  });

  it('refuses a sibling folder whose name starts like the root', () => {
    expect(isInside(root, path.join(base, 'renderer-evil', 'x.js'))).toBe(false);
  });

  it('refuses symlinks that point out of the build', () => {
    expect(refused('app://halldesk/assets/link-out.txt')).toBe(403);
  });

  it('refuses NUL bytes, bad encodings, other hosts and schemes', () => {
    expect(refused('app://halldesk/index.html%00.png')).toBe(400);
    expect(refused('app://halldesk/%E0%A4%A')).toBe(400);
    expect(refused('app://evil/index.html')).toBe(403);
    expect(refused('file:///etc/passwd')).toBe(403);
    expect(refused('not a url')).toBe(400);
  });

  it('answers 404 for missing files', () => {
    expect(refused('app://halldesk/assets/missing.js')).toBe(404);
  });

  it('gives module scripts a JavaScript MIME type (Chromium refuses others)', () => {
    expect(mimeType('a/b/app-1234.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('index.HTML')).toBe('text/html; charset=utf-8');
    expect(mimeType('x.bin')).toBe('application/octet-stream');
  });
});
