// When an update may install: only at start or quit, never during a customer's business.
import { describe, expect, it } from 'vitest';
import {
  combineBusy,
  decideInstall,
  IDLE,
  type UpdateDecisionInput,
} from '../../../electron/updatePolicy';

const base: UpdateDecisionInput = {
  phase: 'starting',
  downloadedVersion: '1.2.0',
  busy: IDLE,
  failedVersion: null,
};

describe('decideInstall', () => {
  it('installs a downloaded update at the next start when idle', () => {
    expect(decideInstall(base).install).toBe(true);
  });

  it('installs at quit when idle', () => {
    expect(decideInstall({ ...base, phase: 'quitting' }).install).toBe(true);
  });

  it('never installs while the app is running, even when idle', () => {
    const d = decideInstall({ ...base, phase: 'running' });
    expect(d).toEqual({ install: false, reason: 'installs wait for the next start or quit' });
  });

  it('never installs while a ticket is served, a form is dirty or a print runs', () => {
    for (const busy of [
      { ...IDLE, serving: true },
      { ...IDLE, dirtyForms: 1 },
      { ...IDLE, printing: true },
    ]) {
      expect(decideInstall({ ...base, phase: 'quitting', busy }).install).toBe(false);
    }
  });

  it('does nothing without a download and does not retry a version that failed', () => {
    expect(decideInstall({ ...base, downloadedVersion: null }).install).toBe(false);
    expect(decideInstall({ ...base, failedVersion: '1.2.0' }).install).toBe(false);
    expect(decideInstall({ ...base, failedVersion: '1.1.0' }).install).toBe(true);
  });
});

describe('combineBusy', () => {
  it('is busy if any window is busy', () => {
    const b = combineBusy([
      IDLE,
      { dirtyForms: 2, serving: false, printing: false },
      { ...IDLE, serving: true },
    ]);
    expect(b).toEqual({ dirtyForms: 2, serving: true, printing: false });
    expect(combineBusy([])).toEqual(IDLE);
  });
});
