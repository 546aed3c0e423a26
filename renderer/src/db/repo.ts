// The local store's API for the desk UI and the sync engine. Every multi-table write is one
// IndexedDB transaction on a strict-durability connection: it resolves only after the commit
// is on disk, and either all of it is stored or none of it.
import type { z } from 'zod';
import {
  Application,
  AttachmentMeta,
  Draft,
  Feedback,
  type OutboxEntry,
} from '../../../shared/domain/model';
import { businessDate } from '../../../shared/domain/calendar';
import { deskTimeZone } from './hallZone';
import { IMMUTABLE_FIELDS, mergeForDesk } from '../../../shared/protocol';
import {
  activeDb,
  type HallDeskDB,
  type KeyCustomerRecord,
  type StoredApplication,
  type StoredAttachment,
  type StoredFeedback,
} from './db';
import type { SupervisionNote } from '../../../shared/staff/notes';
import { currentStaffActor } from '../staff/actor';
import { appendAudit, auditRow, currentActor } from './audit';
import { deriveApplicationKeys, deriveFeedbackKeys, normalizeText } from './keys';
import { ensureNameInitials } from './nameInitials';
import { attachmentBytes, toStoredAttachment } from './vault';
import {
  countApplicationsIn,
  countApplicationsSliced,
  type SlicedCountOptions,
} from './searchCount';
import {
  type ApplicationFilters,
  type PageRequest,
  type SearchQuery,
  type SearchResult,
  searchApplicationsIn,
  toApplication,
} from './search';

export type {
  ApplicationFilters,
  PageRequest,
  SearchKind,
  SearchQuery,
  SearchResult,
} from './search';
export { localDate } from './search';

// ---------------------------------------------------------------------------------------------
// Errors

export type StoreErrorCode = 'validation' | 'not_found' | 'already_exists' | 'conflict';

/** A refusal by the store, with a Chinese message for the clerk and a stable code. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly issues?: z.core.$ZodIssue[],
  ) {
    super(message);
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    throw new StoreError(
      'validation',
      `${what}数据不完整或格式错误 (${where}${first?.message ?? '未知错误'})`,
      r.error.issues,
    );
  }
  return r.data;
}

// ---------------------------------------------------------------------------------------------
// Outbox payloads (the contract with the sync engine)

/** What the clerk did, kept on the outbox entry as `summary` for the sync panel. */
export interface ApplicationChange {
  /** An edit of hall-owned data, a workflow move, documents, key customer, a note. */
  kind: 'edit' | 'transition' | 'documents' | 'key_customer' | 'note';
  actor: string;
  note?: string;
}

/**
 * Outbox payloads follow shared/protocol (messages.ts `Change`): the payload is the whole
 * record after the change: an Application (its `serverVersion` is the centre version the
 * change was made on), a Feedback, or an AttachmentMeta (bytes stay in `attachments`).
 */
export type OutboxPayload = Application | Feedback | AttachmentMeta | SupervisionNote;

const SEQ_KEY = 'outbox.seq';

function nowIso(): string {
  return new Date().toISOString();
}

/**
 * Appends one outbox entry. MUST run inside a rw transaction that includes `meta` and `outbox`
 * together with the table of the change it describes: the sequence counter, the entry and the
 * change then commit together, so seq is per-device increasing and never reused.
 */
export async function appendOutbox(
  db: HallDeskDB,
  entity: OutboxEntry['entity'],
  entityId: string,
  op: OutboxEntry['op'],
  payload: OutboxPayload,
  summary?: string,
): Promise<OutboxEntry> {
  const current = await db.meta.get(SEQ_KEY);
  const seq = (typeof current?.value === 'number' ? current.value : 0) + 1;
  await db.meta.put({ key: SEQ_KEY, value: seq });
  const entry: OutboxEntry = {
    changeId: crypto.randomUUID(),
    seq,
    entity,
    entityId,
    op,
    payload,
    createdAt: nowIso(),
    state: 'pending',
    attempts: 0,
    ...(summary ? { summary } : {}),
  };
  await db.outbox.add(entry);
  return entry;
}

function toStored(app: Application): StoredApplication {
  const derived = deriveApplicationKeys(app);
  const row: StoredApplication = { ...app, t: derived.t, searchKeys: derived.searchKeys };
  if (derived.openDeadline !== undefined) row.openDeadline = derived.openDeadline;
  return row;
}

