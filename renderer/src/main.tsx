// Renderer entry. Kept small on purpose: `./startup` opens the local database as soon as its own
// code (Dexie and the schemas) has loaded, and the UI (React, antd, the pages: most of the
// bytes) arrives in parallel through the dynamic import below, instead of the database waiting
// for all of it. Global and print styles load here so that the build has no runtime-injected
// <link> for them (the CSP allows only same-origin scripts and styles).
import { currentPath, isDeskPath } from './startup';
// `?bench=1` only: exposes the store driver for `npm run bench:local` (no-op otherwise).
import './db/benchHook';
// antd's whole stylesheet, static (see the zeroRuntime theme in App.tsx); ours after it, to win.
import 'antd/dist/antd.css';
import './styles/app.css';
import './styles/print.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
import('./mount')
  .then((m) => {
    m.mount(root);
    if (isDeskPath(currentPath())) preloadDeskChunks();
  })
  .catch((e: unknown) => {
    // The UI's code could not be loaded (a broken install, or the hall service went away while
    // loading): say so in plain text, since antd is what failed to arrive.
    console.error('desk UI failed to load', e);
    root.textContent =
      '受理台界面文件加载失败，请刷新页面或重新启动程序。(The desk UI failed to load: reload.)';
  });

/**
 * Every desk page's code, fetched now (index.html lists it, see vite.config.ts): a desk whose
 * network or LAN service goes away right after this first page still opens every page. Asked
 * for only once this page's own code is in, so it never competes with it; hall screens
 * (kiosk, display, customer screen) do not need the desk's pages at all.
 */
function preloadDeskChunks(): void {
  try {
    const list = document.querySelector<HTMLMetaElement>('meta[name="halldesk-desk-chunks"]');
    for (const file of list?.content.split(' ') ?? []) {
      if (!file) continue;
      const link = document.createElement('link');
      link.rel = 'modulepreload';
      link.crossOrigin = '';
      link.href = `./${file}`;
      document.head.appendChild(link);
    }
  } catch (e) {
    // Only a head start (the idle-time preload in App.tsx follows): never the UI's failure.
    console.warn('desk page preload failed', e);
  }
}
