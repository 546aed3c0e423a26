// The signed-in person as the React tree sees it: a small zustand store mirrored from the meta
// table (local.ts), the idle timer that locks the session, and who to stamp on records.
import { create } from 'zustand';
import type { HallDeskDB } from '../db/db';
import { setCurrentActor } from './actor';
import { currentSession, lockSession, policy, signInRequired, type StaffSession } from './local';

export interface StaffGate {
  /** Loaded once the local database answered. */
  ready: boolean;
  /** The hall has staff: the desk needs a signed-in person. */
  required: boolean;
  session: StaffSession | null;
  /** Bumped at every sign-in, shift change and sign-out: the page tree is remounted. */
  epoch: number;
}

export const useStaffGate = create<StaffGate>(() => ({
  ready: false,
  required: false,
  session: null,
  epoch: 0,
}));

// The stamp on records follows the gate: a locked session stamps nobody (nothing can be done).
useStaffGate.subscribe((s) =>
  setCurrentActor(
    s.session && !s.session.locked
      ? { staffNo: s.session.staffNo, name: s.session.name }
      : undefined,
  ),
);

/** Re-reads the gate from the database (after a pull, a sign-in, a lock). */
export async function refreshGate(db: HallDeskDB, opts: { newEpoch?: boolean } = {}) {
  const [required, session] = await Promise.all([signInRequired(db), currentSession(db)]);
  useStaffGate.setState((s) => ({
    ready: true,
    required,
    session,
    epoch: opts.newEpoch ? s.epoch + 1 : s.epoch,
  }));
}

/** The staff number to stamp on what the desk records now (undefined: no staff here). */
export function currentStaffNo(): string | undefined {
  const s = useStaffGate.getState().session;
  return s && !s.locked ? s.staffNo : undefined;
}

export function currentStaffName(): string | undefined {
  const s = useStaffGate.getState().session;
  return s && !s.locked ? s.name : undefined;
}

let idleTimer: ReturnType<typeof setTimeout> | null = null;
let idleDb: HallDeskDB | null = null;

function armIdle(): void {
  if (idleTimer) clearTimeout(idleTimer);
  const s = useStaffGate.getState().session;
  if (!idleDb || !s || s.locked) return;
  const db = idleDb;
  idleTimer = setTimeout(() => void lockNow(db), policy().idleLockMinutes * 60_000);
}

export async function lockNow(db: HallDeskDB): Promise<void> {
  await lockSession(db);
  await refreshGate(db);
}

/** Starts the inactivity lock: any key, pointer or wheel input restarts the countdown. */
export function watchIdle(db: HallDeskDB): () => void {
  idleDb = db;
  const onInput = () => armIdle();
  const events = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
  for (const e of events) window.addEventListener(e, onInput, { passive: true, capture: true });
  const unsub = useStaffGate.subscribe(() => armIdle());
  armIdle();
  return () => {
    for (const e of events) window.removeEventListener(e, onInput, { capture: true });
    unsub();
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
  };
}
