// The desk's offline staff sign-in: the hall's staff directory as last pulled (verifiers only),
// per-person local state on this desk (wrong-password count and lock, session PIN verifier,
// a password set here not yet confirmed by the centre), and the reports waiting for the next
// sync (lockouts, new passwords). Kept in the meta table (no schema change). No React, no
// network: the sync stage (sync.ts) feeds it, the sign-in screen calls it.
import type {
  DeskStaff,
  StaffDirectoryResponse,
  StaffEvent,
} from '../../../shared/staff/directory';
import {
  checkVerifier,
  makeVerifier,
  passwordProblem,
  pinProblem,
  type Verifier,
} from '../../../shared/staff/password';
import { staffConfig, type Role, type StaffPolicy } from '../../../shared/staff/roles';
import type { HallDeskDB } from '../db/db';

export const STAFF_META = {
  directory: 'staff.directory',
  local: 'staff.local',
  outbox: 'staff.outbox',
  session: 'staff.session',
} as const;

export interface StoredDirectory {
  hallCode: string;
  /** Desk clock when the directory was last pulled successfully (staleness is measured from it). */
  fetchedAt: string;
  staff: DeskStaff[];
}

export interface LocalStaffState {
  failures: number;
  lockedUntil?: string;
  /** Set once the person signed in on this desk: a stale desk still lets them in. */
  knownAt?: string;
  pin?: Verifier;
  pinFailures?: number;
  /** A password set on this desk (first sign-in), until the centre's directory carries it. */
  pending?: { verifier: Verifier; basePwVersion: number };
}

export interface StaffSession {
  id: string;
  staffNo: string;
  name: string;
  roles: Role[];
  startedAt: string;
  locked: boolean;
  /** No PIN on this desk yet: the lock screen asks for the password. */
  hasPin: boolean;
}

export type SignInResult =
  | { ok: true; session: StaffSession; mustChange: boolean; needsPin: boolean }
  | {
      ok: false;
      code: 'wrong' | 'locked' | 'disabled' | 'stale' | 'no_directory';
      message: string;
      lockedUntil?: string;
    };

export function policy(): StaffPolicy {
  return staffConfig.policy;
}

async function getMeta<T>(db: HallDeskDB, key: string): Promise<T | undefined> {
  return (await db.meta.get(key))?.value as T | undefined;
}

export async function loadDirectory(db: HallDeskDB): Promise<StoredDirectory | null> {
  return (await getMeta<StoredDirectory>(db, STAFF_META.directory)) ?? null;
}

/**
 * True when sign-in is required: the hall has staff in the directory. A desk enrolled before
 * staff existed (or a hall without staff yet) keeps working as before; its records carry no
 * staff id and show "未记录".
 */
export async function signInRequired(db: HallDeskDB): Promise<boolean> {
  const d = await loadDirectory(db);
  return !!d && d.staff.length > 0;
}

async function localStates(db: HallDeskDB): Promise<Record<string, LocalStaffState>> {
  return (await getMeta<Record<string, LocalStaffState>>(db, STAFF_META.local)) ?? {};
}

export async function localState(db: HallDeskDB, staffNo: string): Promise<LocalStaffState> {
  return (await localStates(db))[staffNo] ?? { failures: 0 };
}

async function putLocal(db: HallDeskDB, staffNo: string, next: LocalStaffState): Promise<void> {
  const all = await localStates(db);
  all[staffNo] = next;
  await db.meta.put({ key: STAFF_META.local, value: all });
}

async function queueEvent(db: HallDeskDB, e: StaffEvent): Promise<void> {
  const list = (await getMeta<StaffEvent[]>(db, STAFF_META.outbox)) ?? [];
  list.push(e);
  await db.meta.put({ key: STAFF_META.outbox, value: list });
}

export async function pendingStaffEvents(db: HallDeskDB): Promise<StaffEvent[]> {
  return (await getMeta<StaffEvent[]>(db, STAFF_META.outbox)) ?? [];
}

/** Drops reported events (by id) once the centre answered for them. */
export async function dropStaffEvents(db: HallDeskDB, ids: string[]): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const list = (await getMeta<StaffEvent[]>(db, STAFF_META.outbox)) ?? [];
    await db.meta.put({
      key: STAFF_META.outbox,
      value: list.filter((e) => !ids.includes(e.id)),
    });
  });
}

export async function currentSession(db: HallDeskDB): Promise<StaffSession | null> {
  return (await getMeta<StaffSession>(db, STAFF_META.session)) ?? null;
}

async function putSession(db: HallDeskDB, s: StaffSession | null): Promise<void> {
  if (s) await db.meta.put({ key: STAFF_META.session, value: s });
  else await db.meta.delete(STAFF_META.session);
}

