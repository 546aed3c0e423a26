// Re-homing at enrollment: records a desk saved before it was enrolled (placeholder hall code
// H0001 or whatever was typed in 设置) are moved to the hall the centre enrolled it into, so
// that they sync instead of being refused as another hall's data and parked forever.
//
// What moves: applications and feedback that were NEVER synced (an unsent `create` outbox entry,
// serverVersion 0, and a hall code this desk was never enrolled in), their unsent outbox entries
// (payload hall/desk codes; entries parked for E_FORBIDDEN_HALL go back to pending with a new
// changeId) and the outbox entries of their attachments' metadata (AttachmentMeta has no hall:
// only parked entries are released). The application / feedback NUMBER stays exactly as printed
// on the customer's receipt (see shared/protocol/API.md, conflict policy: numbers are labels,
// the centre accepts any prefix). Records already synced, or of a hall this desk was enrolled in
// before, are never touched.
import type { Application, Feedback, OutboxEntry } from '../../../shared/domain/model';
import type { HallDeskDB, StoredApplication, StoredOutboxEntry } from '../db/db';
import { deriveApplicationKeys, deriveFeedbackKeys } from '../db/keys';

// (store.ts has the same two helpers; not imported from there: store.ts imports this module.)
function toStoredApplication(app: Application): StoredApplication {
  const keys = deriveApplicationKeys(app);
  const row: StoredApplication = { ...app, t: keys.t, searchKeys: keys.searchKeys };
  if (keys.openDeadline !== undefined) row.openDeadline = keys.openDeadline;
  return row;
}

function fromStoredApplication(row: StoredApplication): Application {
  const { t: _t, searchKeys: _s, openDeadline: _o, ...app } = row;
  return app;
}

/** The hall code a desk profile has before anyone sets it (renderer/src/desk/config.ts). */
export const PLACEHOLDER_HALL_CODE = 'H0001';

export const REHOME_META = {
  /** Halls this desk has been enrolled in (their records are never re-homed). */
  enrolledHalls: 'sync.enrolledHalls',
  /** The hall whose one-off repair pass (placeholder records of older builds) has run. */
  repairedFor: 'sync.rehomedFor',
} as const;

export interface RehomeTarget {
  hallCode: string;
  /** The desk code allocated at enrollment; undefined keeps each record's desk code. */
  deskCode?: string;
}

export interface RehomeResult {
  applications: number;
  feedback: number;
  entries: number;
}

/** The tables a re-homing transaction must include. */
export function rehomeTables(db: HallDeskDB) {
  return [db.applications, db.feedback, db.outbox, db.attachments, db.meta] as const;
}

function withRecord(e: StoredOutboxEntry, record: unknown): unknown {
  const p = e.payload;
  if (p && typeof p === 'object') {
    const wrapped = (p as Record<string, unknown>)[e.entity];
    if (wrapped && typeof wrapped === 'object') return { ...p, [e.entity]: record };
  }
  return record;
}

function recordOf(e: StoredOutboxEntry): Record<string, unknown> | null {
  const p = e.payload as Record<string, unknown> | null;
  if (!p || typeof p !== 'object') return null;
  const wrapped = p[e.entity];
  return (wrapped && typeof wrapped === 'object' ? wrapped : p) as Record<string, unknown>;
}

/** Halls this desk has been enrolled in, as remembered in meta. */
export async function enrolledHalls(db: HallDeskDB): Promise<string[]> {
  const row = await db.meta.get(REHOME_META.enrolledHalls);
  return Array.isArray(row?.value)
    ? (row.value as unknown[]).filter((x): x is string => typeof x === 'string')
    : [];
}

/**
 * Moves never-synced records to `target`. MUST run inside a rw transaction over
 * rehomeTables(db) (the caller adds its own writes, e.g. the desk profile, to the same one).
 * `keep` lists hall codes whose records stay where they are (halls this desk was enrolled in);
 * `only`, when given, restricts re-homing to records of these hall codes.
 */
