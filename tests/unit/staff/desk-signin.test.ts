// The desk's offline sign-in (renderer/src/staff/local.ts) on a real IndexedDB (fake-indexeddb):
// verifier check, lockout after five wrong passwords with its report, PIN unlock and its limit,
// revocation at pull, the stale-directory rule, first-sign-in password change.
import { describe, expect, it } from 'vitest';
import type { DeskStaff } from '../../../shared/staff/directory';
import { checkVerifier, makeVerifier } from '../../../shared/staff/password';
import { staffConfig } from '../../../shared/staff/roles';
import {
  applyDirectory,
  changePassword,
  currentSession,
  lockSession,
  pendingStaffEvents,
  setPin,
  signIn,
  signInRequired,
  unlock,
} from '../../../renderer/src/staff/local';
import { freshDb } from '../store/factory';

async function person(no: string, pw: string, over: Partial<DeskStaff> = {}): Promise<DeskStaff> {
  return {
    staffNo: no,
    name: `员工${no}`,
    roles: ['clerk'],
    state: 'active',
    mustChange: false,
    pwVersion: 1,
    verifier: await makeVerifier(pw),
    ...over,
  };
}

const dir = (staff: DeskStaff[]) => ({
  hallCode: 'H001',
  serverTime: new Date().toISOString(),
  staff,
});

