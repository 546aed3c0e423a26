// The sync engine's view of the desk's local database: every multi-row write it needs, each
// in ONE Dexie transaction, over an explicitly passed database (so that two desks can live in
// one test process). The engine itself never touches Dexie directly.
import type { Application, Feedback, OutboxEntry } from '../../../shared/domain/model';
import type { AuditRecord, PullChange } from '../../../shared/protocol';
import { mergeForDesk } from '../../../shared/protocol';
import { mergeFeedback } from '../../../shared/protocol/feedbackMerge';
import { auditToSend, markAuditSent } from '../db/audit';
import { attachmentBytes, VaultLockedError } from '../db/vault';
import type { HallDeskDB, StoredApplication, StoredFeedback } from '../db/db';
import { deriveApplicationKeys, deriveFeedbackKeys } from '../db/keys';
import { ensureNameInitials } from '../db/nameInitials';
import { checkConfigDoc } from './configDocs';
import { REHOME_META, repairPlaceholderRecords } from './rehome';

/** What happened to one sent outbox entry, as decided from the push result. */
export type PushOutcome =
  | { seq: number; changeId: string; kind: 'acked'; serverVersion?: number }
  | { seq: number; changeId: string; kind: 'rejected'; code: string; reason: string }
  | {
      seq: number;
      changeId: string;
      kind: 'conflict';
      /**
       * The centre's record, which replaces the desk's copy. Absent only when a resend's answer
       * did not carry it: the next pull brings it, and the clerk is told all the same.
       */
      current?: Application;
      notApplied: string[];
      reason: string;
    };

/** A visible note kept for the clerk when the centre's record replaced the desk's. */
export interface SyncNote {
  id: string;
  at: string;
  entityId: string;
  appNo?: string;
  kind: 'conflict';
  notApplied: string[];
  reason: string;
}

/** An attachment whose bytes still have to go up (queued when its metadata was acknowledged). */
export interface UploadItem {
  attachmentId: string;
  applicationId: string;
  sha256: string;
  size: number;
  queuedAt: string;
  /** When its application was accepted (uploads go application by application, oldest first). */
  appAt?: string;
  /** Set when the upload failed for good (hash mismatch, missing local bytes). */
  error?: string;
}

/** Limits an outlet may set for attachment uploads (records are never limited). */
export interface UploadLimits {
  /** Upload bandwidth cap for attachment bytes in kbit/s (absent or 0: none). */
  kbps?: number;
  /** Hours when attachments go up, local time "HH:MM" (e.g. after closing 18:00–08:00). */
  hours?: { from: string; to: string };
}

/** Settings key of the attachment upload limits (设置 → 附件上传). */
export const UPLOAD_LIMITS_KEY = 'sync.uploadLimits';

export interface OutboxCounts {
  pending: number;
  oldestPendingAt: string | null;
  rejected: number;
  uploads: number;
}

