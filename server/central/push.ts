// Push: a desk's batch of changes applied on the centre, exactly once per changeId.
//
// Short locks. Everything that is Node work happens before any lock: parsing, validation,
// hashing (prepare), then reading the device's bookkeeping, the changeIds already seen and the
// current records in one statement (readSnapshot, no lock), and deciding every change in request
// order (decide). Only then one transaction: lock the device row and the hall row and check in
// the same round trip that nothing the decisions read has moved (the device's push count and
// the row versions of the records read), then write records, hall feed, `changes` rows (the
// idempotency record, keyed by changeId) and the device's acknowledgement in ONE statement, and
// COMMIT. The hall lock is held for two round trips. If the check fails (another writer changed
// the same records), the push is decided again; after a few tries, it is decided under the lock.
// The record and its changeId commit together, so a resend after a lost answer finds the
// changeId and is answered `duplicate` instead of being applied twice; a crash before COMMIT
// leaves nothing. When the database refuses the batch's statement (a constraint, a value it
// cannot store), the batch is rolled back and each change is applied in its own transaction;
// the one the database refuses is recorded and answered `rejected`.
// The centre's own rules (create semantics, seq gap, device kinds, storable values) and the
// one-change-at-a-time fallback when the database refuses a value live in pushRules.ts.
import type { z } from 'zod';
import type { Application as ApplicationT, Feedback as FeedbackT } from '../../shared/domain/model';
import { Application, AttachmentMeta, Feedback } from '../../shared/domain/model';
import type { Change, ChangeResult, PushResponse } from '../../shared/protocol';
import { SupervisionNote } from '../../shared/staff/notes';
import {
  MAX_PUSH_BATCH,
  MAX_QUEUE_EVENT_CHARS,
  PushRequest,
  canonicalJson,
  resolveDeskUpdate,
} from '../../shared/protocol';
import type { Db, Queryable } from '../db/db';
import type { DeviceAuth } from './auth';
import { sha256Hex } from './auth';
import { fail } from './errors';
import type { PushContext, PushRulesOptions } from './pushRules';
import {
  applyEachAlone,
  attachmentRefusal,
  createRefusal,
  isValueRefusedByDb,
  kindRefusal,
  payloadRefusal,
  pushContext,
  seqGapRefusal,
} from './pushRules';
import { staffRefusals, type StaffCheckInput, type StaffRefusal } from './pushStaff';
import type { EntityState, NewChange, Plan, entityTable } from './pushWrite';
import { decideFeedback } from './pushFeedback';
import { writePlan } from './pushWrite';

export { writeFeed } from './pushWrite';

type Prepared =
  | { kind: 'ok'; change: Change; hash: string; entity: 'application'; record: ApplicationT }
  | {
      kind: 'ok';
      change: Change;
      hash: string;
      entity: 'feedback';
      record: z.infer<typeof Feedback>;
    }
  | {
      kind: 'ok';
      change: Change;
      hash: string;
      entity: 'attachment';
      record: z.infer<typeof AttachmentMeta>;
    }
  | {
      kind: 'ok';
      change: Change;
      hash: string;
      entity: 'supervision_note';
      record: SupervisionNote;
    }
  | {
      kind: 'ok';
      change: Change;
      hash: string;
      entity: 'queue_event';
      record: Record<string, unknown>;
    }
  | { kind: 'invalid'; change: Change; hash: string; reason: string; code?: string };

function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

// The record entities are checked alike: the payload must be the whole record, and its id must be
// the change's entityId. `invalidWhat` starts the message for a payload that does not parse.
function parseRecord<T extends { id: string }>(
  schema: z.ZodType<T>,
  change: Change,
  invalidWhat: string,
): { ok: true; record: T } | { ok: false; reason: string } {
  const r = schema.safeParse(change.payload);
  if (!r.success) return { ok: false, reason: `${invalidWhat}: ${describeIssues(r.error)}` };
  if (r.data.id !== change.entityId)
    return { ok: false, reason: 'payload.id 与 entityId 不一致 (id mismatch)' };
  return { ok: true, record: r.data };
}

