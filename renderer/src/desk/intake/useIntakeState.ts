// The intake form's state with its draft autosave: every change marks the draft dirty and saves
// it after a short pause; a hidden or closed page flushes at once; a submitted draft stays closed.
import { useCallback, useEffect, useRef, useState } from 'react';
import { saveDraft } from '../../db/repo';
import { type IntakeForm, isBlank } from '../formModel';

const AUTOSAVE_MS = 700;

export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export function useIntakeState(draftId: string, initial: IntakeForm) {
  const [form, setForm] = useState<IntakeForm>(initial);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [saveState, setSaveState] = useState<SaveState>('idle');

  // --- autosave: debounced, plus a flush when the page is hidden or closed.
  const latest = useRef(form);
  latest.current = form;
  const dirty = useRef(false);
  const closed = useRef(false); // set once submit starts: a late autosave must not revive the draft
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = useCallback(async (): Promise<void> => {
    clearTimeout(timer.current);
    if (!dirty.current || closed.current) return;
    const f = latest.current;
    dirty.current = false;
    if (isBlank(f)) return;
    setSaveState('saving');
    try {
      await saveDraft({
        id: draftId,
        ...(f.businessCode ? { businessCode: f.businessCode } : {}),
        ...(f.customerKind ? { customerKind: f.customerKind } : {}),
        form: f as unknown as Record<string, unknown>,
        ...(f.ticketNo ? { ticketNo: f.ticketNo } : {}),
      });
      setSaveState('saved');
    } catch (e) {
      dirty.current = true;
      setSaveState('error');
      console.error('draft autosave failed', e);
    }
  }, [draftId]);

  const update = useCallback(
    (fn: (f: IntakeForm) => IntakeForm, touchKey?: string) => {
      setForm((prev) => fn(prev));
      if (touchKey) setTouched((s) => (s.has(touchKey) ? s : new Set(s).add(touchKey)));
      dirty.current = true;
      setSaveState('pending');
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
    },
    [flush],
  );

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    const onPageHide = () => void flush();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      // Leaving the page: save what is pending, outside React's commit (and any Dexie zone the
      // navigation happened in), so the write starts its own top-level transaction.
      setTimeout(() => void flush(), 0);
    };
  }, [flush]);

  const touch = useCallback(
    (key: string) => setTouched((s) => (s.has(key) ? s : new Set(s).add(key))),
    [],
  );
  return { form, touched, touch, saveState, update, flush, latest, dirty, closed, timer };
}