function toStoredFeedback(fb: Feedback): StoredFeedback {
  return { ...fb, ...deriveFeedbackKeys(fb) };
}

function stripFeedback(row: StoredFeedback): Feedback {
  const { t: _t, searchKeys: _k, ...fb } = row;
  return fb;
}

function stripAttachment(row: StoredAttachment): AttachmentMeta {
  const { blob: _b, enc: _e, ...meta } = row;
  return meta;
}

// ---------------------------------------------------------------------------------------------
// Applications

export interface SubmitOptions {
  /** Draft to release in the same transaction (default: the draft whose id is the app's id). */
  draftId?: string;
  /**
   * Assigns the application number inside the submit transaction from the per-date counter
   * (gapless: a failed submit does not use a number). `date` is the China `YYYY-MM-DD` of
   * `acceptedAt` (as makeApplicationNo uses). Without it, `app.appNo` is used as given.
   */
  assignAppNo?: (seq: number, date: string) => string;
}

export interface SubmitResult {
  application: Application;
  /** Seq of the application's outbox entry. */
  seq: number;
}

const APP_SEQ_PREFIX = 'appSeq:';

async function bumpAppSeq(db: HallDeskDB, date: string): Promise<number> {
  const key = APP_SEQ_PREFIX + date;
  const cur = await db.meta.get(key);
  const next = (typeof cur?.value === 'number' ? cur.value : 0) + 1;
  await db.meta.put({ key, value: next });
  return next;
}

/**
 * Accepts an application: validates it with the zod schema, then in ONE strict-durability
 * transaction stores it, appends its `create` outbox entry (plus one `attachment` entry per
 * attachment already stored under its id, after the application's), and deletes its draft.
 * Resolves only after the transaction has committed: when it resolves, the clerk may be told
 * "saved". Throws StoreError `validation` (nothing written) or `already_exists` (same id or
 * application number already stored).
 */
export async function submitApplication(
  input: unknown,
  opts: SubmitOptions = {},
): Promise<SubmitResult> {
  const db = activeDb();
  await ensureNameInitials(); // the pinyin-initial search keys (wjg → 王建国)
  let app = parseOrThrow(Application, input, '申请');
  const tables = [db.applications, db.outbox, db.meta, db.drafts, db.attachments, db.audit];
  const date = localDateOf(app.acceptedAt);
  const appSeqKey = APP_SEQ_PREFIX + date;
  try {
    return await db.transaction('rw', tables, async () => {
      // Requests are issued together, not one after another: under a busy CPU every IndexedDB
      // round trip can wait for a time slice, and a submit must stay fast. Order inside the
      // transaction is irrelevant: it commits all of it or none of it.
      const [[seqRec, appSeqRec], atts] = await Promise.all([
        db.meta.bulkGet([SEQ_KEY, appSeqKey]),
        db.attachments.where('applicationId').equals(app.id).toArray(),
      ]);
      const meta: { key: string; value: unknown }[] = [];
      if (opts.assignAppNo) {
        const n = (typeof appSeqRec?.value === 'number' ? appSeqRec.value : 0) + 1;
        meta.push({ key: appSeqKey, value: n });
        app = parseOrThrow(Application, { ...app, appNo: opts.assignAppNo(n, date) }, '申请');
      }
      const firstSeq = (typeof seqRec?.value === 'number' ? seqRec.value : 0) + 1;
      atts.sort((x, y) => (x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : 0));
      const createdAt = nowIso();
      const entries: OutboxEntry[] = [
        { entity: 'application' as const, entityId: app.id, payload: app as OutboxPayload },
        ...atts.map((att) => ({
          entity: 'attachment' as const,
          entityId: att.id,
          payload: stripAttachment(att) as OutboxPayload,
        })),
      ].map((e, i) => ({
        changeId: crypto.randomUUID(),
        seq: firstSeq + i,
        ...e,
        op: 'create' as const,
        createdAt,
        state: 'pending' as const,
        attempts: 0,
      }));
      meta.push({ key: SEQ_KEY, value: firstSeq + entries.length - 1 });
      // add() (not put): an existing id or application number fails the whole transaction.
      // The audit row (PIPL Art. 51) commits with the application or not at all.
      await Promise.all([
        db.applications.add(toStored(app)),
        db.outbox.bulkAdd(entries),
        db.meta.bulkPut(meta),
        db.drafts.delete(opts.draftId ?? app.id),
        appendAudit(
          db,
          auditRow({
            at: createdAt,
            actor: app.acceptedBy,
            action: 'create',
            entity: 'application',
            entityId: app.id,
            label: app.appNo,
          }),
        ),
      ]);
      return { application: app, seq: firstSeq };
    });
  } catch (e) {
    throw await explainSubmitFailure(db, e, app);
  }
}