function prepare(change: Change, auth: DeviceAuth, crossHall: string[]): Prepared {
  const hash = sha256Hex(canonicalJson(change.payload));
  const invalid = (reason: string, code?: string): Prepared => ({
    kind: 'invalid',
    change,
    hash,
    reason,
    ...(code ? { code } : {}),
  });
  // The centre's rules (pushRules.ts) before the schemas: what the device may push at all.
  const refused = kindRefusal(auth.kind, change) ?? payloadRefusal(change);
  if (refused) return invalid(refused.reason, refused.code);
  switch (change.entity) {
    case 'application': {
      const r = parseRecord(Application, change, '申请数据不符合格式 (invalid application)');
      if (!r.ok) return invalid(r.reason);
      if (r.record.hallCode !== auth.hallCode) crossHall.push(change.changeId);
      return { kind: 'ok', change, hash, entity: 'application', record: r.record };
    }
    case 'feedback': {
      const r = parseRecord(Feedback, change, '反馈数据不符合格式 (invalid feedback)');
      if (!r.ok) return invalid(r.reason);
      if (r.record.hallCode !== auth.hallCode) crossHall.push(change.changeId);
      return { kind: 'ok', change, hash, entity: 'feedback', record: r.record };
    }
    case 'supervision_note': {
      const r = parseRecord(SupervisionNote, change, '表彰/纠错记录不符合格式 (invalid note)');
      if (!r.ok) return invalid(r.reason);
      if (r.record.hallCode !== auth.hallCode) crossHall.push(change.changeId);
      return { kind: 'ok', change, hash, entity: 'supervision_note', record: r.record };
    }
    case 'attachment': {
      const r = parseRecord(AttachmentMeta, change, '附件数据不符合格式 (invalid attachment)');
      if (!r.ok) return invalid(r.reason);
      return { kind: 'ok', change, hash, entity: 'attachment', record: r.record };
    }
    case 'queue_event': {
      const p = change.payload;
      if (typeof p !== 'object' || p === null || Array.isArray(p)) {
        return invalid('排队事件必须是对象 (queue event must be an object)');
      }
      if (JSON.stringify(p).length > MAX_QUEUE_EVENT_CHARS) {
        return invalid('排队事件过大 (queue event too large)');
      }
      const hallCode = (p as Record<string, unknown>).hallCode;
      if (typeof hallCode === 'string' && hallCode !== auth.hallCode)
        crossHall.push(change.changeId);
      return {
        kind: 'ok',
        change,
        hash,
        entity: 'queue_event',
        record: p as Record<string, unknown>,
      };
    }
  }
}

interface ExistingChange {
  change_id: string;
  device_id: string;
  seq: number;
  payload_sha256: string;
  status: 'applied' | 'conflict' | 'rejected';
  code: string | null;
  reason: string | null;
  server_version: number | null;
  entity: string;
  entity_id: string;
}

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

  const ctx = await pushContext(db, opts);
  const apply = (batch: Prepared[]) => applyPush(db, auth, batch, ctx);
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

/**
 * Per process, one push per hall at a time waits for the hall's database lock: a storm of one
 * hall's desks then occupies one pooled connection, not the whole pool, while they queue.
 */
const hallWriters = new Map<number, Promise<void>>();
async function oneWriterPerHall<T>(hallId: number, fn: () => Promise<T>): Promise<T> {
  const prev = hallWriters.get(hallId) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = prev.then(() => mine);
  hallWriters.set(hallId, tail);
  await prev;
  try {
    return await fn();
  } finally {
    release();
    if (hallWriters.get(hallId) === tail) hallWriters.delete(hallId);
  }
}

/** Decides outside the lock, writes under it; see the header. */
async function applyPush(
  db: Db,
  auth: DeviceAuth,
  prepared: Prepared[],
  ctx: PushContext,
): Promise<PushResponse> {
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
    const snap = await withStaff(db, auth, prepared, await readSnapshot(db, auth, prepared, false));
    const plan = decide(auth, prepared, snap, ctx);
    const ack = acknowledge(snap, plan);
    const done = await oneWriterPerHall(auth.hallId, () =>
      db.transaction(async (tx) => {
        const now = await readSnapshot(tx, auth, prepared, true, true);
        // Only what this push's decisions read matters: the device's own pushes and the
        // records it touches. Other desks' new records of the hall do not make it decide again.
        if (now.version !== snap.version) return null;
        await writePlan(tx, auth, plan, ack);
        return { results: plan.results, ...ack };
      }),
    );
    if (done) return done;
  }
  // Contention on the same records: decide holding the lock (held across the reads then).
  return db.transaction(async (tx) => {
    const snap = await withStaff(tx, auth, prepared, await readSnapshot(tx, auth, prepared, true));
    const plan = decide(auth, prepared, snap, ctx);
    const ack = acknowledge(snap, plan);
    await writePlan(tx, auth, plan, ack);
    return { results: plan.results, ...ack };
  });
}

