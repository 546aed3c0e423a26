// The desk's ID card reader, as the desktop program offers it: its state (is there a reader, is
// it working), the clerk's read, and the cards auto-read reports. In a browser there is none and
// every form works by typing, as before.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IdCardRead } from '../../../../shared/domain/idCard';
import type { IdCardStatus } from '../../../../shared/ipc/contract';
import { invoke, on, shell } from '../../shell/bridge';

export interface IdCardReaderApi {
  /** null = no desktop program (browser) or not known yet: no reader button. */
  status: IdCardStatus | null;
  read(): Promise<IdCardRead>;
}

export function useIdCardReader(onPlaced: (read: IdCardRead) => void): IdCardReaderApi {
  const [status, setStatus] = useState<IdCardStatus | null>(null);
  const placed = useRef(onPlaced);
  placed.current = onPlaced;

  useEffect(() => {
    if (!shell.isElectron) return;
    let alive = true;
    invoke('idCard:status', undefined).then(
      (s) => alive && setStatus(s),
      () => undefined,
    );
    const offState = on('idCard:state', (s) => setStatus(s));
    const offCard = on('idCard:placed', (r) => placed.current(r));
    return () => {
      alive = false;
      offState();
      offCard();
    };
  }, []);

  const read = useCallback(() => invoke('idCard:read', undefined), []);
  return { status, read };
}
