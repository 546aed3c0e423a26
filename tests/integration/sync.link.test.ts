// The desk's engine against the real centre through the shaping proxy (issue 17, issue 16):
// a new application reaches the centre within seconds while scans upload; after a reset the
// upload resumes at once, after a silent drop (black-holed connections) within the stall time;
// pull runs even when uploads fail; a first pull cut short still brings every own record of a
// rebuilt desk (skipOwn only after a full pull).
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setActiveDb } from '../../renderer/src/db/db';
import { addAttachment } from '../../renderer/src/db/repo';
import { UPLOAD_LIMITS_KEY } from '../../renderer/src/sync/store';
import type { FetchLike } from '../../renderer/src/sync/transport';
import { startFaultProxy } from '../support/faultProxy';
import { startCentral, type RunningCentral } from '../support/syncCentral';
import {
  createTestDesk,
  makeApplication,
  saveWithOutbox,
  type TestDesk,
} from '../support/syncDesk';

let central: RunningCentral;
const desks: TestDesk[] = [];

beforeAll(async () => {
  central = await startCentral();
});

afterAll(async () => {
  for (const d of desks) await d.close();
  await central?.close();
});

async function until(what: string, cond: () => Promise<boolean> | boolean, ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function onCentre(id: string): Promise<boolean> {
  return central.admin.application(id).then(
    () => true,
    () => false,
  );
}

async function scan(desk: TestDesk, applicationId: string, bytes: Buffer) {
  setActiveDb(desk.db);
  return addAttachment(
    { applicationId, documentCode: 'id_card', fileName: '身份证.jpg', mimeType: 'image/jpeg' },
    new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }),
  );
}

