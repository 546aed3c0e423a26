// Push: a desk's batch of changes applied on the centre, exactly once per changeId.
//
// One push = one database transaction. Inside it, in this order: the device row is locked (so
// one device's pushes never interleave and its seq bookkeeping is exact), the hall row is
// locked (every writer of the hall's records and feed takes it, so feed positions commit in
// order and decisions see the latest records), existing changeIds are read, every change is
// decided in request order, and then the records, the hall feed and the `changes` rows (the
// idempotency record, keyed by changeId) are written. This transaction is crucial: the record
// and its changeId commit together, so a resend after a lost answer finds the changeId and is
// answered `duplicate` instead of being applied twice; and a crash before COMMIT leaves nothing.
// The centre's own rules (create semantics, seq gap, device kinds, storable values) and the
// one-change-at-a-time fallback when the database refuses a value live in pushRules.ts.
import type { z } from 'zod';
import type { Application as ApplicationT } from '../../shared/domain/model';
import { Application, AttachmentMeta, Feedback } from '../../shared/domain/model';
import type { Change, ChangeResult, PushResponse } from '../../shared/protocol';
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
import { staffRefusals } from './pushStaff';

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

interface EntityState {
  hallId: number;
  lastDeviceId: string | null;
  lastDeviceSeq: number | null;
  record: unknown;
  dirty: boolean;
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

const entityTable = {
  application: 'applications',
  feedback: 'feedback',
  attachment: 'attachments',
} as const;

async function loadEntities(
  tx: Queryable,
  entity: keyof typeof entityTable,
  ids: string[],
): Promise<Map<string, EntityState>> {
  const map = new Map<string, EntityState>();
  if (ids.length === 0) return map;
  const extra = entity === 'attachment' ? ', application_id' : '';
  const { rows } = await tx.query<{
    id: string;
    hall_id: number;
    record: unknown;
    last_device_id: string | null;
    last_device_seq: number | null;
    application_id?: string;
  }>(
    `SELECT id, hall_id, record, last_device_id, last_device_seq${extra}
       FROM ${entityTable[entity]}
      WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  for (const r of rows) {
    map.set(r.id, {
      hallId: r.hall_id,
      lastDeviceId: r.last_device_id,
      lastDeviceSeq: r.last_device_seq,
      record: r.record,
      dirty: false,
    });
  }
  return map;
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
  const apply = (batch: Prepared[]) => db.transaction((tx) => applyBatch(tx, auth, batch, ctx));
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

async function applyBatch(
  tx: Queryable,
  auth: DeviceAuth,
  prepared: Prepared[],
  ctx: PushContext,
): Promise<PushResponse> {
  // Device lock (one device's pushes never interleave) and hall lock (serialises every writer
  // of this hall's records and feed until COMMIT), in one round trip.
  const dev = await tx.query<{ ack_seq: number; max_seq: number; revoked_at: unknown }>(
    `SELECT d.ack_seq, d.max_seq, d.revoked_at
       FROM devices d JOIN halls h ON h.id = d.hall_id
      WHERE d.id = $1 FOR UPDATE OF d, h`,
    [auth.deviceId],
  );
  const device = dev.rows[0];
  if (!device) fail('E_AUTH', '设备不存在 (unknown device)');
  if (device.revoked_at) fail('E_TOKEN_REVOKED', '设备已被吊销 (device revoked)');

  const changeIds = prepared.map((p) => p.change.changeId);
  const seqs = prepared.map((p) => p.change.seq);
  const existing = await tx.query<ExistingChange>(
    `SELECT change_id, device_id, seq, payload_sha256, status, code, reason, server_version,
            entity, entity_id
       FROM changes WHERE change_id = ANY($1::uuid[])
     UNION
     SELECT change_id, device_id, seq, payload_sha256, status, code, reason, server_version,
            entity, entity_id
       FROM changes WHERE device_id = $2 AND seq = ANY($3::int[])`,
    [changeIds, auth.deviceId, seqs],
  );
  const byChangeId = new Map<string, ExistingChange>();
  const bySeq = new Map<number, ExistingChange>();
  for (const e of existing.rows) {
    byChangeId.set(e.change_id, e);
    if (e.device_id === auth.deviceId) bySeq.set(e.seq, e);
  }

  // Current records, from every hall: an id of another hall is a cross-hall write.
  const idsOf = (entity: keyof typeof entityTable) => [
    ...new Set(
      prepared.filter((p) => p.kind === 'ok' && p.entity === entity).map((p) => p.change.entityId),
    ),
  ];
  const states = {
    application: await loadEntities(tx, 'application', idsOf('application')),
    feedback: await loadEntities(tx, 'feedback', idsOf('feedback')),
    attachment: await loadEntities(tx, 'attachment', idsOf('attachment')),
  };
  const attachmentAppIds = [
    ...new Set(
      prepared.flatMap((p) =>
        p.kind === 'ok' && p.entity === 'attachment' ? [p.record.applicationId] : [],
      ),
    ),
  ];
  const attachmentApps = await loadEntities(tx, 'application', attachmentAppIds);
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

  // The person on each record: of this hall, with the role (pushStaff.ts).
  const staffRefused = await staffRefusals(
    tx,
    auth,
    prepared.flatMap((p) =>
      p.kind === 'ok' && (p.entity === 'application' || p.entity === 'feedback')
        ? [
            {
              changeId: p.change.changeId,
              entity: p.entity,
              record: p.record,
              exists: states[p.entity].has(p.change.entityId),
            },
          ]
        : [],
    ),
  );

  const results: ChangeResult[] = [];
  const newChanges: Array<{
    change_id: string;
    seq: number;
    entity: string;
    entity_id: string;
    op: string;
    payload_sha256: string;
    status: string;
    code: string | null;
    reason: string | null;
    server_version: number | null;
  }> = [];
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
      const keep = (record: unknown) => {
        map.set(p.change.entityId, {
          hallId: auth.hallId,
          lastDeviceId: auth.deviceId,
          lastDeviceSeq: seq,
          record,
          dirty: true,
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
      } else {
        // Feedback and attachment metadata: wholly the hall's; the last version sent wins.
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

  await writeRecords(tx, auth, states, queueEvents);
  await writeFeed(tx, auth.hallId, feedOrder);
  if (newChanges.length > 0) {
    await tx.query(
      `INSERT INTO changes (change_id, device_id, hall_id, seq, entity, entity_id, op,
                            payload_sha256, status, code, reason, server_version)
       SELECT x.change_id, $1, $2, x.seq, x.entity, x.entity_id, x.op, x.payload_sha256,
              x.status, x.code, x.reason, x.server_version
         FROM jsonb_to_recordset($3::jsonb) AS x(change_id uuid, seq int, entity text,
              entity_id text, op text, payload_sha256 text, status text, code text,
              reason text, server_version int)`,
      [auth.deviceId, auth.hallId, JSON.stringify(newChanges)],
    );
  }

  // Advance the contiguous acknowledgement past every processed seq. The common case (a batch
  // that continues right after ackSeq, nothing beyond) needs no query.
  let ackSeq = device.ack_seq;
  let maxSeq = device.max_seq;
  const fresh = newChanges.map((c) => c.seq).sort((a, b) => a - b);
  for (const q of fresh) {
    if (q === ackSeq + 1) ackSeq = q;
    maxSeq = Math.max(maxSeq, q);
  }
  if (maxSeq > ackSeq) {
    const { rows } = await tx.query<{ seq: number }>(
      'SELECT seq FROM changes WHERE device_id = $1 AND seq > $2 ORDER BY seq LIMIT 100000',
      [auth.deviceId, ackSeq],
    );
    for (const r of rows) {
      if (r.seq === ackSeq + 1) ackSeq = r.seq;
      else if (r.seq > ackSeq + 1) break;
    }
  }
  await tx.query(
    'UPDATE devices SET ack_seq = $2, max_seq = $3, last_seen_at = now() WHERE id = $1',
    [auth.deviceId, ackSeq, maxSeq],
  );
  return { results, ackSeq, maxSeq };
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

async function writeRecords(
  tx: Queryable,
  auth: DeviceAuth,
  states: Record<keyof typeof entityTable, Map<string, EntityState>>,
  queueEvents: Array<{ id: string; payload: Record<string, unknown> }>,
): Promise<void> {
  const apps = [...states.application.entries()]
    .filter(([, s]) => s.dirty)
    .map(([id, s]) => {
      const r = s.record as ApplicationT;
      return {
        id,
        app_no: r.appNo,
        status: r.status,
        deadline: r.deadline,
        accepted_at: r.acceptedAt,
        server_version: r.serverVersion,
        record: r,
        seq: s.lastDeviceSeq,
      };
    });
  if (apps.length > 0) {
    await tx.query(
      `INSERT INTO applications AS a (id, hall_id, app_no, status, deadline, accepted_at,
              server_version, record, last_device_id, last_device_seq, version_device_id,
              updated_at)
       SELECT x.id, $1, x.app_no, x.status, x.deadline, x.accepted_at, x.server_version,
              x.record, $2, x.seq, $2, now()
         FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, app_no text, status text,
              deadline date, accepted_at timestamptz, server_version int, record jsonb, seq int)
       ON CONFLICT (id) DO UPDATE SET
              app_no = excluded.app_no, status = excluded.status, deadline = excluded.deadline,
              accepted_at = excluded.accepted_at, server_version = excluded.server_version,
              record = excluded.record, last_device_id = excluded.last_device_id,
              last_device_seq = excluded.last_device_seq,
              version_device_id = excluded.version_device_id, updated_at = now()
        WHERE a.hall_id = excluded.hall_id`,
      [auth.hallId, auth.deviceId, JSON.stringify(apps)],
    );
  }
  for (const entity of ['feedback', 'attachment'] as const) {
    const rows = [...states[entity].entries()]
      .filter(([, s]) => s.dirty)
      .map(([id, s]) => ({
        id,
        record: s.record,
        seq: s.lastDeviceSeq,
        application_id:
          entity === 'attachment' ? (s.record as { applicationId: string }).applicationId : null,
        sha256: entity === 'attachment' ? (s.record as { sha256: string }).sha256 : null,
      }));
    if (rows.length === 0) continue;
    // Attachments keep no version_device_id: their pull rows also say whether the bytes are
    // complete, which the pushing desk wants to hear.
    const extraCols = entity === 'attachment' ? ', application_id, sha256' : ', version_device_id';
    const extraSel = entity === 'attachment' ? ', x.application_id, x.sha256' : ', $2';
    const extraSet =
      entity === 'attachment'
        ? ', application_id = excluded.application_id, sha256 = excluded.sha256'
        : ', version_device_id = excluded.version_device_id';
    await tx.query(
      `INSERT INTO ${entityTable[entity]} AS t (id, hall_id, record, last_device_id, last_device_seq,
              updated_at${extraCols})
       SELECT x.id, $1, x.record, $2, x.seq, now()${extraSel}
         FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, record jsonb, seq int,
              application_id uuid, sha256 text)
       ON CONFLICT (id) DO UPDATE SET record = excluded.record,
              last_device_id = excluded.last_device_id, last_device_seq = excluded.last_device_seq,
              updated_at = now()${extraSet}
        WHERE t.hall_id = excluded.hall_id`,
      [auth.hallId, auth.deviceId, JSON.stringify(rows)],
    );
  }
  if (queueEvents.length > 0) {
    await tx.query(
      `INSERT INTO queue_events (hall_id, id, device_id, payload)
       SELECT $1, x.id, $2, x.payload FROM jsonb_to_recordset($3::jsonb) AS x(id text, payload jsonb)
       ON CONFLICT (hall_id, id) DO UPDATE SET payload = excluded.payload, received_at = now()`,
      [auth.hallId, auth.deviceId, JSON.stringify(queueEvents)],
    );
  }
}

/**
 * Puts records at the head of the hall's feed. Must run under the hall row lock (taken at the
 * start of every writing transaction): positions are handed out in commit order.
 */
export async function writeFeed(
  tx: Queryable,
  hallId: number,
  touched: Array<{ entity: string; id: string }>,
): Promise<void> {
  // Each record once, at the position of its last change in this transaction.
  const last = new Map<string, { entity: string; id: string }>();
  for (const t of touched) {
    const k = `${t.entity}:${t.id}`;
    last.delete(k);
    last.set(k, t);
  }
  if (last.size === 0) return;
  const feed = [...last.values()].map((t, i) => ({
    entity: t.entity,
    entity_id: t.id,
    ord: i + 1,
  }));
  await tx.query(
    `WITH h AS (
       UPDATE halls SET feed_seq = feed_seq + $2 WHERE id = $1 RETURNING feed_seq - $2 AS base
     )
     INSERT INTO hall_feed (hall_id, entity, entity_id, seq)
     SELECT $1, x.entity, x.entity_id, h.base + x.ord
       FROM jsonb_to_recordset($3::jsonb) AS x(entity text, entity_id uuid, ord int), h
     ON CONFLICT (hall_id, entity, entity_id) DO UPDATE SET seq = excluded.seq`,
    [hallId, last.size, JSON.stringify(feed)],
  );
}
