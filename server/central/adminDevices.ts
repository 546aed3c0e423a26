// Administration on the central database: enrolled devices (list, revoke, info) and refused records.
import type { DeviceSummary } from '../../shared/protocol';
import type { Db } from '../db/db';
import { iso, isoOrNull } from '../db/db';
import { deviceAuthCacheFor } from './deviceAuthCache';
import { fail } from './errors';

// ------------------------------------------------------------------ devices

const DEVICE_SELECT = `SELECT d.id, d.name, h.code AS hall_code, d.desk_code, d.created_at,
       d.last_seen_at, d.revoked_at, d.ack_seq, d.max_seq
  FROM devices d JOIN halls h ON h.id = d.hall_id`;

type DeviceRow = {
  id: string;
  name: string;
  hall_code: string;
  desk_code: string | null;
  created_at: unknown;
  last_seen_at: unknown;
  revoked_at: unknown;
  ack_seq: number;
  max_seq: number;
};

function deviceOut(r: DeviceRow): DeviceSummary {
  return {
    id: r.id,
    name: r.name,
    hallCode: r.hall_code,
    ...(r.desk_code ? { deskCode: r.desk_code } : {}),
    createdAt: iso(r.created_at),
    lastSeenAt: isoOrNull(r.last_seen_at),
    revokedAt: isoOrNull(r.revoked_at),
    ackSeq: r.ack_seq,
    maxSeq: r.max_seq,
  };
}

export async function listDevices(db: Db, hall?: string): Promise<DeviceSummary[]> {
  const { rows } = hall
    ? await db.query<DeviceRow>(
        `${DEVICE_SELECT} WHERE h.code = $1 ORDER BY h.code, d.created_at`,
        [hall],
      )
    : await db.query<DeviceRow>(`${DEVICE_SELECT} ORDER BY h.code, d.created_at`);
  return rows.map(deviceOut);
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function revokeDevice(db: Db, id: string): Promise<DeviceSummary> {
  if (!UUID_RE.test(id)) fail('E_NOT_FOUND', '没有这个设备 (no such device)');
  await db.query('UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [id]);
  deviceAuthCacheFor(db).forgetDevice(id);
  const { rows } = await db.query<DeviceRow>(`${DEVICE_SELECT} WHERE d.id = $1`, [id]);
  if (!rows[0]) fail('E_NOT_FOUND', '没有这个设备 (no such device)');
  return deviceOut(rows[0]);
}

/**
 * A device gives up its own token (a hall host clearing its uplink, a PC being retired): the
 * same as the administrator's revoke, asked for with the token itself. Idempotent.
 */
export async function revokeSelf(db: Db, deviceId: string) {
  const { rows } = await db.query<{ revoked_at: unknown }>(
    'UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING revoked_at',
    [deviceId],
  );
  deviceAuthCacheFor(db).forgetDevice(deviceId);
  return { deviceId, revokedAt: isoOrNull(rows[0]?.revoked_at) ?? new Date().toISOString() };
}

export async function deviceInfo(db: Db, deviceId: string) {
  const { rows } = await db.query<DeviceRow & { hall_name: string }>(
    `SELECT d.id, d.name, h.code AS hall_code, h.name AS hall_name, d.desk_code, d.created_at,
            d.last_seen_at, d.revoked_at, d.ack_seq, d.max_seq
       FROM devices d JOIN halls h ON h.id = d.hall_id WHERE d.id = $1`,
    [deviceId],
  );
  const r = rows[0]!;
  return {
    deviceId: r.id,
    deviceName: r.name,
    hallCode: r.hall_code,
    hallName: r.hall_name,
    ...(r.desk_code ? { deskCode: r.desk_code } : {}),
    ackSeq: r.ack_seq,
    maxSeq: r.max_seq,
  };
}

export async function listRejected(db: Db, hall?: string, limit = 200) {
  const { rows } = await db.query<{
    change_id: string;
    seq: number;
    entity: string;
    entity_id: string;
    code: string;
    reason: string;
    received_at: unknown;
    device_name: string;
    hall_code: string;
  }>(
    `SELECT c.change_id, c.seq, c.entity, c.entity_id, c.code, c.reason, c.received_at,
            d.name AS device_name, h.code AS hall_code
       FROM changes c JOIN devices d ON d.id = c.device_id JOIN halls h ON h.id = c.hall_id
      WHERE c.status = 'rejected' AND ($1::text IS NULL OR h.code = $1)
      ORDER BY c.received_at DESC LIMIT $2`,
    [hall ?? null, limit],
  );
  return rows.map((r) => ({
    changeId: r.change_id,
    seq: r.seq,
    entity: r.entity,
    entityId: r.entity_id,
    code: r.code,
    reason: r.reason,
    receivedAt: iso(r.received_at),
    deviceName: r.device_name,
    hallCode: r.hall_code,
  }));
}
