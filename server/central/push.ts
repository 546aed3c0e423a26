// Push: a desk's batch of changes applied on the centre, exactly once per changeId.
//
// Short locks. Everything that is Node work happens before any lock: parsing, validation,
// hashing (prepare), then reading the device's bookkeeping, the changeIds already seen and the
// current records in one statement (readSnapshot, no lock), and deciding every change in request
// order (decide). Only then one transaction: lock the hall row and the device row, then check
// that nothing the decisions read has moved (the device's push count and the row versions of
// the records read; a statement of its own, see lockForWrite), then write records, hall feed, `changes` rows (the
// idempotency record, keyed by changeId) and the device's acknowledgement in ONE statement, and
// COMMIT. Per process, pushes of one hall are written one transaction at a time, those that
// queued meanwhile together in the next (pushGroup.ts). If the check fails (another writer changed
// the same records), the push is decided again; after a few tries, it is decided under the lock.
// The record and its changeId commit together, so a resend after a lost answer finds the
// changeId and is answered `duplicate` instead of being applied twice; a crash before COMMIT
// leaves nothing. When the database refuses the batch's statement (a constraint, a value it
// cannot store), the batch is rolled back and each change is applied in its own transaction;
// the one the database refuses is recorded and answered `rejected`.
// The centre's own rules (create semantics, seq gap, device kinds, storable values) and the
// one-change-at-a-time fallback when the database refuses a value live in pushRules.ts.
// The steps live in pushPrepare.ts (parse and check each change), pushSnapshot.ts (one read of
// what the decisions depend on), pushDecide.ts (decide in Node) and pushWrite.ts (one write).
import type { PushResponse } from '../../shared/protocol';
import { MAX_PUSH_BATCH, PushRequest } from '../../shared/protocol';
import type { Db } from '../db/db';
import type { DeviceAuth } from './auth';
import { fail } from './errors';
import { acknowledge, decide } from './pushDecide';
import { describeIssues, prepare, type Prepared } from './pushPrepare';
import type { PushContext, PushRulesOptions } from './pushRules';
import { applyEachAlone, isValueRefusedByDb, pushContext } from './pushRules';
import { lockForWrite, readSnapshot, withStaff } from './pushSnapshot';
import { writeInTurn } from './pushGroup';
import { writePlan } from './pushWrite';

export { writeFeed } from './pushWrite';

/** Parses, validates, checks hall scope and applies one push. Throws ApiFailure on refusal. */
export async function processPush(
  db: Db,
  auth: DeviceAuth,
  body: unknown,
  opts: PushRulesOptions = {},
): Promise<PushResponse> {
  const rawChanges = (body as { changes?: unknown } | null)?.changes;
  if (Array.isArray(rawChanges) && rawChanges.length > MAX_PUSH_BATCH) {
    fail(
      'E_BATCH_TOO_LARGE',
      `一次最多推送 ${MAX_PUSH_BATCH} 条变更 (at most ${MAX_PUSH_BATCH} changes per push)`,
      { max: MAX_PUSH_BATCH, got: rawChanges.length },
    );
  }
  const parsed = PushRequest.safeParse(body);
  if (!parsed.success)
    fail('E_BAD_REQUEST', `推送格式错误 (bad push): ${describeIssues(parsed.error)}`);
  const req = parsed.data;
  if (req.deviceId !== auth.deviceId) {
    fail('E_DEVICE_MISMATCH', 'deviceId 与令牌不符 (deviceId does not match the token)');
  }

  const crossHall: string[] = [];
  const prepared = req.changes.map((c) => prepare(c, auth, crossHall));
  if (crossHall.length > 0) {
    fail(
      'E_FORBIDDEN_HALL',
      '变更属于其他营业厅，整批未写入 (changes for another hall; nothing written)',
      {
        changeIds: crossHall,
      },
    );
  }

  const t0 = performance.now();
  const ctx = await pushContext(db, opts);
  const phase = opts.observe ?? (() => {});
  phase('push: context read', performance.now() - t0);
  const apply = (batch: Prepared[]) => applyPush(db, auth, batch, ctx, phase);
  try {
    return await apply(prepared);
  } catch (err) {
    // One change's values refused by the database must not fail the others (pushRules.ts).
    if (!isValueRefusedByDb(err) || prepared.length === 0) throw err;
    return applyEachAlone(db, prepared, apply, (p, r) => ({
      kind: 'invalid' as const,
      change: p.change,
      hash: p.hash,
      reason: r.reason,
      code: r.code,
    }));
  }
}

/** How often a push is decided outside the lock before it is decided under it. */
const OPTIMISTIC_ATTEMPTS = 3;

/** Decides outside the lock, writes under it; see the header. */
async function applyPush(
  db: Db,
  auth: DeviceAuth,
  prepared: Prepared[],
  ctx: PushContext,
  phase: (name: string, ms: number) => void,
): Promise<PushResponse> {
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
    const t0 = performance.now();
    const snap = await withStaff(db, auth, prepared, await readSnapshot(db, auth, prepared));
    const plan = decide(auth, prepared, snap, ctx);
    const ack = acknowledge(snap, plan);
    const t1 = performance.now();
    phase('push: snapshot read and decision', t1 - t0);
    const done = await writeInTurn(db, { auth, prepared, snap, plan, ack, phase });
    if (done) return done;
    phase('push: decided again (records moved)', 0);
  }
  // Contention on the same records: decide holding the locks (held across the reads then;
  // the customers' locks are taken by the write statement).
  return db.transaction(async (tx) => {
    await lockForWrite(tx, auth.hallId, [auth.deviceId], []);
    const snap = await withStaff(tx, auth, prepared, await readSnapshot(tx, auth, prepared));
    const plan = decide(auth, prepared, snap, ctx);
    const ack = acknowledge(snap, plan);
    await writePlan(tx, auth, plan, ack);
    return { results: plan.results, ...ack };
  });
}
