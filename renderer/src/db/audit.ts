// The desk's access audit trail (PIPL Art. 51): who created, changed, viewed, printed or exported
// which record and when. Append-only: rows are never edited. The sync engine uploads them to the
// centre in id order (so the trail outlives this PC); the retention purge ages out only rows the
// centre has, or any old row on a desk that was never enrolled (retention.ts, `auditDays`).
import { maskSensitive } from '../../../shared/domain/mask';
import { AUDIT_LIMITS, GENESIS_HASH, chainHash } from '../../../shared/staff/chain';
import { currentStaffActor } from '../staff/actor';
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
  /** The signed-in person (absent: nobody signed in, a desk without staff: 未记录). */
  staffNo?: string;
  /** Hash chain (shared/staff/chain.ts), set by appendAudit. */
  n?: number;
  prevHash?: string;
  hash?: string;
}

export type AuditInput = Omit<AuditEntry, 'id' | 'at' | 'n' | 'prevHash' | 'hash'> & {
  at?: string;
};

/** meta key: the last chained entry's place and hash (survives the purge of old rows). */
export const AUDIT_CHAIN_KEY = 'audit.chainHead';

/** Setting key of the desk profile (desk/config.ts PROFILE_KEY; not imported: config imports repo). */
const PROFILE_KEY = 'desk.profile';

/** Builds the stored row (time now unless given, labels and details masked). */
export function auditRow(input: AuditInput): AuditEntry {
  const staff = currentStaffActor();
  const row: AuditEntry = {
    at: input.at ?? new Date().toISOString(),
    // The signed-in person's name wins over the desk profile's clerk.
    actor: (staff?.name ?? input.actor).trim().slice(0, AUDIT_LIMITS.actor),
    action: input.action,
    entity: input.entity,
    entityId: input.entityId.slice(0, AUDIT_LIMITS.entityId),
    label: maskSensitive(input.label).slice(0, AUDIT_LIMITS.label),
  };
  if (input.detail) row.detail = maskSensitive(input.detail).slice(0, AUDIT_LIMITS.detail);
  const staffNo = input.staffNo ?? staff?.staffNo;
  if (staffNo) row.staffNo = staffNo;
  return row;
}

/**
 * Adds a row at the end of this desk's hash chain. Call inside a transaction that includes
 * `db.audit` and `db.meta`: IndexedDB runs such transactions one at a time, so two writers never
 * link to the same predecessor.
 */
export async function appendAudit(db: HallDeskDB, row: AuditEntry): Promise<number> {
  const head = (await db.meta.get(AUDIT_CHAIN_KEY))?.value as
    { n: number; hash: string } | undefined;
  const n = (head?.n ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const chained: AuditEntry = { ...row, n, prevHash, hash: '' };
  chained.hash = chainHash({ ...chained, n, prevHash });
  await db.meta.put({ key: AUDIT_CHAIN_KEY, value: { n, hash: chained.hash } });
  return (await db.audit.add(chained)) as number;
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
    await db.transaction('rw', [db.audit, db.settings, db.meta], async () => {
      const actor = input.actor ?? (await currentActor(db));
      await appendAudit(db, auditRow({ ...input, actor }));
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
