// Property: whatever the interleaving of desk edits, back-office moves and sync rounds with lost
// requests and lost answers, once the link is good again both sides end where the conflict
// policy (shared/protocol/conflict.ts) says. The desk side is the real engine on Dexie; the
// centre is the in-memory model following resolveDeskUpdate. Expectations are computed
// independently, from the order in which changes first reached the centre and take-ups happened.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../shared/domain/model';
import type { PushRequest } from '../../../shared/protocol';
import { gunzip } from '../../../renderer/src/sync/gzip';
import { readNotes } from '../../../renderer/src/sync/store';
import type { FetchLike } from '../../../renderer/src/sync/transport';
import {
  createTestDesk,
  editLocal,
  localApplication,
  makeApplication,
  saveWithOutbox,
} from '../../support/syncDesk';
import { createFakeCentre } from './fakeCentre';

const HALL = 'PROP-01';
type Loss = 'ok' | 'lostRequest' | 'lostResponse';
type Action =
  | { kind: 'create' }
  | { kind: 'edit'; i: number; notes: string }
  | { kind: 'move'; i: number }
  | { kind: 'sync'; losses: Loss[] };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Action>({ kind: 'create' }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      i: fc.nat(9),
      notes: fc.constantFrom('补交房产证', '联系人改为王五', '改约下周', '客户要求加急'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), i: fc.nat(9) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      losses: fc.array(fc.constantFrom<Loss>('ok', 'ok', 'lostRequest', 'lostResponse'), {
        maxLength: 5,
      }),
    }),
  },
);

interface Delivery {
  tick: number;
  notes: string | undefined;
}

async function runScenario(actions: Action[]): Promise<void> {
  const centre = createFakeCentre();
  let tick = 0;
  let losses: Loss[] = [];
  const firstDeliveries = new Map<string, Delivery[]>();
  const takeUpTick = new Map<string, number>();
  const moves = new Map<string, string[]>();

  // The link: requests may vanish before the centre, or answers after it committed.
  const link: FetchLike = async (input, init) => {
    const loss = losses.shift() ?? 'ok';
    if (loss === 'lostRequest') throw new TypeError('connection reset');
    if (input.endsWith('/api/v1/push')) {
      let raw = new Uint8Array(init?.body as Uint8Array);
      if (new Headers(init?.headers).get('content-encoding') === 'gzip') raw = await gunzip(raw);
      const req = JSON.parse(new TextDecoder().decode(raw)) as PushRequest;
      for (const c of req.changes) {
        if (centre.seen.has(c.changeId)) continue;
        tick += 1;
        const list = firstDeliveries.get(c.entityId) ?? [];
        list.push({ tick, notes: (c.payload as Application).notes });
        firstDeliveries.set(c.entityId, list);
      }
    }
    const res = await centre.fetch(input, init);
    if (loss === 'lostResponse') throw new TypeError('socket hang up');
    return res;
  };

  const desk = createTestDesk(
    { endpoint: 'http://centre.test', deviceId: crypto.randomUUID(), token: 't', hallCode: HALL },
    { fetch: link, batchMaxChanges: 3 },
  );
  const created: Application[] = [];
  try {
    for (const a of actions) {
      switch (a.kind) {
        case 'create': {
          const app = makeApplication(HALL, 'P1');
          created.push(app);
          await saveWithOutbox(desk.db, app);
          break;
        }
        case 'edit': {
          const app = created[a.i % Math.max(1, created.length)];
          if (!app) break;
          await editLocal(desk.db, app.id, (x) => ({ ...x, notes: a.notes }));
          break;
        }
        case 'move': {
          const app = created[a.i % Math.max(1, created.length)];
          if (!app || !centre.records.has(app.id)) break;
          const n = (moves.get(app.id)?.length ?? 0) + 1;
          tick += 1;
          if (!takeUpTick.has(app.id)) takeUpTick.set(app.id, tick);
          centre.transition(app.id, `stage${n}`);
          moves.set(app.id, [...(moves.get(app.id) ?? []), `stage${n}`]);
          break;
        }
        case 'sync':
          losses = [...a.losses];
          await desk.engine.syncNow();
          losses = [];
          break;
      }
    }
    // The link heals: rounds until a clean one.
    for (let i = 0; i < 10; i++) {
      const r = await desk.engine.syncNow();
      if (r.kind === 'ok' && desk.engine.status.getState().pending === 0) break;
    }
    expect(desk.engine.status.getState()).toMatchObject({ phase: 'synced', pending: 0 });
    expect(await desk.db.outbox.count()).toBe(0);

    const notes = await readNotes(desk.db);
    expect([...centre.records.keys()].sort()).toEqual(created.map((c) => c.id).sort());
    for (const app of created) {
      const c = centre.records.get(app.id)!;
      const l = await localApplication(desk.db, app.id);
      // Every move exactly once, in order; the desk has the centre's workflow state.
      expect(c.history.map((h) => h.to)).toEqual(['accepted', ...(moves.get(app.id) ?? [])]);
      expect(l?.status).toBe(c.status);
      expect(l?.history).toEqual(c.history);
      expect(l?.serverVersion).toBe(c.serverVersion);
      // Hall-owned data: the hall's last version that reached the centre before take-up wins.
      const deliveries = firstDeliveries.get(app.id) ?? [];
      const taken = takeUpTick.get(app.id);
      const before = deliveries.filter((d) => taken === undefined || d.tick < taken);
      const expected = before[before.length - 1]?.notes;
      expect(c.notes).toBe(expected);
      // Both sides agree, whatever the desk typed after the take-up.
      expect(l?.notes).toBe(c.notes);
      // A desk version that arrived after the take-up and differed is shown to the clerk.
      const lateDiffering =
        taken !== undefined && deliveries.some((d) => d.tick > taken && d.notes !== expected);
      const hasNote = notes.some((n) => n.entityId === app.id);
      if (lateDiffering) expect(hasNote).toBe(true);
      if (taken === undefined) expect(hasNote).toBe(false);
    }
  } finally {
    await desk.close();
  }
}

describe('conflict policy under random interleavings and lost messages', () => {
  it('desk and centre end in the state the policy says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 18 }), runScenario),
      { numRuns: 40 },
    );
  }, 120_000);
});