/** Turns a unique-index failure of a submit into a StoreError saying what already exists. */
async function explainSubmitFailure(
  db: HallDeskDB,
  e: unknown,
  app: Application,
): Promise<unknown> {
  const names = [
    e,
    (e as { inner?: unknown })?.inner,
    (e as { failures?: unknown[] })?.failures?.[0],
  ].map((x) => (x && typeof x === 'object' && 'name' in x ? String(x.name) : ''));
  if (!names.some((n) => n === 'ConstraintError' || n === 'BulkError')) return e;
  try {
    if (await db.applications.get(app.id)) {
      return new StoreError('already_exists', `申请已存在 (${app.appNo})`);
    }
    if ((await db.applications.where('appNo').equals(app.appNo).count()) > 0) {
      return new StoreError('already_exists', `申请编号重复: ${app.appNo}`);
    }
  } catch {
    // fall through: report the original error
  }
  return e;
}

/**
 * Stores a changed application and its `update` outbox entry in one strict transaction
 * (payload: the whole application; `change` is kept on the entry as `summary`).
 * The desk changes only what the hall owns (shared/protocol conflict policy): the centre-owned
 * fields (status, history, serverVersion) are taken from the stored row, so an edit made on a
 * copy read before a pull or an acknowledgement never rolls the centre's progress back; the
 * centre settles hall-vs-centre conflicts when the update arrives. Identity fields (number,
 * hall, desk, acceptance) cannot change. Throws StoreError `validation` or `not_found`.
 */
export async function updateApplication(
  input: unknown,
  change: ApplicationChange,
): Promise<SubmitResult> {
  const db = activeDb();
  const edited = parseOrThrow(Application, input, '申请');
  return db.transaction('rw', [db.applications, db.outbox, db.meta, db.audit], async () => {
    const existing = await db.applications.get(edited.id);
    if (!existing) throw new StoreError('not_found', `申请不存在 (${edited.appNo})`);
    for (const f of IMMUTABLE_FIELDS) {
      if (existing[f] !== edited[f]) {
        throw new StoreError('validation', `申请的${IMMUTABLE_LABELS[f]}不能修改`);
      }
    }
    const staffNo = currentStaffActor()?.staffNo;
    const app: Application = {
      ...edited,
      ...(staffNo ? { updatedByStaffNo: staffNo } : {}),
      status: existing.status,
      history: existing.history,
      serverVersion: existing.serverVersion,
    };
    await db.applications.put(toStored(app));
    const summary = `${change.kind}:${change.actor}${change.note ? `:${change.note}` : ''}`;
    const entry = await appendOutbox(db, 'application', app.id, 'update', app, summary);
    await appendAudit(
      db,
      auditRow({
        at: entry.createdAt,
        actor: change.actor,
        action: 'update',
        entity: 'application',
        entityId: app.id,
        label: app.appNo,
        detail: change.note ? `${change.kind}: ${change.note}` : change.kind,
      }),
    );
    return { application: app, seq: entry.seq };
  });
}

const IMMUTABLE_LABELS: Record<(typeof IMMUTABLE_FIELDS)[number], string> = {
  id: '标识',
  appNo: '编号',
  hallCode: '营业厅',
  deskCode: '受理台',
  acceptedAt: '受理时间',
  acceptedBy: '受理人',
  acceptedByStaffNo: '受理人工号',
};

/**
 * The hall's `YYYY-MM-DD` (its configured zone) of an ISO time: the date application numbers
 * carry (shared/domain/appNumber), so the per-date counter must use the same day boundary.
 */
export function localDateOf(iso: string): string {
  return businessDate(iso, deskTimeZone());
}

/**
 * The next sequence number for application numbers of one date (`YYYY-MM-DD`), from a
 * transactional per-date counter: unique per device even with two windows open. A number taken
 * but not used leaves a gap; use SubmitOptions.assignAppNo for gapless numbering.
 */
