// Central endpoint: attachments uploaded in chunks, resumed after a drop from the byte count the
// server reports, checked against their SHA-256, and invisible to other halls.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AttachmentStatus, PullResponse } from '../../shared/protocol';
import { ATTACHMENT_HEADERS, paths } from '../../shared/protocol';
import { makeAttachmentMeta } from '../unit/domain/factories';
import { appFor, change, device, push } from '../support/serverClient';
import type { TestDevice } from '../support/serverClient';
import type { TestCentral } from '../support/server';
import { centralForSuite } from '../support/centralSuite';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';

function putChunk(
  c: TestCentral,
  dev: TestDevice,
  sha: string,
  offset: number,
  size: number,
  chunk: Uint8Array,
) {
  return call<AttachmentStatus & { error?: { code: string; details?: AttachmentStatus } }>(
    c.url,
    'PUT',
    `${paths.attachment(sha)}?offset=${offset}&size=${size}`,
    {
      token: dev.token,
      rawBody: new Uint8Array(chunk),
      headers: { 'content-type': 'application/octet-stream' },
    },
  );
}

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason)
    console.warn(`[central-attachments] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`central attachments (${variant})`, () => {
    let c: TestCentral;
    let a: TestDevice;
    let b: TestDevice;

    centralForSuite(variant, 'attach', async (central) => {
      c = central;
      await createHall(c, 'HA');
      await createHall(c, 'HB');
      a = device(await enrollDevice(c, 'HA'));
      b = device(await enrollDevice(c, 'HB'));
    });

    it('resumes an interrupted upload where the server stopped and verifies the hash', async () => {
      const bytes = crypto.randomBytes(700_000);
      const sha = crypto.createHash('sha256').update(bytes).digest('hex');
      const app = appFor(a);
      const meta = makeAttachmentMeta({
        applicationId: app.id,
        sha256: sha,
        size: bytes.length,
        mimeType: 'image/jpeg',
      });
      await push(c, a, [change(a, 'application', app), change(a, 'attachment', meta)]);

      const fresh = await call<AttachmentStatus>(c.url, 'GET', paths.attachment(sha), {
        token: a.token,
      });
      expect(fresh.body).toEqual({ sha256: sha, size: null, received: 0, complete: false });

      const chunk = 256 * 1024;
      const r1 = await putChunk(c, a, sha, 0, bytes.length, bytes.subarray(0, chunk));
      expect(r1.body).toMatchObject({ received: chunk, complete: false, size: bytes.length });
      // The link drops; the desk asks how much the server has (HEAD) and resumes from there.
      const head = await fetch(new URL(paths.attachment(sha), c.url), {
        method: 'HEAD',
        headers: { authorization: `Bearer ${a.token}` },
      });
      expect(head.status).toBe(200);
      expect(head.headers.get(ATTACHMENT_HEADERS.received)).toBe(String(chunk));
      expect(head.headers.get(ATTACHMENT_HEADERS.size)).toBe(String(bytes.length));
      expect(head.headers.get(ATTACHMENT_HEADERS.complete)).toBe('false');

      // A stale resend of the first chunk is refused with the right offset to continue from.
      const stale = await putChunk(c, a, sha, 0, bytes.length, bytes.subarray(0, chunk));
      expect(stale.status).toBe(409);
      expect(stale.body.error!.code).toBe('E_OFFSET_MISMATCH');
      expect(stale.body.error!.details).toMatchObject({ received: chunk });

      const r2 = await putChunk(c, a, sha, chunk, bytes.length, bytes.subarray(chunk, 2 * chunk));
      expect(r2.body.received).toBe(2 * chunk);
      const r3 = await putChunk(c, a, sha, 2 * chunk, bytes.length, bytes.subarray(2 * chunk));
      expect(r3.status).toBe(200);
      expect(r3.body).toEqual({
        sha256: sha,
        size: bytes.length,
        received: bytes.length,
        complete: true,
      });
      // Done is done: a late chunk changes nothing.
      const late = await putChunk(c, a, sha, chunk, bytes.length, bytes.subarray(chunk, 2 * chunk));
      expect(late.body.complete).toBe(true);

      const got = await fetch(new URL(paths.attachmentContent(sha), c.url), {
        headers: { authorization: `Bearer ${a.token}` },
      });
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

      // The metadata comes back by pull marked complete.
      const pull = await call<PullResponse>(c.url, 'GET', `${paths.pull}?limit=1000`, {
        token: a.token,
      });
      const att = pull.body.changes.find((x) => x.kind === 'attachment');
      expect(att).toMatchObject({
        kind: 'attachment',
        record: { id: meta.id, sha256: sha, complete: true },
      });

      // Another hall knows nothing about it, even with the hash.
      const other = await call<AttachmentStatus>(c.url, 'GET', paths.attachment(sha), {
        token: b.token,
      });
      expect(other.body).toMatchObject({ received: 0, complete: false });
      const otherGet = await call(c.url, 'GET', paths.attachmentContent(sha), { token: b.token });
      expect(otherGet.status).toBe(404);
      expect(otherGet.body.error.code).toBe('E_NOT_FOUND');
    });

    it('discards an upload whose bytes do not match the hash (422) and accepts a clean retry', async () => {
      const bytes = crypto.randomBytes(100_000);
      const sha = crypto.createHash('sha256').update(bytes).digest('hex');
      const corrupt = Buffer.from(bytes);
      corrupt[50_000] = corrupt[50_000]! ^ 0xff;
      const r1 = await putChunk(c, a, sha, 0, bytes.length, corrupt.subarray(0, 60_000));
      expect(r1.body.received).toBe(60_000);
      const r2 = await putChunk(c, a, sha, 60_000, bytes.length, corrupt.subarray(60_000));
      expect(r2.status).toBe(422);
      expect(r2.body.error!.code).toBe('E_HASH_MISMATCH');
      const st = await call<AttachmentStatus>(c.url, 'GET', paths.attachment(sha), {
        token: a.token,
      });
      expect(st.body).toMatchObject({ received: 0, complete: false });
      const ok = await putChunk(c, a, sha, 0, bytes.length, bytes);
      expect(ok.body.complete).toBe(true);
    });

    it('refuses bad names, missing offsets, JSON bodies and chunks beyond the size', async () => {
      const sha = 'a'.repeat(64);
      expect((await call(c.url, 'GET', paths.attachment('XYZ'), { token: a.token })).status).toBe(
        400,
      );
      const noOffset = await call(c.url, 'PUT', paths.attachment(sha), {
        token: a.token,
        rawBody: new Uint8Array(3),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(noOffset.status).toBe(400);
      expect(noOffset.body.error.code).toBe('E_BAD_REQUEST');
      const json = await call(c.url, 'PUT', `${paths.attachment(sha)}?offset=0&size=3`, {
        token: a.token,
        body: { a: 1 },
      });
      expect(json.status).toBe(415);
      const beyond = await putChunk(c, a, sha, 0, 2, new Uint8Array(3));
      expect(beyond.status).toBe(400);
      const noAuth = await call(c.url, 'GET', paths.attachment(sha));
      expect(noAuth.status).toBe(401);
    });
  });
}
