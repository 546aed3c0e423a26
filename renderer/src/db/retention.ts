// Keeps personal data on the hall machine only as long as needed (PIPL Art. 19): local copies
// that are safely on the centre and past their retention period are removed; nothing that
// has not reached the centre is ever touched.
import type { HallSettings } from '../../../shared/domain/settings';
import { TERMINAL_STATES } from '../../../shared/domain/workflow';
import { purgeAuditBefore } from './audit';
import type { HallDeskDB } from './db';
import { timeKey } from './keys';

/** Upload bookkeeping written by the sync engine (renderer/src/sync/store.ts META.uploadPrefix). */
const UPLOAD_PREFIX = 'sync.upload:';
/**
 * The signature record (hashes of what was signed, no personal data; customer/signatureStore.ts)
 * stays while its application does, so a signature can still be checked on this machine.
 */
const KEEP_BYTES_DOC = 'customer_signature_record';
/** Where the last purge's report is kept (shown in settings). */
export const RETENTION_META_KEY = 'retention.lastPurge';

export interface PurgeReport {
  at: string;
  applications: number;
  /** Attachments whose bytes were removed (the metadata stays: the centre has the file). */
  attachmentBytes: number;
  drafts: number;
  feedback: number;
  /** Audit rows older than `auditDays` (the trail outlives the personal data it describes). */
  audit: number;
}

/** The retention settings; `auditDays` may be absent in a policy made before the audit trail. */
export type RetentionPolicy = Omit<HallSettings['retention'], 'auditDays'> & { auditDays?: number };

const DAY_MS = 86_400_000;
/** shared/domain/settings.ts default of `retention.auditDays`. */
const DEFAULT_AUDIT_DAYS = 1095;

function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** True when every change to the entity has been acknowledged by the centre. */
async function allSent(db: HallDeskDB, entityId: string): Promise<boolean> {
  const unsent = await db.outbox
    .where('entityId')
    .equals(entityId)
    .filter((e) => e.state !== 'acked')
    .count();
  return unsent === 0;
}

async function uploadPending(db: HallDeskDB, attachmentId: string): Promise<boolean> {
  return (await db.meta.get(UPLOAD_PREFIX + attachmentId)) !== undefined;
}

/**
 * One purge pass. Each record is checked and removed in its own transaction, so a record that
 * changes (or gets a new outbox entry) while the pass runs is re-checked inside the transaction
 * that would delete it.
 */
