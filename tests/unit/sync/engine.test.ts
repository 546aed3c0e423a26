// Sync engine decisions on a real Dexie database (fake-indexeddb) against an in-memory centre:
// batching and gzip, parked rejections, compaction, conflicts, the lock and the back-off timer.
import { afterEach, describe, expect, it } from 'vitest';
import { SyncEngine, type Timers } from '../../../renderer/src/sync/engine';
import { memoryLock } from '../../../renderer/src/sync/lock';
import { createDexieSyncStore, readNotes } from '../../../renderer/src/sync/store';
import {
  createTestDesk,
  editLocal,
  localApplication,
  makeApplication,
  saveWithOutbox,
  type TestDesk,
} from '../../support/syncDesk';
import { createFakeCentre } from './fakeCentre';

const HALL = 'GD-SZ-001';
const creds = {
  endpoint: 'http://centre.test',
  deviceId: '6f1c2b1e-8a55-4a8e-9a43-0d6b8d0c9a11',
  token: 't',
  hallCode: HALL,
};

const desks: TestDesk[] = [];
afterEach(async () => {
  for (const d of desks.splice(0)) await d.close();
});

function desk(centre: ReturnType<typeof createFakeCentre>, extra = {}): TestDesk {
  const d = createTestDesk(creds, { fetch: centre.fetch, ...extra });
  desks.push(d);
  return d;
}

describe('push', () => {
  it('sends batches one at a time when asked (pushConcurrency 1)', async () => {
    const centre = createFakeCentre();
    centre.pushDelayMs = 20;
    const d = desk(centre, { pushConcurrency: 1 });
    for (let i = 0; i < 600; i++) await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    await d.engine.syncNow();
    // A small first batch, then doubling up to the limit.
    expect(centre.pushes.map((p) => p.changes)).toEqual([20, 40, 80, 160, 300]);
    expect(centre.maxConcurrentPushes).toBe(1);
  });

  it('sends the outbox in gzip batches of at most 500 and compacts what was acknowledged', async () => {
    const centre = createFakeCentre();
    const d = desk(centre);
    const apps = Array.from({ length: 1_200 }, () => makeApplication(HALL, 'D1'));
    for (const a of apps) await saveWithOutbox(d.db, a);
    const r = await d.engine.syncNow();
    expect(r).toMatchObject({ kind: 'ok', pushed: 1_200 });
    // A small first batch, then doubling batches of at most 500, every change once.
    const sizes = centre.pushes.map((p) => p.changes);
    expect(sizes[0]).toBe(20);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1_200);
    expect(centre.pushes.every((p) => p.gzip)).toBe(true);
    expect(centre.records.size).toBe(1_200);
    expect(await d.db.outbox.count()).toBe(0);
    const s = d.engine.status.getState();
    expect(s).toMatchObject({ phase: 'synced', pending: 0, oldestPendingAt: null, rejected: 0 });
    expect(s.lastSuccessAt).not.toBeNull();
    // The centre's version came back (push result, then pull).
    expect((await localApplication(d.db, apps[0]!.id))?.serverVersion).toBe(1);
  });

  it('compacts acknowledged rows left over from an interrupted round', async () => {
    const centre = createFakeCentre();
    const d = desk(centre);
    const e = await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    await d.db.outbox.put({ ...e, state: 'acked' });
    await d.engine.syncNow();
    expect(await d.db.outbox.count()).toBe(0);
    expect(centre.pushes).toHaveLength(0);
  });

  it('parks a rejected change with its reason and sends every other one', async () => {
    const centre = createFakeCentre();
    const d = desk(centre);
    const apps = Array.from({ length: 6 }, () => makeApplication(HALL, 'D1'));
    centre.poison.add(apps[2]!.id);
    for (const a of apps) await saveWithOutbox(d.db, a);
    await d.engine.syncNow();
    expect(centre.records.size).toBe(5);
    const left = await d.db.outbox.toArray();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ entityId: apps[2]!.id, state: 'rejected' });
    expect(left[0]!.lastError).toContain('E_VALIDATION');
    expect(left[0]!.lastError).toContain('地址不合格');
    expect(d.engine.status.getState()).toMatchObject({ phase: 'error', rejected: 1, pending: 0 });
    // Later changes are not blocked behind the parked one, and it is not resent.
    const more = makeApplication(HALL, 'D1');
    await saveWithOutbox(d.db, more);
    const pushesBefore = centre.pushes.length;
    await d.engine.syncNow();
    expect(centre.records.has(more.id)).toBe(true);
    expect(centre.pushes.slice(pushesBefore).map((p) => p.changes)).toEqual([1]);
  });

  it('halves the batch when the centre says it is too large', async () => {
    const centre = createFakeCentre();
    centre.maxBatch = 40;
    const d = desk(centre);
    for (let i = 0; i < 300; i++) await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    await d.engine.syncNow();
    expect(centre.records.size).toBe(300);
    expect(centre.pushes.some((p) => p.changes > 40)).toBe(true);
    expect(centre.pushes.filter((p) => p.changes <= 40).length).toBeGreaterThan(0);
    expect(await d.db.outbox.count()).toBe(0);
  });

  it('treats a resent change whose first answer was lost as acknowledged, once', async () => {
    const centre = createFakeCentre();
    const d = desk(centre);
    const a = makeApplication(HALL, 'D1');
    const entry = await saveWithOutbox(d.db, a);
    // The first delivery reached the centre, the answer never came back.
    const realFetch = centre.fetch;
    let dropped = false;
    const lossy: typeof centre.fetch = async (input, init) => {
      const res = await realFetch(input, init);
      if (!dropped && input.endsWith('/api/v1/push')) {
        dropped = true;
        throw new TypeError('socket hang up');
      }
      return res;
    };
    const d2 = createTestDesk(creds, { db: d.db, fetch: lossy });
    // The centre still answers: a dropped connection, not an unreachable centre.
    expect(await d2.engine.syncNow()).toMatchObject({ kind: 'failed', code: 'dropped' });
    expect(d2.engine.status.getState().phase).not.toBe('offline');
    expect((await d.db.outbox.get(entry.seq))?.state).toBe('sending');
    expect((await d2.engine.syncNow()).kind).toBe('ok');
    expect(await d.db.outbox.count()).toBe(0);
    expect(centre.seen.size).toBe(1);
    expect(centre.records.get(a.id)?.serverVersion).toBe(1);
  });
});

