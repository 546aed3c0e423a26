// Administration on the central database: halls and enrollment (codes, desks enrolling).
import crypto from 'node:crypto';
import type {
  EnrollResponse,
  EnrollmentCodeResponse,
  Hall,
  HallSummary,
} from '../../shared/protocol';
import {
  CreateEnrollmentCodeRequest,
  CreateHallRequest,
  DEFAULT_ENROLLMENT_CODE_TTL_MINUTES,
  EnrollRequest,
  MAX_ENROLLMENT_CODE_TTL_MINUTES,
} from '../../shared/protocol';
import type { Db, Queryable } from '../db/db';
import { iso, isoOrNull } from '../db/db';
import {
  enrollmentCodeHash,
  newDeskEnrollmentCode,
  newEnrollmentCode,
  newToken,
  sha256Hex,
} from './auth';
import { fail } from './errors';
import { parse } from './parse';

// ------------------------------------------------------------------ halls

export async function createHall(db: Db, body: unknown): Promise<Hall> {
  const req = parse(CreateHallRequest, body);
  const { rows } = await db.query<{ code: string; name: string; created_at: unknown }>(
    `INSERT INTO halls (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING
     RETURNING code, name, created_at`,
    [req.code, req.name],
  );
  const h = rows[0];
  if (!h) fail('E_EXISTS', `营业厅 ${req.code} 已存在 (hall exists)`);
  return { code: h.code, name: h.name, createdAt: iso(h.created_at) };
}

/** A hall's id by its code; E_NOT_FOUND when there is none. */
export async function hallId(db: Queryable, code: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM halls WHERE code = $1', [code]);
  const h = rows[0];
  if (!h) fail('E_NOT_FOUND', `没有营业厅 ${code} (no such hall)`);
  return h.id;
}

export async function listHalls(db: Db): Promise<HallSummary[]> {
  const { rows } = await db.query<{
    code: string;
    name: string;
    created_at: unknown;
    last_contact_at: unknown;
    devices: number;
    active_devices: number;
    applications: number;
    rejected: number;
    gaps: number;
  }>(
    `SELECT h.code, h.name, h.created_at,
            (SELECT max(d.last_seen_at) FROM devices d WHERE d.hall_id = h.id) AS last_contact_at,
            (SELECT count(*)::int FROM devices d WHERE d.hall_id = h.id) AS devices,
            (SELECT count(*)::int FROM devices d WHERE d.hall_id = h.id AND d.revoked_at IS NULL)
              AS active_devices,
            (SELECT coalesce(sum(c.n), 0)::int FROM hall_app_counts c WHERE c.hall_id = h.id)
              AS applications,
            (SELECT count(*)::int FROM changes c WHERE c.hall_id = h.id AND c.status = 'rejected')
              AS rejected,
            (SELECT coalesce(sum(d.max_seq - d.ack_seq - (SELECT count(*) FROM changes c
                      WHERE c.device_id = d.id AND c.seq > d.ack_seq)), 0)::int
               FROM devices d WHERE d.hall_id = h.id) AS gaps
       FROM halls h ORDER BY h.code`,
  );
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    createdAt: iso(r.created_at),
    lastContactAt: isoOrNull(r.last_contact_at),
    devices: r.devices,
    activeDevices: r.active_devices,
    applications: r.applications,
    rejectedChanges: r.rejected,
    seqGaps: r.gaps,
  }));
}

// ------------------------------------------------------------------ enrollment

export async function createEnrollmentCode(
  db: Db,
  hallCode: string,
  body: unknown,
): Promise<EnrollmentCodeResponse> {
  const req = parse(CreateEnrollmentCodeRequest, body ?? {});
  const ttl = Math.min(
    req.ttlMinutes ?? DEFAULT_ENROLLMENT_CODE_TTL_MINUTES,
    MAX_ENROLLMENT_CODE_TTL_MINUTES,
  );
  const id = await hallId(db, hallCode);
  if (req.kind === 'service') {
    const code = newEnrollmentCode();
    const { rows } = await db.query<{ expires_at: unknown }>(
      `INSERT INTO enrollment_codes (code_sha256, hall_id, expires_at, note)
       VALUES ($1, $2, now() + make_interval(mins => $3), $4) RETURNING expires_at`,
      [enrollmentCodeHash(code), id, ttl, req.note ?? null],
    );
    return { code, hallCode, expiresAt: iso(rows[0]!.expires_at) };
  }
  return db.transaction(async (tx) => {
    // The hall row lock serialises desk code allocation within the hall.
    const h = await tx.query<{ code: string }>('SELECT code FROM halls WHERE id = $1 FOR UPDATE', [
      id,
    ]);
    let deskCode: string;
    if (req.deskCode) {
      deskCode = req.deskCode.trim().toUpperCase();
      const held = await tx.query(
        'SELECT 1 FROM devices WHERE hall_id = $1 AND desk_code = $2 AND revoked_at IS NULL',
        [id, deskCode],
      );
      if (held.rows.length > 0)
        fail(
          'E_EXISTS',
          `受理台编码 ${deskCode} 正由在用设备使用 (desk code held by an active device)`,
        );
      await registerDeskCode(tx, id, deskCode, 'code');
    } else {
      deskCode = await allocateDeskCode(tx, id, undefined);
    }
    const code = newDeskEnrollmentCode(h.rows[0]!.code, deskCode);
    const { rows } = await tx.query<{ expires_at: unknown }>(
      `INSERT INTO enrollment_codes (code_sha256, hall_id, expires_at, note, desk_code)
       VALUES ($1, $2, now() + make_interval(mins => $3), $4, $5) RETURNING expires_at`,
      [enrollmentCodeHash(code), id, ttl, req.note ?? null, deskCode],
    );
    return { code, hallCode: h.rows[0]!.code, deskCode, expiresAt: iso(rows[0]!.expires_at) };
  });
}

