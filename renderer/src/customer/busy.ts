// "A customer's business is in progress" for the update policy: every dirty intake form and the
// counter's served ticket add up here, and the total goes to main with shell.reportBusy.
import { useEffect, useId } from 'react';
import { shell } from '../shell/bridge';

const dirtyForms = new Set<string>();
let serving = false;
let last = '';

function report(): void {
  const state = { dirtyForms: dirtyForms.size, serving };
  const key = `${state.dirtyForms}|${state.serving}`;
  if (key === last) return;
  last = key;
  shell.reportBusy(state);
}

/** Marks one form (by a stable key) dirty or clean. */
export function setFormDirty(key: string, dirty: boolean): void {
  if (dirty) dirtyForms.add(key);
  else dirtyForms.delete(key);
  report();
}

/** Marks whether this desk's counter is serving a ticket. */
export function setServing(value: boolean): void {
  serving = value;
  report();
}

/** Reports this form as dirty while `dirty` is true, and clean when it unmounts. */
export function useBusyForm(dirty: boolean): void {
  const key = useId();
  useEffect(() => {
    setFormDirty(key, dirty);
  }, [key, dirty]);
  useEffect(() => () => setFormDirty(key, false), [key]);
}

/** Reports serving while `value` is true (a ticket is being served at this counter). */
export function useServingReport(value: boolean): void {
  useEffect(() => {
    setServing(value);
    return () => setServing(false);
  }, [value]);
}

/** The current totals (tests and diagnostics). */
export function busyState(): { dirtyForms: number; serving: boolean } {
  return { dirtyForms: dirtyForms.size, serving };
}
