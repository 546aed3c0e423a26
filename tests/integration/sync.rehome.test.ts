// Applications accepted before enrollment, against a real centre: they were numbered under the
// placeholder hall (H0001-D01-…), enrollment gives the desk its hall and a desk code unique in
// the hall and re-homes them; they then reach the centre exactly once under the enrolled hall
// with the number printed on the receipt. A second desk that also started on D01 gets another
// desk code, and records from the other desk carrying the same placeholder number do not wedge
// its pull.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feedback } from '../../shared/domain/model';
import { setActiveDb } from '../../renderer/src/db/db';
import { addAttachment, saveFeedback } from '../../renderer/src/db/repo';
import { enroll, loadCredentials } from '../../renderer/src/sync/credentials';
import { SyncEngine } from '../../renderer/src/sync/engine';
import { createDexieSyncStore } from '../../renderer/src/sync/store';
import { freshDatabase } from '../support/postgres';
import { startCentral, type RunningCentral } from '../support/syncCentral';
import { localApplication, makeApplication, openDeskDb, saveWithOutbox } from '../support/syncDesk';

const HALL = 'RH01';
let central: RunningCentral;
const dbA = openDeskDb('rehome-a');
const dbB = openDeskDb('rehome-b');
const realFetch = (input: string, init?: RequestInit) => fetch(input, init);

beforeAll(async () => {
  central = await startCentral();
  await central.admin.createHall(HALL, '东湖营业厅');
});

afterAll(async () => {
  dbA.close();
  dbB.close();
  await central?.close();
});

function engineFor(db: ReturnType<typeof openDeskDb>) {
  return new SyncEngine({
    store: createDexieSyncStore(db),
    fetch: realFetch,
    credentials: () => loadCredentials(db),
    adoptProfile: true,
  });
}

function feedback(no: string): Feedback {
  const at = new Date().toISOString();
  return {
    id: randomUUID(),
    feedbackNo: no,
    hallCode: 'H0001',
    deskCode: 'D01',
    kind: 'opinion',
    customerName: '赵六',
    phone: '13900139000',
    content: '营业厅空调太冷',
    acceptedAt: at,
    acceptedBy: '李四',
    firstContactDue: '2026-12-01',
    replyDue: '2026-12-07',
    status: 'open',
    updatedAt: at,
  };
}

