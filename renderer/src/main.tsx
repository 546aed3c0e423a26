// Renderer entry. Kept small on purpose: `./startup` opens the local database as soon as its own
// code (Dexie and the schemas) has loaded, and the UI (React, antd, the pages: most of the
// bytes) arrives through the dynamic import below, instead of the database waiting for all of
// it. On 受理查询 the list's first page is painted from the database first (desk/firstPaint.ts)
// and the UI code is asked for right after. Our global, print and first-paint styles are
// linked from index.html; antd's stylesheet is linked beside the UI code (loadUi).
import { currentPath, isDeskPath } from './startup';
// `?bench=1` only: exposes the store driver for `npm run bench:local` (no-op otherwise).
import './db/benchHook';
import './styles/app.css';
import './styles/print.css';
// Needed before the UI code: the start-up first paint of the list uses them (desk/firstPaint.ts).
import './ui/shell.css';
import './styles/firstPaint.css';
import { dismissFirstPaint } from './ui/firstPaintHandle';
// antd's whole stylesheet (static: see the zeroRuntime theme in App.tsx), a megabyte of CSS. Not
// linked from index.html, where it would hold up the start-up first paint of the list, which
// does not use it: loadUi() links it, fetched beside the UI code.
import antdStylesheet from 'antd/dist/antd.css?url';

// The pages a desk starts on (the new-application form is the default route).
const FIRST_PAGES: Record<string, (() => Promise<unknown>) | undefined> = {
  '/desk/applications': () => import('./desk/Applications'),
  '/desk/new': () => import('./desk/NewApplication'),
  '/desk': () => import('./desk/NewApplication'),
  '/': () => import('./desk/NewApplication'),
  // 工作监督: the first figures are read from the day counters beside the UI code.
  '/supervision': () =>
    Promise.all([
      import('./staff/SupervisionPage'),
      import('./staff/supervisionPrefetch').then((m) => m.prefetchSupervision()),
    ]),
};

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
// 受理查询 opened at start: its first page is painted from the database before the UI code is
// asked for, whose download and compilation would otherwise hold that paint up by ~300 ms on a
// 2-core PC (measured, bench:local); the React list takes over from the paint. The UI code
// waits a second at most (a database upgrade waiting on an old window must show its hint).
const uiCode =
  currentPath() === '/desk/applications'
    ? Promise.race([
        import('./desk/firstPaint')
          .then((m) => m.startFirstPaint())
          .catch((e: unknown) => console.warn('first paint skipped', e))
          .then(afterNextFrame),
        new Promise((r) => setTimeout(r, 1000)),
      ]).then(loadUi)
    : loadUi();

/**
 * The UI, and beside it the code of the page the desk opens on: App asks for a page's code only
 * once its own has run, one round of fetching and compiling later (App's request then finds
 * the module loaded; a failure here is App's to show, with 重试).
 */
function loadUi() {
  const page = FIRST_PAGES[currentPath()];
  if (page) void page().catch(() => undefined);
  return Promise.all([
    import('./mount'),
    linkStylesheet(antdStylesheet),
    // After the list's paint (which read the configuration without its schemas): the centre's
    // validated catalogue and calendar become current before React's first render, so the
    // React list shows the same business names and days left as the paint it replaces.
    currentPath() === '/desk/applications'
      ? import('./desk/config').then((c) => c.refreshDeskConfig()).catch(() => undefined)
      : undefined,
  ]).then(([m]) => m);
}

/**
 * Links a stylesheet ahead of the ones index.html links (ours come after antd's, to win) and
 * resolves once it has loaded, so that no page renders unstyled. A stylesheet that fails to
 * load rejects: the UI then counts as failed to load.
 */
function linkStylesheet(href: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.onload = () => resolve();
    link.onerror = () => reject(new Error(`stylesheet ${href} failed to load`));
    // (<style> elements: ours as the dev server injects them.)
    const ours = document.head.querySelector('link[rel="stylesheet"], style');
    document.head.insertBefore(link, ours);
  });
}
uiCode
  .then((m) => {
    m.mount(root);
    if (isDeskPath(currentPath())) preloadDeskChunks();
    registerAppShellWorker();
  })
  .catch((e: unknown) => {
    // The UI's code could not be loaded (a broken install, or the hall service went away while
    // loading): say so in plain text, since antd is what failed to arrive.
    console.error('desk UI failed to load', e);
    dismissFirstPaint();
    root.textContent =
      '受理台界面文件加载失败，请刷新页面或重新启动程序。(The desk UI failed to load: reload.)';
  });

/**
 * Browser mode (the hall service serves the desk over http): the app-shell service worker
 * (vite.config.ts) keeps this build's files, so a reload while the service is down still opens
 * the desk. Registered once the UI is up, never in Electron (app://) or the dev server.
 */
function registerAppShellWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
  navigator.serviceWorker
    .register('./sw.js')
    .catch((e: unknown) => console.warn('service worker not registered', e));
}

/** Resolves once the next frame has been drawn (the first paint is on screen). */
function afterNextFrame(): Promise<void> {
  // A hidden window draws no frames (and would wait for the cap below).
  if (document.hidden) return Promise.resolve();
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

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
