// The staff directory at the centre: the administrator's create / change / reset / import, the
// desk's directory pull (verifiers of its hall's active staff) and its reports (lockouts,
// passwords changed at first sign-in). Passwords are hashed here (scrypt) and the temporary one
// is returned once; nothing reversible is stored and nothing is logged.
import {
  CreateStaffRequest,
  StaffEventsRequest,
  UpdateStaffRequest,
  type DeskStaff,
  type StaffDirectoryResponse,
  type StaffEventsResponse,
  type StaffOut,
  type StaffWithPassword,
} from '../../shared/staff/directory';
import { parseStaffImport } from '../../shared/staff/importCsv';
import { makeVerifier, temporaryPassword, type Verifier } from '../../shared/staff/password';
import type { Role } from '../../shared/staff/roles';
import type { Db, Queryable } from '../db/db';
import { iso } from '../db/db';
import { hallId, parse } from './admin';
import type { DeviceAuth } from './auth';
import { fail } from './errors';

export interface StaffRow {
  id: number;
  staff_no: string;
  name: string;
  hall_id: number | null;
  hall_code: string | null;
  roles: Role[];
  state: 'active' | 'disabled' | 'removed';
  phone: string | null;
  verifier: Verifier;
  must_change: boolean;
  pw_version: number;
  created_at: unknown;
  updated_at: unknown;
  lockouts?: number;
}

export const STAFF_SELECT = `SELECT s.id, s.staff_no, s.name, s.hall_id, h.code AS hall_code, s.roles,
       s.state, s.phone, s.verifier, s.must_change, s.pw_version, s.created_at, s.updated_at,
       (SELECT count(*)::int FROM staff_events e WHERE e.staff_id = s.id AND e.kind = 'lockout')
         AS lockouts
  FROM staff s LEFT JOIN halls h ON h.id = s.hall_id`;

