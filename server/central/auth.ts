// Tokens of the central endpoint: device tokens (from enrollment) and the administrator token,
// both kept only as SHA-256 hashes; request authentication for device and admin routes.
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../db/db';
import {
  CODE_ALPHABET,
  SECRET_LENGTH,
  formatEnrollmentCode,
  parseEnrollmentCode,
} from '../../shared/protocol/enrollmentCode';
import { fail } from './errors';
import { TurnBatch, perOwner } from '../db/turnBatch';
import { preparedSql } from '../db/prepared';
import type { DeviceAuthCache } from './deviceAuthCache';
import { endAllSessions } from './sessions';

export function sha256Hex(data: string | Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** A bearer token: 32 random bytes, base64url, with a prefix that says what it is. */
export function newToken(prefix: 'hd_dev' | 'hd_adm'): string {
  return `${prefix}_${crypto.randomBytes(32).toString('base64url')}`;
}

/** Human-typable one-time code: 8 characters without look-alikes, shown as XXXX-XXXX. */
export function newEnrollmentCode(): string {
  const bytes = crypto.randomBytes(8);
  let s = '';
  for (const b of bytes) s += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}
/** Case, spaces and dashes do not matter when a clerk types the code. */
export function normaliseEnrollmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** A code carrying its hall and desk (shared/protocol/enrollmentCode.ts): 60 random bits. */
export function newDeskEnrollmentCode(hallCode: string, deskCode: string): string {
  const bytes = crypto.randomBytes(SECRET_LENGTH);
  let s = '';
  // 256 % 30 leaves a bias of under 1 %: acceptable for a one-time, expiring, hashed code.
  for (const b of bytes) s += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return formatEnrollmentCode(hallCode, deskCode, s);
}

/** The stored hash of a code as typed: the canonical form of either kind. */
export function enrollmentCodeHash(code: string): string {
  let canonical = normaliseEnrollmentCode(code);
  try {
    const parsed = parseEnrollmentCode(code);
    if (parsed) canonical = parsed.normalized;
  } catch {
    /* malformed: hashes to nothing stored */
  }
  return sha256Hex(canonical);
}

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

function safeEqualHex(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && crypto.timingSafeEqual(ba, bb);
}

export interface DeviceAuth {
  deviceId: string;
  deviceName: string;
  hallId: number;
  hallCode: string;
  hallName: string;
  /** 'desk' or 'service' (the hall queue service's uplink): what the device may do (pushRules.ts). */
  kind: DeviceKind;
}

export type DeviceKind = 'desk' | 'service';

/**
 * Authenticates a device request; throws E_AUTH / E_TOKEN_REVOKED / E_FORBIDDEN. With a cache,
 * a token checked in the last few seconds is not looked up again (deviceAuthCache.ts).
 */
export async function authenticateDevice(
  db: Db,
  req: FastifyRequest,
  cache?: DeviceAuthCache,
): Promise<DeviceAuth> {
  const token = bearerToken(req);
  if (!token) fail('E_AUTH', '缺少设备令牌 (missing bearer token)');
  if (token.startsWith('hd_adm_')) {
    fail('E_FORBIDDEN', '管理员令牌不能用于设备接口 (admin token on a device endpoint)');
  }
  const hash = sha256Hex(token);
  const known = cache?.get(hash);
  if (known) return known;
  const d = await tokenLookupsFor(db).ask(hash);
  if (!d) fail('E_AUTH', '设备令牌无效 (unknown token)');
  if (d.revoked_at)
    fail('E_TOKEN_REVOKED', '设备已被吊销，请重新登记 (device revoked: enroll again)');
  const auth: DeviceAuth = {
    deviceId: d.id,
    deviceName: d.name,
    hallId: d.hall_id,
    hallCode: d.code,
    hallName: d.hall_name,
    kind: d.kind === 'service' ? 'service' : 'desk',
  };
  cache?.set(hash, auth);
  return auth;
}

interface DeviceTokenRow {
  token_sha256: string;
  id: string;
  name: string;
  hall_id: number;
  code: string;
  hall_name: string;
  revoked_at: unknown;
  kind: string;
}

/** At most this many lookups per query. */
const LOOKUP_BATCH = 500;

/**
 * Device token lookups of one event-loop turn, answered by one query (turnBatch.ts); a token
 * asked for twice in the turn is looked up once.
 */
const tokenLookupsFor = perOwner(
  (db: Db) =>
    new TurnBatch<string, DeviceTokenRow | undefined>(async (hashes) => {
      const { rows } = await db.query<DeviceTokenRow>(
        preparedSql(`SELECT d.token_sha256, d.id, d.name, d.hall_id, d.revoked_at, d.kind, h.code,
                h.name AS hall_name
           FROM devices d JOIN halls h ON h.id = d.hall_id
          WHERE d.token_sha256 = ANY($1::text[])`),
        [[...new Set(hashes)]],
      );
      const byHash = new Map(rows.map((r) => [r.token_sha256, r]));
      return hashes.map((h) => byHash.get(h));
    }, LOOKUP_BATCH),
);

const ADMIN_HASH_KEY = 'admin_token_sha256';

/**
 * Makes sure an administrator token exists. An explicit token (option or HALLDESK_ADMIN_TOKEN)
 * replaces the stored hash; otherwise the stored hash is kept, and on the very first start a
 * token is generated and returned once so that main.ts can print it.
 */
export async function ensureAdminToken(
  db: Queryable,
  explicit: string | undefined,
): Promise<{ generated: string | null }> {
  if (explicit) {
    if (explicit.length < 16) throw new Error('admin token must be at least 16 characters');
    const { rows } = await db.query<{ value: string }>(
      'SELECT value FROM settings WHERE key = $1',
      [ADMIN_HASH_KEY],
    );
    // A new token ends every console session signed in with the old one.
    if (rows[0] && rows[0].value !== sha256Hex(explicit)) await endAllSessions(db);
    await db.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [ADMIN_HASH_KEY, sha256Hex(explicit)],
    );
    return { generated: null };
  }
  const token = newToken('hd_adm');
  const { rowCount } = await db.query(
    `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
    [ADMIN_HASH_KEY, sha256Hex(token)],
  );
  return { generated: rowCount > 0 ? token : null };
}

export async function checkAdminToken(db: Db, token: string | null | undefined): Promise<boolean> {
  if (!token) return false;
  const { rows } = await db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
    ADMIN_HASH_KEY,
  ]);
  const stored = rows[0]?.value;
  return !!stored && safeEqualHex(stored, sha256Hex(token));
}

export async function authenticateAdmin(db: Db, req: FastifyRequest): Promise<void> {
  const token = bearerToken(req);
  if (!token) fail('E_AUTH', '缺少管理员令牌 (missing bearer token)');
  if (token.startsWith('hd_dev_')) {
    fail('E_FORBIDDEN', '设备令牌不能用于管理接口 (device token on an admin endpoint)');
  }
  if (!(await checkAdminToken(db, token))) fail('E_AUTH', '管理员令牌无效 (invalid admin token)');
}
