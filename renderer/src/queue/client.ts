// Where the hall queue service is and how to talk to it: same origin when the page is served by
// the service (TVs, kiosks), else a configured `hallUrl` (query or localStorage), else the
// single-machine default http://127.0.0.1:8700 (desk in Electron on the host PC).
import { HALL_DEFAULT_PORT, type QueueErrorBody } from '../../../shared/queue';

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
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${hallBaseUrl()}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
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
    throw new HallApiError(
      err?.code ?? 'E_HTTP',
      err?.message ?? `服务错误 (${res.status})`,
      res.status,
    );
  }
  return body as T;
}