export async function purgeExpired(
  db: HallDeskDB,
  policy: RetentionPolicy,
  now: Date = new Date(),
): Promise<PurgeReport> {
  const report: PurgeReport = {
    at: now.toISOString(),
    applications: 0,
    attachmentBytes: 0,
    drafts: 0,
    feedback: 0,
    audit: 0,
  };

  // Applications: finished on the centre (terminal state it sent us), every local change sent,
  // every file uploaded, and untouched for the retention period.
  const appCutoff = daysBefore(now, policy.syncedApplicationDays);
  for (const status of TERMINAL_STATES) {
    // Accepted before the cutoff (the [status+t] index) is necessary for untouched since then.
    const candidates = await db.applications
      .where('[status+t]')
      .between([status, ''], [status, timeKey(appCutoff.getTime())])
      .primaryKeys();
    for (const id of candidates) {
      const removed = await db.transaction(
        'rw',
        [db.applications, db.attachments, db.outbox, db.meta],
        async () => {
          const app = await db.applications.get(id);
          if (!app || app.serverVersion <= 0 || !TERMINAL_STATES.includes(app.status as never)) {
            return false;
          }
          if (new Date(app.updatedAt) >= appCutoff) return false;
          if (!(await allSent(db, id))) return false;
          const files = await db.attachments.where('applicationId').equals(id).toArray();
          for (const f of files) {
            if ((await uploadPending(db, f.id)) || !(await allSent(db, f.id))) return false;
          }
          await db.attachments.bulkDelete(files.map((f) => f.id));
          await db.outbox
            .where('entityId')
            .anyOf([id, ...files.map((f) => f.id)])
            .delete();
          await db.applications.delete(id);
          return true;
        },
      );
      if (removed) report.applications++;
    }
  }

  // Scans and photos (ID card images are sensitive, Art. 28) go sooner than the record: once
  // uploaded, the local bytes are dropped and the metadata (name, size, SHA-256) kept.
  const fileCutoff = daysBefore(now, policy.attachmentDays).toISOString();
  const oldFiles = await db.attachments
    .filter((f) => f.createdAt < fileCutoff && f.blob.size > 0 && f.documentCode !== KEEP_BYTES_DOC)
    .primaryKeys();
  for (const id of oldFiles) {
    const dropped = await db.transaction(
      'rw',
      [db.applications, db.attachments, db.outbox, db.meta],
      async () => {
        const f = await db.attachments.get(id);
        if (!f || f.blob.size === 0) return false;
        const app = await db.applications.get(f.applicationId);
        // Files of drafts or of applications the centre does not have yet stay.
        if (!app || app.serverVersion <= 0) return false;
        if ((await uploadPending(db, id)) || !(await allSent(db, id))) return false;
        const { enc: _sealed, ...kept } = f;
        await db.attachments.put({ ...kept, blob: new Blob([], { type: f.mimeType }) });
        return true;
      },
    );
    if (dropped) report.attachmentBytes++;
  }

  // Drafts the clerk abandoned (never submitted, so never told "saved" as an application).
  const draftCutoff = daysBefore(now, policy.draftDays).toISOString();
  const oldDrafts = await db.drafts.where('updatedAt').below(draftCutoff).primaryKeys();
  for (const id of oldDrafts) {
    const removed = await db.transaction(
      'rw',
      [db.drafts, db.applications, db.attachments],
      async () => {
        const d = await db.drafts.get(id);
        if (!d || d.updatedAt >= draftCutoff) return false;
        // A draft's scans are keyed by the draft id; keep them if it became an application.
        if (!(await db.applications.get(id))) {
          await db.attachments.where('applicationId').equals(id).delete();
        }
        await db.drafts.delete(id);
        return true;
      },
    );
    if (removed) report.drafts++;
  }

  // Feedback that was answered and whose every change reached the centre.
  const fbCutoff = daysBefore(now, policy.feedbackDays).toISOString();
  const oldFeedback = await db.feedback
    .where('t')
    .below(timeKey(new Date(fbCutoff).getTime()))
    .filter((f) => (f.status === 'replied' || f.status === 'closed') && f.updatedAt < fbCutoff)
    .primaryKeys();
  for (const id of oldFeedback) {
    const removed = await db.transaction('rw', [db.feedback, db.outbox], async () => {
      const f = await db.feedback.get(id);
      if (!f || f.updatedAt >= fbCutoff) return false;
      if (!(await allSent(db, id))) return false;
      await db.outbox.where('entityId').equals(id).delete();
      await db.feedback.delete(id);
      return true;
    });
    if (removed) report.feedback++;
  }

  // The audit trail is not purged with the records it describes (PIPL Art. 51: who accessed what
  // must stay provable after the data is gone); it has its own period. Absent in an older policy
  // object: then the default of the settings schema applies.
  const auditCutoff = daysBefore(now, policy.auditDays ?? DEFAULT_AUDIT_DAYS).toISOString();
  report.audit = await purgeAuditBefore(db, auditCutoff);

  await db.meta.put({ key: RETENTION_META_KEY, value: report });
  return report;
}

/** Runs a purge now and then every `everyMs` (default 6 h); returns the stop function. */
export function scheduleRetention(
  db: HallDeskDB,
  policy: () => RetentionPolicy,
  everyMs = 6 * 3_600_000,
): () => void {
  let stopped = false;
  const run = () => {
    if (stopped) return;
    purgeExpired(db, policy()).catch((e: unknown) => console.error('retention purge failed', e));
  };
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, everyMs);
  return () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
  };
}