export interface SyncStore {
  /** Unacknowledged entries (pending or sending, not parked) in seq order, after `afterSeq`. */
  pendingEntries(limit: number, afterSeq?: number): Promise<OutboxEntry[]>;
  markSending(seqs: number[]): Promise<void>;
  /** Counts a try for entries a round meant to send but could not (no connection). */
  countTries(seqs: number[]): Promise<void>;
  /** Records a push's outcomes in one transaction: acks, parked rejections, conflict records. */
  applyPushResults(outcomes: PushOutcome[]): Promise<void>;
  /**
   * Deletes entries left in state 'acked' (by the store's ackOutbox or an older version); the
   * engine's own acks are compacted inside applyPushResults. Returns how many.
   */
  compact(): Promise<number>;
  /** Parks entries the centre refused as a whole request (e.g. cross-hall, too large). */
  park(seqs: number[], reason: string): Promise<void>;
  counts(): Promise<OutboxCounts>;
  getCheckpoint(): Promise<string | undefined>;
  /** Applies one pull page and stores its checkpoint in the same transaction. */
  applyPullPage(changes: PullChange[], checkpoint: string): Promise<void>;
  /** Attachments waiting for their bytes to go up, with their application's time. */
  uploadQueue(limit: number): Promise<UploadItem[]>;
  /** The application whose scans the clerk moved to the front (or null). Optional for tests. */
  uploadFirst?(): Promise<string | null>;
  setUploadFirst?(applicationId: string | null): Promise<void>;
  /** The outlet's limits for attachment uploads. Optional for tests. */
  uploadLimits?(): Promise<UploadLimits>;
  /** True once a pull from the very start has reached the end (skipOwn is safe from then). */
  fullPullDone?(): Promise<boolean>;
  markFullPullDone?(): Promise<void>;
  /** The `accept` list the stored checkpoint was pulled with (undefined: before it existed). */
  pullAccept?(): Promise<string | undefined>;
  /**
   * Starts pulling from the very beginning again under a new `accept` list (this build
   * understands kinds the centre left out of earlier pages): drops the checkpoint and the
   * full-pull mark, and stores the list, in one transaction.
   */
  restartPull?(accept: string): Promise<void>;
  hasUnsentChanges(entityId: string): Promise<boolean>;
  readAttachment(attachmentId: string, offset: number, length: number): Promise<Uint8Array | null>;
  finishUpload(attachmentId: string, error?: string): Promise<void>;
  /**
   * Sends a parked entry again as a NEW change (new changeId and seq: the centre remembers the
   * old changeId's refusal and would answer `duplicate` forever), carrying the current local
   * record so a fix the clerk made goes with it.
   */
  retryRejected(seq: number): Promise<void>;
  /** Drops a parked entry for good (the clerk confirmed). Returns it for follow-up. */
  discardRejected(seq: number): Promise<OutboxEntry | undefined>;
  /** Stores the centre's record as fetched (after a discard: the desk takes the centre's copy). */
  putRemote(record: Application): Promise<void>;
  /**
   * Moves records still carrying the placeholder hall code (saved before enrollment by an older
   * build) to the enrolled hall; once per hall (rehome.ts). Optional for test stores.
   */
  repairHall?(hallCode: string): Promise<void>;
  /**
   * True when the desk profile (settings `desk.profile`) is missing or names another hall than
   * the enrollment: a database rebuilt after damage (the token survived in the shell) or an
   * edited profile. New applications would be numbered wrongly or refused.
   */
  profileNeedsCodes?(hallCode: string): Promise<boolean>;
  /** Sets the profile's hall and desk codes from the centre (keeps the clerk's name). */
  adoptCodes?(hallCode: string, deskCode: string | undefined): Promise<void>;
  /** The next access-log rows for the centre, oldest first (db/audit.ts). Optional for tests. */
  auditToSend?(limit: number): Promise<AuditRecord[]>;
  /** The centre has every access-log row up to `ackId`. */
  markAuditSent?(ackId: number): Promise<void>;
}

/** Settings key of the desk profile (renderer/src/desk/config.ts PROFILE_KEY). */
const PROFILE_KEY = 'desk.profile';

export const META = {
  checkpoint: 'sync.checkpoint',
  fullPullDone: 'sync.fullPullDone',
  pullAccept: 'sync.pullAccept',
  uploadFirst: 'sync.uploadFirst',
  credentials: 'sync.credentials',
  notes: 'sync.notes',
  lastSuccessAt: 'sync.lastSuccessAt',
  uploadPrefix: 'sync.upload:',
  configPrefix: 'config.',
  /** `config.<key>` + this: the last pushed document that failed validation, and why. */
  configIgnoredSuffix: '.ignored',
} as const;

const MAX_NOTES = 200;

/** The local store's outbox sequence counter (renderer/src/db/repo.ts keeps it under this key). */
const SEQ_COUNTER_KEY = 'outbox.seq';

/**
 * The record an outbox entry carries to the centre. The desk's store wraps it with local
 * bookkeeping (`{ application, baseServerVersion, change }`, `{ feedback }`, `{ attachment }`);
 * the wire carries the record itself (API v1: the full record after the change).
 */