export function staffOut(r: StaffRow): StaffOut {
  return {
    staffNo: r.staff_no,
    name: r.name,
    hallCode: r.hall_code,
    roles: r.roles,
    state: r.state,
    phone: r.phone,
    mustChange: r.must_change,
    lockouts: r.lockouts ?? 0,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export async function findStaff(db: Queryable, staffNo: string): Promise<StaffRow | null> {
  const { rows } = await db.query<StaffRow>(`${STAFF_SELECT} WHERE s.staff_no = $1`, [staffNo]);
  return rows[0] ?? null;
}

async function mustFind(db: Queryable, staffNo: string): Promise<StaffRow> {
  const s = await findStaff(db, staffNo);
  if (!s) fail('E_NOT_FOUND', `没有工号 ${staffNo} (no such staff member)`);
  return s;
}

export async function listStaff(db: Db, query: { hall?: string; all?: string }) {
  const args: unknown[] = [];
  const where: string[] = [];
  if (query.hall) {
    args.push(await hallId(db, query.hall));
    where.push(`s.hall_id = $${args.length}`);
  }
  if (query.all !== '1') where.push(`s.state <> 'removed'`);
  const { rows } = await db.query<StaffRow>(
    `${STAFF_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY h.code NULLS FIRST, s.staff_no`,
    args,
  );
  return rows.map(staffOut);
}

async function insertStaff(
  tx: Queryable,
  req: CreateStaffRequest,
  hall: number | null,
): Promise<StaffWithPassword> {
  const pw = temporaryPassword();
  const verifier = await makeVerifier(pw);
  const { rowCount } = await tx.query(
    `INSERT INTO staff (staff_no, name, hall_id, roles, phone, verifier)
     VALUES ($1, $2, $3, $4::text[], $5, $6::jsonb) ON CONFLICT (staff_no) DO NOTHING`,
    [req.staffNo, req.name, hall, req.roles, req.phone ?? null, JSON.stringify(verifier)],
  );
  if (rowCount === 0) fail('E_EXISTS', `工号 ${req.staffNo} 已存在 (staff number exists)`);
  return { staff: staffOut((await findStaff(tx, req.staffNo))!), temporaryPassword: pw };
}

export async function createStaff(db: Db, body: unknown): Promise<StaffWithPassword> {
  const req = parse(CreateStaffRequest, body);
  const hall = req.hallCode ? await hallId(db, req.hallCode) : null;
  return db.transaction((tx) => insertStaff(tx, req, hall));
}

export async function updateStaff(db: Db, staffNo: string, body: unknown): Promise<StaffOut> {
  const req = parse(UpdateStaffRequest, body);
  await mustFind(db, staffNo);
  await db.query(
    `UPDATE staff SET name = coalesce($2, name), roles = coalesce($3::text[], roles),
            state = coalesce($4, state),
            phone = CASE WHEN $5::boolean THEN $6 ELSE phone END, updated_at = now()
      WHERE staff_no = $1`,
    [
      staffNo,
      req.name ?? null,
      req.roles ?? null,
      req.state ?? null,
      req.phone !== undefined,
      req.phone ?? null,
    ],
  );
  // A disabled or removed person's console sessions end now (desks drop them at their next pull).
  if (req.state && req.state !== 'active') {
    await db.query(
      'DELETE FROM staff_sessions WHERE staff_id = (SELECT id FROM staff WHERE staff_no = $1)',
      [staffNo],
    );
  }
  return staffOut((await findStaff(db, staffNo))!);
}

/** A new temporary password; the person must change it at the next sign-in. */
export async function resetStaffPassword(db: Db, staffNo: string): Promise<StaffWithPassword> {
  await mustFind(db, staffNo);
  const pw = temporaryPassword();
  const verifier = await makeVerifier(pw);
  await db.query(
    `UPDATE staff SET verifier = $2::jsonb, must_change = true, pw_version = pw_version + 1,
            updated_at = now() WHERE staff_no = $1`,
    [staffNo, JSON.stringify(verifier)],
  );
  await db.query(
    'DELETE FROM staff_sessions WHERE staff_id = (SELECT id FROM staff WHERE staff_no = $1)',
    [staffNo],
  );
  return { staff: staffOut((await findStaff(db, staffNo))!), temporaryPassword: pw };
}

/**
 * CSV import into one hall: every row is checked first, then all are inserted in one
 * transaction; any problem (a bad row, a staff number that exists) refuses the whole file.
 */
export async function importStaff(
  db: Db,
  query: { hall?: string },
  body: unknown,
): Promise<{ imported: StaffWithPassword[] }> {
  if (!query.hall) fail('E_BAD_REQUEST', '需要 hall 参数 (hall required)');
  const text = typeof body === 'string' ? body : (body as { csv?: unknown } | null)?.csv;
  if (typeof text !== 'string') fail('E_BAD_REQUEST', '需要 csv 文本 (csv text required)');
  const hall = await hallId(db, query.hall);
  const parsed = parseStaffImport(text, query.hall);
  if (!parsed.ok) {
    const first = parsed.problems[0]!;
    fail(
      'E_IMPORT',
      `导入文件有误，未导入任何人员：第 ${first.row} 行 ${first.reason}${parsed.problems.length > 1 ? ` 等 ${parsed.problems.length} 处` : ''}`,
      { problems: parsed.problems },
    );
  }
  const existing = await db.query<{ staff_no: string }>(
    'SELECT staff_no FROM staff WHERE staff_no = ANY($1::text[])',
    [parsed.rows.map((r) => r.staffNo)],
  );
  if (existing.rows.length) {
    const taken = new Set(existing.rows.map((r) => r.staff_no));
    const problems = parsed.rows
      .map((r, i) => ({ row: i + 2, staffNo: r.staffNo }))
      .filter((r) => taken.has(r.staffNo))
      .map((r) => ({ row: r.row, reason: `工号 ${r.staffNo} 已存在` }));
    fail(
      'E_IMPORT',
      `导入文件有误，未导入任何人员：第 ${problems[0]!.row} 行 ${problems[0]!.reason}`,
      { problems },
    );
  }
  return db.transaction(async (tx) => {
    const imported: StaffWithPassword[] = [];
    for (const r of parsed.rows) imported.push(await insertStaff(tx, r, hall));
    return { imported };
  });
}

// ------------------------------------------------------------------ the desk's side

/** The device's hall's staff: verifiers of the active, names only of the disabled. */
export async function staffDirectory(db: Db, auth: DeviceAuth): Promise<StaffDirectoryResponse> {
  const { rows } = await db.query<StaffRow & { server_time: unknown }>(
    `SELECT s.staff_no, s.name, s.roles, s.state, s.verifier, s.must_change, s.pw_version,
            now() AS server_time
       FROM staff s WHERE s.hall_id = $1 AND s.state <> 'removed' ORDER BY s.staff_no`,
    [auth.hallId],
  );
  const staff: DeskStaff[] = rows.map((r) => ({
    staffNo: r.staff_no,
    name: r.name,
    roles: r.roles,
    state: r.state === 'active' ? 'active' : 'disabled',
    mustChange: r.must_change,
    pwVersion: r.pw_version,
    ...(r.state === 'active' ? { verifier: r.verifier } : {}),
  }));
  return { hallCode: auth.hallCode, serverTime: new Date().toISOString(), staff };
}

/**
 * A desk's reports. A lockout is recorded; a password set at first sign-in replaces the
 * verifier only if no reset happened at the centre since the desk's copy (basePwVersion).
 * Each event is kept once by its id (a resend is a duplicate). Staff of another hall: refused.
 */
export async function storeStaffEvents(
  db: Db,
  auth: DeviceAuth,
  body: unknown,
): Promise<StaffEventsResponse> {
  const { events } = parse(StaffEventsRequest, body);
  return db.transaction(async (tx) => {
    const results: StaffEventsResponse['results'] = [];
    for (const e of events) {
      const s = await findStaff(tx, e.staffNo);
      if (!s) fail('E_STAFF_UNKNOWN', `没有工号 ${e.staffNo} (unknown staff member)`);
      if (s.hall_id !== auth.hallId)
        fail('E_STAFF_HALL', `工号 ${e.staffNo} 不属于本营业厅 (staff of another hall)`);
      const dup = await tx.query('SELECT 1 FROM staff_events WHERE id = $1', [e.id]);
      if (dup.rows.length) {
        results.push({ id: e.id, status: 'duplicate' });
        continue;
      }
      let status: 'applied' | 'superseded' = 'applied';
      if (e.kind === 'password') {
        const upd = await tx.query(
          `UPDATE staff SET verifier = $2::jsonb, must_change = false,
                  pw_version = pw_version + 1, updated_at = now()
            WHERE id = $1 AND pw_version = $3 AND state = 'active'`,
          [s.id, JSON.stringify(e.verifier), e.basePwVersion],
        );
        if (upd.rowCount === 0) status = 'superseded';
      }
      await tx.query(
        `INSERT INTO staff_events (id, device_id, staff_id, kind, at, status)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [e.id, auth.deviceId, s.id, e.kind, e.at, status],
      );
      results.push({ id: e.id, status });
    }
    return { results };
  });
}
