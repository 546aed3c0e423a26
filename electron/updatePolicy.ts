// When a downloaded update may be installed: only while the app is starting (before any window
// is shown) or quitting, and never while a customer's business is in progress on this machine.

export type AppPhase = 'starting' | 'running' | 'quitting';

export interface BusyState {
  /** Forms with unsaved edits (their drafts are in IndexedDB, but the clerk is mid-task). */
  dirtyForms: number;
  /** A ticket is being served at this counter / a customer is at the screen. */
  serving: boolean;
  /** A print job is running. */
  printing: boolean;
}

export interface UpdateDecisionInput {
  phase: AppPhase;
  downloadedVersion: string | null;
  busy: BusyState;
  /** The last install attempt of this version failed: do not loop on it. */
  failedVersion: string | null;
}

export interface UpdateDecision {
  install: boolean;
  reason: string;
}

export const IDLE: BusyState = { dirtyForms: 0, serving: false, printing: false };

export function decideInstall(input: UpdateDecisionInput): UpdateDecision {
  if (!input.downloadedVersion) return { install: false, reason: 'no update downloaded' };
  if (input.failedVersion === input.downloadedVersion) {
    return { install: false, reason: `installing ${input.downloadedVersion} failed before` };
  }
  if (input.phase === 'running') {
    return { install: false, reason: 'installs wait for the next start or quit' };
  }
  if (input.busy.serving) return { install: false, reason: 'a customer is being served' };
  if (input.busy.dirtyForms > 0) return { install: false, reason: 'a form has unsaved changes' };
  if (input.busy.printing) return { install: false, reason: 'a print job is running' };
  return { install: true, reason: `install ${input.downloadedVersion} at ${input.phase}` };
}

/** Merges busy reports from several windows (desk + customer screen): busy if any is busy. */
export function combineBusy(states: Iterable<BusyState>): BusyState {
  const out: BusyState = { ...IDLE };
  for (const s of states) {
    out.dirtyForms += s.dirtyForms;
    out.serving ||= s.serving;
    out.printing ||= s.printing;
  }
  return out;
}
