// A tiny hash router (no extra package): `#/desk/app/<id>/receipt?x=1` → path + params + query.
// Hash routes work from file://, a custom protocol and the hall service alike.
import { type AnchorHTMLAttributes, type ReactNode, useSyncExternalStore } from 'react';

export interface HashLocation {
  path: string;
  query: URLSearchParams;
}

function parseHash(hash: string): HashLocation {
  const raw = hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = (q >= 0 ? raw.slice(0, q) : raw) || '/';
  return {
    path: path.startsWith('/') ? path : `/${path}`,
    query: new URLSearchParams(q >= 0 ? raw.slice(q + 1) : ''),
  };
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

const getHash = () => window.location.hash;

/** The current hash location; re-renders on navigation. */
export function useHashLocation(): HashLocation {
  const hash = useSyncExternalStore(subscribe, getHash, getHash);
  return parseHash(hash);
}

/** Navigates to a hash path (`/desk/new`); `replace` keeps the back button sensible for redirects. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const target = `#${to.startsWith('/') ? to : `/${to}`}`;
  if (opts.replace) {
    const url = `${window.location.pathname}${window.location.search}${target}`;
    window.history.replaceState(null, '', url);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}

/**
 * Matches a pattern such as `/desk/app/:id/receipt` against a path; returns the params or null.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] ?? '';
    const val = s[i] ?? '';
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(val);
    else if (seg !== val) return null;
  }
  return params;
}

export function Link(
  props: { to: string; children: ReactNode } & Omit<
    AnchorHTMLAttributes<HTMLAnchorElement>,
    'href'
  >,
) {
  const { to, children, ...rest } = props;
  return (
    <a href={`#${to}`} {...rest}>
      {children}
    </a>
  );
}