function stale(dir: StoredDirectory, nowMs: number): boolean {
  return nowMs - Date.parse(dir.fetchedAt) > policy().maxStaleDays * 86_400_000;
}

/** The verifier this desk checks for a person: a password set here wins until the centre has it. */
function verifierFor(person: DeskStaff, local: LocalStaffState): Verifier | undefined {
  if (local.pending && local.pending.basePwVersion >= person.pwVersion)
    return local.pending.verifier;
  return person.verifier;
}

/**
 * Staff number + password, offline. Five wrong passwords (configuration) lock the account on
 * this desk for 15 minutes and queue a lockout report for the centre. The same message for an
 * unknown number and a wrong password.
 */
export async function signIn(
  db: HallDeskDB,
  staffNo: string,
  password: string,
  now: Date = new Date(),
): Promise<SignInResult> {
  const dir = await loadDirectory(db);
  if (!dir || dir.staff.length === 0)
    return { ok: false, code: 'no_directory', message: '本机还没有人员名单，请先同步' };
  const no = staffNo.trim();
  const person = dir.staff.find((s) => s.staffNo.toLowerCase() === no.toLowerCase());
  const local = person ? await localState(db, person.staffNo) : { failures: 0 };
  const p = policy();
  if (local.lockedUntil && Date.parse(local.lockedUntil) > now.getTime()) {
    const mins = Math.ceil((Date.parse(local.lockedUntil) - now.getTime()) / 60_000);
    return {
      ok: false,
      code: 'locked',
      lockedUntil: local.lockedUntil,
      message: `密码错误次数过多，账号在本机已锁定，请 ${mins} 分钟后再试`,
    };
  }
  if (person && person.state !== 'active')
    return { ok: false, code: 'disabled', message: '账号已停用，请联系营业厅主管' };
  if (person && stale(dir, now.getTime()) && !local.knownAt)
    return {
      ok: false,
      code: 'stale',
      message: `本机已超过 ${p.maxStaleDays} 天未与中心同步，新的人员须先连接中心同步后才能登录`,
    };
  const verifier = person ? verifierFor(person, local) : undefined;
  const good = await checkVerifier(password, verifier ?? null);
  if (!person || !good) {
    if (person) {
      const failures = (local.lockedUntil ? 0 : local.failures) + 1;
      const { lockedUntil: _drop, ...rest } = local;
      void _drop;
      const next: LocalStaffState = { ...rest, failures };
      if (failures >= p.lockoutAttempts) {
        next.lockedUntil = new Date(now.getTime() + p.lockoutMinutes * 60_000).toISOString();
        next.failures = 0;
        await queueEvent(db, {
          id: crypto.randomUUID(),
          kind: 'lockout',
          staffNo: person.staffNo,
          at: now.toISOString(),
          attempts: failures,
        });
        await putLocal(db, person.staffNo, next);
        return {
          ok: false,
          code: 'locked',
          lockedUntil: next.lockedUntil,
          message: `密码连续错误 ${failures} 次，账号在本机锁定 ${p.lockoutMinutes} 分钟`,
        };
      }
      await putLocal(db, person.staffNo, next);
      const left = p.lockoutAttempts - failures;
      return { ok: false, code: 'wrong', message: `工号或密码错误（再错 ${left} 次将锁定）` };
    }
    return { ok: false, code: 'wrong', message: '工号或密码错误' };
  }
  const mustChange = person.mustChange && !local.pending;
  const { lockedUntil: _l, ...clean } = local;
  void _l;
  await putLocal(db, person.staffNo, { ...clean, failures: 0, knownAt: now.toISOString() });
  const session: StaffSession = {
    id: crypto.randomUUID(),
    staffNo: person.staffNo,
    name: person.name,
    roles: person.roles,
    startedAt: now.toISOString(),
    locked: false,
    hasPin: !!local.pin,
  };
  // A person who must change the password gets no working session until they have.
  if (!mustChange) await putSession(db, session);
  return { ok: true, session, mustChange, needsPin: !local.pin };
}

/**
 * First sign-in or after a reset: the new password's verifier replaces the one this desk checks
 * and goes to the centre at the next sync (it keeps it unless the centre reset it since).
 */
export async function changePassword(
  db: HallDeskDB,
  session: StaffSession,
  newPassword: string,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; message: string }> {
  const problem = passwordProblem(newPassword, session.staffNo);
  if (problem) return { ok: false, message: problem };
  const dir = await loadDirectory(db);
  const person = dir?.staff.find((s) => s.staffNo === session.staffNo);
  if (!person) return { ok: false, message: '人员名单中没有此工号' };
  const local = await localState(db, person.staffNo);
  if (await checkVerifier(newPassword, verifierFor(person, local) ?? null))
    return { ok: false, message: '新密码不能与原密码相同' };
  const verifier = await makeVerifier(newPassword);
  await putLocal(db, person.staffNo, {
    ...local,
    pending: { verifier, basePwVersion: person.pwVersion },
  });
  await queueEvent(db, {
    id: crypto.randomUUID(),
    kind: 'password',
    staffNo: person.staffNo,
    at: now.toISOString(),
    basePwVersion: person.pwVersion,
    verifier,
  });
  await putSession(db, session);
  return { ok: true };
}

