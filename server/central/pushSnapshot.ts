// Push, the reading step: everything a push's decisions depend on (the device's bookkeeping, the
// changeIds and seqs already seen, the stored records, the people the records name) read in one
// statement, without a lock for deciding, with the device and hall rows locked for the check
// before writing. `version` tells whether what was read has moved in between.
import type { Queryable } from '../db/db';
import { customerLocksSql } from './customers';
import type { DeviceAuth } from './auth';
import { fail } from './errors';
import type { Prepared } from './pushPrepare';
import { staffRefusals, type StaffCheckInput, type StaffRefusal } from './pushStaff';
import type { EntityState, entityTable } from './pushWrite';
import { preparedOnce, preparedSql } from '../db/prepared';

export interface ExistingChange {
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

interface DeviceRow {
  ack_seq: number;
  max_seq: number;
  revoked_at: unknown;
}

export interface Snapshot {
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
export async function withStaff(
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

// The statements below are built and registered once (prepared.ts; one that uses another
// module's helper on first use, preparedOnce), not concatenated and looked up again on every
// push.

/** lockForWrite: the hall row, the device rows, the customers' keys ($1 hall, $2 ids, $3 records). */
const lockSql = preparedOnce(
  () => `SELECT (SELECT count(*) FROM (SELECT 1 FROM halls WHERE id = $1 FOR UPDATE) hl)
          + (SELECT count(*) FROM (SELECT 1 FROM devices WHERE id = ANY($2::uuid[])
                                    ORDER BY id FOR UPDATE) dl)
          + (SELECT count(*) FROM (${customerLocksSql('$3')}) cl) AS n`,
);

/** checkVersions: each job's version, as readSnapshot's (the jobs as $1). */
const CHECK_VERSIONS_SQL = preparedSql(`SELECT j.i, d.revoked_at,
            d.push_count::text || '|' || ${versionsOf('applications', 'j.apps')} || '|' ||
            ${versionsOf('feedback', 'j.fb')} || '|' || ${versionsOf('attachments', 'j.att')}
            || '|' || ${versionsOf('supervision_notes', 'j.notes')} AS version
       FROM jsonb_to_recordset($1::jsonb) AS j(i int, device uuid, apps uuid[], fb uuid[],
            att uuid[], notes uuid[])
       JOIN devices d ON d.id = j.device`);

/** readSnapshot's statement, whole or (versionOnly) the version alone. */
function snapshotSql(versionOnly: boolean): string {
  const version = `d.push_count::text || '|' || ${versionsOf('applications', '$4')} || '|' ||
          ${versionsOf('feedback', '$5')} || '|' || ${versionsOf('attachments', '$6')} || '|' ||
          ${versionsOf('supervision_notes', '$7')}`;
  const states = (table: string, param: string) =>
    `(SELECT coalesce(json_agg(json_build_object('id', id, 'hall_id', hall_id, 'record', record,
              'last_device_id', last_device_id, 'last_device_seq', last_device_seq)), '[]')
        FROM ${table} WHERE id = ANY(${param}::uuid[]))`;
  return preparedSql(`SELECT d.ack_seq, d.max_seq, d.revoked_at, ${version} AS version
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
      WHERE d.id = $1`);
}
const SNAPSHOT_SQL = snapshotSql(false);
const SNAPSHOT_VERSION_SQL = snapshotSql(true);

/** The records a push's decisions read, by table. */
export function snapshotIds(prepared: Prepared[]) {
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
  return {
    appIds,
    feedbackIds: idsOf('feedback'),
    attachmentIds: idsOf('attachment'),
    noteIds: idsOf('supervision_note'),
  };
}

/**
 * Takes the write locks of a push or a group of pushes of one hall, in one statement: the hall
 * row (every writer of the hall's records and feed is serialised until COMMIT), the device rows
 * (one device's pushes never interleave), in id order, and the customers the applications in
 * `records` are filed under (customerLocksSql), in key order.
 *
 * Alone, before the check: under READ COMMITTED a statement that waits for a row lock still
 * reads the other tables as of its start, so a check in the statement that waited could miss
 * what the lock holder had just committed. The check is the NEXT statement, with a snapshot
 * taken once every lock is held.
 */
export async function lockForWrite(
  q: Queryable,
  hallId: number,
  deviceIds: string[],
  records: Array<{ record: unknown }>,
): Promise<void> {
  await q.query(lockSql(), [hallId, [...new Set(deviceIds)], JSON.stringify(records)]);
}

/**
 * The check before writing for several pushes of one hall at once (a group, pushGroup.ts), in
 * one statement, after lockForWrite: each push's version (as readSnapshot's `version`), or the
 * refusal of a device revoked or gone meanwhile.
 */
export async function checkVersions(
  q: Queryable,
  jobs: Array<{ deviceId: string; ids: ReturnType<typeof snapshotIds> }>,
): Promise<Array<{ version: string } | { refusal: 'E_AUTH' | 'E_TOKEN_REVOKED' }>> {
  const input = jobs.map(({ deviceId, ids }, i) => ({
    i,
    device: deviceId,
    apps: ids.appIds,
    fb: ids.feedbackIds,
    att: ids.attachmentIds,
    notes: ids.noteIds,
  }));
  const { rows } = await q.query<{ i: number; revoked_at: unknown; version: string }>(
    CHECK_VERSIONS_SQL,
    [JSON.stringify(input)],
  );
  const byIndex = new Map(rows.map((r) => [r.i, r]));
  return jobs.map((_, i) => {
    const r = byIndex.get(i);
    if (!r) return { refusal: 'E_AUTH' as const };
    if (r.revoked_at) return { refusal: 'E_TOKEN_REVOKED' as const };
    return { version: r.version };
  });
}

/**
 * Everything a push's decisions depend on, in ONE statement (one pooled connection, one round
 * trip). With `versionOnly`, only the version is read (the check before writing, after
 * lockForWrite).
 */
export async function readSnapshot(
  q: Queryable,
  auth: DeviceAuth,
  prepared: Prepared[],
  versionOnly = false,
): Promise<Snapshot> {
  const { appIds, feedbackIds, attachmentIds, noteIds } = snapshotIds(prepared);
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
  >(versionOnly ? SNAPSHOT_VERSION_SQL : SNAPSHOT_SQL, [
    auth.deviceId,
    prepared.map((p) => p.change.changeId),
    prepared.map((p) => p.change.seq),
    appIds,
    feedbackIds,
    attachmentIds,
    noteIds,
  ]);
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
