// Attachments against the real centre: the bytes go up after their application, in chunks, and
// after a drop the upload resumes from the byte count the centre reports instead of from zero.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setActiveDb } from '../../renderer/src/db/db';
import { addAttachment } from '../../renderer/src/db/repo';
import { setVaultKeySource } from '../../renderer/src/db/vault';
import type { FetchLike } from '../../renderer/src/sync/transport';
import { startCentral, type RunningCentral } from '../support/syncCentral';
import {
  createTestDesk,
  makeApplication,
  saveWithOutbox,
  type TestDesk,
} from '../support/syncDesk';

const HALL = 'ATT-01';
let central: RunningCentral;
let desk: TestDesk;
const SIZE = 600 * 1024;
const CHUNK = 64 * 1024;
const puts: { offset: number; bytes: number }[] = [];
let putCount = 0;
let failOn = new Map<number, 'lostRequest' | 'lostResponse'>();

// The link: counts chunk uploads and loses some of them (before or after the centre has them).
const link: FetchLike = async (input, init) => {
  if (init?.method === 'PUT') {
    putCount += 1;
    const loss = failOn.get(putCount);
    const offset = Number(new URL(input).searchParams.get('offset'));
    puts.push({ offset, bytes: (init.body as Uint8Array).length });
    if (loss === 'lostRequest') throw new TypeError('connection reset');
    const res = await fetch(input, init);
    if (loss === 'lostResponse') throw new TypeError('socket hang up');
    return res;
  }
  return fetch(input, init);
};

beforeAll(async () => {
  central = await startCentral();
  await central.admin.createHall(HALL);
  desk = createTestDesk(await central.admin.enrollDesk(HALL, '1号窗口'), {
    fetch: link,
    chunkBytes: CHUNK,
  });
});

afterAll(async () => {
  await desk?.close();
  await central?.close();
});

describe('attachment upload', () => {
  it('uploads after the application, in chunks, resuming after drops', async () => {
    const app = makeApplication(HALL, 'D1');
    await saveWithOutbox(desk.db, app);
    const bytes = randomBytes(SIZE);
    setActiveDb(desk.db);
    const meta = await addAttachment(
      {
        applicationId: app.id,
        documentCode: 'property_cert',
        fileName: '房产证.jpg',
        mimeType: 'image/jpeg',
      },
      new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }),
    );
    // The 4th chunk never arrives; the 6th arrives but its answer is lost.
    failOn = new Map([
      [4, 'lostRequest'],
      [6, 'lostResponse'],
    ]);
    // A dropped connection while the centre answers is not an unreachable centre: the lane
    // resumes at once from the centre's offset, in the same run.
    const first = await desk.engine.syncNow();
    expect(first).toMatchObject({ kind: 'ok', uploaded: 1 });
    expect((await central.admin.application(app.id)).id).toBe(app.id);

    // Resumed, never restarted: offsets only move forward except for the one lost chunk.
    const sent = puts.reduce((n, p) => n + p.bytes, 0);
    expect(sent).toBeLessThanOrEqual(SIZE + 2 * CHUNK);
    expect(puts.filter((p) => p.offset === 0)).toHaveLength(1);

    const token = desk.credentials.token;
    const status = (await (
      await fetch(`${central.url}/api/v1/attachments/${meta.sha256}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { complete: boolean; received: number };
    expect(status).toMatchObject({ complete: true, received: SIZE });
    const content = Buffer.from(
      await (
        await fetch(`${central.url}/api/v1/attachments/${meta.sha256}/content`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).arrayBuffer(),
    );
    expect(content.equals(bytes)).toBe(true);
    // Nothing left to do: no upload queued, nothing pending.
    expect(desk.engine.status.getState()).toMatchObject({ phase: 'synced', pending: 0 });
    const again = await desk.engine.syncNow();
    expect(again).toMatchObject({ kind: 'ok', uploaded: 0 });
  });

  it('sealed at rest on the desk, the centre gets the bytes as captured', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    setVaultKeySource(() => Promise.resolve(key));
    try {
      failOn = new Map();
      const app = makeApplication(HALL, 'D1');
      await saveWithOutbox(desk.db, app);
      const bytes = randomBytes(200 * 1024);
      setActiveDb(desk.db);
      const meta = await addAttachment(
        {
          applicationId: app.id,
          documentCode: 'id_card',
          fileName: '身份证.jpg',
          mimeType: 'image/jpeg',
        },
        new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }),
      );
      const row = await desk.db.attachments.get(meta.id);
      expect(row?.enc).toBe('aes-gcm-v1');
      const atRest = Buffer.from(await row!.blob.arrayBuffer());
      expect(atRest.includes(bytes.subarray(0, 64))).toBe(false);

      expect(await desk.engine.syncNow()).toMatchObject({ kind: 'ok', uploaded: 1 });
      const content = Buffer.from(
        await (
          await fetch(`${central.url}/api/v1/attachments/${meta.sha256}/content`, {
            headers: { authorization: `Bearer ${desk.credentials.token}` },
          })
        ).arrayBuffer(),
      );
      expect(content.equals(bytes)).toBe(true);
    } finally {
      setVaultKeySource(() => Promise.resolve(null));
    }
  });
});
