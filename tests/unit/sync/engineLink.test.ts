// The engine on a bad link, against the in-memory centre: a batch the centre fails on is split
// and the one bad change parked (issue 11 §2); the centre's Retry-After is honoured and the
// first round is jittered (issue 16); a dropped connection while the centre answers is retried
// at once, not after a back-off (issue 17); an access-log upload cut off alone does not fail a
// round whose applications arrived, and a drop during pipelined pushes costs one batch at most
// (issue 11 §6); upload order and attachment hours (issue 17).
import { afterEach, describe, expect, it } from 'vitest';
import type { Timers } from '../../../renderer/src/sync/engine';
import { createDexieSyncStore } from '../../../renderer/src/sync/store';
import type { FetchLike } from '../../../renderer/src/sync/transport';
import { msUntilHours, orderUploads } from '../../../renderer/src/sync/uploadStage';
import {
  createTestDesk,
  makeApplication,
  saveWithOutbox,
  type TestDesk,
} from '../../support/syncDesk';
import { createFakeCentre } from './fakeCentre';

const HALL = 'GD-SZ-002';
const creds = {
  endpoint: 'http://centre.test',
  deviceId: '6f1c2b1e-8a55-4a8e-9a43-0d6b8d0c9a12',
  token: 't',
  hallCode: HALL,
};

const desks: TestDesk[] = [];
afterEach(async () => {
  for (const d of desks.splice(0)) await d.close();
});

function desk(fetch: FetchLike, extra = {}): TestDesk {
  const d = createTestDesk(creds, { fetch, ...extra });
  desks.push(d);
  return d;
}

/** Manual timers that record every delay asked for. */
function manualTimers() {
  let now = 0;
  const queue: { at: number; fn: () => void; id: number }[] = [];
  let id = 0;
  const t: Timers & { delays: number[]; fire(): Promise<void> } = {
    delays: [],
    now: () => now,
    setTimeout(fn, ms) {
      id += 1;
      queue.push({ at: now + ms, fn, id });
      t.delays.push(ms);
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
      const before = t.delays.length;
      next.fn();
      const until = performance.now() + 3_000;
      while (t.delays.length === before && performance.now() < until) {
        await new Promise((r) => setTimeout(r, 1));
      }
    },
  };
  return t;
}

describe('a batch the centre fails on (500)', () => {
  it('is split until the one change is found; it is parked with the reason, the rest arrive', async () => {
    const centre = createFakeCentre();
    const d = desk(centre.fetch);
    const apps = Array.from({ length: 30 }, () => makeApplication(HALL, 'D1'));
    centre.explode.add(apps[13]!.id);
    for (const a of apps) await saveWithOutbox(d.db, a);
    const r = await d.engine.syncNow();
    expect(r.kind).toBe('ok');
    expect(centre.records.size).toBe(29);
    expect(centre.records.has(apps[13]!.id)).toBe(false);
    const left = await d.db.outbox.toArray();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ entityId: apps[13]!.id, state: 'rejected' });
    expect(left[0]!.lastError).toContain('E_INTERNAL');
    // The sync panel lists parked rows with their reason; the status says so.
    expect(d.engine.status.getState()).toMatchObject({ phase: 'error', rejected: 1, pending: 0 });
    // Not resent forever: a later round sends nothing of it.
    const before = centre.pushes.length;
    await d.engine.syncNow();
    expect(centre.pushes.length).toBe(before);
  });

  it('a centre that fails on everything parks nothing (it is down, not the data)', async () => {
    const centre = createFakeCentre();
    centre.broken = true;
    const d = desk(centre.fetch);
    for (let i = 0; i < 8; i++) await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    const r = await d.engine.syncNow();
    expect(r).toMatchObject({ kind: 'failed', code: 'server' });
    expect(await d.db.outbox.where('state').equals('rejected').count()).toBe(0);
    centre.broken = false;
    expect((await d.engine.syncNow()).kind).toBe('ok');
    expect(centre.records.size).toBe(8);
  });
});

describe('scheduling on a busy or dropping link', () => {
  it("waits at least the centre's Retry-After before the next round", async () => {
    const centre = createFakeCentre();
    centre.busy = { status: 503, retryAfterSec: 7 };
    const timers = manualTimers();
    const d = desk(centre.fetch, { timers, random: () => 0, backoffBaseMs: 1_000 });
    await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    d.engine.start();
    await timers.fire();
    expect(d.engine.status.getState().lastErrorCode).toBe('busy');
    expect(timers.delays.at(-1)).toBeGreaterThanOrEqual(7_000);
    d.engine.stop();
  });

  it('jitters the first round after start', async () => {
    const centre = createFakeCentre();
    const timers = manualTimers();
    const d = desk(centre.fetch, { timers, random: () => 0.5 });
    d.engine.start();
    // Default: uniform in [0, 5 s) (shared/config/sync.json firstRoundJitterMs).
    expect(timers.delays[0]).toBe(2_500);
    d.engine.stop();
  });

  it('after a dropped connection while the centre answers, tries again at once', async () => {
    const centre = createFakeCentre();
    const timers = manualTimers();
    let drop = true;
    const link: FetchLike = async (input, init) => {
      if (drop && input.endsWith('/api/v1/push')) {
        drop = false;
        throw new TypeError('socket hang up');
      }
      return centre.fetch(input, init);
    };
    const d = desk(link, {
      timers,
      random: () => 1,
      backoffBaseMs: 60_000,
      backoffCapMs: 60_000,
      firstRoundJitterMs: 0,
    });
    await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    d.engine.start();
    await timers.fire();
    expect(d.engine.status.getState().phase).not.toBe('offline');
    expect(timers.delays.at(-1)).toBe(0);
    await timers.fire();
    expect(centre.records.size).toBe(1);
    d.engine.stop();
  });

  it('an access-log upload cut off alone does not fail a round whose applications arrived', async () => {
    const centre = createFakeCentre();
    const link: FetchLike = async (input, init) => {
      if (input.endsWith('/api/v1/audit')) throw new TypeError('connection reset');
      return centre.fetch(input, init);
    };
    const d = createTestDesk(creds, { fetch: link });
    desks.push(d);
    const store = createDexieSyncStore(d.db);
    const row = {
      localId: 1,
      at: new Date().toISOString(),
      actor: '李四',
      action: 'view' as const,
      entity: 'application' as const,
      entityId: 'x',
      label: 'x',
    };
    let sent = false;
    const engineStore = {
      ...store,
      auditToSend: async () => (sent ? [] : [row]),
      markAuditSent: async () => {
        sent = true;
      },
    };
    const { SyncEngine } = await import('../../../renderer/src/sync/engine');
    const e = new SyncEngine({ store: engineStore, fetch: link, credentials: async () => creds });
    await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    const r = await e.syncNow();
    expect(r).toMatchObject({ kind: 'ok', pushed: 1 });
    const s = e.status.getState();
    expect(s.phase).toBe('synced');
    expect(s.lastErrorCode).toBe('audit');
    expect(s.lastError).toContain('申请已全部送达中心');
    expect(centre.records.size).toBe(1);
  });
});

