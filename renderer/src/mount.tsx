// Mounts the desk's React tree. Loaded by main.tsx with a dynamic import, so that React, antd
// and the pages download and compile while the local database is already opening (startup.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { setVaultKeySource } from './db/vault';
import { useLangStore } from './i18n';
import { keystoreVaultKey } from './shell/vaultKey';

/** Renders the desk into `root`; main.tsx has loaded antd's stylesheet by then. */
export function mount(root: HTMLElement): void {
  // Scans are sealed under the keystore's key in the desktop program (db/vault.ts).
  setVaultKeySource(() => keystoreVaultKey());
  document.documentElement.lang = useLangStore.getState().lang === 'en' ? 'en' : 'zh-CN';
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
