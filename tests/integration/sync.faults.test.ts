// Sync over a bad link: the fault proxy between the desk and the real centre caps bandwidth,
// adds latency, resets connections at random and drops responses after the centre committed.
// Ten seeded runs of 30 applications with edits and back-office moves in between: in the end
// every application is on the centre exactly once, with exactly the moves the back office made,
// and the desk holds the centre's state. A failing seed is printed so it can be replayed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../shared/domain/model';
import { seededRandom, startFaultProxy } from '../support/faultProxy';
import { startCentral, type RunningCentral } from '../support/syncCentral';
import {
  createTestDesk,
  editLocal,
  localApplication,
  makeApplication,
  saveWithOutbox,
} from '../support/syncDesk';

const RUNS = 10;
const APPS = 30;

let central: RunningCentral;

beforeAll(async () => {
  central = await startCentral();
});

afterAll(async () => {
  await central?.close();
});

/** Rounds until one completes with nothing left; the faults make most rounds fail. */
async function syncUntilClean(desk: ReturnType<typeof createTestDesk>, seed: number) {
  for (let i = 0; i < 200; i++) {
    const r = await desk.engine.syncNow();
    if (r.kind === 'ok' && desk.engine.status.getState().pending === 0) return i + 1;
  }
  throw new Error(`seed ${seed}: did not converge in 200 rounds`);
}

describe('sync through a faulty link', () => {
  it(`${RUNS} seeded runs × ${APPS} applications: each once on the centre, every move on the desk`, async () => {
    let totalResets = 0;
    let totalDropped = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const hall = `FAULT-${seed}`;
      await central.admin.createHall(hall);
      const proxy = await startFaultProxy({
        target: { port: central.port },
        seed,
        kbps: 4_000,
        rttMs: 10,
        resetProbability: 0.2,
        dropResponseProbability: 0.2,
      });
      const creds = await central.admin.enrollDesk(hall, `desk-${seed}`, proxy.url);
      // Small batches so that a run has many pushes for the faults to hit.
      const desk = createTestDesk(creds, { batchMaxChanges: 7, pullLimit: 8 });
      const rnd = seededRandom(seed * 7919);
      const apps: Application[] = [];
      const moves = new Map<string, string[]>();
      try {
        for (let step = 0; step < 3; step++) {
          for (let i = 0; i < APPS / 3; i++) {
            const app = makeApplication(hall, 'D1');
            apps.push(app);
            await saveWithOutbox(desk.db, app);
          }
          // Desk edits of hall-owned data (some before, some after their first push).
          for (const app of apps) {
            if (rnd() < 0.15) {
              const local = await localApplication(desk.db, app.id);
              if (local?.status === 'accepted') {
                await editLocal(desk.db, app.id, (x) => ({
                  ...x,
                  notes: `补充说明 ${seed}-${step}`,
                }));
              }
            }
          }
          // A few rounds that may fail half way: faults are part of the run.
          for (let k = 0; k < 2; k++) await desk.engine.syncNow();
          // The back office takes up some applications that reached the centre.
          for (const app of apps) {
            if (rnd() < 0.3) {
              const moved = await central.admin.advance(app.id).catch(() => null);
              if (moved)
                moves.set(
                  app.id,
                  moved.history.map((h) => h.to),
                );
            }
          }
        }
        await syncUntilClean(desk, seed);
        totalResets += proxy.stats.resets;
        totalDropped += proxy.stats.droppedResponses;

        const onCentre = await central.admin.applications(hall);
        const ids = onCentre.map((x) => x.id).sort();
        expect(ids, `seed ${seed}`).toEqual(apps.map((x) => x.id).sort());
        for (const app of apps) {
          const c = onCentre.find((x) => x.id === app.id)!;
          const l = await localApplication(desk.db, app.id);
          expect(c.appNo, `seed ${seed}`).toBe(app.appNo);
          // Exactly the back office's moves: none lost, none doubled.
          const expectedMoves = moves.get(app.id) ?? ['accepted'];
          expect(
            c.history.map((h) => h.to),
            `seed ${seed} ${app.appNo}`,
          ).toEqual(expectedMoves);
          // The desk holds the centre's state.
          expect(l?.status, `seed ${seed} ${app.appNo}`).toBe(c.status);
          expect(l?.history, `seed ${seed} ${app.appNo}`).toEqual(c.history);
          expect(l?.serverVersion, `seed ${seed} ${app.appNo}`).toBe(c.serverVersion);
          expect(l?.notes ?? null, `seed ${seed} ${app.appNo}`).toEqual(c.notes ?? null);
        }
        expect(await desk.db.outbox.count(), `seed ${seed}`).toBe(0);
      } finally {
        await desk.close();
        await proxy.close();
      }
    }
    // The faults really happened (else this test proves nothing).
    expect(totalResets).toBeGreaterThan(RUNS);
    expect(totalDropped).toBeGreaterThan(RUNS);
  }, 240_000);
});
