// Push, the writing side: a decided push (push.ts decides it outside any lock) written in one
// statement under the hall lock, and the hall feed's positions (also used by back-office moves
// and attachment completion).
import type { Application as ApplicationT } from '../../shared/domain/model';
import type { ChangeResult } from '../../shared/protocol';
import type { SupervisionNote } from '../../shared/staff/notes';
import type { Queryable } from '../db/db';
import type { DeviceAuth } from './auth';
import { customerLocksSql, refreshCustomers } from './customers';
import { nameInitials } from './nameInitials';
import { preparedOnce } from '../db/prepared';

/**
 * A plan's records, feed positions, changes and acknowledgement in one statement (writePlan):
 * built and registered once (prepared.ts).
 */
const writeSql = preparedOnce(
  () => `WITH
 apps AS (
   INSERT INTO applications AS a (id, hall_id, app_no, status, deadline, accepted_at,
          server_version, record, last_device_id, last_device_seq, version_device_id,
          updated_at, name_initials)
   SELECT x.id, $1, x.app_no, x.status, x.deadline, x.accepted_at, x.server_version,
          x.record, $2, x.seq, $2, now(), x.name_initials
     FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, app_no text, status text,
          deadline date, accepted_at timestamptz, server_version int, record jsonb, seq int,
          name_initials text)
   ON CONFLICT (id) DO UPDATE SET
          app_no = excluded.app_no, status = excluded.status, deadline = excluded.deadline,
          accepted_at = excluded.accepted_at, server_version = excluded.server_version,
          record = excluded.record, last_device_id = excluded.last_device_id,
          last_device_seq = excluded.last_device_seq,
          version_device_id = excluded.version_device_id, updated_at = now(),
          name_initials = excluded.name_initials
    WHERE a.hall_id = excluded.hall_id
 ),
 fb AS (
   INSERT INTO feedback AS t (id, hall_id, record, last_device_id, last_device_seq,
          updated_at, version_device_id)
   SELECT x.id, $1, x.record, $2, x.seq, now(), CASE WHEN x.echo THEN NULL ELSE $2::uuid END
     FROM jsonb_to_recordset($4::jsonb) AS x(id uuid, record jsonb, seq int, echo boolean)
   ON CONFLICT (id) DO UPDATE SET record = excluded.record,
          last_device_id = excluded.last_device_id, last_device_seq = excluded.last_device_seq,
          updated_at = now(), version_device_id = excluded.version_device_id
    WHERE t.hall_id = excluded.hall_id
 ),
 att AS (
   INSERT INTO attachments AS t (id, hall_id, record, last_device_id, last_device_seq,
          updated_at, application_id, sha256)
   SELECT x.id, $1, x.record, $2, x.seq, now(), x.application_id, x.sha256
     FROM jsonb_to_recordset($5::jsonb) AS x(id uuid, record jsonb, seq int,
          application_id uuid, sha256 text)
   ON CONFLICT (id) DO UPDATE SET record = excluded.record,
          last_device_id = excluded.last_device_id, last_device_seq = excluded.last_device_seq,
          updated_at = now(), application_id = excluded.application_id,
          sha256 = excluded.sha256
    WHERE t.hall_id = excluded.hall_id
 ),
 notes AS (
   INSERT INTO supervision_notes AS t (id, hall_id, staff_no, kind, period_from, period_to,
          record, last_device_id, last_device_seq, version_device_id, updated_at)
   SELECT x.id, $1, x.staff_no, x.kind, x.period_from, x.period_to, x.record, $2, x.seq, $2,
          now()
     FROM jsonb_to_recordset($12::jsonb) AS x(id uuid, record jsonb, seq int, staff_no text,
          kind text, period_from date, period_to date)
   ON CONFLICT (id) DO UPDATE SET staff_no = excluded.staff_no, kind = excluded.kind,
          period_from = excluded.period_from, period_to = excluded.period_to,
          record = excluded.record, last_device_id = excluded.last_device_id,
          last_device_seq = excluded.last_device_seq,
          version_device_id = excluded.version_device_id, updated_at = now()
    WHERE t.hall_id = excluded.hall_id
 ),
 qe AS (
   INSERT INTO queue_events (hall_id, id, device_id, payload)
   SELECT $1, x.id, $2, x.payload FROM jsonb_to_recordset($6::jsonb) AS x(id text, payload jsonb)
   ON CONFLICT (hall_id, id) DO UPDATE SET payload = excluded.payload, received_at = now()
 ),
 h AS (
   UPDATE halls SET feed_seq = feed_seq + $7 WHERE id = $1 AND $7 > 0
   RETURNING feed_seq - $7 AS base
 ),
 feed AS (
   INSERT INTO hall_feed (hall_id, entity, entity_id, seq)
   SELECT $1, x.entity, x.entity_id, h.base + x.ord
     FROM jsonb_to_recordset($8::jsonb) AS x(entity text, entity_id uuid, ord int), h
   ON CONFLICT (hall_id, entity, entity_id) DO UPDATE SET seq = excluded.seq
 ),
 -- The customers the applications are filed under, locked for refreshCustomers below.
 locks AS (${customerLocksSql('$3')}),
 ch AS (
   INSERT INTO changes (change_id, device_id, hall_id, seq, entity, entity_id, op,
                        payload_sha256, status, code, reason, server_version)
   SELECT x.change_id, $2, $1, x.seq, x.entity, x.entity_id, x.op, x.payload_sha256,
          x.status, x.code, x.reason, x.server_version
     FROM jsonb_to_recordset($9::jsonb) AS x(change_id uuid, seq int, entity text,
          entity_id text, op text, payload_sha256 text, status text, code text,
          reason text, server_version int)
 )
 UPDATE devices SET ack_seq = $10, max_seq = $11, last_seen_at = now(),
        push_count = push_count + 1
  WHERE id = $2 AND (SELECT count(*) FROM locks) >= 0`,
);

