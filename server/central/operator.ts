// Who is calling the administrator / back-office API: the administrator token (bootstrap and
// scripts: every permission) or a staff member's session (staff number + password sign-in,
// roles from the directory). Each admin route names the permission it needs (ROUTE_PERMISSIONS);
// a hall manager's permissions hold for their own hall only.
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { StaffSessionRequest, type StaffSessionResponse } from '../../shared/staff/directory';
import { checkVerifier, makeVerifier, passwordProblem } from '../../shared/staff/password';
import {
  allowedRolesText,
  may,
  staffConfig,
  type Permission,
  type Role,
} from '../../shared/staff/roles';
import type { Db } from '../db/db';
import { iso } from '../db/db';
import { parse } from './admin';
import { bearerToken, checkAdminToken, sha256Hex } from './auth';
import { fail } from './errors';
import { findStaff } from './staff';

export type Operator =
  | { kind: 'admin' }
  | { kind: 'staff'; staffNo: string; name: string; roles: Role[]; hallId: number | null };

declare module 'fastify' {
  interface FastifyRequest {
    operator?: Operator;
  }
}

/** 'admin': only the administrator token or a staff member with the admin role. */
type Need = Permission | 'admin' | 'any';

/** `METHOD /path` (as registered under /api/v1/admin) → what it needs. Unlisted: 'admin'. */
export const ROUTE_PERMISSIONS: Record<string, Need> = {
  'GET /halls': 'any',
  'GET /applications': 'any',
  'GET /applications/:id': 'any',
  'POST /applications/:id/transition': 'application.transition',
  'PATCH /applications/:id': 'application.transition',
  'GET /audit': 'audit.read',
  'GET /audit/verify': 'audit.read',
  'GET /staff': 'staff.manage',
  'POST /staff': 'staff.manage',
  'PATCH /staff/:no': 'staff.manage',
  'POST /staff/:no/reset-password': 'staff.manage',
  'POST /staff/import': 'staff.manage',
  'GET /supervision': 'supervision.hall',
  'GET /supervision/records': 'supervision.hall',
  'POST /supervision/notes': 'supervision.hall',
  'PATCH /supervision/notes/:id': 'supervision.hall',
};

const PREFIX = '/api/v1/admin';

export async function authenticateOperator(db: Db, req: FastifyRequest): Promise<Operator> {
  const token = bearerToken(req);
  if (!token) fail('E_AUTH', '缺少管理员令牌或登录令牌 (missing bearer token)');
  if (token.startsWith('hd_dev_'))
    fail('E_FORBIDDEN', '设备令牌不能用于管理接口 (device token on an admin endpoint)');
  if (token.startsWith('hd_stf_')) {
    const { rows } = await db.query<{
      staff_no: string;
      name: string;
      roles: Role[];
      hall_id: number | null;
      state: string;
    }>(
      `SELECT s.staff_no, s.name, s.roles, s.hall_id, s.state
         FROM staff_sessions x JOIN staff s ON s.id = x.staff_id
        WHERE x.token_sha256 = $1 AND x.expires_at > now()`,
      [sha256Hex(token)],
    );
    const s = rows[0];
    if (!s) fail('E_AUTH', '登录已过期，请重新登录 (session expired)');
    if (s.state !== 'active') fail('E_STAFF_DISABLED', '账号已停用 (account disabled)');
    return { kind: 'staff', staffNo: s.staff_no, name: s.name, roles: s.roles, hallId: s.hall_id };
  }
  if (!(await checkAdminToken(db, token))) fail('E_AUTH', '管理员令牌无效 (invalid admin token)');
  return { kind: 'admin' };
}

/** Throws E_STAFF_ROLE unless the operator may do `need`. */
export function requirePermission(op: Operator, need: Need): void {
  if (op.kind === 'admin' || need === 'any') return;
  if (op.roles.includes('admin')) return;
  if (need === 'admin') fail('E_STAFF_ROLE', '此操作需要管理员角色 (administrator role required)');
  if (!may(op.roles, need))
    fail('E_STAFF_ROLE', `此操作需要角色：${allowedRolesText(need)} (role required)`);
}

/**
 * The hall a staff operator is limited to (null: every hall). Administrators, the back office
 * and anyone with supervision.all see every hall; others only their own.
 */
export function operatorHallScope(op: Operator): number | null {
  if (op.kind === 'admin' || op.roles.includes('admin')) return null;
  if (may(op.roles, 'supervision.all') || op.roles.includes('back_office')) return null;
  return op.hallId ?? -1;
}

/** Refuses a hall outside the operator's scope (E_STAFF_HALL). */
export function requireHall(op: Operator, hall: number | null): void {
  const scope = operatorHallScope(op);
  if (scope !== null && hall !== scope)
    fail('E_STAFF_HALL', '只能管理本营业厅的数据 (another hall)');
}

/** The onRequest hook of the admin API: who calls, and may they call this route. */
export function operatorHook(db: Db) {
  return async (req: FastifyRequest) => {
    const op = await authenticateOperator(db, req);
    req.operator = op;
    const url = (req.routeOptions.url ?? '').slice(PREFIX.length);
    requirePermission(op, ROUTE_PERMISSIONS[`${req.method} ${url}`] ?? 'admin');
  };
}

/**
 * Staff sign-in for the console and the back-office API. A person who must change their
 * password (first sign-in, reset) gets no session until `newPassword` is given.
 */
export async function createStaffSession(db: Db, body: unknown): Promise<StaffSessionResponse> {
  const req = parse(StaffSessionRequest, body);
  const s = await findStaff(db, req.staffNo);
  // The same answer for an unknown number and a wrong password (no probing of staff numbers);
  // the hash runs either way so that the time does not tell them apart either.
  const ok = await checkVerifier(req.password, s?.verifier ?? DUMMY_VERIFIER);
  if (!s || !ok) fail('E_STAFF_PASSWORD', '工号或密码错误 (wrong staff number or password)');
  if (s.state !== 'active') fail('E_STAFF_DISABLED', '账号已停用 (account disabled)');
  if (s.must_change || req.newPassword !== undefined) {
    if (req.newPassword === undefined)
      fail('E_STAFF_MUST_CHANGE', '首次登录或密码已重置，请设置新密码 (set a new password)');
    const problem = passwordProblem(req.newPassword, s.staff_no);
    if (problem) fail('E_VALIDATION', `${problem} (password too weak)`);
    const v = await makeVerifier(req.newPassword);
    await db.query(
      `UPDATE staff SET verifier = $2::jsonb, must_change = false, pw_version = pw_version + 1,
              updated_at = now() WHERE id = $1`,
      [s.id, JSON.stringify(v)],
    );
  }
  const token = `hd_stf_${crypto.randomBytes(32).toString('base64url')}`;
  const { rows } = await db.query<{ expires_at: unknown }>(
    `INSERT INTO staff_sessions (token_sha256, staff_id, expires_at)
     VALUES ($1, $2, now() + make_interval(hours => $3)) RETURNING expires_at`,
    [sha256Hex(token), s.id, staffConfig.policy.consoleSessionHours],
  );
  return {
    token,
    expiresAt: iso(rows[0]!.expires_at),
    staffNo: s.staff_no,
    name: s.name,
    roles: s.roles,
    hallCode: s.hall_code,
  };
}

// A verifier of a random secret, made once: unknown staff numbers cost the same hash.
let DUMMY_VERIFIER: unknown = null;
void makeVerifier(crypto.randomBytes(16).toString('hex')).then((v) => (DUMMY_VERIFIER = v));
