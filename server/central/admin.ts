// Administration and back office on the central database: halls, enrollment codes and devices,
// applications (list, workflow transitions, edits) and configuration documents.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Application } from '../../shared/domain/model';
import {
  loadCalendarData,
  mergeCalendar,
  WorkCalendar,
  addDays,
  defaultCalendar,
} from '../../shared/domain/calendar';
import type { CalendarData } from '../../shared/domain/calendar';
import { loadCatalogue } from '../../shared/domain/catalogue';
import { loadSettings } from '../../shared/domain/settings';
import type {
  ConfigKey,
  ConfigVersionResponse,
  DeviceSummary,
  EnrollResponse,
  EnrollmentCodeResponse,
  Hall,
  HallSummary,
} from '../../shared/protocol';
import {
  AdminApplicationsQuery,
  BackOfficeEditRequest,
  ConfigKey as ConfigKeySchema,
  CreateEnrollmentCodeRequest,
  CreateHallRequest,
  DEFAULT_ENROLLMENT_CODE_TTL_MINUTES,
  EnrollRequest,
  MAX_ENROLLMENT_CODE_TTL_MINUTES,
  centreMayEdit,
} from '../../shared/protocol';
import { WorkbenchMoveRequest } from '../../shared/protocol/workbench';
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
import { hallTimeZone, hallToday } from './hallZone';
import { writeFeed } from './push';
import { applyBackOfficeTransition, isOpenStatus } from './workflow';