interface DeviceRow {
  ack_seq: number;
  max_seq: number;
  revoked_at: unknown;
}

interface Snapshot {
  device: DeviceRow;
  /** The device's recorded seqs beyond ack_seq (only when it has gaps). */
  laterSeqs: number[];
  /**
   * What the decisions depend on, as one string: the device's push count and the row versions
   * (xmin) of every record read. Equal under the lock = the decisions still hold.
   */
  version: string;
  byChangeId: Map<string, ExistingChange>;
  bySeq: Map<number, ExistingChange>;
  states: Record<keyof typeof entityTable, Map<string, EntityState>>;
  attachmentApps: Map<string, EntityState>;
  /** Changes whose person is not of this hall or lacks the role (filled by withStaff). */
  staffRefused: Map<string, StaffRefusal>;
}

/**
 * Adds the staff check to a snapshot: one read of the people the records name. Not part of the
 * version check: a person disabled between this read and the write is refused at the next push.
 */
async function withStaff(
  q: Queryable,
  auth: DeviceAuth,
  prepared: Prepared[],
  snap: Snapshot,
): Promise<Snapshot> {
  snap.staffRefused = await staffRefusals(
    q,
    auth,
    prepared.flatMap((p): StaffCheckInput[] =>
      p.kind === 'ok' &&
      (p.entity === 'application' || p.entity === 'feedback' || p.entity === 'supervision_note')
        ? [
            {
              changeId: p.change.changeId,
              entity: p.entity,
              record: p.record,
              exists: snap.states[p.entity].has(p.change.entityId),
            },
          ]
        : p.kind === 'ok' && p.entity === 'queue_event'
          ? [{ changeId: p.change.changeId, entity: p.entity, record: p.record, exists: false }]
          : [],
    ),
  );
  return snap;
}

interface StateRow {
  id: string;
  hall_id: number;
  record: unknown;
  last_device_id: string | null;
  last_device_seq: number | null;
}

/** Row versions of records by id, in a stable order (the same text in both reads). */
const versionsOf = (table: string, param: string) =>
  `(SELECT coalesce(string_agg(id::text || '@' || xmin::text, ',' ORDER BY id::text), '')
      FROM ${table} WHERE id = ANY(${param}::uuid[]))`;

/**
 * Everything a push's decisions depend on, in ONE statement (one pooled connection, one round
 * trip). With `lock`, the device row and the hall row are locked too (one device's pushes never
 * interleave; every writer of the hall's records and feed is serialised until COMMIT); with
 * `versionOnly`, only the version is read (the check before writing).
 */
