// The workbench's HTTP client: the centre's own API on the same origin, with the admin token the
// user typed once or a staff session's token (kept in sessionStorage for this tab, never in the URL). Errors carry the API's
// code and message ({error:{code,message}}).
import type {
  DocumentView,
  WorkbenchDocument,
  WorkbenchMe,
  DueSummary,
  WorkbenchDetail,
  WorkbenchMoveRequest,
  WorkbenchPage,
} from '../../../shared/protocol/workbench';
import { workbenchPaths } from '../../../shared/protocol/workbench';
import type { ReturnReason } from '../../../shared/domain/settings';
import { staffPaths, type StaffSessionResponse } from '../../../shared/staff/directory';

const TOKEN_KEY = 'halldesk.workbench.token';

export function savedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}
export function saveToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage unavailable: the token lasts until the page reloads
  }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = savedToken();
  const res = await fetch(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => null)) as
    (T & { error?: { code: string; message: string } }) | null;
  if (!res.ok) {
    throw new ApiError(
      res.status,
      json?.error?.code ?? 'E_HTTP',
      json?.error?.message ?? `HTTP ${res.status}`,
    );
  }
  return json as T;
}

/** The list's filters (all optional), as the workbench API reads them. */
export interface SearchFilters {
  q?: string;
  address?: string;
  hall?: string;
  status?: string;
  business?: string;
  from?: string;
  to?: string;
  due?: 'overdue' | 'soon';
}
export interface SearchParams extends SearchFilters {
  /** The previous page's nextCursor (keyset paging); absent for the first page. */
  cursor?: string;
  pageSize: number;
}

export const workbenchApi = {
  search(p: SearchParams): Promise<WorkbenchPage> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') q.set(k, String(v));
    return call('GET', `${workbenchPaths.applications}?${q}`);
  },
  detail: (id: string): Promise<WorkbenchDetail> => call('GET', workbenchPaths.application(id)),
  move: (id: string, req: WorkbenchMoveRequest): Promise<WorkbenchDetail> =>
    call('POST', workbenchPaths.move(id), req),
  due: (): Promise<DueSummary> => call('GET', workbenchPaths.due),
  reasons: (): Promise<{ reasons: ReturnReason[] }> => call('GET', workbenchPaths.reasons),
  me: (): Promise<WorkbenchMe> => call('GET', workbenchPaths.me),
  /** Staff sign-in (the console's session): the token then stands in for the admin token. */
  signIn: (req: {
    staffNo: string;
    password: string;
    newPassword?: string;
  }): Promise<StaffSessionResponse> => call('POST', staffPaths.session, req),
  documents: (id: string): Promise<{ documents: WorkbenchDocument[]; views: DocumentView[] }> =>
    call('GET', workbenchPaths.documents(id)),
  /** One scan's bytes (the centre logs the view before sending them). */
  async document(id: string, attachmentId: string): Promise<Blob> {
    const token = savedToken();
    const res = await fetch(workbenchPaths.document(id, attachmentId), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (!res.ok) {
      const json = (await res.json().catch(() => null)) as {
        error?: { code: string; message: string };
      } | null;
      throw new ApiError(
        res.status,
        json?.error?.code ?? 'E_HTTP',
        json?.error?.message ?? `HTTP ${res.status}`,
      );
    }
    return res.blob();
  },
};
