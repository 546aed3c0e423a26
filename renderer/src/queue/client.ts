// Where the hall queue service is and how to talk to it: same origin when the page is served by
// the service (TVs, kiosks), else a configured `hallUrl` (query or localStorage), else the
// single-machine default http://127.0.0.1:8700 (desk in Electron on the host PC). Also the
// credentials: this device's pairing token (localStorage) and the manager secret (this browser
// session only), sent as Bearer tokens.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { HALL_DEFAULT_PORT, type HallDevice, type QueueErrorBody } from '../../../shared/queue';
import { useLang, type Lang, type Tr } from '../i18n';

const STORAGE_KEY = 'halldesk.hallUrl';

function hashQuery(): URLSearchParams {
  const hash = window.location.hash;
  const q = hash.indexOf('?');
  return new URLSearchParams(q >= 0 ? hash.slice(q + 1) : '');
}

/** Read a query parameter from the page's search string or from the hash route's query. */
export function pageParam(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name) ?? hashQuery().get(name);
}

/**
 * Language of a screen or kiosk page: `?lang=en` / `?lang=zh` in its address, else the stored
 * choice. Kept on the page (a kiosk's English button must not switch the desk's language on a
 * single-machine PC, and falls back for the next customer via `reset`).
 */
export function usePageLang(): {
  lang: Lang;
  t: Tr;
  setLang: (l: Lang) => void;
  reset: () => void;
} {
  const stored = useLang();
  const fromParam = (): Lang | null => {
    const p = pageParam('lang');
    return p === 'en' || p === 'zh' ? p : null;
  };
  const [chosen, setChosen] = useState<Lang | null>(fromParam);
  useEffect(() => {
    const apply = () => setChosen(fromParam());
    window.addEventListener('hashchange', apply);
    return () => window.removeEventListener('hashchange', apply);
  }, []);
  const lang = chosen ?? stored;
  const t: Tr = lang === 'en' ? (_zh, en) => en : (zh) => zh;
  return { lang, t, setLang: setChosen, reset: () => setChosen(fromParam()) };
}

export function hallBaseUrl(): string {
  const given = pageParam('hallUrl');
  if (given) {
    try {
      localStorage.setItem(STORAGE_KEY, given);
    } catch {
      /* storage unavailable: the query still applies to this page */
    }
    return given.replace(/\/+$/, '');
  }
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored) return stored.replace(/\/+$/, '');
  } catch {
    /* ignore */
  }
  const { protocol, origin } = window.location;
  if (protocol === 'http:' || protocol === 'https:') return origin;
  return `http://127.0.0.1:${HALL_DEFAULT_PORT}`;
}

export function setHallBaseUrl(url: string | null): void {
  try {
    if (url) localStorage.setItem(STORAGE_KEY, url.replace(/\/+$/, ''));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    /* ignore */
  }
}

// ------------------------------------------------------------------ credentials

const DEVICE_KEY = 'halldesk.hallDevice';
const MANAGER_KEY = 'halldesk.hallManagerKey';

export interface HallCredentials {
  /** This device's pairing with the hall service (token kept here, only its hash there). */
  device: { token: string; device: HallDevice } | null;
  /** The manager secret, for this browser session only. */
  managerKey: string | null;
}

const credListeners = new Set<() => void>();
let credentials: HallCredentials | null = null;

function readCredentials(): HallCredentials {
  let device: HallCredentials['device'] = null;
  let managerKey: string | null = null;
  try {
    const raw = localStorage.getItem(DEVICE_KEY);
    const parsed = raw ? (JSON.parse(raw) as HallCredentials['device']) : null;
    if (parsed && typeof parsed.token === 'string' && parsed.device) device = parsed;
  } catch {
    /* unreadable: not paired */
  }
  try {
    managerKey = sessionStorage.getItem(MANAGER_KEY);
  } catch {
    /* ignore */
  }
  return { device, managerKey };
}

export function hallCredentials(): HallCredentials {
  credentials ??= readCredentials();
  return credentials;
}

function setCredentials(patch: Partial<HallCredentials>): void {
  credentials = { ...hallCredentials(), ...patch };
  try {
    if (credentials.device) localStorage.setItem(DEVICE_KEY, JSON.stringify(credentials.device));
    else localStorage.removeItem(DEVICE_KEY);
    if (credentials.managerKey) sessionStorage.setItem(MANAGER_KEY, credentials.managerKey);
    else sessionStorage.removeItem(MANAGER_KEY);
  } catch {
    /* storage unavailable: the credentials last for this page */
  }
  for (const l of credListeners) l();
}

export function setDevicePairing(pairing: HallCredentials['device']): void {
  setCredentials({ device: pairing });
}

export function setManagerKey(key: string | null): void {
  setCredentials({ managerKey: key ? key.trim() : null });
}

/**
 * The manager URL printed by the service carries `?key=`: keep it for this session and take it
 * out of the address bar (and so out of the history).
 */
export function adoptManagerKeyFromUrl(): void {
  const key = pageParam('key');
  if (!key) return;
  setManagerKey(key);
  const hash = window.location.hash.replace(
    /([?&])key=[^&]*(&?)/,
    (_m, pre: string, post: string) => (post ? pre : ''),
  );
  try {
    window.history.replaceState(
      null,
      '',
      `${window.location.pathname}${window.location.search}${hash}`,
    );
  } catch {
    /* ignore */
  }
}

export function useHallCredentials(): HallCredentials {
  return useSyncExternalStore(
    (cb) => {
      credListeners.add(cb);
      return () => credListeners.delete(cb);
    },
    hallCredentials,
    hallCredentials,
  );
}

/** Which credential a request carries: none (kiosk, screens), counter (device or manager), manager. */
export type HallAuth = 'none' | 'counter' | 'manager';

function authHeader(auth: HallAuth): { header: string | null; kind: 'device' | 'manager' | null } {
  const c = hallCredentials();
  if (auth === 'counter' && c.device) return { header: `Bearer ${c.device.token}`, kind: 'device' };
  if (auth !== 'none' && c.managerKey) return { header: `Bearer ${c.managerKey}`, kind: 'manager' };
  return { header: null, kind: null };
}

export class HallApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** JSON request to the hall service; errors carry the service's Chinese message. */
export async function hallRequest<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal; auth?: HallAuth } = {},
): Promise<T> {
  let res: Response;
  const { header, kind } = authHeader(init.auth ?? 'none');
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (header) headers.authorization = header;
  try {
    res = await fetch(`${hallBaseUrl()}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? null : JSON.stringify(init.body),
      signal: init.signal ?? AbortSignal.timeout(10_000),
    });
  } catch {
    throw new HallApiError('E_UNREACHABLE', '无法连接排队服务，请检查网络或服务地址', 0);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = (body as QueueErrorBody | null)?.error;
    // Revoked or unknown: forget it so the page asks to pair (or for the key) again.
    if (res.status === 401 && err?.code === 'E_AUTH_INVALID') {
      if (kind === 'device') setCredentials({ device: null });
      if (kind === 'manager') setCredentials({ managerKey: null });
    }
    throw new HallApiError(
      err?.code ?? 'E_HTTP',
      err?.message ?? `服务错误 (${res.status})`,
      res.status,
    );
  }
  return body as T;
}