describe('conflicts', () => {
  it('takes the centre record when the back office took the application up, and keeps a note', async () => {
    const centre = createFakeCentre();
    const d = desk(centre);
    const a = makeApplication(HALL, 'D1');
    await saveWithOutbox(d.db, a);
    await d.engine.syncNow();
    centre.transition(a.id, 'survey');
    // The clerk edits the phone before the desk heard of the take-up.
    await editLocal(d.db, a.id, (x) => ({
      ...x,
      customer: { ...x.customer, phone: '13900000000' },
    }));
    await d.engine.syncNow();
    const local = await localApplication(d.db, a.id);
    expect(local?.status).toBe('survey');
    expect(local?.customer.phone).toBe('13800138000');
    const notes = await readNotes(d.db);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ entityId: a.id, notApplied: ['customer'] });
    expect(await d.db.outbox.count()).toBe(0);
  });

  it('keeps a pending hall edit while the centre has not taken the application up', async () => {
    const centre = createFakeCentre();
    const d = desk(centre, { stages: { push: false } });
    const a = makeApplication(HALL, 'D1');
    centre.records.set(a.id, { ...a, serverVersion: 1 });
    centre.transition(a.id, 'accepted'); // a no-op move, still hall-owned
    await saveWithOutbox(d.db, a);
    await editLocal(d.db, a.id, (x) => ({ ...x, address: '新地址1号' }));
    await d.engine.syncNow();
    const local = await localApplication(d.db, a.id);
    expect(local?.address).toBe('新地址1号');
    expect(local?.serverVersion).toBe(2);
  });
});