/** Parses a request body with its schema; a refusal lists the first issues (E_VALIDATION). */
export function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
  },
  v: unknown,
): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const msg = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    fail('E_VALIDATION', `数据格式错误 (invalid request): ${msg}`);
  }
  return r.data;
}

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

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function revokeDevice(db: Db, id: string): Promise<DeviceSummary> {
  if (!UUID_RE.test(id)) fail('E_NOT_FOUND', '没有这个设备 (no such device)');
  await db.query('UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [id]);
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

// ------------------------------------------------------------------ applications

export interface AdminApplicationRow {
  application: Application;
  hallCode: string;
  overdue: boolean;
}

export async function listApplications(db: Db, query: unknown): Promise<AdminApplicationRow[]> {
  const q = parse(AdminApplicationsQuery, query ?? {});
  const today = await hallToday(db);
  let dueBefore: string | null = null;
  if (q.due === 'overdue') dueBefore = addDays(today, -1);
  if (q.due === 'near') dueBefore = await nearDeadlineLimit(db, today, q.days ?? 2);
  const { rows } = await db.query<{ record: Application; code: string; deadline: unknown }>(
    `SELECT a.record, h.code, to_char(a.deadline, 'YYYY-MM-DD') AS deadline
       FROM applications a JOIN halls h ON h.id = a.hall_id
      WHERE ($1::text IS NULL OR h.code = $1)
        AND ($2::text IS NULL OR a.status = $2)
        AND ($3::text IS NULL OR a.app_no = $3)
        AND ($4::date IS NULL OR (a.deadline <= $4::date
             AND a.status NOT IN ('archived', 'cancelled', 'rejected')))
      ORDER BY a.deadline, a.accepted_at
      LIMIT $5`,
    [q.hall ?? null, q.status ?? null, q.appNo ?? null, dueBefore, q.limit ?? 500],
  );
  return rows
    .filter((r) => !q.due || isOpenStatus(r.record.status))
    .map((r) => ({
      application: r.record,
      hallCode: r.code,
      overdue: isOpenStatus(r.record.status) && String(r.deadline) < today,
    }));
}

/** The last date that counts as "near the deadline": `days` working days from today. */
export async function nearDeadlineLimit(db: Db, today: string, days: number): Promise<string> {
  const cal = await currentCalendar(db);
  try {
    return cal ? cal.addWorkingDays(today, days) : addDays(today, days);
  } catch {
    // The year's holiday schedule is missing: calendar days are the conservative answer here.
    return addDays(today, days);
  }
}

export async function currentCalendar(db: Queryable): Promise<WorkCalendar | null> {
  const { rows } = await db.query<{ data: unknown }>(
    "SELECT data FROM config WHERE key = 'calendar'",
  );
  if (!rows[0]) return null;
  try {
    return new WorkCalendar(loadCalendarData(rows[0].data), await hallTimeZone(db));
  } catch {
    return null;
  }
}

/** What narrows a printed number down to one application (see findApplication). */
export interface NumberScope {
  /** The hall the customer is asking in (a hall code). */
  hallCode?: string;
  /** The device asking (its own issues first). */
  deviceId?: string;
  /** The last 4 digits of the phone printed (masked) on the receipt. */
  phoneLast4?: string;
}

/**
 * Finds an application by id or by the number printed on its receipt; locks nothing. Numbers
 * are unique since desks number only under the codes of their enrollment code, but desks of
 * older builds numbered under the placeholder H0001-D01 before enrollment, so one printed
 * number may belong to several applications. The centre keeps each with the device that issued
 * it (its `create` change) and resolves the printed number by what the asker knows: the hall,
 * the asking device, or the phone's last 4 digits on the receipt. Still several: 409
 * E_APP_NO_SHARED naming the candidates (hall, desk, acceptance day), never a guess.
 */
async function findApplication(
  db: Queryable,
  idOrNo: string,
  scope: NumberScope = {},
): Promise<{ id: string; hallId: number }> {
  const byId = UUID_RE.test(idOrNo);
  const { rows } = await db.query<{
    id: string;
    hall_id: number;
    hall_code: string;
    desk_code: string | null;
    accepted_at: unknown;
    phone: string | null;
    issuer: string | null;
  }>(
    `SELECT a.id, a.hall_id, h.code AS hall_code, a.record->>'deskCode' AS desk_code,
            a.accepted_at, a.record->'customer'->>'phone' AS phone,
            (SELECT c.device_id::text FROM changes c
              WHERE c.entity = 'application' AND c.entity_id = a.id::text AND c.op = 'create'
                AND c.status = 'applied' LIMIT 1) AS issuer
       FROM applications a JOIN halls h ON h.id = a.hall_id
      WHERE ${byId ? 'a.id = $1' : 'a.app_no = $1'}
      LIMIT 50`,
    [byId ? idOrNo : idOrNo.trim().toUpperCase()],
  );
  if (rows.length === 0) fail('E_NOT_FOUND', `没有申请 ${idOrNo} (no such application)`);
  let candidates = rows;
  const narrow = (keep: (r: (typeof rows)[number]) => boolean) => {
    const next = candidates.filter(keep);
    if (next.length > 0) candidates = next;
  };
  if (candidates.length > 1 && scope.hallCode) {
    const want = scope.hallCode.trim().toUpperCase();
    candidates = candidates.filter((r) => r.hall_code === want);
    if (candidates.length === 0)
      fail('E_NOT_FOUND', `营业厅 ${want} 没有申请 ${idOrNo} (no such application in that hall)`);
  }
  if (candidates.length > 1 && scope.deviceId) narrow((r) => r.issuer === scope.deviceId);
  if (candidates.length > 1 && scope.phoneLast4) {
    const last4 = scope.phoneLast4.replace(/\D/g, '').slice(-4);
    narrow((r) => (r.phone ?? '').replace(/\D/g, '').endsWith(last4));
  }
  if (candidates.length > 1) {
    const list = candidates
      .map(
        (r) =>
          `${r.hall_code}${r.desk_code ? `-${r.desk_code}` : ''} ${iso(r.accepted_at).slice(0, 10)}`,
      )
      .join('；');
    fail(
      'E_APP_NO_SHARED',
      `编号 ${idOrNo} 是登记前的占位编号，${candidates.length} 个受理台各编过一次（${list}）：请加营业厅（hall）或回执上电话的后四位（phone）查询 (a placeholder number issued by ${candidates.length} desks: add hall or phone)`,
      {
        candidates: candidates.map((r) => ({
          id: r.id,
          hallCode: r.hall_code,
          deskCode: r.desk_code,
          acceptedAt: iso(r.accepted_at),
        })),
      },
    );
  }
  return { id: candidates[0]!.id, hallId: candidates[0]!.hall_id };
}

export async function getApplication(
  db: Db,
  idOrNo: string,
  scope: NumberScope = {},
): Promise<Application> {
  const { id } = await findApplication(db, idOrNo, scope);
  const { rows } = await db.query<{ record: Application }>(
    'SELECT record FROM applications WHERE id = $1',
    [id],
  );
  return rows[0]!.record;
}

/** The device-side read by printed number: this hall's, the asking device's own first. */
export async function getHallApplicationByNumber(
  db: Db,
  auth: { hallId: number; hallCode: string; deviceId: string },
  appNo: string,
  phoneLast4?: string,
): Promise<Application> {
  const { id, hallId } = await findApplication(db, appNo, {
    hallCode: auth.hallCode,
    deviceId: auth.deviceId,
    ...(phoneLast4 ? { phoneLast4 } : {}),
  });
  if (hallId !== auth.hallId) fail('E_NOT_FOUND', '没有这个申请 (no such application)');
  return getHallApplication(db, auth.hallId, id);
}

/** The device-side read: only this hall's applications exist for it. */
export async function getHallApplication(
  db: Db,
  hallIdValue: number,
  id: string,
): Promise<Application> {
  if (!UUID_RE.test(id)) fail('E_NOT_FOUND', '没有这个申请 (no such application)');
  const { rows } = await db.query<{ record: Application }>(
    'SELECT record FROM applications WHERE id = $1 AND hall_id = $2',
    [id, hallIdValue],
  );
  if (!rows[0]) fail('E_NOT_FOUND', '没有这个申请 (no such application)');
  return rows[0].record;
}

/**
 * Runs `change` on an application under the hall lock and writes the result with a new
 * serverVersion into the record and the hall's feed, so that it flows back to the desks.
 */
async function changeApplication(
  db: Db,
  idOrNo: string,
  change: (current: Application, tx: Queryable) => Promise<Application> | Application,
): Promise<Application> {
  const found = await findApplication(db, idOrNo);
  return db.transaction(async (tx) => {
    await tx.query('SELECT feed_seq FROM halls WHERE id = $1 FOR UPDATE', [found.hallId]);
    const { rows } = await tx.query<{ record: Application }>(
      'SELECT record FROM applications WHERE id = $1 FOR UPDATE',
      [found.id],
    );
    const current = rows[0]!.record;
    const next = await change(current, tx);
    const record: Application = { ...next, serverVersion: current.serverVersion + 1 };
    await tx.query(
      `UPDATE applications SET record = $2::jsonb, status = $3, deadline = $4::date,
              server_version = $5, version_device_id = NULL, updated_at = now()
        WHERE id = $1`,
      [found.id, JSON.stringify(record), record.status, record.deadline, record.serverVersion],
    );
    await writeFeed(tx, found.hallId, [{ entity: 'application', id: found.id }]);
    return record;
  });
}

/**
 * A back-office move (CLI transition and workbench move alike): forward, end, or a return with a
 * reason code (server/central/workflow.ts); written with the feed so that it flows to the desk.
 */
export async function transitionApplication(
  db: Db,
  idOrNo: string,
  body: unknown,
): Promise<Application> {
  const req = parse(WorkbenchMoveRequest, body);
  return changeApplication(db, idOrNo, async (current, tx) => {
    const config = await tx.query<{ key: string; data: unknown }>(
      "SELECT key, data FROM config WHERE key IN ('catalogue', 'settings')",
    );
    const data = (key: string) => config.rows.find((r) => r.key === key)?.data;
    const settings = data('settings') as
      { wholeProcessLimitsWd?: { byBusinessCode?: Record<string, number> } } | undefined;
    return applyBackOfficeTransition(
      current,
      req,
      new Date().toISOString(),
      data('catalogue'),
      (await currentCalendar(tx)) ?? defaultCalendar,
      settings?.wholeProcessLimitsWd?.byBusinessCode ?? {},
      settings,
    );
  });
}

export async function editApplication(db: Db, idOrNo: string, body: unknown): Promise<Application> {
  const req = parse(BackOfficeEditRequest, body);
  return changeApplication(db, idOrNo, (current) => {
    if (!centreMayEdit(current.status)) {
      fail(
        'E_HALL_OWNED',
        '申请尚未进入后台流程，客户资料仍归营业厅 (the hall owns this application until it is taken up)',
      );
    }
    return { ...current, ...req.changes, updatedAt: new Date().toISOString() };
  });
}

// ------------------------------------------------------------------ configuration

const CONFIG_LOCK = 860_002;

function validateConfig(key: ConfigKey, data: unknown): void {
  // The register is written by the workbench with its checks (keyCustomers.ts), never PUT.
  if (key === 'keyCustomers')
    fail(
      'E_BAD_REQUEST',
      '重点客户名册请在工作台维护 (the key-customer register is kept in the workbench)',
    );
  try {
    if (key === 'calendar') loadCalendarData(data);
    else if (key === 'catalogue') loadCatalogue(data);
    else loadSettings(data);
  } catch (err) {
    fail('E_VALIDATION', `配置 ${key} 无效 (invalid ${key}): ${(err as Error).message}`);
  }
}

async function writeConfig(
  tx: Queryable,
  key: ConfigKey,
  data: unknown,
): Promise<ConfigVersionResponse> {
  // One writer at a time: versions are global and handed out in commit order (see pull.ts).
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CONFIG_LOCK]);
  const { rows } = await tx.query<{ version: number; updated_at: unknown }>(
    `INSERT INTO config (key, version, data, updated_at)
     VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM config), $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET version = excluded.version, data = excluded.data,
            updated_at = now()
     RETURNING version, updated_at`,
    [key, JSON.stringify(data)],
  );
  return { key, version: rows[0]!.version, updatedAt: iso(rows[0]!.updated_at) };
}

