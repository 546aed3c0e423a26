// Central endpoint: malformed, oversized, compressed, wrong-token and too-large requests are
// refused with 4xx and a stable code, nothing is partly written, and the server keeps serving.
import http from 'node:http';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, MAX_PUSH_BATCH, paths } from '../../shared/protocol';
import { appFor, change, countRows, device, push } from '../support/serverClient';
import type { TestDevice } from '../support/serverClient';
import type { TestCentral } from '../support/server';
import { centralForSuite } from '../support/centralSuite';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read any field
type AnyJson = any;

/** A raw request (fetch cannot send some of these), answered as status + parsed JSON + headers. */
function raw(
  url: string,
  method: string,
  p: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; json: AnyJson; headers: http.IncomingHttpHeaders; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(p, url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        let json: unknown = null;
        try {
          json = JSON.parse(bytes.toString('utf8'));
        } catch {
          // compressed or not JSON
        }
        resolve({ status: res.statusCode ?? 0, json, headers: res.headers, bytes });
      });
    });
    // The server may answer 413 and close before the upload ends: that is an answer too.
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason) console.warn(`[central-refusals] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`central refusals (${variant})`, () => {
    let c: TestCentral;
    let dev: TestDevice;

    centralForSuite(variant, 'refusals', async (central) => {
      c = central;
      await createHall(c, 'HA');
      dev = device(await enrollDevice(c, 'HA'));
    });

    const auth = () => ({
      authorization: `Bearer ${dev.token}`,
      'content-type': 'application/json',
    });
    const stillServing = async () => {
      const ok = await push(c, dev, [change(dev, 'application', appFor(dev))]);
      expect(ok.status).toBe(200);
      expect(ok.body.results[0]!.status).toBe('applied');
    };

    it('malformed JSON and wrong envelopes → 400 E_BAD_REQUEST', async () => {
      const before = await countRows(c, 'changes');
      const bad = await raw(
        c.url,
        'POST',
        paths.push,
        auth(),
        Buffer.from('{"deviceId": "x", "changes": [ {'),
      );
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe('E_BAD_REQUEST');
      expect(typeof bad.json.error.message).toBe('string');
      const env = await call(c.url, 'POST', paths.push, {
        token: dev.token,
        body: { changes: 'nope' },
      });
      expect(env.status).toBe(400);
      expect(env.body.error.code).toBe('E_BAD_REQUEST');
      const empty = await raw(c.url, 'POST', paths.push, auth(), Buffer.from(''));
      expect(empty.status).toBe(400);
      const wrongType = await raw(
        c.url,
        'POST',
        paths.push,
        { ...auth(), 'content-type': 'text/plain' },
        Buffer.from('hi'),
      );
      expect(wrongType.status).toBe(415);
      expect(wrongType.json.error.code).toBe('E_UNSUPPORTED_MEDIA');
      const enroll = await call(c.url, 'POST', paths.enroll, { body: { code: 42 } });
      expect(enroll.status).toBe(400);
      const route = await call(c.url, 'GET', '/api/v1/nothing-here');
      expect(route.status).toBe(404);
      expect(route.body.error.code).toBe('E_NOT_FOUND');
      expect(await countRows(c, 'changes')).toBe(before);
      await stillServing();
    });

    it('wrong or missing token → 401 E_AUTH, nothing written', async () => {
      const before = await countRows(c, 'applications');
      const body = { deviceId: dev.deviceId, changes: [change(dev, 'application', appFor(dev))] };
      const none = await call(c.url, 'POST', paths.push, { body });
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('E_AUTH');
      const wrong = await call(c.url, 'POST', paths.push, { body, token: 'hd_dev_forged' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('E_AUTH');
      const garbage = await call(c.url, 'POST', paths.push, {
        body,
        headers: { authorization: 'Basic abc' },
      });
      expect(garbage.status).toBe(401);
      expect(await countRows(c, 'applications')).toBe(before);
      await stillServing();
    });

    it('oversized bodies → 413 E_TOO_LARGE, also when they only grow on decompression', async () => {
      const before = await countRows(c, 'changes');
      // ~4.5 MB of JSON in fewer than MAX_PUSH_BATCH changes.
      const many = Array.from({ length: 450 }, (_, i) =>
        change(dev, 'queue_event', { filler: 'x'.repeat(10_000) }, { entityId: `big-${i}` }),
      );
      const json = Buffer.from(JSON.stringify({ deviceId: dev.deviceId, changes: many }));
      expect(json.length).toBeGreaterThan(MAX_BODY_BYTES);
      const plain = await raw(c.url, 'POST', paths.push, auth(), json).catch((e: Error) => ({
        status: -1,
        json: { error: { code: e.message } },
      }));
      // Either the 413 answer arrives, or the server closed the socket while we were sending.
      if (plain.status !== -1) {
        expect(plain.status).toBe(413);
        expect(plain.json.error.code).toBe('E_TOO_LARGE');
      }
      // A zip bomb: tiny on the wire, larger than the limit once inflated.
      const bomb = zlib.gzipSync(
        Buffer.concat([
          Buffer.from('{"deviceId":"'),
          Buffer.alloc(MAX_BODY_BYTES + 1024, 0x61),
          Buffer.from('"}'),
        ]),
      );
      expect(bomb.length).toBeLessThan(64 * 1024);
      const inflated = await raw(
        c.url,
        'POST',
        paths.push,
        { ...auth(), 'content-encoding': 'gzip' },
        bomb,
      );
      expect(inflated.status).toBe(413);
      expect(inflated.json.error.code).toBe('E_TOO_LARGE');
      expect(await countRows(c, 'changes')).toBe(before);
      await stillServing();
    });

    it('too many changes in one push → 413 E_BATCH_TOO_LARGE, nothing written', async () => {
      const before = await countRows(c, 'applications');
      const small = Array.from({ length: MAX_PUSH_BATCH + 1 }, (_, i) => ({
        changeId: crypto.randomUUID(),
        seq: 100000 + i,
        entity: 'queue_event' as const,
        entityId: `e${i}`,
        op: 'create' as const,
        payload: { i },
      }));
      const r = await call(c.url, 'POST', paths.push, {
        token: dev.token,
        body: { deviceId: dev.deviceId, changes: small },
      });
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('E_BATCH_TOO_LARGE');
      expect(r.body.error.details).toMatchObject({ max: MAX_PUSH_BATCH });
      expect(await countRows(c, 'queue_events')).toBe(0);
      expect(await countRows(c, 'applications')).toBe(before);
      await stillServing();
    });

    it('accepts gzip request bodies and compresses responses', async () => {
      const apps = Array.from({ length: 30 }, () => appFor(dev));
      const body = {
        deviceId: dev.deviceId,
        changes: apps.map((a) => change(dev, 'application', a)),
      };
      const gz = zlib.gzipSync(Buffer.from(JSON.stringify(body)));
      const r = await raw(c.url, 'POST', paths.push, { ...auth(), 'content-encoding': 'gzip' }, gz);
      expect(r.status).toBe(200);
      expect(r.json.results).toHaveLength(30);
      expect(r.json.results.every((x: { status: string }) => x.status === 'applied')).toBe(true);

      const pulled = await raw(c.url, 'GET', `${paths.pull}?limit=100`, {
        authorization: `Bearer ${dev.token}`,
        'accept-encoding': 'gzip',
      });
      expect(pulled.status).toBe(200);
      expect(pulled.headers['content-encoding']).toBe('gzip');
      const page = JSON.parse(zlib.gunzipSync(pulled.bytes).toString('utf8'));
      expect(page.changes.length).toBeGreaterThan(30);
      const br = await raw(c.url, 'GET', `${paths.pull}?limit=100`, {
        authorization: `Bearer ${dev.token}`,
        'accept-encoding': 'br',
      });
      expect(br.headers['content-encoding']).toBe('br');
      expect(JSON.parse(zlib.brotliDecompressSync(br.bytes).toString('utf8'))).toEqual(page);

      const broken = await raw(
        c.url,
        'POST',
        paths.push,
        { ...auth(), 'content-encoding': 'gzip' },
        Buffer.from('not gzip at all'),
      );
      expect(broken.status).toBeGreaterThanOrEqual(400);
      expect(broken.status).toBeLessThan(500);
      expect(broken.json.error.code).toMatch(/^E_/);
      const unknownEnc = await raw(
        c.url,
        'POST',
        paths.push,
        { ...auth(), 'content-encoding': 'zstd-x' },
        Buffer.from('{}'),
      );
      expect(unknownEnc.status).toBe(415);
      expect(unknownEnc.json.error.code).toBe('E_UNSUPPORTED_MEDIA');
      await stillServing();
    });
  });
}
