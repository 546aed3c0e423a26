// Where the desk keeps its enrollment (endpoint, device id, token, hall): the shell's secret
// store under Electron (safeStorage), the local database's meta table in browser mode. Also
// enrollment itself: exchanging the administrator's one-time code for a device token.
import type { HallDeskDB } from '../db/db';
import { shell } from '../shell/bridge';
import type { Credentials } from './engine';
import {
  enrolledHalls,
  REHOME_META,
  rehomeInTransaction,
  rehomeTables,
  type RehomeResult,
} from './rehome';
import { META } from './store';
import { ApiClient, normalizeEndpoint, type FetchLike } from './transport';
import {
  EnrollmentCodeError,
  parseEnrollmentCode,
  type ParsedEnrollmentCode,
} from '../../../shared/protocol/enrollmentCode';

const SECRET_KEY = 'halldesk.sync.credentials';
/** Settings key of the desk profile (renderer/src/desk/config.ts PROFILE_KEY). */
const DESK_PROFILE_KEY = 'desk.profile';

function parse(value: unknown): Credentials | null {
  const v = typeof value === 'string' ? safeJson(value) : value;
  if (!v || typeof v !== 'object') return null;
  const c = v as Partial<Credentials>;
  if (!c.endpoint || !c.deviceId || !c.token || !c.hallCode) return null;
  return c as Credentials;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return null;
  }
}

export async function loadCredentials(db: HallDeskDB): Promise<Credentials | null> {
  // The shell answers null in browser mode or without an OS keystore: then IndexedDB holds it.
  const fromShell = parse(await shell.secrets.get(SECRET_KEY).catch(() => null));
  if (fromShell) return fromShell;
  const row = await db.meta.get(META.credentials);
  return parse(row?.value);
}

export async function saveCredentials(db: HallDeskDB, c: Credentials): Promise<void> {
  const kept = await shell.secrets.set(SECRET_KEY, JSON.stringify(c)).catch(() => false);
  if (kept) {
    // Keep only the non-secret part beside the data, for display and diagnostics.
    await db.meta.put({ key: META.credentials, value: { ...c, token: '' } });
  } else {
    await db.meta.put({ key: META.credentials, value: c });
  }
}

/** Forgets the enrollment; never touches unsent data (re-enrolling must not lose anything). */
export async function clearCredentials(db: HallDeskDB): Promise<void> {
  await shell.secrets.delete(SECRET_KEY).catch(() => false);
  await db.meta.delete(META.credentials);
}

/** The endpoint and hall shown in the panel even when the token lives in the shell. */
export async function publicEnrollment(db: HallDeskDB): Promise<Omit<Credentials, 'token'> | null> {
  const row = await db.meta.get(META.credentials);
  const v = row?.value as Partial<Credentials> | undefined;
  if (!v?.endpoint || !v.deviceId || !v.hallCode) return null;
  const { token: _t, ...rest } = v as Credentials;
  return rest;
}