/** Sets (or replaces) the person's unlock PIN on this desk. */
export async function setPin(
  db: HallDeskDB,
  session: StaffSession,
  pin: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const problem = pinProblem(pin);
  if (problem) return { ok: false, message: problem };
  const local = await localState(db, session.staffNo);
  await putLocal(db, session.staffNo, {
    ...local,
    pin: await makeVerifier(pin),
    pinFailures: 0,
  });
  const cur = await currentSession(db);
  if (cur && cur.id === session.id) await putSession(db, { ...cur, hasPin: true });
  return { ok: true };
}

/** Locks the current session (inactivity, the lock shortcut). */
export async function lockSession(db: HallDeskDB): Promise<StaffSession | null> {
  const s = await currentSession(db);
  if (!s) return null;
  const next = { ...s, locked: true };
  await putSession(db, next);
  return next;
}

export type UnlockResult =
  { ok: true; session: StaffSession } | { ok: false; ended: boolean; message: string };

/**
 * Unlocks with the PIN (or the password when no PIN is set here). Too many wrong PINs end the
 * session: the person signs in again with the password.
 */
export async function unlock(db: HallDeskDB, secret: string): Promise<UnlockResult> {
  const s = await currentSession(db);
  if (!s) return { ok: false, ended: true, message: '会话已结束，请重新登录' };
  const dir = await loadDirectory(db);
  const person = dir?.staff.find((x) => x.staffNo === s.staffNo);
  if (!person || person.state !== 'active') {
    await putSession(db, null);
    return { ok: false, ended: true, message: '账号已停用，会话已结束' };
  }
  const local = await localState(db, s.staffNo);
  const good = local.pin
    ? await checkVerifier(secret, local.pin)
    : await checkVerifier(secret, verifierFor(person, local) ?? null);
  if (good) {
    await putLocal(db, s.staffNo, { ...local, pinFailures: 0 });
    const next = { ...s, locked: false };
    await putSession(db, next);
    return { ok: true, session: next };
  }
  const failures = (local.pinFailures ?? 0) + 1;
  if (failures >= policy().pinAttempts) {
    await putLocal(db, s.staffNo, { ...local, pinFailures: 0 });
    await putSession(db, null);
    return { ok: false, ended: true, message: 'PIN 错误次数过多，请用密码重新登录' };
  }
  await putLocal(db, s.staffNo, { ...local, pinFailures: failures });
  return {
    ok: false,
    ended: false,
    message: `${local.pin ? 'PIN' : '密码'}错误（还可再试 ${policy().pinAttempts - failures} 次）`,
  };
}

/** Ends the session (sign-out, shift change). */
export async function signOut(db: HallDeskDB): Promise<void> {
  await putSession(db, null);
}

/**
 * Stores a freshly pulled directory. A password set here that the centre now carries (its
 * pwVersion moved past our base) or that a reset superseded is dropped; a signed-in person who is
 * no longer active loses the session at once. Returns whether the session was ended.
 */
export async function applyDirectory(
  db: HallDeskDB,
  res: StaffDirectoryResponse,
  now: Date = new Date(),
): Promise<{ sessionEnded: boolean }> {
  return db.transaction('rw', db.meta, async () => {
    await db.meta.put({
      key: STAFF_META.directory,
      value: {
        hallCode: res.hallCode,
        fetchedAt: now.toISOString(),
        staff: res.staff,
      } satisfies StoredDirectory,
    });
    const all = await localStates(db);
    const outbox = (await getMeta<StaffEvent[]>(db, STAFF_META.outbox)) ?? [];
    for (const [no, st] of Object.entries(all)) {
      const person = res.staff.find((s) => s.staffNo === no);
      const reportWaiting = outbox.some((e) => e.kind === 'password' && e.staffNo === no);
      if (
        st.pending &&
        (!person || (person.pwVersion > st.pending.basePwVersion && !reportWaiting))
      )
        delete st.pending;
    }
    await db.meta.put({ key: STAFF_META.local, value: all });
    const s = await currentSession(db);
    if (s) {
      const person = res.staff.find((x) => x.staffNo === s.staffNo);
      if (!person || person.state !== 'active') {
        await putSession(db, null);
        return { sessionEnded: true };
      }
      // Roles changed at the centre apply from this pull on.
      if (person.roles.join() !== s.roles.join())
        await putSession(db, { ...s, roles: person.roles, name: person.name });
    }
    return { sessionEnded: false };
  });
}
