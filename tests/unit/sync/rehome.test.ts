// Re-homing never-synced records (rehome.ts) on fake-indexeddb: what moves, what never moves
// (synced records, records of a hall the desk was enrolled in), parked cross-hall entries are
// released as new changes, numbers stay, and the repair pass of older builds runs once per hall.
import { afterEach, describe, expect, it } from 'vitest';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import { setActiveDb } from '../../../renderer/src/db/db';
import { addAttachment } from '../../../renderer/src/db/repo';
import {
  rehomeInTransaction,
  rehomeTables,
  repairPlaceholderRecords,
} from '../../../renderer/src/sync/rehome';
import { createDexieSyncStore } from '../../../renderer/src/sync/store';
import {
  localApplication,
  makeApplication,
  openDeskDb,
  saveWithOutbox,
} from '../../support/syncDesk';

const dbs: HallDeskDB[] = [];
function fresh(): HallDeskDB {
  const db = openDeskDb('rehome-unit');
  dbs.push(db);
  return db;
}
afterEach(async () => {
  for (const db of dbs.splice(0)) {
    db.close();
    await db.delete().catch(() => undefined);
  }
});

function run(db: HallDeskDB, keep: string[] = [], only?: string[]) {
  return db.transaction('rw', rehomeTables(db), () =>
    rehomeInTransaction(db, { hallCode: 'GZ01', deskCode: 'D07' }, keep, only),
  );
}

describe('rehomeInTransaction', () => {
  it('moves never-synced applications with their outbox entries, keeping the number', async () => {
    const db = fresh();
    const app = makeApplication('H0001', 'D01', { appNo: 'H0001-D01-20261127-0001' });
    await saveWithOutbox(db, app);
    const before = (await db.outbox.toArray())[0]!;
    const r = await run(db);
    expect(r).toEqual({ applications: 1, feedback: 0, entries: 1 });
    expect(await localApplication(db, app.id)).toMatchObject({
      hallCode: 'GZ01',
      deskCode: 'D07',
      appNo: 'H0001-D01-20261127-0001',
    });
    const after = (await db.outbox.toArray())[0]!;
    // A pending entry was never sent: same change id, new payload.
    expect(after.changeId).toBe(before.changeId);
    expect(after.payload).toMatchObject({ hallCode: 'GZ01', deskCode: 'D07', id: app.id });
    // The search index still finds it by number.
    const byNo = await db.applications.where('appNo').equals(app.appNo).first();
    expect(byNo?.hallCode).toBe('GZ01');
  });

  it('never moves synced records or records of a kept hall', async () => {
    const db = fresh();
    // Synced: the create was acknowledged (entry gone), only a later edit is pending.
    const synced = makeApplication('H0001', 'D01', { serverVersion: 2 });
    await saveWithOutbox(db, synced);
    // Acked create: no unsent create entry left.
    const acked = makeApplication('H0001', 'D01');
    const e = await saveWithOutbox(db, acked);
    await db.outbox.delete(e.seq);
    const kept = makeApplication('OLD1', 'D02');
    await saveWithOutbox(db, kept);
    const r = await run(db, ['OLD1']);
    expect(r.applications).toBe(0);
    expect((await localApplication(db, synced.id))?.hallCode).toBe('H0001');
    expect((await localApplication(db, acked.id))?.hallCode).toBe('H0001');
    expect((await localApplication(db, kept.id))?.hallCode).toBe('OLD1');
  });

  it('releases entries parked as cross-hall (application and its attachment) as new changes', async () => {
    const db = fresh();
    const app = makeApplication('H0001', 'D01');
    await saveWithOutbox(db, app);
    setActiveDb(db);
    await addAttachment(
      { applicationId: app.id, documentCode: 'id_card', fileName: 'a.jpg', mimeType: 'image/jpeg' },
      new Blob([new Uint8Array([1, 2, 3])]),
    );
    const store = createDexieSyncStore(db);
    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(2);
    await store.park(
      rows.map((r) => r.seq),
      'E_FORBIDDEN_HALL: 变更属于其他营业厅',
    );
    expect((await store.counts()).rejected).toBe(2);
    const r = await run(db);
    expect(r).toMatchObject({ applications: 1, entries: 2 });
    const after = await db.outbox.toArray();
    expect(after.map((x) => x.state)).toEqual(['pending', 'pending']);
    expect(after.every((x) => x.lastError === undefined)).toBe(true);
    for (let i = 0; i < 2; i++) expect(after[i]!.changeId).not.toBe(rows[i]!.changeId);
    expect(await store.counts()).toMatchObject({ pending: 2, rejected: 0 });
  });

  it('an entry rejected for its content stays parked (with the moved payload)', async () => {
    const db = fresh();
    const app = makeApplication('H0001', 'D01');
    await saveWithOutbox(db, app);
    const store = createDexieSyncStore(db);
    const [row] = await db.outbox.toArray();
    await store.park([row!.seq], 'E_VALIDATION: 申请数据不符合格式');
    await run(db);
    const [after] = await db.outbox.toArray();
    expect(after).toMatchObject({ state: 'rejected', payload: { hallCode: 'GZ01' } });
  });

  it('`only` restricts to the given halls (the repair pass: placeholder only)', async () => {
    const db = fresh();
    const typed = makeApplication('TYPO', 'D01');
    const placeholder = makeApplication('H0001', 'D01');
    await saveWithOutbox(db, typed);
    await saveWithOutbox(db, placeholder);
    const r = await run(db, [], ['H0001']);
    expect(r.applications).toBe(1);
    expect((await localApplication(db, typed.id))?.hallCode).toBe('TYPO');
    expect((await localApplication(db, placeholder.id))?.hallCode).toBe('GZ01');
  });
});

describe('repairPlaceholderRecords', () => {
  it('moves placeholder records of an older build once per enrolled hall, keeping desk codes', async () => {
    const db = fresh();
    const a = makeApplication('H0001', 'D03');
    await saveWithOutbox(db, a);
    expect(await repairPlaceholderRecords(db, 'GZ01')).toMatchObject({ applications: 1 });
    expect(await localApplication(db, a.id)).toMatchObject({ hallCode: 'GZ01', deskCode: 'D03' });
    // Once per hall: a later placeholder record is not scanned for on every round.
    const b = makeApplication('H0001', 'D03');
    await saveWithOutbox(db, b);
    expect(await repairPlaceholderRecords(db, 'GZ01')).toBeNull();
    expect((await localApplication(db, b.id))?.hallCode).toBe('H0001');
  });
});