export async function nextApplicationSeq(dateStr: string): Promise<number> {
  const db = activeDb();
  return db.transaction('rw', db.meta, () => bumpAppSeq(db, dateStr));
}

/** One application by id (undefined when not stored). */
export async function getApplication(id: string): Promise<Application | undefined> {
  const row = await activeDb().applications.get(id);
  return row && toApplication(row);
}

/** Every stored application of one business type (on the businessCode index). */
export async function applicationsOfType(businessCode: string): Promise<Application[]> {
  const rows = await activeDb().applications.where('businessCode').equals(businessCode).toArray();
  return rows.map(toApplication);
}

/** One application by its application number (case-insensitive, spaces ignored). */
export async function findByAppNo(appNo: string): Promise<Application | undefined> {
  const db = activeDb();
  const exact = await db.applications.where('appNo').equals(appNo.trim()).first();
  if (exact) return toApplication(exact);
  const r = await searchApplicationsIn(db, { text: appNo, kind: 'appNo' }, {}, { limit: 1 });
  return r.rows[0];
}

/**
 * Searches and lists applications newest first, one page at a time. `query`: a string (its
 * kind guessed: 4 characters → ID / phone last 4, digits → phone / ID / 户号 / number, letters
 * and digits → number / ID / 户号, other text → name prefix, then address) or `{ text, kind }`
 * to say what it is. `filters`: status, type, date range, overdue, key customer. Every query
 * is an index range; `total` is exact where cheap, otherwise undefined with `hasMore`.
 */
export function searchApplications(
  query?: string | SearchQuery,
  filters: ApplicationFilters = {},
  page: PageRequest = {},
): Promise<SearchResult<Application>> {
  return searchApplicationsIn(activeDb(), query, filters, page);
}

/** Number of stored applications matching the filters (all of them without filters). */
export function countApplications(filters: ApplicationFilters = {}): Promise<number> {
  return countApplicationsIn(activeDb(), filters);
}

/**
 * The same count in small slices (see search.ts countApplicationsSliced): for the live list's
 * total, so that counting 200,000 rows never holds up a submit. Undefined when the filters
 * need a row test or when aborted.
 */
export function countApplicationsInSlices(
  filters: ApplicationFilters = {},
  opts: SlicedCountOptions = {},
): Promise<number | undefined> {
  return countApplicationsSliced(activeDb(), filters, opts);
}

/**
 * For the sync engine: stores the centre's version of an application without an outbox entry,
 * by the conflict policy of shared/protocol (mergeForDesk): not stored locally → inserted; an
 * older centre version never rolls the desk back ('stale'); while the desk has unsent or parked
 * changes for it and the back office has not taken it up, the hall-owned fields stay the
 * clerk's ('merged'); otherwise the centre's record replaces ours ('updated').
 */
export async function applyRemoteApplication(
  input: unknown,
): Promise<'inserted' | 'updated' | 'merged' | 'stale'> {
  const db = activeDb();
  const remote = parseOrThrow(Application, input, '中心申请');
  return db.transaction('rw', [db.applications, db.outbox], async () => {
    const row = await db.applications.get(remote.id);
    if (!row) {
      await db.applications.put(toStored(remote));
      return 'inserted';
    }
    const local = toApplication(row);
    if (remote.serverVersion <= local.serverVersion) return 'stale';
    const unsent = await db.outbox
      .where('entityId')
      .equals(remote.id)
      .filter((e) => e.state === 'pending' || e.state === 'sending' || e.state === 'rejected')
      .count();
    const merged = mergeForDesk(local, remote, unsent > 0);
    await db.applications.put(toStored(merged));
    return merged === remote ? 'updated' : 'merged';
  });
}

// ---------------------------------------------------------------------------------------------
// Drafts

export type DraftInput = Omit<Draft, 'createdAt' | 'updatedAt'> &
  Partial<Pick<Draft, 'createdAt' | 'updatedAt'>>;

/**
 * Whether the person signed in may see and resume a draft: their own, or one from before staff
 * existed. A shift change must leave nothing of the previous clerk's open form to the next one
 * (issue 13 §1), so another person's draft is neither listed nor opened.
 */
export function draftVisible(d: Pick<Draft, 'staffNo'>, staffNo = currentStaffActor()?.staffNo) {
  return !staffNo || !d.staffNo || d.staffNo === staffNo;
}

