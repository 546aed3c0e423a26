// Console sessions: after a sign-in with the admin token (POST form, never a URL), the browser
// holds a random session id in an HttpOnly cookie; the database keeps only its SHA-256 with an
// absolute expiry and an idle timeout, shared by every endpoint process on the database.
// Sign-out deletes the row; replacing the admin token ends every session.
import crypto from 'node:crypto';
import type { Queryable } from '../db/db';
import { sha256Hex } from './auth';

export interface SessionPolicy {
  /** A session ends this long after sign-in, used or not. */
  maxAgeMinutes: number;
  /** A session nobody used for this long ends. */
  idleMinutes: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { maxAgeMinutes: 8 * 60, idleMinutes: 60 };

/** Session ids are 32 random bytes, base64url: a cookie value never derived from the token. */
const SESSION_ID_RE = /^[A-Za-z0-9_-]{43}$/;

export async function createSession(db: Queryable, policy: SessionPolicy): Promise<string> {
  const id = crypto.randomBytes(32).toString('base64url');
  await db.query('DELETE FROM console_sessions WHERE expires_at <= now()');
  await db.query(
    `INSERT INTO console_sessions (id_sha256, expires_at)
     VALUES ($1, now() + make_interval(mins => $2))`,
    [sha256Hex(id), policy.maxAgeMinutes],
  );
  return id;
}

/** True when the id names a live session; touches its idle clock. */
export async function checkSession(
  db: Queryable,
  id: string | null,
  policy: SessionPolicy,
): Promise<boolean> {
  if (!id || !SESSION_ID_RE.test(id)) return false;
  const { rowCount } = await db.query(
    `UPDATE console_sessions SET last_seen_at = now()
      WHERE id_sha256 = $1 AND expires_at > now()
        AND last_seen_at > now() - make_interval(mins => $2)`,
    [sha256Hex(id), policy.idleMinutes],
  );
  return rowCount > 0;
}

export async function endSession(db: Queryable, id: string | null): Promise<void> {
  if (!id || !SESSION_ID_RE.test(id)) return;
  await db.query('DELETE FROM console_sessions WHERE id_sha256 = $1', [sha256Hex(id)]);
}

/** Every console session ends (the admin token was replaced). */
export async function endAllSessions(db: Queryable): Promise<void> {
  await db.query('DELETE FROM console_sessions');
}