export function wirePayload(e: Pick<OutboxEntry, 'entity' | 'payload'>): unknown {
  const p = e.payload;
  if (p && typeof p === 'object') {
    const wrapped = (p as Record<string, unknown>)[e.entity];
    if (wrapped && typeof wrapped === 'object') return wrapped;
  }
  return p;
}

/** The stored form of an application: the record plus its derived index keys. */
export function toStoredApplication(app: Application): StoredApplication {
  const keys = deriveApplicationKeys(app);
  const row: StoredApplication = { ...app, t: keys.t, searchKeys: keys.searchKeys };
  if (keys.openDeadline !== undefined) row.openDeadline = keys.openDeadline;
  return row;
}

/** Strips the derived keys again (the conflict functions compare plain applications). */
export function fromStoredApplication(row: StoredApplication): Application {
  const { t: _t, searchKeys: _s, openDeadline: _o, ...app } = row;
  return app;
}

function toStoredFeedback(fb: Feedback): StoredFeedback {
  return { ...fb, ...deriveFeedbackKeys(fb) };
}

const UNSENT: ['pending', 'sending'] = ['pending', 'sending'];

export function createDexieSyncStore(
  db: HallDeskDB,
  now: () => Date = () => new Date(),
): SyncStore {
  const outbox = db.outbox;
  /**
   * The attachments being uploaded, read (and a sealed one opened) by readAttachment; dropped
   * when done. A few, since more than one file goes up at once on a link with a long delay.
   */
  const opened = new Map<string, Blob>();

  async function unsentFor(entityId: string, exceptSeqs?: ReadonlySet<number>): Promise<boolean> {
    const rows = await outbox.where('entityId').equals(entityId).toArray();
    return rows.some(
      (r) =>
        (r.state === 'pending' || r.state === 'sending' || r.state === 'rejected') &&
        !exceptSeqs?.has(r.seq),
    );
  }

  async function putRemoteApplication(
    record: Application,
    exceptSeqs?: ReadonlySet<number>,
  ): Promise<Application> {
    const localRow = await db.applications.get(record.id);
    const local = localRow ? fromStoredApplication(localRow) : undefined;
    // Parked (rejected) edits count as unsent: the clerk still sees and decides about them.
    const pending = local ? await unsentFor(record.id, exceptSeqs) : false;
    const merged = mergeForDesk(local, record, pending);
    if (merged === local) return merged;
    let row = merged;
    if (merged.appNo !== localRow?.appNo) {
      // Application numbers are unique in the local index, but two desks that accepted
      // applications before enrollment both numbered under the placeholder hall and desk codes
      // (H0001-D01-…): another desk's record may carry a number this desk also printed. Such a
      // record is kept under a marked local alias instead of failing (and wedging) the pull.
      const clash = await db.applications.where('appNo').equals(merged.appNo).first();
      if (clash && clash.id !== merged.id) {
        row = { ...merged, appNo: `${merged.appNo}~${merged.id.slice(0, 4)}` };
      }
    }
    await db.applications.put(toStoredApplication(row));
    return row;
  }

  async function addNote(note: SyncNote): Promise<void> {
    const row = await db.meta.get(META.notes);
    const list = Array.isArray(row?.value) ? (row.value as SyncNote[]) : [];
    list.unshift(note);
    await db.meta.put({ key: META.notes, value: list.slice(0, MAX_NOTES) });
  }

  return {
    async pendingEntries(limit, afterSeq) {
      if (afterSeq !== undefined) {
        // A round walks the outbox once: from where its last batch ended, by primary key.
        return outbox
          .where('seq')
          .above(afterSeq)
          .filter((r) => r.state === 'pending' || r.state === 'sending')
          .limit(limit)
          .toArray();
      }
      // Two index ranges (state is indexed; rows within a state come in seq order), merged.
      const [a, b] = await Promise.all(
        UNSENT.map((s) => outbox.where('state').equals(s).limit(limit).toArray()),
      );
      return [...(a ?? []), ...(b ?? [])].sort((x, y) => x.seq - y.seq).slice(0, limit);
    },

    async markSending(seqs) {
      await db.transaction('rw', outbox, async () => {
        const rows = await outbox.bulkGet(seqs);
        const updated = rows
          .filter((r): r is OutboxEntry => !!r && (r.state === 'pending' || r.state === 'sending'))
          .map((r) => ({ ...r, state: 'sending' as const, attempts: (r.attempts ?? 0) + 1 }));
        await outbox.bulkPut(updated);
      });
    },

    async countTries(seqs) {
      await db.transaction('rw', outbox, async () => {
        const rows = await outbox.bulkGet(seqs);
        const updated = rows
          .filter((r): r is OutboxEntry => !!r && (r.state === 'pending' || r.state === 'sending'))
          .map((r) => ({
            ...r,
            attempts: (r.attempts ?? 0) + 1,
            connectTries: (r.connectTries ?? 0) + 1,
          }));
        await outbox.bulkPut(updated);
      });
    },

    async applyPushResults(outcomes) {
      if (outcomes.length === 0) return;
      const at = now().toISOString();
      // This transaction is crucial: the ack, the parked reason, the centre's record and the
      // upload queue entry must commit together, or a crash could leave an entry acknowledged
      // with its consequence (conflict record, attachment upload) forgotten.
      await db.transaction(
        'rw',
        [db.outbox, db.applications, db.meta, db.attachments],
        async () => {
          const rows = await outbox.bulkGet(outcomes.map((o) => o.seq));
          const updated: OutboxEntry[] = [];
          const acked: number[] = [];
          const handled = new Set(outcomes.map((o) => o.seq));
          for (let i = 0; i < outcomes.length; i++) {
            const o = outcomes[i]!;
            const row = rows[i];
            // The row may be gone (discarded meanwhile) or re-used: match on the change id.
            if (!row || row.changeId !== o.changeId) continue;
            if (o.kind === 'rejected') {
              updated.push({ ...row, state: 'rejected', lastError: `${o.code}: ${o.reason}` });
              continue;
            }
            acked.push(row.seq);
            if (o.kind === 'conflict') {
              const appNo = o.current
                ? (await putRemoteApplication(o.current, handled)).appNo
                : (await db.applications.get(row.entityId))?.appNo;
              await addNote({
                id: o.changeId,
                at,
                entityId: row.entityId,
                ...(appNo ? { appNo } : {}),
                kind: 'conflict',
                notApplied: o.notApplied,
                reason: o.reason,
              });
            } else if (row.entity === 'attachment') {
              const meta = wirePayload(row) as {
                id?: string;
                applicationId?: string;
                sha256?: string;
                size?: number;
              };
              if (meta.id && meta.sha256 && typeof meta.size === 'number') {
                const item: UploadItem = {
                  attachmentId: meta.id,
                  applicationId: meta.applicationId ?? '',
                  sha256: meta.sha256,
                  size: meta.size,
                  queuedAt: at,
                };
                await db.meta.put({ key: META.uploadPrefix + meta.id, value: item });
              }
            }
          }
          // The centre's version of what it applied: pulls leave the desk's own versions out
          // (skipOwn), so the push result is where the desk learns it ("未上传中心" goes away).
          const versions = new Map<string, number>();
          for (let i = 0; i < outcomes.length; i++) {
            const o = outcomes[i]!;
            const row = rows[i];
            if (o.kind !== 'acked' || !o.serverVersion || row?.entity !== 'application') continue;
            if (row.changeId !== o.changeId) continue;
            versions.set(row.entityId, Math.max(versions.get(row.entityId) ?? 0, o.serverVersion));
          }
          if (versions.size > 0) {
            const ids = [...versions.keys()];
            const apps = await db.applications.bulkGet(ids);
            const bumped = apps.flatMap((a) => {
              const sv = a ? versions.get(a.id) : undefined;
              return a && sv !== undefined && sv > a.serverVersion
                ? [{ ...a, serverVersion: sv }]
                : [];
            });
            if (bumped.length > 0) await db.applications.bulkPut(bumped);
          }
          await outbox.bulkPut(updated);
          // Compaction of what this push acknowledged: the ack is recorded by deleting the row
          // in the same transaction as its consequences, so there is no moment where an entry
          // is acknowledged but still looks unsent (or the reverse). The centre's serverVersion
          // comes with the pull that follows, as the whole record.
          await outbox.bulkDelete(acked);
        },
      );
    },

    async compact() {
      return db.transaction('rw', outbox, () => outbox.where('state').equals('acked').delete());
    },

    async park(seqs, reason) {
      await db.transaction('rw', outbox, db.meta, async () => {
        const rows = await outbox.bulkGet(seqs);
        await outbox.bulkPut(
          rows
            .filter((r): r is OutboxEntry => !!r && r.state !== 'acked')
            .map((r) => ({ ...r, state: 'rejected' as const, lastError: reason })),
        );
        // Refused as another hall's: it may be a record saved on the placeholder hall code
        // (e.g. a form opened before enrollment and submitted after it). The next round's
        // repair pass looks again and releases such records under the enrolled hall.
        if (reason.startsWith('E_FORBIDDEN_HALL')) await db.meta.delete(REHOME_META.repairedFor);
      });
    },

    async counts() {
      return db.transaction('r', [outbox, db.meta], async () => {
        const [pending, sending, rejected, firstPending, firstSending, uploads] = await Promise.all(
          [
            outbox.where('state').equals('pending').count(),
            outbox.where('state').equals('sending').count(),
            outbox.where('state').equals('rejected').count(),
            outbox.where('state').equals('pending').first(),
            outbox.where('state').equals('sending').first(),
            db.meta.where('key').startsWith(META.uploadPrefix).count(),
          ],
        );
        const oldest = [firstPending, firstSending]
          .filter((r): r is OutboxEntry => !!r)
          .sort((a, b) => a.seq - b.seq)[0];
        return {
          pending: pending + sending,
          oldestPendingAt: oldest?.createdAt ?? null,
          rejected,
          uploads,
        };
      });
    },

    async getCheckpoint() {
      const row = await db.meta.get(META.checkpoint);
      return typeof row?.value === 'string' ? row.value : undefined;
    },

    async applyPullPage(changes, checkpoint) {
      await ensureNameInitials(); // pulled records get their pinyin-initial search keys too
      // One transaction for the page and its checkpoint: a crash either keeps both or neither,
      // so no change is skipped and a re-applied page is harmless (records are whole states).
      await db.transaction(
        'rw',
        [
          db.applications,
          db.feedback,
          db.outbox,
          db.meta,
          db.settings,
          db.attachments,
          db.supervisionNotes,
        ],
        async () => {
          for (const c of changes) {
            switch (c.kind) {
              case 'application':
                await putRemoteApplication(c.record);
                break;
              case 'feedback': {
                // With changes still on their way, both versions are kept (the centre merges the
                // same way when they arrive): shared/protocol/feedbackMerge.ts.
                let record: Feedback = c.record;
                const local = (await unsentFor(record.id))
                  ? await db.feedback.get(record.id)
                  : undefined;
                if (local) {
                  const { t: _t, searchKeys: _k, ...plain } = local;
                  record = mergeFeedback(plain, c.record);
                }
                await db.feedback.put(toStoredFeedback(record));
                break;
              }
              case 'supervision_note':
                if (await unsentFor(c.record.id)) break;
                await db.supervisionNotes.put(c.record);
                break;
              case 'attachment':
                if (c.record.complete) await db.meta.delete(META.uploadPrefix + c.record.id);
                break;
              case 'config': {
                // Only a document that passes the shared schema replaces the one in use; an
                // invalid one is ignored (kept aside with its reason for 设置 and the logs).
                const doc = { version: c.version, updatedAt: c.updatedAt, data: c.data };
                const check = checkConfigDoc(c.key, doc);
                const key = META.configPrefix + c.key;
                if (!check.ok) {
                  console.warn(
                    `[sync] ignoring ${c.key} configuration version ${c.version}: ${check.reason}`,
                  );
                  await db.meta.put({
                    key: key + META.configIgnoredSuffix,
                    value: { version: c.version, reason: check.reason, at: now().toISOString() },
                  });
                  break;
                }
                const current = await db.meta.get(key);
                const currentVersion = (current?.value as { version?: unknown } | undefined)
                  ?.version;
                if (typeof currentVersion === 'number' && currentVersion > c.version) break;
                await db.meta.put({ key, value: doc });
                break;
              }
            }
          }
          await db.meta.put({ key: META.checkpoint, value: checkpoint });
        },
      );
    },

    async uploadQueue(limit) {
      const rows = await db.meta.where('key').startsWith(META.uploadPrefix).limit(limit).toArray();
      const items = rows.map((r) => r.value as UploadItem).filter((u) => !u.error);
      const appIds = [...new Set(items.map((i) => i.applicationId).filter(Boolean))];
      const apps = await db.applications.bulkGet(appIds);
      const at = new Map(apps.flatMap((a) => (a ? [[a.id, a.acceptedAt] as const] : [])));
      return items.map((i) => {
        const appAt = at.get(i.applicationId);
        return appAt ? { ...i, appAt } : i;
      });
    },

    async uploadFirst() {
      const row = await db.meta.get(META.uploadFirst);
      return typeof row?.value === 'string' ? row.value : null;
    },

    async setUploadFirst(applicationId) {
      if (applicationId) await db.meta.put({ key: META.uploadFirst, value: applicationId });
      else await db.meta.delete(META.uploadFirst);
    },

    async uploadLimits() {
      const row = await db.settings.get(UPLOAD_LIMITS_KEY);
      return normalizeUploadLimits(row?.value);
    },

    async fullPullDone() {
      return (await db.meta.get(META.fullPullDone))?.value === true;
    },

    async markFullPullDone() {
      await db.meta.put({ key: META.fullPullDone, value: true });
    },

    async pullAccept() {
      const row = await db.meta.get(META.pullAccept);
      return typeof row?.value === 'string' ? row.value : undefined;
    },

    async restartPull(accept) {
      await db.transaction('rw', db.meta, async () => {
        await db.meta.bulkDelete([META.checkpoint, META.fullPullDone]);
        await db.meta.put({ key: META.pullAccept, value: accept });
      });
    },

    async hasUnsentChanges(entityId) {
      return unsentFor(entityId);
    },

    async readAttachment(attachmentId, offset, length) {
      let bytes = opened.get(attachmentId) ?? null;
      if (!bytes) {
        const row = await db.attachments.get(attachmentId);
        if (!row?.blob) return null;
        try {
          // The centre gets the bytes as captured (their SHA-256 is what it checks).
          bytes = await attachmentBytes(row);
        } catch (e) {
          if (e instanceof VaultLockedError) return null;
          throw e;
        }
        // A file is read (and a sealed one opened) once for all its chunks, not once per chunk.
        if (opened.size >= 4) opened.delete(opened.keys().next().value as string);
        opened.set(attachmentId, bytes);
      }
      const buf = await bytes.slice(offset, offset + length).arrayBuffer();
      return new Uint8Array(buf);
    },

    async retryRejected(seq) {
      await db.transaction('rw', [db.outbox, db.meta, db.applications, db.feedback], async () => {
        const row = await outbox.get(seq);
        if (!row || row.state !== 'rejected') return;
        let payload = row.payload;
        if (row.entity === 'application') {
          const app = await db.applications.get(row.entityId);
          if (app) payload = fromStoredApplication(app);
        } else if (row.entity === 'feedback') {
          const fb = await db.feedback.get(row.entityId);
          if (fb) {
            const { t: _t, searchKeys: _k, ...plain } = fb;
            payload = plain;
          }
        }
        // The store's per-device counter (never max(seq): compaction deletes rows).
        const counter = await db.meta.get(SEQ_COUNTER_KEY);
        const highest = (await outbox.orderBy(':id').last())?.seq ?? 0;
        const next = Math.max(typeof counter?.value === 'number' ? counter.value : 0, highest) + 1;
        await db.meta.put({ key: SEQ_COUNTER_KEY, value: next });
        await outbox.delete(seq);
        const { lastError: _e, ...rest } = row;
        await outbox.add({
          ...rest,
          changeId: crypto.randomUUID(),
          seq: next,
          payload,
          state: 'pending',
          attempts: 0,
          createdAt: row.createdAt,
        });
      });
    },

    async discardRejected(seq) {
      return db.transaction('rw', outbox, async () => {
        const row = await outbox.get(seq);
        if (!row || row.state !== 'rejected') return undefined;
        await outbox.delete(seq);
        return row;
      });
    },

    async repairHall(hallCode) {
      await repairPlaceholderRecords(db, hallCode);
    },

    async auditToSend(limit) {
      return (await auditToSend(db, limit)).flatMap((row): AuditRecord[] =>
        row.id === undefined
          ? []
          : [
              {
                localId: row.id,
                at: row.at,
                actor: row.actor.slice(0, 60),
                action: row.action,
                entity: row.entity,
                entityId: row.entityId.slice(0, 100),
                label: row.label.slice(0, 200),
                ...(row.detail ? { detail: row.detail.slice(0, 500) } : {}),
                // Who (staff number) and the hash chain, when the row has them.
                ...(row.staffNo ? { staffNo: row.staffNo } : {}),
                ...(row.n && row.prevHash && row.hash
                  ? { n: row.n, prevHash: row.prevHash, hash: row.hash }
                  : {}),
              },
            ],
      );
    },

    async markAuditSent(ackId) {
      await markAuditSent(db, ackId);
    },

    async profileNeedsCodes(hallCode) {
      const row = await db.settings.get(PROFILE_KEY);
      const p = row?.value as { hallCode?: unknown } | undefined;
      return !p || p.hallCode !== hallCode;
    },

    async adoptCodes(hallCode, deskCode) {
      await db.transaction('rw', db.settings, async () => {
        const row = await db.settings.get(PROFILE_KEY);
        const current =
          row?.value && typeof row.value === 'object'
            ? (row.value as Record<string, unknown>)
            : { clerkName: '' };
        await db.settings.put({
          key: PROFILE_KEY,
          value: {
            ...current,
            hallCode,
            deskCode: deskCode ?? (typeof current.deskCode === 'string' ? current.deskCode : 'D01'),
          },
        });
      });
    },

    async putRemote(record) {
      await db.transaction('rw', [db.applications, db.outbox], () => putRemoteApplication(record));
    },

    async finishUpload(attachmentId, error) {
      opened.delete(attachmentId);
      const key = META.uploadPrefix + attachmentId;
      if (!error) {
        await db.meta.delete(key);
        return;
      }
      await db.transaction('rw', db.meta, async () => {
        const row = await db.meta.get(key);
        if (row) await db.meta.put({ key, value: { ...(row.value as UploadItem), error } });
      });
    },
  };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The stored limits, checked (anything malformed counts as "no limit"). */
export function normalizeUploadLimits(value: unknown): UploadLimits {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const out: UploadLimits = {};
  if (typeof v.kbps === 'number' && Number.isFinite(v.kbps) && v.kbps > 0) out.kbps = v.kbps;
  const h = v.hours as { from?: unknown; to?: unknown } | undefined;
  if (h && typeof h.from === 'string' && typeof h.to === 'string') {
    if (HHMM.test(h.from) && HHMM.test(h.to) && h.from !== h.to)
      out.hours = { from: h.from, to: h.to };
  }
  return out;
}

/** Conflict notes for the panel (newest first). */
export async function readNotes(db: HallDeskDB): Promise<SyncNote[]> {
  const row = await db.meta.get(META.notes);
  return Array.isArray(row?.value) ? (row.value as SyncNote[]) : [];
}