describe('records saved before enrollment', () => {
  it('are re-homed at enrollment and reach the centre once under the enrolled hall', async () => {
    // The desk as shipped: profile on the placeholder codes, used offline before enrollment.
    await dbA.settings.put({
      key: 'desk.profile',
      value: { hallCode: 'H0001', deskCode: 'D01', clerkName: '李四' },
    });
    const apps = [1, 2, 3].map((n) =>
      makeApplication('H0001', 'D01', { appNo: `H0001-D01-20261127-000${n}` }),
    );
    for (const a of apps) await saveWithOutbox(dbA, a);
    setActiveDb(dbA);
    const fb = await saveFeedback(feedback('F-H0001-D01-20261127-0001'));
    const bytes = randomBytes(3000);
    const att = await addAttachment(
      {
        applicationId: apps[0]!.id,
        documentCode: 'property_cert',
        fileName: '房产证.jpg',
        mimeType: 'image/jpeg',
      },
      new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }),
    );

    const code = await central.admin.enrollmentCode(HALL);
    const r = await enroll(dbA, { endpoint: central.url, code, deviceName: '1号窗口' }, realFetch);
    // It asked for D01 (its own), which is free in this hall.
    expect(r).toMatchObject({ hallCode: HALL, deskCode: 'D01' });
    expect(r.rehomed).toMatchObject({ applications: 3, feedback: 1 });
    expect((await dbA.settings.get('desk.profile'))?.value).toMatchObject({
      hallCode: HALL,
      deskCode: 'D01',
      clerkName: '李四',
    });
    // Locally: moved to the hall, numbers unchanged; outbox payloads moved too.
    const local = await localApplication(dbA, apps[0]!.id);
    expect(local).toMatchObject({ hallCode: HALL, appNo: 'H0001-D01-20261127-0001' });
    const entries = await dbA.outbox.toArray();
    for (const e of entries.filter((x) => x.entity !== 'attachment')) {
      expect((e.payload as { hallCode: string }).hallCode).toBe(HALL);
    }

    const engine = engineFor(dbA);
    const round = await engine.syncNow();
    expect(round.kind).toBe('ok');
    expect(engine.status.getState()).toMatchObject({ pending: 0, rejected: 0, phase: 'synced' });
    const onCentre = await central.admin.applications(HALL);
    expect(onCentre.map((a) => a.appNo).sort()).toEqual(apps.map((a) => a.appNo).sort());
    expect(new Set(onCentre.map((a) => a.id)).size).toBe(3);
    expect(onCentre.every((a) => a.hallCode === HALL)).toBe(true);
    expect(await central.admin.rejected(HALL)).toEqual([]);
    // A second round sends nothing again (exactly once).
    expect(await engine.syncNow()).toMatchObject({ kind: 'ok', pushed: 0 });
    expect(await central.admin.applications(HALL)).toHaveLength(3);
    // The feedback and the attachment's bytes arrived too.
    const res = await fetch(`${central.url}/api/v1/attachments/${att.sha256}`, {
      headers: { authorization: `Bearer ${(await loadCredentials(dbA))!.token}` },
    });
    expect(await res.json()).toMatchObject({ complete: true, size: 3000 });
    expect((await dbA.feedback.get(fb.id))?.hallCode).toBe(HALL);

    // A form opened before enrollment and submitted after it still carries the placeholder
    // hall: the centre refuses it as another hall's, the next round moves it and sends it.
    const late = makeApplication('H0001', 'D01', { appNo: 'H0001-D01-20261127-0009' });
    await saveWithOutbox(dbA, late);
    await engine.syncNow();
    expect(engine.status.getState().rejected).toBe(1);
    expect(await engine.syncNow()).toMatchObject({ kind: 'ok', pushed: 1 });
    expect(engine.status.getState()).toMatchObject({ pending: 0, rejected: 0 });
    expect(await central.admin.application(late.id)).toMatchObject({
      hallCode: HALL,
      appNo: 'H0001-D01-20261127-0009',
    });
  });

  it('a second desk also on D01 gets another desk code; equal placeholder numbers do not wedge its pull', async () => {
    await dbB.settings.put({
      key: 'desk.profile',
      value: { hallCode: 'H0001', deskCode: 'D01', clerkName: '王五' },
    });
    // The same number desk A printed before its enrollment: both started on H0001-D01.
    const clash = makeApplication('H0001', 'D01', { appNo: 'H0001-D01-20261127-0001' });
    await saveWithOutbox(dbB, clash);
    const code = await central.admin.enrollmentCode(HALL);
    const r = await enroll(dbB, { endpoint: central.url, code, deviceName: '2号窗口' }, realFetch);
    expect(r.deskCode).not.toBe('D01');
    expect(r.deskCode).toMatch(/^D\d\d$/);
    expect((await dbB.settings.get('desk.profile'))?.value).toMatchObject({
      hallCode: HALL,
      deskCode: r.deskCode,
    });
    const engine = engineFor(dbB);
    expect((await engine.syncNow()).kind).toBe('ok');
    expect(engine.status.getState()).toMatchObject({ pending: 0, rejected: 0 });
    // Desk B has all five; its own keeps its number, desk A's twin is kept under an alias.
    expect(await dbB.applications.count()).toBe(5);
    expect((await localApplication(dbB, clash.id))?.appNo).toBe('H0001-D01-20261127-0001');
    expect(await central.admin.applications(HALL)).toHaveLength(5);

    // Re-enrolling desk A (e.g. after its token was lost) with its own code keeps it.
    const again = await enroll(
      dbA,
      { endpoint: central.url, code: await central.admin.enrollmentCode(HALL), deviceName: '1号' },
      realFetch,
    );
    // D01 is still held by desk A's first (active) device, so the new code carries a fresh one…
    expect(again.deskCode).not.toBe('D01');
    // …and a code re-issued for D01 is refused while that device is active; once it is
    // revoked, its desk may take D01 back with a code made for D01.
    const devices = (await (
      await fetch(`${central.url}/api/v1/admin/devices?hall=${HALL}`, {
        headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' },
      })
    ).json()) as { devices: Array<{ id: string; deskCode?: string; revokedAt: string | null }> };
    const d01 = devices.devices.find((d) => d.deskCode === 'D01')!;
    await expect(central.admin.enrollmentCode(HALL, 'D01')).rejects.toThrow();
    await central.admin.revokeDevice(d01.id);
    await dbA.settings.put({
      key: 'desk.profile',
      value: { hallCode: HALL, deskCode: 'D01', clerkName: '李四' },
    });
    const third = await enroll(
      dbA,
      {
        endpoint: central.url,
        code: await central.admin.enrollmentCode(HALL, 'D01'),
        deviceName: '1号',
      },
      realFetch,
    );
    expect(third.deskCode).toBe('D01');
    // Nothing was re-homed on re-enrollment into the same hall.
    expect(third.rehomed.applications).toBe(0);
  });

  it('a service device (the hall queue) gets no desk code and takes none from the desks', async () => {
    const enrollAs = async (body: object) => {
      const code = await central.admin.enrollmentCode(HALL);
      const res = await fetch(`${central.url}/api/v1/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, ...body }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { deskCode?: string };
    };
    const service = await enrollAs({ deviceName: '排队叫号服务', kind: 'service' });
    expect(service.deskCode).toBeUndefined();
    // An invalid wanted code is not an error: a fresh code is allocated.
    const desk = await enrollAs({ deviceName: '9号', deskCode: 'bad code!' });
    expect(desk.deskCode).toMatch(/^D\d\d$/);
  });

  it('records of a hall this desk was enrolled in before are never re-homed', async () => {
    const db = openDeskDb('rehome-c');
    try {
      await central.admin.createHall('RH02', '西湖营业厅');
      const first = await enroll(
        db,
        {
          endpoint: central.url,
          code: await central.admin.enrollmentCode(HALL),
          deviceName: '3号',
        },
        realFetch,
      );
      const mine = makeApplication(HALL, first.deskCode, { appNo: `${HALL}-X-1` });
      await saveWithOutbox(db, mine);
      // Moved to another hall before sending: the record stays RH01's (it is that hall's).
      const moved = await enroll(
        db,
        {
          endpoint: central.url,
          code: await central.admin.enrollmentCode('RH02'),
          deviceName: '3号',
        },
        realFetch,
      );
      expect(moved.rehomed.applications).toBe(0);
      expect((await localApplication(db, mine.id))?.hallCode).toBe(HALL);
    } finally {
      db.close();
    }
  });
});

describe('desk profile and enrollment agree', () => {
  it('a database rebuilt under the same token gets its hall and desk code back from the centre', async () => {
    const db = openDeskDb('rehome-rebuilt');
    const rebuilt = openDeskDb('rehome-rebuilt-2');
    try {
      const r = await enroll(
        db,
        {
          endpoint: central.url,
          code: await central.admin.enrollmentCode(HALL),
          deviceName: '7号',
        },
        realFetch,
      );
      // The token survived (the shell's secret store); the database did not.
      const creds = (await loadCredentials(db))!;
      await rebuilt.meta.put({ key: 'sync.credentials', value: creds });
      expect(await rebuilt.settings.get('desk.profile')).toBeUndefined();
      expect((await engineFor(rebuilt).syncNow()).kind).toBe('ok');
      expect((await rebuilt.settings.get('desk.profile'))?.value).toMatchObject({
        hallCode: HALL,
        deskCode: r.deskCode,
      });
      // A profile edited to another hall is put back as well; the clerk's name stays.
      await rebuilt.settings.put({
        key: 'desk.profile',
        value: { hallCode: 'OTHER', deskCode: r.deskCode, clerkName: '周七' },
      });
      expect((await engineFor(rebuilt).syncNow()).kind).toBe('ok');
      expect((await rebuilt.settings.get('desk.profile'))?.value).toEqual({
        hallCode: HALL,
        deskCode: r.deskCode,
        clerkName: '周七',
      });
    } finally {
      db.close();
      rebuilt.close();
    }
  });
});

describe('desk code allocation under concurrent enrollments', () => {
  for (const variant of ['pglite', 'postgres'] as const) {
    it(`${variant}: ten desks enrolling at once get ten different desk codes`, async () => {
      let db: Awaited<ReturnType<typeof freshDatabase>> | null = null;
      if (variant === 'postgres') {
        db = await freshDatabase('deskcodes');
        if (!db.url) {
          console.warn(`desk code allocation on PostgreSQL skipped: ${db.reason}`);
          return;
        }
      }
      const c = db?.url ? await startCentral({ databaseUrl: db.url }) : central;
      try {
        const hall = `DC-${variant}`;
        await c.admin.createHall(hall);
        const codes = await Promise.all(
          Array.from({ length: 10 }, () => c.admin.enrollmentCode(hall)),
        );
        const answers = await Promise.all(
          codes.map(async (code, i) => {
            const res = await fetch(`${c.url}/api/v1/enroll`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              // Half of them all ask for D01.
              body: JSON.stringify({
                code,
                deviceName: `并发${i}`,
                ...(i % 2 ? { deskCode: 'D01' } : {}),
              }),
            });
            expect(res.status).toBe(200);
            return ((await res.json()) as { deskCode: string }).deskCode;
          }),
        );
        expect(new Set(answers).size).toBe(10);
      } finally {
        if (db?.url) {
          await c.close();
          await db.drop?.();
        }
      }
    });
  }
});
