// The central endpoint's update feed: files served read-only with byte ranges (resumable
// downloads for electron-updater), nothing outside the folder, JSON errors with codes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../../server/central/errors';
import { parseRange, registerUpdates } from '../../server/central/updates';

describe('parseRange', () => {
  it('reads the forms electron-updater and browsers send', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 100)).toBe('ignore');
  });
});

describe('GET /updates/:file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-updates-'));
  const secret = path.join(path.dirname(dir), `${path.basename(dir)}-secret.yml`);
  const installer = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  const app = Fastify();
  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'latest-linux.yml'), 'version: 1.2.3\n');
    fs.writeFileSync(path.join(dir, 'HallDesk-1.2.3-x64.AppImage'), installer);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not published');
    fs.writeFileSync(secret, 'outside');
    installErrorHandling(app);
    registerUpdates(app, dir);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(secret, { force: true });
  });

  it('serves the feed uncached and the installer whole', async () => {
    const feed = await app.inject({ url: '/updates/latest-linux.yml' });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toBe('version: 1.2.3\n');
    expect(feed.headers['cache-control']).toBe('no-cache');
    const whole = await app.inject({ url: '/updates/HallDesk-1.2.3-x64.AppImage' });
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(installer)).toBe(true);
    expect(whole.headers['accept-ranges']).toBe('bytes');
  });

  it('resumes a cut download from a byte offset', async () => {
    const part = await app.inject({
      url: '/updates/HallDesk-1.2.3-x64.AppImage',
      headers: { range: 'bytes=4000-' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 4000-4999/5000');
    expect(part.rawPayload.equals(installer.subarray(4000))).toBe(true);
    const bad = await app.inject({
      url: '/updates/HallDesk-1.2.3-x64.AppImage',
      headers: { range: 'bytes=6000-' },
    });
    expect(bad.statusCode).toBe(416);
  });

  it('refuses anything that is not a published file inside the folder', async () => {
    for (const url of [
      '/updates/notes.txt',
      `/updates/..%2F${path.basename(secret)}`,
      '/updates/missing.yml',
      '/updates/.hidden.yml',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('E_NOT_FOUND');
    }
  });
});
