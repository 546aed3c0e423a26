// The desk's access audit trail (PIPL Art. 51): who created, changed, viewed, printed or exported
// which record and when. Append-only: rows are never edited. The sync engine uploads them to the
// centre in id order (so the trail outlives this PC); the retention purge ages out only rows the
// centre has, or any old row on a desk that was never enrolled (retention.ts, `auditDays`).
import { maskSensitive } from '../../../shared/domain/mask';
import type { AuditAction, AuditEntity } from '../../../shared/protocol/messages';
import { activeDb, type HallDeskDB } from './db';

export { maskSensitive };

// One list of actions and records for the desk and the centre (type-only: no schema code here).
export type { AuditAction, AuditEntity } from '../../../shared/protocol/messages';

/** One audit row. `label` is a human reference (application number), never personal data. */
export interface AuditEntry {
  /** Auto-increment key (absent until stored). */
  id?: number;
  /** ISO time of the access. */
  at: string;
  /** The clerk (desk profile's clerkName); '' when the desk has no profile yet. */
  actor: string;
  action: AuditAction;
  entity: AuditEntity;
  entityId: string;
  label: string;
  detail?: string;
}

export type AuditInput = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

/** Setting key of the desk profile (desk/config.ts PROFILE_KEY; not imported: config imports repo). */
const PROFILE_KEY = 'desk.profile';

/** Builds the stored row (time now unless given, labels and details masked). */
export function auditRow(input: AuditInput): AuditEntry {
  const row: AuditEntry = {
    at: input.at ?? new Date().toISOString(),
    actor: input.actor.trim(),
    action: input.action,
    entity: input.entity,
    entityId: input.entityId,
    label: maskSensitive(input.label),
  };
  if (input.detail) row.detail = maskSensitive(input.detail);
  return row;
}

/** The clerk name from the stored desk profile ('' when none). */
export async function currentActor(db: HallDeskDB = activeDb()): Promise<string> {
  const rec = await db.settings.get(PROFILE_KEY);
  const v = rec?.value as { clerkName?: unknown } | undefined;
  return typeof v?.clerkName === 'string' ? v.clerkName : '';
}

/**
 * Records a read-type access (view, print, export, signature check) in its own small transaction.
 * `actor` defaults to the desk profile's clerk. Never throws: a failing audit write must not stop
 * the clerk from serving the customer; it is reported on the console.
 */
export async function recordAccess(
  input: Omit<AuditInput, 'actor'> & { actor?: string },
): Promise<void> {
  try {
    const db = activeDb();
    await db.transaction('rw', [db.audit, db.settings], async () => {
      const actor = input.actor ?? (await currentActor(db));
      await db.audit.add(auditRow({ ...input, actor }));
    });
  } catch (e) {
    console.error('audit write failed', e);
  }
}

/** The access log of one record, newest first. */
export async function listAuditFor(entityId: string, limit = 200): Promise<AuditEntry[]> {
  const rows = await activeDb().audit.where('entityId').equals(entityId).toArray();
  return rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}

/** The latest entries of the whole desk, newest first, one page at a time (index range on `at`). */
export async function listAudit(page: { limit?: number; offset?: number } = {}): Promise<{
  rows: AuditEntry[];
  total: number;
}> {
  const db = activeDb();
  const limit = Math.max(1, Math.min(500, page.limit ?? 50));
  const offset = Math.max(0, page.offset ?? 0);
  const [rows, total] = await Promise.all([
    db.audit.orderBy('at').reverse().offset(offset).limit(limit).toArray(),
    db.audit.count(),
  ]);
  return { rows, total };
}

/** meta key: the highest audit row id the centre has acknowledged. */
export const AUDIT_SENT_KEY = 'sync.auditSentId';
/** meta key of the sync credentials (sync/store.ts META.credentials; not imported: heavy). */
const CREDENTIALS_KEY = 'sync.credentials';

/** The highest row id the centre has; 0 when none. */
export async function auditSentId(db: HallDeskDB): Promise<number> {
  const v = (await db.meta.get(AUDIT_SENT_KEY))?.value;
  return typeof v === 'number' ? v : 0;
}

/** The next rows to upload, oldest first (primary key range). */
export async function auditToSend(db: HallDeskDB, limit: number): Promise<AuditEntry[]> {
  const after = await auditSentId(db);
  return db.audit.where(':id').above(after).limit(limit).toArray();
}

/** Records that the centre has every row up to `ackId` (never moves back). */
export async function markAuditSent(db: HallDeskDB, ackId: number): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    if (ackId > (await auditSentId(db))) await db.meta.put({ key: AUDIT_SENT_KEY, value: ackId });
  });
}

/**
 * Removes audit rows older than `cutoffIso`; returns how many. On an enrolled desk only the rows
 * the centre has acknowledged go: an offline week never costs the trail its oldest rows.
 */
export async function purgeAuditBefore(db: HallDeskDB, cutoffIso: string): Promise<number> {
  return db.transaction('rw', db.audit, db.meta, async () => {
    const old = db.audit.where('at').below(cutoffIso);
    if (!(await db.meta.get(CREDENTIALS_KEY))) return old.delete();
    const sent = await auditSentId(db);
    return old.filter((row) => (row.id ?? Infinity) <= sent).delete();
  });
}