describe('desk sign-in', () => {
  it('is not required on a desk whose hall has no staff (desks enrolled before staff)', async () => {
    const db = await freshDb();
    expect(await signInRequired(db)).toBe(false);
    await applyDirectory(db, dir([]));
    expect(await signInRequired(db)).toBe(false);
    await applyDirectory(db, dir([await person('C1', 'Secret123')]));
    expect(await signInRequired(db)).toBe(true);
  });

  it('verifies offline against the pulled verifier; the password itself is never stored', async () => {
    const db = await freshDb();
    await applyDirectory(db, dir([await person('C1', 'Secret123')]));
    expect((await signIn(db, 'C1', 'wrong1234')).ok).toBe(false);
    const r = await signIn(db, 'c1', 'Secret123');
    expect(r.ok).toBe(true);
    expect((await currentSession(db))?.staffNo).toBe('C1');
    const everything = JSON.stringify(await db.meta.toArray());
    expect(everything).not.toContain('Secret123');
  });

  it('locks the account on this desk after five wrong passwords and reports it', async () => {
    const db = await freshDb();
    await applyDirectory(db, dir([await person('C1', 'Secret123')]));
    const t0 = new Date('2026-12-07T08:00:00Z');
    const n = staffConfig.policy.lockoutAttempts;
    for (let i = 1; i < n; i++) {
      const r = await signIn(db, 'C1', `bad${i}`, t0);
      expect(r.ok === false && r.code).toBe('wrong');
    }
    const locked = await signIn(db, 'C1', 'bad-last', t0);
    expect(locked.ok === false && locked.code).toBe('locked');
    // Even the right password is refused while locked.
    const during = await signIn(db, 'C1', 'Secret123', new Date(t0.getTime() + 14 * 60_000));
    expect(during.ok === false && during.code).toBe('locked');
    expect(during.ok === false && during.message).toContain('锁定');
    const events = await pendingStaffEvents(db);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'lockout', staffNo: 'C1', attempts: n });
    // After 15 minutes the right password works again.
    const after = await signIn(db, 'C1', 'Secret123', new Date(t0.getTime() + 15 * 60_000 + 1));
    expect(after.ok).toBe(true);
  });

  it('unlocks a locked session with the PIN; too many wrong PINs end the session', async () => {
    const db = await freshDb();
    await applyDirectory(db, dir([await person('C1', 'Secret123')]));
    const r = await signIn(db, 'C1', 'Secret123');
    if (!r.ok) throw new Error(r.message);
    expect(r.needsPin).toBe(true);
    expect((await setPin(db, r.session, '12')).ok).toBe(false);
    expect((await setPin(db, r.session, '1111')).ok).toBe(false);
    expect((await setPin(db, r.session, '2468')).ok).toBe(true);
    await lockSession(db);
    expect((await currentSession(db))?.locked).toBe(true);
    expect((await unlock(db, '0000')).ok).toBe(false);
    const ok = await unlock(db, '2468');
    expect(ok.ok).toBe(true);
    expect((await currentSession(db))?.locked).toBe(false);
    await lockSession(db);
    let last;
    for (let i = 0; i < staffConfig.policy.pinAttempts; i++) last = await unlock(db, '9999');
    expect(last).toMatchObject({ ok: false, ended: true });
    expect(await currentSession(db)).toBeNull();
  });

  it('a disabled or removed account stops working at the next pull, ending its session', async () => {
    const db = await freshDb();
    const c1 = await person('C1', 'Secret123');
    const c2 = await person('C2', 'Other1234');
    await applyDirectory(db, dir([c1, c2]));
    expect((await signIn(db, 'C1', 'Secret123')).ok).toBe(true);
    const r = await applyDirectory(
      db,
      dir([{ ...c1, state: 'disabled', verifier: undefined }, c2]),
    );
    expect(r.sessionEnded).toBe(true);
    expect(await currentSession(db)).toBeNull();
    const again = await signIn(db, 'C1', 'Secret123');
    expect(again.ok === false && again.code).toBe('disabled');
    await applyDirectory(db, dir([c1]));
    expect((await signIn(db, 'C2', 'Other1234')).ok).toBe(false);
  });

  it('a desk that has not pulled for longer than allowed lets only people it knows sign in', async () => {
    const db = await freshDb();
    const t0 = new Date('2026-12-01T08:00:00Z');
    await applyDirectory(
      db,
      dir([await person('C1', 'Secret123'), await person('C2', 'Other1234')]),
      t0,
    );
    expect((await signIn(db, 'C1', 'Secret123', t0)).ok).toBe(true);
    const late = new Date(t0.getTime() + (staffConfig.policy.maxStaleDays + 1) * 86_400_000);
    expect((await signIn(db, 'C1', 'Secret123', late)).ok).toBe(true);
    const newcomer = await signIn(db, 'C2', 'Other1234', late);
    expect(newcomer.ok === false && newcomer.code).toBe('stale');
    expect(newcomer.ok === false && newcomer.message).toContain('同步');
  });

  it('first sign-in forces a new password, used at once offline and reported to the centre', async () => {
    const db = await freshDb();
    const c1 = await person('C1', 'temp1234ab', { mustChange: true });
    await applyDirectory(db, dir([c1]));
    const r = await signIn(db, 'C1', 'temp1234ab');
    if (!r.ok) throw new Error(r.message);
    expect(r.mustChange).toBe(true);
    expect(await currentSession(db)).toBeNull();
    expect((await changePassword(db, r.session, 'short')).ok).toBe(false);
    expect((await changePassword(db, r.session, 'temp1234ab')).ok).toBe(false);
    expect((await changePassword(db, r.session, 'Mine2026ok')).ok).toBe(true);
    expect((await currentSession(db))?.staffNo).toBe('C1');
    const [ev] = await pendingStaffEvents(db);
    expect(ev).toMatchObject({ kind: 'password', basePwVersion: 1 });
    expect(await checkVerifier('Mine2026ok', ev!.kind === 'password' ? ev!.verifier : null)).toBe(
      true,
    );
    // Offline: the new password works, the old one no longer does; a pull that still carries
    // the old verifier (report not sent yet) does not undo it.
    await applyDirectory(db, dir([c1]));
    expect((await signIn(db, 'C1', 'temp1234ab')).ok).toBe(false);
    const again = await signIn(db, 'C1', 'Mine2026ok');
    expect(again.ok && again.mustChange).toBe(false);
  });
});