async function readSnapshot(
  q: Queryable,
  auth: DeviceAuth,
  prepared: Prepared[],
  lock: boolean,
  versionOnly = false,
): Promise<Snapshot> {
  const idsOf = (entity: keyof typeof entityTable) => [
    ...new Set(
      prepared.filter((p) => p.kind === 'ok' && p.entity === entity).map((p) => p.change.entityId),
    ),
  ];
  // Applications: those changed, and those attachments belong to (hall check).
  const appIds = [
    ...new Set([
      ...idsOf('application'),
      ...prepared.flatMap((p) =>
        p.kind === 'ok' && p.entity === 'attachment' ? [p.record.applicationId] : [],
      ),
    ]),
  ];
  const feedbackIds = idsOf('feedback');
  const attachmentIds = idsOf('attachment');
  const noteIds = idsOf('supervision_note');
  const version = `d.push_count::text || '|' || ${versionsOf('applications', '$4')} || '|' ||
          ${versionsOf('feedback', '$5')} || '|' || ${versionsOf('attachments', '$6')} || '|' ||
          ${versionsOf('supervision_notes', '$7')}`;
  const states = (table: string, param: string) =>
    `(SELECT coalesce(json_agg(json_build_object('id', id, 'hall_id', hall_id, 'record', record,
              'last_device_id', last_device_id, 'last_device_seq', last_device_seq)), '[]')
        FROM ${table} WHERE id = ANY(${param}::uuid[]))`;
  const { rows } = await q.query<
    DeviceRow & {
      version: string;
      later: number[] | null;
      existing: ExistingChange[] | null;
      apps: StateRow[] | null;
      feedback: StateRow[] | null;
      attachments: StateRow[] | null;
      notes: StateRow[] | null;
    }
  >(
    `SELECT d.ack_seq, d.max_seq, d.revoked_at, ${version} AS version
            ${
              versionOnly
                ? // Every parameter must appear (PostgreSQL types them from their use).
                  ', cardinality($2::uuid[]) + cardinality($3::int[]) AS n'
                : `,
            CASE WHEN d.max_seq > d.ack_seq THEN
              (SELECT json_agg(s.seq) FROM (SELECT seq FROM changes
                 WHERE device_id = d.id AND seq > d.ack_seq ORDER BY seq LIMIT 100000) s)
            END AS later,
            (SELECT json_agg(c) FROM (
               SELECT change_id, device_id, seq, payload_sha256, status, code, reason,
                      server_version, entity, entity_id
                 FROM changes WHERE change_id = ANY($2::uuid[])
               UNION
               SELECT change_id, device_id, seq, payload_sha256, status, code, reason,
                      server_version, entity, entity_id
                 FROM changes WHERE device_id = $1 AND seq = ANY($3::int[])) c) AS existing,
            ${states('applications', '$4')} AS apps,
            ${states('feedback', '$5')} AS feedback,
            ${states('attachments', '$6')} AS attachments,
            ${states('supervision_notes', '$7')} AS notes`
            }
       FROM devices d JOIN halls h ON h.id = d.hall_id
      WHERE d.id = $1${lock ? ' FOR UPDATE OF d, h' : ''}`,
    [
      auth.deviceId,
      prepared.map((p) => p.change.changeId),
      prepared.map((p) => p.change.seq),
      appIds,
      feedbackIds,
      attachmentIds,
      noteIds,
    ],
  );
  const device = rows[0];
  if (!device) fail('E_AUTH', '设备不存在 (unknown device)');
  if (device.revoked_at) fail('E_TOKEN_REVOKED', '设备已被吊销 (device revoked)');
  const byChangeId = new Map<string, ExistingChange>();
  const bySeq = new Map<number, ExistingChange>();
  for (const e of device.existing ?? []) {
    byChangeId.set(e.change_id, e);
    if (e.device_id === auth.deviceId) bySeq.set(e.seq, e);
  }
  const toMap = (list: StateRow[] | null) =>
    new Map<string, EntityState>(
      (list ?? []).map((r) => [
        r.id,
        {
          hallId: r.hall_id,
          lastDeviceId: r.last_device_id,
          lastDeviceSeq: r.last_device_seq,
          record: r.record,
          dirty: false,
        },
      ]),
    );
  const apps = toMap(device.apps);
  return {
    device: { ack_seq: device.ack_seq, max_seq: device.max_seq, revoked_at: device.revoked_at },
    laterSeqs: device.later ?? [],
    version: device.version,
    byChangeId,
    bySeq,
    states: {
      application: apps,
      feedback: toMap(device.feedback),
      attachment: toMap(device.attachments),
      supervision_note: toMap(device.notes),
    },
    attachmentApps: apps,
    staffRefused: new Map(),
  };
}