export async function putConfig(
  db: Db,
  keyRaw: string,
  body: unknown,
): Promise<ConfigVersionResponse> {
  const key = ConfigKeySchema.safeParse(keyRaw);
  if (!key.success) fail('E_NOT_FOUND', `没有配置项 ${keyRaw} (unknown configuration key)`);
  const data = (body as { data?: unknown } | null)?.data;
  if (data === undefined) fail('E_BAD_REQUEST', '需要 data 字段 (data required)');
  validateConfig(key.data, data);
  return db.transaction((tx) => writeConfig(tx, key.data, data));
}

/** Loads (or replaces) one year of the holiday calendar, e.g. 2027 once the State Council publishes it. */
export async function putCalendarYear(
  db: Db,
  yearRaw: string,
  body: unknown,
): Promise<ConfigVersionResponse> {
  if (!/^\d{4}$/.test(yearRaw)) fail('E_BAD_REQUEST', '年份格式错误 (bad year)');
  const b = body as { data?: unknown; source?: unknown } | null;
  if (!b || b.data === undefined) fail('E_BAD_REQUEST', '需要 data 字段 (data required)');
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ data: unknown }>(
      "SELECT data FROM config WHERE key = 'calendar'",
    );
    const base: CalendarData = rows[0] ? loadCalendarData(rows[0].data) : { version: 0, years: {} };
    let merged: CalendarData;
    try {
      merged = mergeCalendar(base, {
        version: base.version + 1,
        ...(typeof b.source === 'string' ? { source: b.source } : {}),
        years: { [yearRaw]: b.data },
      });
    } catch (err) {
      fail('E_VALIDATION', `日历数据无效 (invalid calendar year): ${(err as Error).message}`);
    }
    return writeConfig(tx, 'calendar', merged);
  });
}