/** Thrown when a draft of another person is opened or written to. */
export class DraftOwnerError extends Error {
  readonly code = 'draft_owner';
  constructor(readonly owner: string) {
    super(`该草稿属于工号 ${owner} 的受理员，不能由当前登录人打开或修改`);
    this.name = 'DraftOwnerError';
  }
}

/**
 * Autosaves a draft (strict durability, so it survives a crash). Keeps the first `createdAt`;
 * `updatedAt` is now unless given. Convention: the draft's id becomes the application's id, so
 * attachments taken during the draft belong to the application (see submitApplication). The draft
 * belongs to whoever was signed in when it was first saved.
 */
export async function saveDraft(input: DraftInput): Promise<Draft> {
  const db = activeDb();
  return db.transaction('rw', db.drafts, async () => {
    const existing = await db.drafts.get(input.id);
    if (existing && !draftVisible(existing)) throw new DraftOwnerError(existing.staffNo ?? '');
    const now = nowIso();
    const staffNo = existing?.staffNo ?? input.staffNo ?? currentStaffActor()?.staffNo;
    const draft = parseOrThrow(
      Draft,
      {
        ...input,
        ...(staffNo ? { staffNo } : {}),
        createdAt: existing?.createdAt ?? input.createdAt ?? now,
        updatedAt: input.updatedAt ?? now,
      },
      '草稿',
    );
    await db.drafts.put(draft);
    return draft;
  });
}

/** A draft by id; another person's draft is refused (DraftOwnerError), not returned. */
export async function getDraft(id: string): Promise<Draft | undefined> {
  const d = await activeDb().drafts.get(id);
  if (d && !draftVisible(d)) throw new DraftOwnerError(d.staffNo ?? '');
  return d;
}

/** The signed-in person's drafts (all drafts when nobody is), most recently edited first. */
export async function listDrafts(): Promise<Draft[]> {
  const staffNo = currentStaffActor()?.staffNo;
  return activeDb()
    .drafts.orderBy('updatedAt')
    .reverse()
    .filter((d) => draftVisible(d, staffNo))
    .toArray();
}

/**
 * Deletes a draft and the attachments taken for it (unless an application with that id was
 * submitted, which then owns them).
 */