describe('one window at a time', () => {
  it('a second engine on the same desk skips its round while the first holds the lock', async () => {
    const centre = createFakeCentre();
    centre.pushDelayMs = 100;
    const lock = memoryLock();
    const a = desk(centre, { lock });
    const b = createTestDesk(creds, { db: a.db, fetch: centre.fetch, lock });
    for (let i = 0; i < 20; i++) await saveWithOutbox(a.db, makeApplication(HALL, 'D1'));
    const [ra, rb] = await Promise.all([a.engine.syncNow(), b.engine.syncNow()]);
    expect([ra.kind, rb.kind].sort()).toEqual(['ok', 'skipped']);
    expect(centre.maxConcurrentPushes).toBe(1);
    expect(centre.records.size).toBe(20);
  });

  it('does not touch the network while another holder has the lock', async () => {
    const centre = createFakeCentre();
    const lock = memoryLock();
    const d = desk(centre, { lock });
    await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    let release!: () => void;
    const held = lock.tryRun(() => new Promise<void>((r) => (release = r)));
    expect(await d.engine.syncNow()).toEqual({ kind: 'skipped', reason: 'locked' });
    expect(centre.requests).toBe(0);
    expect(d.engine.status.getState().pending).toBe(1);
    release();
    await held;
  });
});

/** Manual timers: the test decides when time passes. */
function manualTimers() {
  let now = 0;
  const queue: { at: number; fn: () => void; id: number }[] = [];
  let id = 0;
  const timers: Timers & { delays: number[]; fire(): Promise<void> } = {
    delays: [],
    now: () => now,
    setTimeout(fn, ms) {
      id += 1;
      queue.push({ at: now + ms, fn, id });
      timers.delays.push(ms);
      return id;
    },
    clearTimeout(h) {
      const i = queue.findIndex((q) => q.id === h);
      if (i >= 0) queue.splice(i, 1);
    },
    async fire() {
      queue.sort((x, y) => x.at - y.at);
      const next = queue.shift();
      if (!next) throw new Error('no timer');
      now = next.at;
      const before = timers.delays.length;
      next.fn();
      // Let the round run to completion: it ends by setting its next timer (or 2 s pass).
      const until = performance.now() + 2_000;
      while (timers.delays.length === before && performance.now() < until) {
        await new Promise((r) => setTimeout(r, 1));
      }
    },
  };
  return timers;
}

describe('scheduling', () => {
  it('backs off with jitter under a doubling ceiling, capped, while the centre is unreachable', async () => {
    const centre = createFakeCentre();
    centre.offline = true;
    const timers = manualTimers();
    const d = desk(centre, {
      timers,
      random: () => 0.999,
      backoffBaseMs: 1_000,
      backoffCapMs: 8_000,
    });
    await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    d.engine.start();
    for (let i = 0; i < 7; i++) await timers.fire();
    // First timer is the immediate start; then one back-off per failed round.
    const backoffs = timers.delays.slice(1).map((x) => Math.round(x / 100) * 100);
    expect(backoffs).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000]);
    const s = d.engine.status.getState();
    expect(s.phase).toBe('offline');
    expect(s.lastError).toContain('无法连接');
    expect(s.pending).toBe(1);
    // Reachable again: the next round succeeds and the timer goes back to the interval.
    centre.offline = false;
    await timers.fire();
    expect(d.engine.status.getState().phase).toBe('synced');
    expect(timers.delays.at(-1)).toBe(60_000);
    d.engine.stop();
  });

  it('an online hint triggers a round at once instead of waiting out the back-off', async () => {
    const centre = createFakeCentre();
    centre.offline = true;
    const timers = manualTimers();
    let hint: () => void = () => undefined;
    const d = desk(centre, {
      timers,
      backoffBaseMs: 60_000,
      backoffCapMs: 60_000,
      random: () => 1,
      onlineHint: (cb: () => void) => {
        hint = cb;
        return () => undefined;
      },
    });
    await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    d.engine.start();
    await timers.fire();
    expect(timers.delays.at(-1)).toBe(60_000);
    centre.offline = false;
    hint();
    expect(timers.delays.at(-1)).toBe(0);
    await timers.fire();
    expect(centre.records.size).toBe(1);
    d.engine.stop();
  });

  it('reports unconfigured without touching the network when not enrolled', async () => {
    const centre = createFakeCentre();
    const d = desk(centre);
    const e = new SyncEngine({
      store: createDexieSyncStore(d.db),
      fetch: centre.fetch,
      credentials: async () => null,
    });
    expect(await e.syncNow()).toEqual({ kind: 'skipped', reason: 'unconfigured' });
    expect(e.status.getState().phase).toBe('unconfigured');
    expect(centre.requests).toBe(0);
  });
});