export async function listConfig(db: Db): Promise<ConfigVersionResponse[]> {
  const { rows } = await db.query<{ key: ConfigKey; version: number; updated_at: unknown }>(
    'SELECT key, version, updated_at FROM config ORDER BY key',
  );
  return rows.map((r) => ({ key: r.key, version: r.version, updatedAt: iso(r.updated_at) }));
}

export async function getConfigData(db: Db, key: ConfigKey): Promise<unknown> {
  const { rows } = await db.query<{ data: unknown }>('SELECT data FROM config WHERE key = $1', [
    key,
  ]);
  return rows[0]?.data;
}

/**
 * Seeds configuration that the database does not have yet from shared/config/<key>.json.
 * Existing documents are never overwritten: the administrator's updates win over the build's.
 */
export async function seedConfig(db: Db, configDir: URL | string): Promise<string[]> {
  const seeded: string[] = [];
  for (const key of ConfigKeySchema.options) {
    const file = new URL(`${key}.json`, configDir);
    if (!fs.existsSync(file)) continue;
    const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    try {
      validateConfig(key, data);
    } catch (err) {
      console.warn(`[central] not seeding ${key}: ${(err as Error).message}`);
      continue;
    }
    const done = await db.transaction(async (tx) => {
      // Under the config lock: two processes starting together seed once.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [CONFIG_LOCK]);
      const { rows } = await tx.query('SELECT 1 FROM config WHERE key = $1', [key]);
      if (rows.length > 0) return false;
      await writeConfig(tx, key, data);
      return true;
    });
    if (done) seeded.push(key);
  }
  return seeded;
}
