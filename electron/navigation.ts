// Decides what happens when a page tries to navigate or open a window: stay on app://halldesk,
// open allow-listed http(s) links in the system browser, refuse everything else.
import { APP_ORIGIN } from './protocolPath';

export type NavigationDecision = 'allow' | 'external' | 'deny';

/** A navigation inside the window (will-navigate): only our own origin. */
export function decideNavigation(url: string): NavigationDecision {
  return isAppUrl(url) ? 'allow' : 'deny';
}

/**
 * window.open / target=_blank: never a new Electron window; http(s) links to an allow-listed
 * host (or a subdomain of one) go to the system browser.
 */
export function decideWindowOpen(url: string, allowedHosts: readonly string[]): NavigationDecision {
  return isAllowedExternal(url, allowedHosts) ? 'external' : 'deny';
}

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function isAllowedExternal(url: string, allowedHosts: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username || u.password) return false;
  const host = u.hostname.toLowerCase();
  return allowedHosts.some((allowed) => {
    const a = allowed.toLowerCase().replace(/^\.+/, '');
    return a !== '' && (host === a || host.endsWith(`.${a}`));
  });
}
