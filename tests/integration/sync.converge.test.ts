// Two desks of one hall and the central endpoint (real server on port 0, PGlite, real HTTP):
// applications made on both arrive once and reach both desks; back-office moves flow back;
// an edit after take-up becomes a visible conflict note; another hall sees nothing of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNotes } from '../../renderer/src/sync/store';
import { startCentral, type RunningCentral } from '../support/syncCentral';
import {
  createTestDesk,
  editLocal,
  localApplication,
  makeApplication,
  saveWithOutbox,
  type TestDesk,
} from '../support/syncDesk';

let central: RunningCentral;
let a: TestDesk;
let b: TestDesk;
let other: TestDesk;
const HALL = 'SZ-LH-01';
const OTHER = 'SZ-FT-02';

beforeAll(async () => {
  central = await startCentral();
  await central.admin.createHall(HALL, '龙华营业厅');
  await central.admin.createHall(OTHER, '福田营业厅');
  a = createTestDesk(await central.admin.enrollDesk(HALL, '1号窗口'));
  b = createTestDesk(await central.admin.enrollDesk(HALL, '2号窗口'));
  other = createTestDesk(await central.admin.enrollDesk(OTHER, '1号窗口'));
});

afterAll(async () => {
  for (const d of [a, b, other]) await d?.close();
  await central?.close();
});

async function syncAll(...desks: TestDesk[]): Promise<void> {
  for (const d of desks) {
    const r = await d.engine.syncNow();
    expect(r.kind, JSON.stringify(r)).toBe('ok');
  }
}

describe('two desks and a centre', () => {
  it('converge: every application once on the centre and on both desks', async () => {
    const fromA = Array.from({ length: 6 }, () => makeApplication(HALL, 'A'));
    const fromB = Array.from({ length: 5 }, () => makeApplication(HALL, 'B'));
    for (const x of fromA) await saveWithOutbox(a.db, x);
    for (const x of fromB) await saveWithOutbox(b.db, x);
    // Interleaved rounds, as two windows of a hall would do them.
    await syncAll(a, b, a);

    const onCentre = await central.admin.applications(HALL);
    expect(onCentre).toHaveLength(11);
    expect(new Set(onCentre.map((x) => x.id)).size).toBe(11);
    for (const x of [...fromA, ...fromB]) {
      const c = onCentre.find((y) => y.id === x.id);
      expect(c?.appNo).toBe(x.appNo);
      expect(c?.serverVersion).toBe(1);
    }
    for (const d of [a, b]) {
      expect(await d.db.applications.count()).toBe(11);
      expect(await d.db.outbox.count()).toBe(0);
      expect(d.engine.status.getState()).toMatchObject({ phase: 'synced', pending: 0 });
    }
  });

  it('back-office moves reach the desk that owns each application (and its hall colleague)', async () => {
    const [x1, x2] = (await a.db.applications.filter((x) => x.deskCode === 'A').toArray()).slice(
      0,
      2,
    );
    const y1 = (await b.db.applications.filter((x) => x.deskCode === 'B').toArray())[0];
    expect(x1 && x2 && y1).toBeTruthy();
    const moved1 = await central.admin.advance(x1!.id);
    await central.admin.advance(x2!.id);
    const moved2 = await central.admin.advance(x2!.id).catch(() => null);
    const movedY = await central.admin.advance(y1!.id);
    await syncAll(a, b);
    const lx1 = await localApplication(a.db, x1!.id);
    expect(lx1?.status).toBe(moved1.status);
    expect(lx1?.history.map((h) => h.to)).toEqual(moved1.history.map((h) => h.to));
    expect(lx1?.serverVersion).toBe(moved1.serverVersion);
    if (moved2) expect((await localApplication(a.db, x2!.id))?.status).toBe(moved2.status);
    expect((await localApplication(b.db, y1!.id))?.status).toBe(movedY.status);
    // The colleague desk sees the same centre state.
    expect((await localApplication(b.db, x1!.id))?.status).toBe(moved1.status);
  });

  it('a hall edit before take-up wins on the centre and reaches the other desk', async () => {
    const row = (await a.db.applications.where('status').equals('accepted').toArray())[0]!;
    await editLocal(a.db, row.id, (x) => ({ ...x, address: '观澜大道 88 号 3 栋' }));
    await syncAll(a, b);
    expect((await central.admin.application(row.id)).address).toBe('观澜大道 88 号 3 栋');
    expect((await localApplication(b.db, row.id))?.address).toBe('观澜大道 88 号 3 栋');
  });

  it('an edit after take-up is not applied: the desk takes the centre record and keeps a note', async () => {
    const row = (await a.db.applications.where('status').equals('accepted').toArray())[0]!;
    const taken = await central.admin.advance(row.id);
    // The clerk edits before hearing about the take-up (no sync in between).
    await editLocal(a.db, row.id, (x) => ({
      ...x,
      customer: { ...x.customer, phone: '13911112222' },
    }));
    await syncAll(a);
    const local = await localApplication(a.db, row.id);
    expect(local?.status).toBe(taken.status);
    expect(local?.customer.phone).toBe(taken.customer.phone);
    const notes = await readNotes(a.db);
    expect(notes.find((n) => n.entityId === row.id)?.notApplied).toContain('customer');
    expect((await central.admin.application(row.id)).customer.phone).toBe(taken.customer.phone);
  });

  it('another hall receives nothing of this hall', async () => {
    await saveWithOutbox(other.db, makeApplication(OTHER, 'C'));
    await syncAll(other);
    expect(await other.db.applications.count()).toBe(1);
    expect(await central.admin.applications(OTHER)).toHaveLength(1);
  });
});
