// Start-up work that must not wait for the UI code: imported first by main.tsx, so on a desk
// route the local database starts opening before React, antd and the pages are evaluated. Hall
// devices (kiosk, display, rating pad, customer screen) never open the desk's database.
import { openDatabase, type OpenResult } from './db/open';

let opening: Promise<OpenResult> | null = null;
let blockedSeen = false;
const blockedListeners = new Set<() => void>();

/** The hash route's path (`#/desk/app/1?x=y` → `/desk/app/1`). */
export function currentPath(): string {
  if (typeof window === 'undefined') return '/';
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const p = (q >= 0 ? raw.slice(0, q) : raw) || '/';
  return p.startsWith('/') ? p : `/${p}`;
}

/** Routes that certainly need the desk's database (anything else waits for the router). */
export function isDeskPath(path: string): boolean {
  return (
    path === '/' ||
    path === '/desk' ||
    path.startsWith('/desk/') ||
    path === '/counter' ||
    path === '/sync' ||
    path === '/settings' ||
    path === '/supervision' ||
    path === '/mywork' ||
    path.startsWith('/queue/')
  );
}

/** Opens the desk's database once per page load (see openDatabase for what can go wrong). */
export function openDeskDatabase(): Promise<OpenResult> {
  if (!opening) {
    performance.mark('halldesk:db-open-start');
    opening = openDatabase({
      onBlocked: () => {
        blockedSeen = true;
        for (const l of blockedListeners) l();
      },
    }).then((r) => {
      // Start-up marks (performance.getEntriesByType('mark')) show where the first seconds go.
      performance.mark('halldesk:db-open-end');
      return r;
    });
  }
  return opening;
}

/** Our upgrade waits for an old desk window: `cb` runs then (at once if it already did). */
export function onUpgradeBlocked(cb: () => void): () => void {
  if (blockedSeen) cb();
  blockedListeners.add(cb);
  return () => blockedListeners.delete(cb);
}

if (typeof window !== 'undefined' && typeof indexedDB !== 'undefined') {
  if (isDeskPath(currentPath())) void openDeskDatabase();
}