export async function deleteDraft(id: string): Promise<void> {
  const db = activeDb();
  await db.transaction('rw', [db.drafts, db.attachments, db.applications], async () => {
    const d = await db.drafts.get(id);
    if (d && !draftVisible(d)) throw new DraftOwnerError(d.staffNo ?? '');
    await db.drafts.delete(id);
    if (!(await db.applications.get(id))) {
      await db.attachments.where('applicationId').equals(id).delete();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Attachments

export type AttachmentInput = Pick<
  AttachmentMeta,
  'applicationId' | 'documentCode' | 'fileName' | 'mimeType'
> &
  Partial<Pick<AttachmentMeta, 'id' | 'createdAt'>>;

/** Hex SHA-256 of a blob (Web Crypto). */
export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Stores a scan or photo with its metadata (size and SHA-256 computed here). When its
 * application is already submitted, the `attachment` outbox entry is written in the same
 * transaction; otherwise submitApplication writes it.
 */
export async function addAttachment(input: AttachmentInput, blob: Blob): Promise<AttachmentMeta> {
  const db = activeDb();
  const sha256 = await sha256Hex(blob);
  const meta = parseOrThrow(
    AttachmentMeta,
    {
      ...input,
      id: input.id ?? crypto.randomUUID(),
      createdAt: input.createdAt ?? nowIso(),
      size: blob.size,
      sha256,
    },
    '附件',
  );
  // Sealed before the transaction: IndexedDB transactions end while WebCrypto works.
  const stored = await toStoredAttachment(meta, blob);
  await db.transaction('rw', [db.attachments, db.applications, db.outbox, db.meta], async () => {
    await db.attachments.put(stored);
    if (await db.applications.get(meta.applicationId)) {
      await appendOutbox(db, 'attachment', meta.id, 'create', meta);
    }
  });
  return meta;
}

/** An attachment's metadata and bytes (opened when sealed; VaultLockedError without the key). */
export async function getAttachment(
  id: string,
): Promise<{ meta: AttachmentMeta; blob: Blob } | undefined> {
  const row = await activeDb().attachments.get(id);
  return row && { meta: stripAttachment(row), blob: await attachmentBytes(row) };
}

/** Attachment metadata of one application or draft, oldest first. */
export async function listAttachments(applicationId: string): Promise<AttachmentMeta[]> {
  const rows = await activeDb().attachments.where('applicationId').equals(applicationId).toArray();
  return rows
    .map(stripAttachment)
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}

/** Removes an attachment of a draft; attachments of a submitted application are kept. */
export async function deleteAttachment(id: string): Promise<void> {
  const db = activeDb();
  await db.transaction('rw', [db.attachments, db.applications], async () => {
    const row = await db.attachments.get(id);
    if (!row) return;
    if (await db.applications.get(row.applicationId)) {
      throw new StoreError('conflict', '已受理申请的附件不能删除');
    }
    await db.attachments.delete(id);
  });
}

// ---------------------------------------------------------------------------------------------
// Feedback (意见反馈)

/** Records new feedback and its `create` outbox entry in one strict transaction. */
export async function saveFeedback(input: unknown): Promise<Feedback> {
  const db = activeDb();
  const fb = parseOrThrow(Feedback, input, '反馈');
  return db.transaction('rw', [db.feedback, db.outbox, db.meta, db.audit], async () => {
    if (await db.feedback.get(fb.id)) throw new StoreError('already_exists', '反馈已存在');
    await db.feedback.add(toStoredFeedback(fb));
    const entry = await appendOutbox(db, 'feedback', fb.id, 'create', fb);
    await appendAudit(
      db,
      auditRow({
        at: entry.createdAt,
        actor: fb.acceptedBy,
        action: 'create',
        entity: 'feedback',
        entityId: fb.id,
        label: fb.feedbackNo,
      }),
    );
    return fb;
  });
}

/**
 * Stores changed feedback (contact made, reply, closed), its `update` outbox entry and its audit
 * row; `actor` defaults to the desk profile's clerk.
 */
export async function updateFeedback(input: unknown, actor?: string): Promise<Feedback> {
  const db = activeDb();
  const parsed = parseOrThrow(Feedback, input, '反馈');
  const staffNo = currentStaffActor()?.staffNo;
  const fb: Feedback = staffNo ? { ...parsed, updatedByStaffNo: staffNo } : parsed;
  const tables = [db.feedback, db.outbox, db.meta, db.audit, db.settings];
  return db.transaction('rw', tables, async () => {
    if (!(await db.feedback.get(fb.id))) throw new StoreError('not_found', '反馈不存在');
    await db.feedback.put(toStoredFeedback(fb));
    const entry = await appendOutbox(db, 'feedback', fb.id, 'update', fb);
    await appendAudit(
      db,
      auditRow({
        at: entry.createdAt,
        actor: actor ?? (await currentActor(db)),
        action: 'update',
        entity: 'feedback',
        entityId: fb.id,
        label: fb.feedbackNo,
        detail: fb.status,
      }),
    );
    return fb;
  });
}

export async function getFeedback(id: string): Promise<Feedback | undefined> {
  const row = await activeDb().feedback.get(id);
  return row && stripFeedback(row);
}

export interface FeedbackFilters {
  status?: Feedback['status'] | Feedback['status'][];
  kind?: Feedback['kind'];
  /** Open feedback whose first contact or reply is due before today. */
  overdue?: boolean;
  today?: string;
  /** Name prefix, phone, 户号 or feedback number. */
  text?: string;
}

/** Feedback newest first, filtered, one page at a time. */
export async function listFeedback(
  filters: FeedbackFilters = {},
  page: PageRequest = {},
): Promise<SearchResult<Feedback>> {
  const db = activeDb();
  const limit = Math.max(1, Math.min(500, page.limit ?? 50));
  const offset = Math.max(0, page.offset ?? 0);
  const statuses = filters.status
    ? new Set(Array.isArray(filters.status) ? filters.status : [filters.status])
    : undefined;
  const today = filters.today ?? localDateOf(nowIso());
  const text = filters.text ? normalizeText(filters.text) : '';
  const textKeys = text
    ? [`n:${Array.from(text).slice(0, 3).join('')}`, `p:${text}`, `a:${text}`, `no:${text}`]
    : [];
  const pred = (f: StoredFeedback): boolean => {
    if (statuses && !statuses.has(f.status)) return false;
    if (filters.kind && f.kind !== filters.kind) return false;
    if (filters.overdue) {
      const open = f.status !== 'replied' && f.status !== 'closed';
      const late =
        (!f.firstContactAt && f.firstContactDue < today) || (!f.repliedAt && f.replyDue < today);
      if (!open || !late) return false;
    }
    if (text) {
      const hit = f.searchKeys.some((k) => textKeys.some((p) => k.startsWith(p + '\u0001')));
      const longName = normalizeText(f.customerName).startsWith(text);
      if (!hit && !longName) return false;
    }
    return true;
  };
  const rows = await db.feedback
    .orderBy('t')
    .reverse()
    .filter(pred)
    .offset(offset)
    .limit(limit + 1)
    .toArray();
  const total = await db.feedback.filter(pred).count();
  return {
    rows: rows.slice(0, limit).map(stripFeedback),
    total,
    hasMore: rows.length > limit,
    truncated: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Key customers (大客户)

export interface MarkKeyCustomerInput {
  accountNo?: string;
  idNumber?: string;
  customerName: string;
  managerName: string;
  managerPhone?: string;
  markedBy: string;
}

function customerKeys(q: { accountNo?: string; idNumber?: string }): string[] {
  const keys: string[] = [];
  if (q.accountNo?.trim()) keys.push(`acct:${normalizeText(q.accountNo)}`);
  if (q.idNumber?.trim()) keys.push(`id:${normalizeText(q.idNumber)}`);
  return keys;
}

/** Marks a customer key (by 户号 and/or ID number) with the assigned account manager. */
export async function markKeyCustomer(input: MarkKeyCustomerInput): Promise<KeyCustomerRecord> {
  const db = activeDb();
  const keys = customerKeys(input);
  if (keys.length === 0) throw new StoreError('validation', '大客户需要户号或证件号码');
  if (!input.managerName.trim()) throw new StoreError('validation', '请填写客户经理');
  const base = {
    customerName: input.customerName.trim(),
    managerName: input.managerName.trim(),
    markedAt: nowIso(),
    markedBy: input.markedBy,
    ...(input.accountNo ? { accountNo: normalizeText(input.accountNo) } : {}),
    ...(input.idNumber ? { idNumber: normalizeText(input.idNumber) } : {}),
    ...(input.managerPhone ? { managerPhone: input.managerPhone.trim() } : {}),
  };
  const records = keys.map((key) => ({ key, ...base }));
  await db.customers.bulkPut(records);
  return records[0]!;
}

/** Removes the key-customer mark for the given 户号 / ID number. */
export async function unmarkKeyCustomer(q: {
  accountNo?: string;
  idNumber?: string;
}): Promise<void> {
  await activeDb().customers.bulkDelete(customerKeys(q));
}

/** The key-customer record for a 户号 or ID number (户号 first), if marked. */
export async function findKeyCustomer(q: {
  accountNo?: string;
  idNumber?: string;
}): Promise<KeyCustomerRecord | undefined> {
  const db = activeDb();
  for (const key of customerKeys(q)) {
    const rec = await db.customers.get(key);
    if (rec) return rec;
  }
  return undefined;
}

/** All key customers, by name. */
export async function listKeyCustomers(): Promise<KeyCustomerRecord[]> {
  const all = await activeDb().customers.toArray();
  const seen = new Map<string, KeyCustomerRecord>();
  for (const r of all) seen.set(`${r.accountNo ?? ''}|${r.idNumber ?? ''}`, r);
  return [...seen.values()].sort((a, b) => a.customerName.localeCompare(b.customerName, 'zh'));
}

// ---------------------------------------------------------------------------------------------
// Outbox (for the status bar and the sync engine)

export interface OutboxStats {
  /** Entries not yet acknowledged by the centre (pending + sending). */
  pending: number;
  /** Entries the centre refused (parked with a reason; never block the others). */
  rejected: number;
  /** createdAt of the oldest unacknowledged entry, or null when everything is sent. */
  oldestPendingAt: string | null;
}

/** Counts for the status bar: all index counts, cheap to poll or live-query. */
export async function outboxStats(): Promise<OutboxStats> {
  const db = activeDb();
  return db.transaction('r', db.outbox, async () => {
    const [pending, sending, rejected, firstPending, firstSending] = await Promise.all([
      db.outbox.where('state').equals('pending').count(),
      db.outbox.where('state').equals('sending').count(),
      db.outbox.where('state').equals('rejected').count(),
      db.outbox.where('state').equals('pending').first(),
      db.outbox.where('state').equals('sending').first(),
    ]);
    const oldest = [firstPending, firstSending]
      .filter((e): e is OutboxEntry => e !== undefined)
      .sort((a, b) => a.seq - b.seq)[0];
    return { pending: pending + sending, rejected, oldestPendingAt: oldest?.createdAt ?? null };
  });
}

/**
 * The next unsent entries in seq order (pending, and sending ones left by a crash: the push is
 * idempotent, so resending them is safe).
 */
export async function pendingOutbox(limit = 100): Promise<OutboxEntry[]> {
  const db = activeDb();
  return db.transaction('r', db.outbox, async () => {
    const [a, b] = await Promise.all([
      db.outbox.where('state').equals('sending').limit(limit).toArray(),
      db.outbox.where('state').equals('pending').limit(limit).toArray(),
    ]);
    return [...a, ...b].sort((x, y) => x.seq - y.seq).slice(0, limit);
  });
}

/** Entries for the sync panel, newest first, optionally of one state. */
export async function listOutbox(
  state?: OutboxEntry['state'],
  page: PageRequest = {},
): Promise<OutboxEntry[]> {
  const db = activeDb();
  const limit = Math.max(1, Math.min(500, page.limit ?? 50));
  const offset = Math.max(0, page.offset ?? 0);
  const coll = state ? db.outbox.where('state').equals(state) : db.outbox.toCollection();
  return coll.reverse().offset(offset).limit(limit).toArray();
}

async function setOutboxState(
  seqs: readonly number[],
  update: (e: OutboxEntry) => void,
): Promise<void> {
  const db = activeDb();
  await db.transaction('rw', db.outbox, async () => {
    const rows = await db.outbox.bulkGet([...seqs]);
    const changed = rows.filter((r): r is OutboxEntry => r !== undefined);
    for (const r of changed) update(r);
    await db.outbox.bulkPut(changed);
  });
}

/** Marks entries as being sent (before the request goes out). */
export function markOutboxSending(seqs: readonly number[]): Promise<void> {
  return setOutboxState(seqs, (e) => {
    e.state = 'sending';
    e.attempts += 1;
  });
}

/** Marks entries acknowledged by the centre (applied or duplicate). */
export function ackOutbox(seqs: readonly number[]): Promise<void> {
  return setOutboxState(seqs, (e) => {
    e.state = 'acked';
    delete e.lastError;
  });
}

/** Parks an entry the centre refused, with its reason for the clerk. */
export function rejectOutbox(seq: number, reason: string): Promise<void> {
  return setOutboxState([seq], (e) => {
    e.state = 'rejected';
    e.lastError = reason;
  });
}

/** Puts entries back to pending after a failed attempt (network, 5xx), keeping the error. */
export function retryOutbox(seqs: readonly number[], error?: string): Promise<void> {
  return setOutboxState(seqs, (e) => {
    e.state = 'pending';
    if (error) e.lastError = error;
  });
}

/** Deletes acknowledged entries (compaction); returns how many. */
export async function compactOutbox(): Promise<number> {
  return activeDb().outbox.where('state').equals('acked').delete();
}

// ---------------------------------------------------------------------------------------------
// Meta and settings (key/value)

/** A meta value: device / hall codes, sync checkpoint, counters, token in browser mode. */
export async function getMeta<T = unknown>(key: string): Promise<T | undefined> {
  const rec = await activeDb().meta.get(key);
  return rec?.value as T | undefined;
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  await activeDb().meta.put({ key, value });
}

/** A user setting (language, printer, …). */
export async function getSetting<T = unknown>(key: string): Promise<T | undefined> {
  const rec = await activeDb().settings.get(key);
  return rec?.value as T | undefined;
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await activeDb().settings.put({ key, value });
}

/** This installation's stable device id (made on first use). */
export async function ensureDeviceId(): Promise<string> {
  const db = activeDb();
  return db.transaction('rw', db.meta, async () => {
    const rec = await db.meta.get('device.id');
    if (typeof rec?.value === 'string') return rec.value;
    const id = crypto.randomUUID();
    await db.meta.put({ key: 'device.id', value: id });
    return id;
  });
}