export interface EntityState {
  hallId: number;
  lastDeviceId: string | null;
  lastDeviceSeq: number | null;
  record: unknown;
  dirty: boolean;
  /** The written version differs from what the device sent (merged): send it back to it too. */
  echo?: boolean;
}

export const entityTable = {
  application: 'applications',
  feedback: 'feedback',
  attachment: 'attachments',
  supervision_note: 'supervision_notes',
} as const;

export interface NewChange {
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
}

export interface Plan {
  results: ChangeResult[];
  newChanges: NewChange[];
  states: Record<keyof typeof entityTable, Map<string, EntityState>>;
  feedOrder: Array<{ entity: string; id: string }>;
  queueEvents: Array<{ id: string; payload: Record<string, unknown> }>;
}

/**
 * Writes a decided push in ONE statement (data-modifying CTEs): the records, the hall's feed
 * (positions from the hall's counter, under the hall lock), the `changes` rows and the device's
 * acknowledgement and push count. Empty parts cost nothing (an empty recordset).
 */
export async function writePlan(
  tx: Queryable,
  auth: DeviceAuth,
  plan: Plan,
  ack: { ackSeq: number; maxSeq: number },
  /** False when the caller refreshes the customers itself (a group: once for all its pushes). */
  refresh = true,
): Promise<void> {
  const dirty = (entity: keyof typeof entityTable) =>
    [...plan.states[entity].entries()].filter(([, s]) => s.dirty);
  const apps = dirty('application').map(([id, s]) => {
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
      name_initials: nameInitials(r.customer?.name),
    };
  });
  const feedback = dirty('feedback').map(([id, s]) => ({
    id,
    record: s.record,
    seq: s.lastDeviceSeq,
    echo: s.echo === true,
  }));
  // Attachments keep no version_device_id: their pull rows also say whether the bytes are
  // complete, which the pushing desk wants to hear.
  const attachments = dirty('attachment').map(([id, s]) => ({
    id,
    record: s.record,
    seq: s.lastDeviceSeq,
    application_id: (s.record as { applicationId: string }).applicationId,
    sha256: (s.record as { sha256: string }).sha256,
  }));
  const notes = dirty('supervision_note').map(([id, s]) => {
    const r = s.record as SupervisionNote;
    return {
      id,
      record: r,
      seq: s.lastDeviceSeq,
      staff_no: r.staffNo,
      kind: r.kind,
      period_from: r.periodFrom,
      period_to: r.periodTo,
    };
  });
  const feed = feedPositions(plan.feedOrder);
  await tx.query(writeSql(), [
    auth.hallId,
    auth.deviceId,
    JSON.stringify(apps),
    JSON.stringify(feedback),
    JSON.stringify(attachments),
    JSON.stringify(plan.queueEvents),
    feed.length,
    JSON.stringify(feed),
    JSON.stringify(plan.newChanges),
    ack.ackSeq,
    ack.maxSeq,
    JSON.stringify(notes),
  ]);
  // The customers across halls (issue 14 §3) follow their applications in the same transaction
  // (one statement: the write above took their locks; the `>= 0` makes it evaluate them).
  if (!refresh) return;
  await refreshCustomers(
    tx,
    apps.map((a) => a.id),
  );
}

/** The applications a plan writes (whose customers follow them). */
export function writtenApplicationIds(plan: Plan): string[] {
  return [...plan.states.application.entries()].filter(([, s]) => s.dirty).map(([id]) => id);
}

/** Each record once, at the position (1..n) of its last change in the transaction. */
function feedPositions(
  touched: Array<{ entity: string; id: string }>,
): Array<{ entity: string; entity_id: string; ord: number }> {
  const last = new Map<string, { entity: string; id: string }>();
  for (const t of touched) {
    const k = `${t.entity}:${t.id}`;
    last.delete(k);
    last.set(k, t);
  }
  return [...last.values()].map((t, i) => ({ entity: t.entity, entity_id: t.id, ord: i + 1 }));
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
  const feed = feedPositions(touched);
  if (feed.length === 0) return;
  await tx.query(
    `WITH h AS (
       UPDATE halls SET feed_seq = feed_seq + $2 WHERE id = $1 RETURNING feed_seq - $2 AS base
     )
     INSERT INTO hall_feed (hall_id, entity, entity_id, seq)
     SELECT $1, x.entity, x.entity_id, h.base + x.ord
       FROM jsonb_to_recordset($3::jsonb) AS x(entity text, entity_id uuid, ord int), h
     ON CONFLICT (hall_id, entity, entity_id) DO UPDATE SET seq = excluded.seq`,
    [hallId, feed.length, JSON.stringify(feed)],
  );
}