describe('the township link', () => {
  it('records never wait for scans; a reset resumes at once, a silent drop within the stall time', async () => {
    const hall = 'LINK-01';
    await central.admin.createHall(hall);
    const proxy = await startFaultProxy({
      target: { port: central.port },
      kbpsUp: 1_600,
      kbpsDown: 4_000,
      rttMs: 60,
    });
    const creds = await central.admin.enrollDesk(hall, '乡镇窗口', proxy.url);
    const desk = createTestDesk(creds, {
      firstRoundJitterMs: 0,
      stallMs: 1_500,
      // A back-off would show as a long idle link: it must not be waited out while the
      // centre answers.
      backoffBaseMs: 20_000,
      backoffCapMs: 20_000,
      chunkBytes: 64 * 1024,
    });
    desks.push(desk);
    try {
      const app = makeApplication(hall, 'D1');
      await saveWithOutbox(desk.db, app);
      const files = Array.from({ length: 4 }, () => randomBytes(400 * 1024));
      const metas = [];
      for (const f of files) metas.push(await scan(desk, app.id, f));
      const up = () => desk.engine.status.getState().uploads;
      // A chunk more at the centre, or the last one (the backlog's totals are then reset).
      const moved = (mark: number) => () =>
        up().bytesDone > mark || desk.engine.status.getState().uploadsWaiting === 0;
      desk.engine.start();
      await until('the upload to start', () => up().bytesDone > 100 * 1024, 20_000);

      // A new application while scans go up: at the centre within seconds, between chunks.
      const next = makeApplication(hall, 'D1');
      await saveWithOutbox(desk.db, next);
      desk.engine.requestSoon(2_000);
      const t0 = performance.now();
      await until('the new application at the centre', () => onCentre(next.id), 8_000);
      expect(performance.now() - t0).toBeLessThan(6_000);
      expect(desk.engine.status.getState().uploadsWaiting).toBeGreaterThan(0);

      // A reset drop: the upload goes on at once (no 20 s back-off).
      let mark = up().bytesDone;
      proxy.cutAll();
      const t1 = performance.now();
      await until('progress after a reset', moved(mark), 10_000);
      expect(performance.now() - t1).toBeLessThan(5_000);

      // A silent drop: found by the stall watchdog, resumed from the centre's offset.
      mark = up().bytesDone;
      proxy.blackholeAll();
      const t2 = performance.now();
      await until('progress after a silent drop', moved(mark), 15_000);
      expect(performance.now() - t2).toBeLessThan(9_000);

      await until(
        'every scan at the centre',
        () => desk.engine.status.getState().uploadsWaiting === 0 && up().state === 'idle',
        30_000,
      );
      for (let i = 0; i < files.length; i++) {
        const res = await fetch(`${central.url}/api/v1/attachments/${metas[i]!.sha256}/content`, {
          headers: { authorization: `Bearer ${creds.token}` },
        });
        const got = Buffer.from(await res.arrayBuffer());
        expect(createHash('sha256').update(got).digest('hex')).toBe(metas[i]!.sha256);
      }
    } finally {
      desk.engine.stop();
      await proxy.close();
    }
  }, 90_000);

  it('pull runs even when the upload fails', async () => {
    const hall = 'LINK-02';
    await central.admin.createHall(hall);
    const creds = await central.admin.enrollDesk(hall, '2号窗口');
    const refusePuts: FetchLike = async (input, init) => {
      if (init?.method === 'PUT') {
        return new Response(
          JSON.stringify({ error: { code: 'E_QUOTA', message: '附件配额已满' } }),
          { status: 422, headers: { 'content-type': 'application/json' } },
        );
      }
      return fetch(input, init);
    };
    const desk = createTestDesk(creds, { fetch: refusePuts });
    desks.push(desk);
    const app = makeApplication(hall, 'D1');
    await saveWithOutbox(desk.db, app);
    await scan(desk, app.id, randomBytes(10 * 1024));
    await desk.engine.syncNow();
    const moved = await central.admin.advance(app.id);
    await desk.engine.syncNow();
    const local = await desk.db.applications.get(app.id);
    expect(local?.status).toBe(moved.status);
  });

  it("the outlet's limits hold scans back, never records", async () => {
    const hall = 'LINK-04';
    await central.admin.createHall(hall);
    const creds = await central.admin.enrollDesk(hall, '4号窗口');
    const puts: number[] = [];
    const counting: FetchLike = (input, init) => {
      if (init?.method === 'PUT') puts.push(performance.now());
      return fetch(input, init);
    };
    // 10:00 at the outlet; scans only 18:00–08:00, and a cap of 8 kbit/s on top.
    const desk = createTestDesk(creds, {
      fetch: counting,
      firstRoundJitterMs: 0,
      clock: () => new Date(2026, 11, 7, 10, 0),
    });
    desks.push(desk);
    await desk.db.settings.put({
      key: UPLOAD_LIMITS_KEY,
      value: { kbps: 8, hours: { from: '18:00', to: '08:00' } },
    });
    const app = makeApplication(hall, 'D1');
    await saveWithOutbox(desk.db, app);
    const meta = await scan(desk, app.id, randomBytes(64 * 1024));
    desk.engine.start();
    try {
      await until('the application at the centre', () => onCentre(app.id), 10_000);
      await until(
        'the scan waiting for its hours',
        () => desk.engine.status.getState().uploads.state === 'waitingHours',
        10_000,
      );
      // A record saved while scans wait goes at once too.
      const next = makeApplication(hall, 'D1');
      await saveWithOutbox(desk.db, next);
      desk.engine.requestSoon(0);
      await until('the second application at the centre', () => onCentre(next.id), 10_000);
      expect(puts).toHaveLength(0);
      expect(desk.engine.status.getState().uploadsWaiting).toBe(1);
      const res = await fetch(`${central.url}/api/v1/attachments/${meta.sha256}`, {
        headers: { authorization: `Bearer ${creds.token}` },
      });
      const status = (await res.json()) as { received: number; complete: boolean };
      expect(status.complete).toBe(false);
      expect(status.received).toBe(0);
    } finally {
      desk.engine.stop();
    }
  }, 60_000);

  it('a first pull cut short still brings every own record of a rebuilt desk', async () => {
    const hall = 'LINK-03';
    await central.admin.createHall(hall);
    const creds = await central.admin.enrollDesk(hall, '3号窗口');
    const first = createTestDesk(creds);
    desks.push(first);
    const apps = Array.from({ length: 25 }, () => makeApplication(hall, 'D1'));
    for (const a of apps) await saveWithOutbox(first.db, a);
    expect((await first.engine.syncNow()).kind).toBe('ok');

    // The desk's database is rebuilt (same token); its first pull is cut on the third page.
    let pulls = 0;
    const cut: FetchLike = async (input, init) => {
      if (input.includes('/api/v1/pull') && ++pulls === 3) throw new TypeError('timeout');
      return fetch(input, init);
    };
    const rebuilt = createTestDesk(creds, { fetch: cut, pullLimit: 5 });
    desks.push(rebuilt);
    expect((await rebuilt.engine.syncNow()).kind).toBe('failed');
    expect(await rebuilt.db.applications.count()).toBe(10);
    expect((await rebuilt.engine.syncNow()).kind).toBe('ok');
    const ids = (await rebuilt.db.applications.toArray()).map((a) => a.id).sort();
    expect(ids).toEqual(apps.map((a) => a.id).sort());
  });
});