/** Decides every change in request order (Node only, no database). */
function decide(auth: DeviceAuth, prepared: Prepared[], snap: Snapshot, ctx: PushContext): Plan {
  const { byChangeId, bySeq, attachmentApps, device } = snap;
  // Decisions update the records in place: work on copies so that a retry starts clean.
  const states = {
    application: new Map(snap.states.application),
    feedback: new Map(snap.states.feedback),
    attachment: new Map(snap.states.attachment),
    supervision_note: new Map(snap.states.supervision_note),
  };
  const foreign: string[] = [];
  for (const p of prepared) {
    if (p.kind !== 'ok' || p.entity === 'queue_event') continue;
    const st = states[p.entity].get(p.change.entityId);
    if (st && st.hallId !== auth.hallId) foreign.push(p.change.changeId);
    if (p.entity === 'attachment') {
      const app = attachmentApps.get(p.record.applicationId);
      if (app && app.hallId !== auth.hallId) foreign.push(p.change.changeId);
    }
  }
  if (foreign.length > 0) {
    fail(
      'E_FORBIDDEN_HALL',
      '变更涉及其他营业厅的记录，整批未写入 (records of another hall; nothing written)',
      {
        changeIds: foreign,
      },
    );
  }

  // The person on each record: of this hall, with the role (pushStaff.ts; read with the snapshot).
  const staffRefused = snap.staffRefused;

  const results: ChangeResult[] = [];
  const newChanges: NewChange[] = [];
  const seenInBatch = new Map<string, { hash: string; result: ChangeResult }>();
  const seqsInBatch = new Set<number>();
  const feedOrder: Array<{ entity: string; id: string }> = [];
  const queueEvents: Array<{ id: string; payload: Record<string, unknown> }> = [];

  const touch = (entity: string, id: string) => feedOrder.push({ entity, id });
  let highestSeq = device.max_seq;

  for (const p of prepared) {
    const { changeId, seq } = p.change;
    // 1. Already seen (earlier push or earlier in this batch)?
    const earlier = byChangeId.get(changeId);
    const inBatch = seenInBatch.get(changeId);
    if (earlier || inBatch) {
      const sameBody = earlier
        ? earlier.device_id === auth.deviceId && earlier.payload_sha256 === p.hash
        : inBatch!.hash === p.hash;
      if (!sameBody) {
        results.push({
          changeId,
          seq,
          status: 'rejected',
          code: 'E_CHANGE_ID_REUSED',
          reason: 'changeId 已用于另一内容 (changeId reused with a different body)',
        });
        continue;
      }
      const orig = earlier
        ? {
            status: earlier.status,
            code: earlier.code,
            reason: earlier.reason,
            sv: earlier.server_version,
          }
        : originalOf(inBatch!.result);
      const dup: ChangeResult = {
        changeId,
        seq,
        status: 'duplicate',
        original: {
          status: orig.status,
          ...(orig.code ? { code: orig.code } : {}),
          ...(orig.reason ? { reason: orig.reason } : {}),
        },
      };
      if (orig.sv !== null && orig.sv !== undefined) dup.serverVersion = orig.sv;
      if (orig.status === 'conflict' && p.change.entity === 'application') {
        const cur = states.application.get(p.change.entityId);
        if (cur) dup.current = cur.record as ApplicationT;
      }
      results.push(dup);
      continue;
    }
    // 2. Far beyond the device's last seq: refused, and not recorded (not a high-water mark).
    const gap = seqGapRefusal(seq, highestSeq, ctx);
    if (gap) {
      results.push({ changeId, seq, status: 'rejected', ...gap });
      continue;
    }
    // 3. The seq belongs to another change of this device.
    if (bySeq.has(seq) || seqsInBatch.has(seq)) {
      results.push({
        changeId,
        seq,
        status: 'rejected',
        code: 'E_SEQ_REUSED',
        reason: `序号 ${seq} 已被本设备的另一变更使用 (seq already used by another change)`,
      });
      continue;
    }
    seqsInBatch.add(seq);
    highestSeq = Math.max(highestSeq, seq);

    let result: ChangeResult;
    // The centre's rules that need the stored records (pushRules.ts).
    const refused =
      p.kind !== 'ok'
        ? null
        : p.entity === 'application' && !states.application.get(p.change.entityId)
          ? createRefusal(p.record, ctx)
          : p.entity === 'attachment'
            ? attachmentRefusal(
                attachmentApps.has(p.record.applicationId) ||
                  states.application.has(p.record.applicationId),
              )
            : null;
    if (p.kind === 'invalid') {
      result = {
        changeId,
        seq,
        status: 'rejected',
        code: p.code ?? 'E_VALIDATION',
        reason: p.reason,
      };
    } else if (refused) {
      result = { changeId, seq, status: 'rejected', ...refused };
    } else if (staffRefused.has(changeId)) {
      const r = staffRefused.get(changeId)!;
      result = { changeId, seq, status: 'rejected', code: r.code, reason: r.reason };
    } else if (p.entity === 'queue_event') {
      queueEvents.push({ id: p.change.entityId, payload: p.record });
      result = { changeId, seq, status: 'applied' };
    } else {
      const map = states[p.entity];
      // This device's new version of the record: kept here, written once after the loop.
      const keep = (record: unknown, echo = false) => {
        map.set(p.change.entityId, {
          hallId: auth.hallId,
          lastDeviceId: auth.deviceId,
          lastDeviceSeq: seq,
          record,
          dirty: true,
          ...(echo ? { echo } : {}),
        });
        touch(p.entity, p.change.entityId);
      };
      const st = map.get(p.change.entityId);
      if (st && st.lastDeviceId === auth.deviceId && (st.lastDeviceSeq ?? 0) > seq) {
        // Out of order from the same device: a newer version is already there.
        result = { changeId, seq, status: 'applied', superseded: true };
        if (p.entity === 'application')
          result.serverVersion = (st.record as ApplicationT).serverVersion;
      } else if (p.entity === 'application') {
        const outcome = resolveDeskUpdate(st?.record as ApplicationT | undefined, p.record);
        if (outcome.kind === 'conflict') {
          // Not applied as a whole, but the hall's always-owned fields (the customer's rating)
          // were taken: store that version.
          if (outcome.changed) keep(outcome.current);
          result = {
            changeId,
            seq,
            status: 'conflict',
            current: outcome.current,
            notApplied: outcome.notApplied,
            reason:
              '中心已开始处理该申请，营业厅的修改未被采用 (the centre has taken this application up)',
          };
        } else {
          const changed = outcome.kind === 'create' || outcome.changed;
          if (changed) keep(outcome.record);
          result = {
            changeId,
            seq,
            status: 'applied',
            serverVersion: outcome.record.serverVersion,
          };
        }
      } else if (p.entity === 'feedback') {
        // Merged with the centre's handling (pushFeedback.ts); a merge differing from what the
        // desk sent goes back to that desk too.
        const d = decideFeedback(st?.record as FeedbackT | undefined, p.record);
        if (d.changed) keep(d.record, d.echo);
        result = { changeId, seq, status: 'applied' };
      } else {
        // Supervision notes and attachment metadata: wholly the hall's; the last version sent wins.
        const changed = !st || canonicalJson(st.record) !== canonicalJson(p.record);
        if (changed) keep(p.record);
        result = { changeId, seq, status: 'applied' };
      }
    }
    results.push(result);
    seenInBatch.set(changeId, { hash: p.hash, result });
    const o = originalOf(result);
    newChanges.push({
      change_id: changeId,
      seq,
      entity: p.change.entity,
      entity_id: p.change.entityId,
      op: p.change.op,
      payload_sha256: p.hash,
      status: o.status,
      code: o.code,
      reason: o.reason,
      server_version: o.sv,
    });
  }

  return { results, newChanges, states, feedOrder, queueEvents };
}

