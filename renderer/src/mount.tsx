// Mounts the desk's React tree. Loaded by main.tsx with a dynamic import, so that React, antd
// and the pages download and compile while the local database is already opening (startup.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// antd's whole stylesheet (static: see the zeroRuntime theme in App.tsx), a megabyte of CSS. It
// comes with the UI code rather than from index.html, where it would hold up the start-up first
// paint of the list, which does not use it (desk/firstPaint.ts).
import antdStylesheet from 'antd/dist/antd.css?url';
import { App } from './App';
import { useLangStore } from './i18n';

export async function mount(root: HTMLElement): Promise<void> {
  await linkStylesheet(antdStylesheet);
  document.documentElement.lang = useLangStore.getState().lang === 'en' ? 'en' : 'zh-CN';
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

/**
 * Links a stylesheet ahead of the ones index.html links (ours come after antd's, to win) and
 * resolves once it has loaded, so that no page renders unstyled. A stylesheet that fails to
 * load rejects: the entry then says the UI failed to load.
 */
function linkStylesheet(href: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.onload = () => resolve();
    link.onerror = () => reject(new Error(`stylesheet ${href} failed to load`));
    const ours = document.head.querySelector('link[rel="stylesheet"]');
    document.head.insertBefore(link, ours);
  });
}