export async function listEnrollmentCodes(db: Db): Promise<
  Array<{
    hallCode: string;
    createdAt: string;
    expiresAt: string;
    usedAt: string | null;
    note: string | null;
    deviceName: string | null;
  }>
> {
  const { rows } = await db.query<{
    code: string;
    created_at: unknown;
    expires_at: unknown;
    used_at: unknown;
    note: string | null;
    device_name: string | null;
  }>(
    `SELECT h.code, e.created_at, e.expires_at, e.used_at, e.note, d.name AS device_name
       FROM enrollment_codes e JOIN halls h ON h.id = e.hall_id
       LEFT JOIN devices d ON d.id = e.device_id
      ORDER BY e.created_at DESC LIMIT 100`,
  );
  return rows.map((r) => ({
    hallCode: r.code,
    createdAt: iso(r.created_at),
    expiresAt: iso(r.expires_at),
    usedAt: isoOrNull(r.used_at),
    note: r.note,
    deviceName: r.device_name,
  }));
}

/** Desk codes as application numbers use them (shared/domain/appNumber.ts). */
const DESK_CODE_RE = /^[A-Z0-9]{1,16}$/;

async function registerDeskCode(
  tx: Queryable,
  hallIdValue: number,
  code: string,
  source: 'code' | 'device',
): Promise<void> {
  await tx.query(
    `INSERT INTO hall_desk_codes (hall_id, desk_code, source) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING`,
    [hallIdValue, code, source],
  );
}

/**
 * The desk code for a new enrollment code or an enrolling device. Runs under the hall row lock,
 * so two never get the same code. A requested code (the one an older desk already numbers with)
 * is granted when no active device of the hall holds it; otherwise the next `Dnn` the hall has
 * never used, from the hall's counter and its index of used codes (hall_desk_codes: codes of
 * devices, of enrollment codes, and of the applications that existed when the index was built),
 * without reading the hall's applications.
 */
async function allocateDeskCode(
  tx: Queryable,
  hallIdValue: number,
  requested: string | undefined,
): Promise<string> {
  const want = requested?.trim().toUpperCase();
  if (want && DESK_CODE_RE.test(want)) {
    const held = await tx.query(
      'SELECT 1 FROM devices WHERE hall_id = $1 AND desk_code = $2 AND revoked_at IS NULL',
      [hallIdValue, want],
    );
    if (held.rows.length === 0) {
      await registerDeskCode(tx, hallIdValue, want, 'device');
      return want;
    }
  }
  const { rows } = await tx.query<{ next_desk_no: number }>(
    'SELECT next_desk_no FROM halls WHERE id = $1',
    [hallIdValue],
  );
  let n = rows[0]?.next_desk_no ?? 1;
  for (;;) {
    const code = `D${String(n).padStart(2, '0')}`;
    n++;
    const taken = await tx.query(
      `INSERT INTO hall_desk_codes (hall_id, desk_code, source) VALUES ($1, $2, 'code')
       ON CONFLICT DO NOTHING RETURNING desk_code`,
      [hallIdValue, code],
    );
    if (taken.rows.length > 0) {
      await tx.query('UPDATE halls SET next_desk_no = $2 WHERE id = $1', [hallIdValue, n]);
      return code;
    }
  }
}

/** Exchanges a one-time code for a device token. The code is burnt in the same transaction. */
export async function enroll(db: Db, body: unknown): Promise<EnrollResponse> {
  const r = EnrollRequest.safeParse(body);
  if (!r.success) fail('E_BAD_REQUEST', '需要登记码和设备名称 (code and deviceName required)');
  const deviceId = crypto.randomUUID();
  const token = newToken('hd_dev');
  return db.transaction(async (tx) => {
    const used = await tx.query<{ hall_id: number; desk_code: string | null }>(
      `UPDATE enrollment_codes SET used_at = now(), device_id = $2
        WHERE code_sha256 = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING hall_id, desk_code`,
      [enrollmentCodeHash(r.data.code), deviceId],
    );
    const row = used.rows[0];
    if (!row)
      fail('E_ENROLLMENT_CODE', '登记码无效、已使用或已过期 (code unknown, used or expired)');
    // The hall row lock serialises desk code allocation within the hall.
    const h = await tx.query<{ code: string; name: string }>(
      'SELECT code, name FROM halls WHERE id = $1 FOR UPDATE',
      [row.hall_id],
    );
    // A code made for a desk binds that desk code: the desk has numbered under it, perhaps for
    // days before it could reach the centre. Only an active device holding it refuses it.
    let deskCode: string | null = null;
    if (r.data.kind !== 'service' && row.desk_code) {
      const held = await tx.query(
        'SELECT 1 FROM devices WHERE hall_id = $1 AND desk_code = $2 AND revoked_at IS NULL',
        [row.hall_id, row.desk_code],
      );
      if (held.rows.length > 0)
        fail(
          'E_ENROLLMENT_CODE',
          `受理台编码 ${row.desk_code} 已由在用设备使用，请先吊销该设备 (desk code held by an active device)`,
        );
      deskCode = row.desk_code;
    } else if (r.data.kind !== 'service') {
      deskCode = await allocateDeskCode(tx, row.hall_id, r.data.deskCode);
    }
    await tx.query(
      `INSERT INTO devices (id, hall_id, name, token_sha256, desk_code, kind)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [deviceId, row.hall_id, r.data.deviceName, sha256Hex(token), deskCode, r.data.kind ?? 'desk'],
    );
    return {
      deviceId,
      token,
      hallCode: h.rows[0]!.code,
      hallName: h.rows[0]!.name,
      ...(deskCode ? { deskCode } : {}),
    };
  });
}