describe('pipelined push on a slow link', () => {
  it('a drop costs one batch at most: answered batches are never resent', async () => {
    const centre = createFakeCentre();
    // A simulated link: bodies go up one after another at 40 bytes/ms, answers take 150 ms.
    let linkFreeAt = 0;
    const inflight = new Set<(e: Error) => void>();
    const sent = new Map<string, number>();
    const link: FetchLike = (input, init) =>
      new Promise((resolve, reject) => {
        const bytes = (init?.body as Uint8Array | undefined)?.length ?? 0;
        const now = performance.now();
        linkFreeAt = Math.max(now, linkFreeAt) + bytes / 40;
        const due = linkFreeAt + 150 - now;
        const fail = (e: Error) => {
          clearTimeout(h);
          reject(e);
        };
        inflight.add(fail);
        const h = setTimeout(() => {
          inflight.delete(fail);
          centre.fetch(input, init).then(resolve, reject);
        }, due);
      });
    const counting: FetchLike = async (input, init) => {
      if (input.endsWith('/api/v1/push')) {
        const { gunzip } = await import('../../../renderer/src/sync/gzip');
        const headers = new Headers(init?.headers);
        let raw = new Uint8Array(init?.body as Uint8Array);
        if (headers.get('content-encoding') === 'gzip') raw = await gunzip(raw);
        const req = JSON.parse(new TextDecoder().decode(raw)) as {
          changes: { changeId: string }[];
        };
        for (const c of req.changes) sent.set(c.changeId, (sent.get(c.changeId) ?? 0) + 1);
      }
      return link(input, init);
    };
    const d = desk(counting, { batchMaxChanges: 100 });
    for (let i = 0; i < 400; i++) await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    // The cable is pulled once, part way through.
    const cut = setTimeout(() => {
      for (const f of [...inflight]) f(new TypeError('connection reset'));
      inflight.clear();
    }, 1_200);
    let r = await d.engine.syncNow();
    clearTimeout(cut);
    for (let i = 0; i < 3 && r.kind !== 'ok'; i++) r = await d.engine.syncNow();
    expect(r.kind).toBe('ok');
    expect(centre.records.size).toBe(400);
    const resent = [...sent.values()].filter((n) => n > 1).length;
    // One batch at most (batches are at most 100 here).
    expect(resent).toBeLessThanOrEqual(100);
    expect(centre.pushes[0]?.changes).toBe(20);
  }, 60_000);
});

describe('upload order and hours', () => {
  const item = (app: string, appAt: string, id: string) => ({
    attachmentId: id,
    applicationId: app,
    sha256: id.padEnd(64, '0'),
    size: 1,
    queuedAt: '2026-12-01T00:00:00.000Z',
    appAt,
  });

  it('application by application, oldest first; the chosen application first', () => {
    const items = [
      item('b', '2026-11-02T00:00:00Z', 'b1'),
      item('a', '2026-11-01T00:00:00Z', 'a2'),
      item('c', '2026-11-03T00:00:00Z', 'c1'),
      item('a', '2026-11-01T00:00:00Z', 'a1'),
      item('b', '2026-11-02T00:00:00Z', 'b2'),
    ];
    expect(orderUploads(items, null).map((i) => i.attachmentId)).toEqual([
      'a1',
      'a2',
      'b1',
      'b2',
      'c1',
    ]);
    expect(orderUploads(items, 'c').map((i) => i.attachmentId)).toEqual([
      'c1',
      'a1',
      'a2',
      'b1',
      'b2',
    ]);
  });

  it('attachment hours: open inside, the wait until they open outside (overnight too)', () => {
    const at = (h: number, m: number) => new Date(2026, 11, 7, h, m, 0, 0);
    expect(msUntilHours(undefined, at(10, 0))).toBe(0);
    expect(msUntilHours({ from: '18:00', to: '08:00' }, at(19, 0))).toBe(0);
    expect(msUntilHours({ from: '18:00', to: '08:00' }, at(7, 59))).toBe(0);
    expect(msUntilHours({ from: '18:00', to: '08:00' }, at(10, 0))).toBe(8 * 3_600_000);
    expect(msUntilHours({ from: '12:00', to: '13:00' }, at(13, 30))).toBe(22.5 * 3_600_000);
  });
});
