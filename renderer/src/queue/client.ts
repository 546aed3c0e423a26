// Where the hall queue service is and how to talk to it: same origin when the page is served by
// the service (TVs, kiosks), else a configured `hallUrl` (query or localStorage), else the
// single-machine default http://127.0.0.1:8700 (desk in Electron on the host PC). Also the
// credentials: this device's pairing token (the shell's OS-keystore secrets in Electron,
// localStorage in a browser) and the manager secret (this browser session only), sent as Bearer
// tokens.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { HALL_DEFAULT_PORT, type HallDevice, type QueueErrorBody } from '../../../shared/queue';
import { useLang, type Lang, type Tr } from '../i18n';
import { shell } from '../shell/bridge';

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
/** The shell secret (Electron) holding this device's pairing, JSON `{ token, device }`. */
export const DEVICE_SECRET = 'queue.device';

export type DevicePairing = { token: string; device: HallDevice };

export interface HallCredentials {
  /** This device's pairing with the hall service (token kept here, only its hash there). */
  device: DevicePairing | null;
  /** The manager secret, for this browser session only. */
  managerKey: string | null;
  /** Electron: the pairing is still being read from the shell's secret store. */
  deviceLoading: boolean;
}

/** What the pairing store needs of the shell bridge (renderer/src/shell/bridge.ts `shell`). */
export interface PairingBridge {
  readonly isElectron: boolean;
  secrets: {
    /** null = none, or no OS keystore (then the caller keeps it in localStorage). */
    get(name: string): Promise<string | null>;
    /** false = not stored (no OS keystore). */
    set(name: string, value: string): Promise<boolean>;
    delete(name: string): Promise<boolean>;
  };
}

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function parseDevicePairing(raw: string | null | undefined): DevicePairing | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<DevicePairing> | null;
    if (v && typeof v.token === 'string' && v.token && v.device && typeof v.device === 'object') {
      return { token: v.token, device: v.device };
    }
  } catch {
    /* unreadable: not paired */
  }
  return null;
}

/**
 * Where this device's pairing token lives. In Electron: the shell's secret store (OS keystore),
 * a token found in localStorage (kept there by older versions) moved into it once and removed
 * from localStorage; where the OS has no keystore the shell refuses and localStorage stays the
 * place. In a browser: localStorage.
 */
export class DevicePairingStore {
  constructor(
    private readonly bridge: PairingBridge,
    private readonly local: KeyValueStorage | null,
  ) {}

  /** True when the pairing must be read asynchronously (Electron). */
  get usesShell(): boolean {
    return this.bridge.isElectron;
  }

  readLocal(): DevicePairing | null {
    try {
      return parseDevicePairing(this.local?.getItem(DEVICE_KEY));
    } catch {
      return null;
    }
  }

  private writeLocal(p: DevicePairing | null): void {
    try {
      if (p) this.local?.setItem(DEVICE_KEY, JSON.stringify(p));
      else this.local?.removeItem(DEVICE_KEY);
    } catch {
      /* storage unavailable: the pairing lasts for this page */
    }
  }

  async load(): Promise<DevicePairing | null> {
    if (!this.bridge.isElectron) return this.readLocal();
    let fromShell: DevicePairing | null = null;
    try {
      fromShell = parseDevicePairing(await this.bridge.secrets.get(DEVICE_SECRET));
    } catch {
      /* the shell failed: fall back to what this page has */
    }
    const fromLocal = this.readLocal();
    if (fromShell) {
      // A copy left behind by an interrupted migration must not linger in plain storage.
      if (fromLocal) this.writeLocal(null);
      return fromShell;
    }
    if (fromLocal && (await this.trySecret(fromLocal))) this.writeLocal(null);
    return fromLocal;
  }

  async save(p: DevicePairing | null): Promise<void> {
    if (!this.bridge.isElectron) {
      this.writeLocal(p);
      return;
    }
    if (!p) {
      this.writeLocal(null);
      try {
        await this.bridge.secrets.delete(DEVICE_SECRET);
      } catch {
        /* nothing to delete or the shell failed: the token is gone from this page anyway */
      }
      return;
    }
    // No OS keystore: keep it where a browser would rather than lose the pairing.
    if (await this.trySecret(p)) this.writeLocal(null);
    else this.writeLocal(p);
  }

  private async trySecret(p: DevicePairing): Promise<boolean> {
    try {
      return await this.bridge.secrets.set(DEVICE_SECRET, JSON.stringify(p));
    } catch {
      return false;
    }
  }
}

function safeLocalStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

const credListeners = new Set<() => void>();
let credentials: HallCredentials | null = null;
let pairingStore: DevicePairingStore | null = null;
/** Bumped by every change: a slow first read must not overwrite a newer pairing. */
let deviceVersion = 0;

function store(): DevicePairingStore {
  pairingStore ??= new DevicePairingStore(shell, safeLocalStorage());
  return pairingStore;
}

function notify(): void {
  for (const l of credListeners) l();
}

function readCredentials(): HallCredentials {
  let managerKey: string | null = null;
  try {
    managerKey = sessionStorage.getItem(MANAGER_KEY);
  } catch {
    /* ignore */
  }
  const s = store();
  if (!s.usesShell) return { device: s.readLocal(), managerKey, deviceLoading: false };
  const version = deviceVersion;
  void s.load().then(
    (device) => {
      if (version !== deviceVersion) return;
      credentials = { ...hallCredentials(), device, deviceLoading: false };
      notify();
    },
    () => {
      if (version !== deviceVersion) return;
      credentials = { ...hallCredentials(), deviceLoading: false };
      notify();
    },
  );
  return { device: null, managerKey, deviceLoading: true };
}

export function hallCredentials(): HallCredentials {
  credentials ??= readCredentials();
  return credentials;
}

/** Resolves once the pairing has been read (at once in a browser). */
export function hallCredentialsReady(): Promise<HallCredentials> {
  const c = hallCredentials();
  if (!c.deviceLoading) return Promise.resolve(c);
  return new Promise((resolve) => {
    const check = () => {
      const now = hallCredentials();
      if (now.deviceLoading) return;
      credListeners.delete(check);
      resolve(now);
    };
    credListeners.add(check);
  });
}

/** Tests: start again with another bridge and storage (the module keeps one store). */
export function resetHallCredentials(next?: DevicePairingStore): void {
  pairingStore = next ?? null;
  credentials = null;
  deviceVersion++;
}

function setCredentials(patch: Partial<Omit<HallCredentials, 'deviceLoading'>>): void {
  const before = hallCredentials();
  credentials = { ...before, ...patch };
  if ('device' in patch) {
    deviceVersion++;
    credentials.deviceLoading = false;
    void store()
      .save(patch.device ?? null)
      .catch(() => {
        /* kept for this page; the next pairing tries again */
      });
  }
  try {
    if (credentials.managerKey) sessionStorage.setItem(MANAGER_KEY, credentials.managerKey);
    else sessionStorage.removeItem(MANAGER_KEY);
  } catch {
    /* storage unavailable: the key lasts for this page */
  }
  notify();
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

// In Electron, start reading the pairing from the shell as soon as the queue code loads, so that
// it is usually there before the first counter page renders.
if (shell.isElectron) hallCredentials();