export class EnrollmentError extends Error {
  override readonly name = 'EnrollmentError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What enrollment did besides storing the token. */
export interface EnrollResult extends Credentials {
  /** The desk code this desk now numbers applications with (from the centre). */
  deskCode: string;
  /** Never-synced records moved to the enrolled hall (their numbers unchanged). */
  rehomed: RehomeResult;
}

/**
 * Exchanges the one-time code for a device token and stores it; then, in ONE transaction, sets
 * the hall code and the centre-allocated desk code in the desk profile (settings `desk.profile`),
 * settings `hallCode` and meta (`hall.code`, `hall.name`), and re-homes the records saved before
 * enrollment (rehome.ts) so that they sync under the enrolled hall.
 */
export async function enroll(
  db: HallDeskDB,
  input: { endpoint: string; code: string; deviceName: string },
  fetchFn: FetchLike,
): Promise<EnrollResult> {
  const endpoint = normalizeEndpoint(input.endpoint);
  const client = new ApiClient({ endpoint, fetch: fetchFn, timeoutMs: 15_000 });
  try {
    await client.health();
  } catch {
    throw new EnrollmentError('unreachable', '无法连接该中心地址，请检查地址和网络');
  }
  // The desk asks for the desk code it already numbers with; the centre grants it when no other
  // active desk of the hall holds it, else allocates a fresh one.
  const profileRow = await db.settings.get(DESK_PROFILE_KEY);
  const profile =
    profileRow?.value && typeof profileRow.value === 'object'
      ? (profileRow.value as Record<string, unknown>)
      : null;
  const wanted = typeof profile?.deskCode === 'string' ? profile.deskCode : undefined;
  const previous = await loadCredentials(db).catch(() => null);
  let res;
  try {
    res = await client.enroll({
      code: input.code,
      deviceName: input.deviceName,
      ...(wanted ? { deskCode: wanted } : {}),
    });
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'unknown';
    if (code === 'E_ENROLLMENT_CODE') {
      throw new EnrollmentError(code, '登记码无效、已使用或已过期，请向管理员索取新码');
    }
    throw new EnrollmentError(code, `登记失败：${e instanceof Error ? e.message : String(e)}`);
  }
  const creds: Credentials = {
    endpoint,
    deviceId: res.deviceId,
    token: res.token,
    hallCode: res.hallCode,
    hallName: res.hallName,
    deviceName: input.deviceName,
    enrolledAt: new Date().toISOString(),
  };
  // A code made for a desk names its hall: the centre must agree (the desk may have numbered
  // under these codes already).
  const carried = readCode(input.code);
  if (carried && carried.hallCode !== res.hallCode)
    throw new EnrollmentError(
      'hall_mismatch',
      `中心登记的营业厅 ${res.hallCode} 与登记码上的 ${carried.hallCode} 不符，请联系管理员`,
    );
  // An older centre does not allocate desk codes: the desk keeps its own.
  const deskCode = res.deskCode ?? carried?.deskCode ?? wanted ?? 'D01';
  await saveCredentials(db, creds);
  const rehomed = await db.transaction('rw', [...rehomeTables(db), db.settings], async () => {
    // The desk profile (renderer/src/desk/config.ts) carries the hall and desk codes new
    // applications get; the centre refuses records of another hall, so it must match.
    const row = await db.settings.get(DESK_PROFILE_KEY);
    const current =
      row?.value && typeof row.value === 'object'
        ? (row.value as Record<string, unknown>)
        : { clerkName: '' };
    await db.settings.put({
      key: DESK_PROFILE_KEY,
      value: { ...current, hallCode: res.hallCode, deskCode },
    });
    await db.settings.put({ key: 'hallCode', value: res.hallCode });
    await db.meta.put({ key: 'hall.code', value: res.hallCode });
    await db.meta.put({ key: 'hall.name', value: res.hallName });
    // Records of a hall this desk was enrolled in before stay there (they are that hall's).
    const known = await enrolledHalls(db);
    const keep = [...new Set([...known, ...(previous ? [previous.hallCode] : [])])].filter(
      (h) => h !== res.hallCode,
    );
    const r = await rehomeInTransaction(db, { hallCode: res.hallCode, deskCode }, keep);
    await db.meta.put({
      key: REHOME_META.enrolledHalls,
      value: [...new Set([...keep, res.hallCode])],
    });
    await db.meta.put({ key: REHOME_META.repairedFor, value: res.hallCode });
    await db.meta.delete(PENDING_ENROLLMENT);
    return r;
  });
  return { ...creds, deskCode, rehomed };
}

// ------------------------------------------------------------ offline enrollment (issue 12 §2)

/** Meta key of an enrollment code entered while the centre could not be reached. */
export const PENDING_ENROLLMENT = 'sync.pendingEnrollment';

export interface PendingEnrollment {
  endpoint: string;
  code: string;
  deviceName: string;
  hallCode: string;
  deskCode: string;
  savedAt: string;
  /** The last attempt to complete it, and why it failed (shown in the sync panel). */
  triedAt?: string;
  lastError?: string;
}

/** The hall and desk a code carries; null for an older code without them. */
export function readCode(code: string): ParsedEnrollmentCode | null {
  try {
    return parseEnrollmentCode(code);
  } catch {
    return null;
  }
}

/**
 * Takes an enrollment code without reaching the centre: the desk reads its real hall and desk
 * code from the code and numbers applications under them at once (never under a placeholder);
 * the sync engine completes the enrollment at its first contact (completePendingEnrollment).
 * Throws EnrollmentError for a code that does not carry them or is mistyped.
 */
export async function enrollOffline(
  db: HallDeskDB,
  input: { endpoint: string; code: string; deviceName: string },
): Promise<PendingEnrollment> {
  let parsed: ParsedEnrollmentCode | null;
  try {
    parsed = parseEnrollmentCode(input.code);
  } catch (e) {
    throw new EnrollmentError(
      'code_format',
      e instanceof EnrollmentCodeError ? e.messageZh : String(e),
    );
  }
  if (!parsed)
    throw new EnrollmentError(
      'code_without_desk',
      '这是旧式登记码（不含营业厅和受理台编码），需要连通中心才能登记；请向管理员索取新式登记码',
    );
  const pending: PendingEnrollment = {
    endpoint: normalizeEndpoint(input.endpoint),
    code: parsed.normalized,
    deviceName: input.deviceName,
    hallCode: parsed.hallCode,
    deskCode: parsed.deskCode,
    savedAt: new Date().toISOString(),
  };
  await db.transaction('rw', [db.settings, db.meta], async () => {
    const row = await db.settings.get(DESK_PROFILE_KEY);
    const current =
      row?.value && typeof row.value === 'object'
        ? (row.value as Record<string, unknown>)
        : { clerkName: '' };
    await db.settings.put({
      key: DESK_PROFILE_KEY,
      value: { ...current, hallCode: parsed.hallCode, deskCode: parsed.deskCode },
    });
    await db.settings.put({ key: 'hallCode', value: parsed.hallCode });
    await db.meta.put({ key: 'hall.code', value: parsed.hallCode });
    await db.meta.put({ key: PENDING_ENROLLMENT, value: pending });
  });
  return pending;
}

export async function pendingEnrollment(db: HallDeskDB): Promise<PendingEnrollment | null> {
  const row = await db.meta.get(PENDING_ENROLLMENT);
  const v = row?.value as Partial<PendingEnrollment> | undefined;
  return v?.endpoint && v.code && v.hallCode && v.deskCode ? (v as PendingEnrollment) : null;
}

/** How often a pending enrollment is retried while the centre stays out of reach. */
const PENDING_RETRY_MS = 30_000;

/**
 * The sync engine's credentials: the stored ones, or, for a desk that took its code offline,
 * the enrollment completed now if the centre answers (at most every 30 s). Null while not
 * enrolled; nothing is lost meanwhile (the outbox waits).
 */
export async function credentialsOrPending(
  db: HallDeskDB,
  fetchFn: FetchLike,
): Promise<Credentials | null> {
  const creds = await loadCredentials(db);
  if (creds) return creds;
  const pending = await pendingEnrollment(db);
  if (!pending) return null;
  if (pending.triedAt && Date.now() - Date.parse(pending.triedAt) < PENDING_RETRY_MS) return null;
  try {
    return await enroll(db, pending, fetchFn);
  } catch (e) {
    await db.meta.put({
      key: PENDING_ENROLLMENT,
      value: {
        ...pending,
        triedAt: new Date().toISOString(),
        lastError: e instanceof Error ? e.message : String(e),
      },
    });
    return null;
  }
}