/**
 * Advances the contiguous acknowledgement past every processed seq: the fresh seqs of this
 * push and the device's recorded seqs beyond its acknowledgement (read with the snapshot).
 */
function acknowledge(snap: Snapshot, plan: Plan): { ackSeq: number; maxSeq: number } {
  let ackSeq = snap.device.ack_seq;
  let maxSeq = snap.device.max_seq;
  const seqs = new Set(snap.laterSeqs);
  for (const c of plan.newChanges) {
    seqs.add(c.seq);
    maxSeq = Math.max(maxSeq, c.seq);
  }
  while (seqs.has(ackSeq + 1)) ackSeq++;
  return { ackSeq, maxSeq };
}

function originalOf(r: ChangeResult): {
  status: 'applied' | 'conflict' | 'rejected';
  code: string | null;
  reason: string | null;
  sv: number | null;
} {
  switch (r.status) {
    case 'applied':
      return { status: 'applied', code: null, reason: null, sv: r.serverVersion ?? null };
    case 'conflict':
      return { status: 'conflict', code: null, reason: r.reason, sv: r.current.serverVersion };
    case 'rejected':
      return { status: 'rejected', code: r.code, reason: r.reason, sv: null };
    case 'duplicate':
      return {
        status: r.original.status,
        code: r.original.code ?? null,
        reason: r.original.reason ?? null,
        sv: r.serverVersion ?? null,
      };
  }
}
