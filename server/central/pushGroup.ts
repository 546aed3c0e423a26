// Push, the writing step's queue: per process and hall, one writer at a time, and the pushes
// that queued while it wrote go together in its next transaction (group commit).
//
// When a hall's desks start together, their pushes arrive in the same second and each waits
// for the hall's lock: one transaction each meant the tenth desk waited for nine transactions
// of six round trips and nine connection hand-outs. Together, n queued pushes cost one
// connection and n + 5 round trips: BEGIN, every lock (hall, devices, customers in key order),
// every check in one statement, each push's write, the customers refreshed once, COMMIT. Each
// push is still checked on its own (what its decisions read has not moved) and written with
// its own statement: a push whose records moved is decided again alone, and when the database
// refuses anything in a group, the group is rolled back and each push is written again on its
// own, so one push's refusal never costs another its write.
import type { PushResponse } from '../../shared/protocol';
import type { Db } from '../db/db';
import type { DeviceAuth } from './auth';
import { refreshCustomers } from './customers';
import type { Prepared } from './pushPrepare';
import type { Snapshot } from './pushSnapshot';
import { checkVersions, lockForWrite, readSnapshot, snapshotIds } from './pushSnapshot';
import type { Plan } from './pushWrite';
import { writePlan, writtenApplicationIds } from './pushWrite';

/** Most pushes written in one transaction (a bound on how long it holds the hall's lock). */
const MAX_GROUP = 16;

export interface WriteJob {
  auth: DeviceAuth;
  prepared: Prepared[];
  /** What the decisions were made on (its `version` is checked under the lock). */
  snap: Snapshot;
  plan: Plan;
  ack: { ackSeq: number; maxSeq: number };
  phase: (name: string, ms: number) => void;
}

interface Queued extends WriteJob {
  queuedAt: number;
  resolve: (r: PushResponse | null) => void;
  reject: (e: unknown) => void;
}

interface HallWriter {
  jobs: Queued[];
  running: boolean;
}

// Per database (tests run several endpoints in one process), per hall.
const writers = new WeakMap<Db, Map<number, HallWriter>>();

/**
 * Writes the job when the hall's writer gets to it, with the others queued by then. Resolves
 * with the push's answer, or null when what its decisions read has moved (decide again).
 */
export function writeInTurn(db: Db, job: WriteJob): Promise<PushResponse | null> {
  let halls = writers.get(db);
  if (!halls) {
    halls = new Map();
    writers.set(db, halls);
  }
  const hallId = job.auth.hallId;
  let w = halls.get(hallId);
  if (!w) {
    w = { jobs: [], running: false };
    halls.set(hallId, w);
  }
  const writer = w;
  const done = new Promise<PushResponse | null>((resolve, reject) => {
    writer.jobs.push({ ...job, queuedAt: performance.now(), resolve, reject });
  });
  if (!writer.running) void drain(db, halls, hallId, writer);
  return done;
}

async function drain(
  db: Db,
  halls: Map<number, HallWriter>,
  hallId: number,
  w: HallWriter,
): Promise<void> {
  w.running = true;
  try {
    while (w.jobs.length > 0) await writeGroup(db, w.jobs.splice(0, MAX_GROUP));
  } finally {
    w.running = false;
    if (w.jobs.length === 0 && halls.get(hallId) === w) halls.delete(hallId);
  }
}

async function writeGroup(db: Db, group: Queued[]): Promise<void> {
  const t0 = performance.now();
  for (const j of group) j.phase("push: waiting for the hall's writer", t0 - j.queuedAt);
  let t1 = t0;
  try {
    const answers = await db.transaction(async (tx) => {
      t1 = performance.now();
      for (const j of group) j.phase('push: waiting for a connection', t1 - t0);
      // Every lock first (hall, devices, the customers the group files applications under, in
      // key order: pushes of two halls filing the same customers never take them in opposite
      // orders), the checks after it (lockForWrite says why).
      await lockForWrite(
        tx,
        group[0]!.auth.hallId,
        group.map((j) => j.auth.deviceId),
        // Alone, a push's write statement locks its customers itself.
        group.length === 1
          ? []
          : group.flatMap((j) =>
              [...j.plan.states.application.values()]
                .filter((s) => s.dirty)
                .map((s) => ({ record: s.record })),
            ),
      );
      const out: Array<PushResponse | null> = [];
      if (group.length === 1) {
        const j = group[0]!;
        const now = await readSnapshot(tx, j.auth, j.prepared, true);
        // Only what this push's decisions read matters: the device's own pushes and the
        // records it touches. Other desks' new records of the hall do not make it decide again.
        if (now.version !== j.snap.version) return [null];
        await writePlan(tx, j.auth, j.plan, j.ack);
        return [{ results: j.plan.results, ...j.ack }];
      }
      // A group: every check in one statement, each push's write, the customers once. The
      // checks are read before any of the group writes: a push that reads what an earlier one
      // of the group wrote (its device, its records) is decided again, as if its check came
      // after that write.
      const ids = group.map((j) => snapshotIds(j.prepared));
      const checks = await checkVersions(
        tx,
        group.map((j, i) => ({ deviceId: j.auth.deviceId, ids: ids[i]! })),
      );
      const written: string[] = [];
      const touched = new Set<string>();
      for (const [i, j] of group.entries()) {
        const c = checks[i]!;
        const read = ids[i]!;
        const reads = [
          j.auth.deviceId,
          ...read.appIds,
          ...read.feedbackIds,
          ...read.attachmentIds,
          ...read.noteIds,
        ];
        // A refused device is decided again alone: its own read refuses it with the reason.
        if ('refusal' in c || c.version !== j.snap.version || reads.some((x) => touched.has(x))) {
          out.push(null);
          continue;
        }
        for (const x of reads) touched.add(x);
        await writePlan(tx, j.auth, j.plan, j.ack, false);
        written.push(...writtenApplicationIds(j.plan));
        out.push({ results: j.plan.results, ...j.ack });
      }
      await refreshCustomers(tx, written);
      return out;
    });
    const t2 = performance.now();
    group.forEach((j, i) => {
      j.phase('push: write transaction', t2 - t1);
      if (group.length > 1) j.phase('push: written in a group', 0);
      j.resolve(answers[i] ?? null);
    });
  } catch (err) {
    if (group.length === 1) {
      group[0]!.reject(err);
      return;
    }
    // Rolled back: each push again on its own, so that only the one at fault fails.
    for (const j of group) await writeGroup(db, [{ ...j, queuedAt: performance.now() }]);
  }
}