export async function rehomeInTransaction(
  db: HallDeskDB,
  target: RehomeTarget,
  keep: readonly string[],
  only?: readonly string[],
): Promise<RehomeResult> {
  const result: RehomeResult = { applications: 0, feedback: 0, entries: 0 };
  const unsent = await db.outbox.where('state').anyOf('pending', 'sending', 'rejected').toArray();
  if (unsent.length === 0) return result;
  const movable = (hallCode: string, serverVersion: number) =>
    hallCode !== target.hallCode &&
    !keep.includes(hallCode) &&
    (!only || only.includes(hallCode)) &&
    serverVersion === 0;

  const creates = (entity: OutboxEntry['entity']) => [
    ...new Set(
      unsent.filter((e) => e.op === 'create' && e.entity === entity).map((e) => e.entityId),
    ),
  ];
  const moved = new Set<string>();
  const appIds = creates('application');
  const appRows = await db.applications.bulkGet(appIds);
  const appPuts = [];
  for (const row of appRows) {
    if (!row || !movable(row.hallCode, row.serverVersion)) continue;
    const app: Application = {
      ...fromStoredApplication(row),
      hallCode: target.hallCode,
      deskCode: target.deskCode ?? row.deskCode,
    };
    appPuts.push(toStoredApplication(app));
    moved.add(app.id);
  }
  const fbIds = creates('feedback');
  const fbRows = await db.feedback.bulkGet(fbIds);
  const fbPuts = [];
  for (const row of fbRows) {
    if (!row || !movable(row.hallCode, 0)) continue;
    const { t: _t, searchKeys: _k, ...plain } = row;
    const fb: Feedback = {
      ...plain,
      hallCode: target.hallCode,
      deskCode: target.deskCode ?? row.deskCode,
    };
    fbPuts.push({ ...fb, ...deriveFeedbackKeys(fb) });
    moved.add(fb.id);
  }
  if (moved.size === 0) return result;
  await db.applications.bulkPut(appPuts);
  await db.feedback.bulkPut(fbPuts);
  result.applications = appPuts.length;
  result.feedback = fbPuts.length;

  // Attachments of moved applications: their metadata has no hall, but their outbox entries
  // may have been parked together with the application's cross-hall refusal.
  const attIds = new Set(
    (
      await db.attachments
        .where('applicationId')
        .anyOf([...moved])
        .primaryKeys()
    ).map(String),
  );
  const entryPuts: StoredOutboxEntry[] = [];
  for (const e of unsent) {
    const isRecord =
      (e.entity === 'application' || e.entity === 'feedback') && moved.has(e.entityId);
    const isAttachment = e.entity === 'attachment' && attIds.has(e.entityId);
    if (!isRecord && !isAttachment) continue;
    let next: StoredOutboxEntry = { ...e };
    if (isRecord) {
      const rec = recordOf(e);
      if (rec) {
        next.payload = withRecord(e, {
          ...rec,
          hallCode: target.hallCode,
          deskCode: target.deskCode ?? rec.deskCode,
        });
      }
    }
    if (e.state !== 'pending') {
      // A new change: the centre may remember the old changeId (a recorded rejection) with the
      // old body, and would refuse the same id with a new body as E_CHANGE_ID_REUSED.
      next.changeId = crypto.randomUUID();
      if (e.state === 'sending' || (e.lastError ?? '').startsWith('E_FORBIDDEN_HALL')) {
        const { lastError: _e, ...rest } = next;
        next = { ...rest, state: 'pending', attempts: 0 };
      }
    } else if (!isRecord) {
      continue;
    }
    entryPuts.push(next);
  }
  await db.outbox.bulkPut(entryPuts);
  result.entries = entryPuts.length;
  return result;
}

/**
 * One-off repair for desks enrolled by an older build: records still carrying the placeholder
 * hall code move to the enrolled hall (once per enrolled hall; a cheap meta read otherwise).
 */
export async function repairPlaceholderRecords(
  db: HallDeskDB,
  hallCode: string,
): Promise<RehomeResult | null> {
  const done = await db.meta.get(REHOME_META.repairedFor);
  if (done?.value === hallCode) return null;
  return db.transaction('rw', rehomeTables(db), async () => {
    const again = await db.meta.get(REHOME_META.repairedFor);
    if (again?.value === hallCode) return null;
    const known = await enrolledHalls(db);
    const r = await rehomeInTransaction(
      db,
      { hallCode },
      known.filter((h) => h !== hallCode),
      [PLACEHOLDER_HALL_CODE],
    );
    await db.meta.put({
      key: REHOME_META.enrolledHalls,
      value: [...new Set([...known, hallCode])],
    });
    await db.meta.put({ key: REHOME_META.repairedFor, value: hallCode });
    return r;
  });
}
