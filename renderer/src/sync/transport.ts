// The desk's HTTP client for the central endpoint's API v1: gzip request bodies, timeouts,
// responses checked against the shared schemas, and errors sorted into "network" (retry,
// we are offline), "retryable" (server busy) and "refused" (a stable error code).
import type { Application } from '../../../shared/domain/model';
import {
  ApiError,
  ApplicationResponse,
  AttachmentStatus,
  DeviceInfoResponse,
  RevokeSelfResponse,
  AuditUploadResponse,
  type AuditRecord,
  EnrollResponse,
  HealthResponse,
  PullResponse,
  PushResponse,
  isRetryableStatus,
  paths,
  type EnrollRequest,
  type PushRequest,
} from '../../../shared/protocol';
import { gzip } from './gzip';
import {
  StaffDirectoryResponse,
  StaffEventsResponse,
  staffPaths,
  type StaffEvent,
} from '../../../shared/staff/directory';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The request never got an HTTP answer: refused, reset, timed out, DNS, proxy down. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** The endpoint answered with an error status. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return isRetryableStatus(this.status);
  }
}

/** The answer was not what API v1 promises (a proxy page, a wrong server, a bug). */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

export interface ApiClientOptions {
  endpoint: string;
  token?: string;
  fetch: FetchLike;
  /** Base timeout per request in ms; large bodies get extra time (weak links). */
  timeoutMs?: number;
  /** Bodies at least this large are gzip-compressed (default 1 KB). */
  gzipThreshold?: number;
}

export function normalizeEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim().replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(trimmed)) return `http://${trimmed}`;
  return trimmed;
}

const encoder = new TextEncoder();

export class ApiClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly gzipThreshold: number;

  constructor(private readonly options: ApiClientOptions) {
    this.base = normalizeEndpoint(options.endpoint);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.gzipThreshold = options.gzipThreshold ?? 1024;
  }

  /** Bytes of request bodies sent so far (after compression), for the panel and the bench. */
  bytesSent = 0;

  async health(): Promise<HealthResponse> {
    const body = await this.request('GET', paths.apiHealth, { auth: false, timeoutMs: 10_000 });
    return this.parse(HealthResponse, body);
  }

  async enroll(req: EnrollRequest): Promise<EnrollResponse> {
    const body = await this.request('POST', paths.enroll, { json: req, auth: false });
    return this.parse(EnrollResponse, body);
  }

  /** Sends a push whose JSON text is already built (the engine sizes batches on it). */
  async pushRaw(jsonText: string): Promise<PushResponse> {
    const body = await this.request('POST', paths.push, { text: jsonText });
    return this.parse(PushResponse, body);
  }

  async push(req: PushRequest): Promise<PushResponse> {
    return this.pushRaw(JSON.stringify(req));
  }

  async pull(
    checkpoint: string | undefined,
    limit: number,
    skipOwn = false,
  ): Promise<PullResponse> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (checkpoint) q.set('checkpoint', checkpoint);
    if (skipOwn) q.set('skipOwn', '1');
    const body = await this.request('GET', `${paths.pull}?${q.toString()}`, {});
    return this.parse(PullResponse, body);
  }

  /** Who this token belongs to (hall, allocated desk code) and how far the centre has its changes. */
  async device(): Promise<DeviceInfoResponse> {
    const body = await this.request('GET', paths.device, {});
    return this.parse(DeviceInfoResponse, body);
  }

  /** Uploads access-log rows; the centre keeps each (device, localId) once. */
  async uploadAudit(entries: AuditRecord[]): Promise<AuditUploadResponse> {
    const body = await this.request('POST', paths.audit, { json: { entries } });
    return this.parse(AuditUploadResponse, body);
  }

  /** The hall's staff directory (verifiers for offline sign-in; staff/sync.ts). */
  async staffDirectory(): Promise<StaffDirectoryResponse> {
    const body = await this.request('GET', staffPaths.directory, {});
    return this.parse(StaffDirectoryResponse, body);
  }

  /** Reports lockouts and passwords set at this desk; each is kept once by its id. */
  async staffEvents(events: StaffEvent[]): Promise<StaffEventsResponse> {
    const body = await this.request('POST', staffPaths.events, { json: { events } });
    return this.parse(StaffEventsResponse, body);
  }

  /** Gives up this device's token at the centre (it answers 401 E_TOKEN_REVOKED from then on). */
  async revokeSelf(): Promise<RevokeSelfResponse> {
    const body = await this.request('DELETE', paths.device, {});
    return this.parse(RevokeSelfResponse, body);
  }

  async application(id: string): Promise<Application> {
    const body = await this.request('GET', paths.application(id), {});
    return this.parse(ApplicationResponse, body).application;
  }

  async attachmentStatus(sha256: string): Promise<AttachmentStatus> {
    const body = await this.request('GET', paths.attachment(sha256), {});
    return this.parse(AttachmentStatus, body);
  }

  async putAttachmentChunk(
    sha256: string,
    offset: number,
    size: number,
    chunk: Uint8Array<ArrayBuffer>,
  ): Promise<AttachmentStatus> {
    const q = new URLSearchParams({ offset: String(offset), size: String(size) });
    const body = await this.request('PUT', `${paths.attachment(sha256)}?${q.toString()}`, {
      bytes: chunk,
    });
    return this.parse(AttachmentStatus, body);
  }

  private parse<T>(
    schema: { safeParse(v: unknown): { success: boolean; data?: T } },
    v: unknown,
  ): T {
    const r = schema.safeParse(v);
    if (!r.success || r.data === undefined) {
      throw new ProtocolError('中心端的回答格式不符 (unexpected response from the endpoint)');
    }
    return r.data;
  }

  private async request(
    method: string,
    path: string,
    opts: {
      json?: unknown;
      text?: string;
      bytes?: Uint8Array<ArrayBuffer>;
      auth?: boolean;
      timeoutMs?: number;
    },
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.auth !== false) {
      if (!this.options.token) throw new HttpError(401, 'E_AUTH', '本机尚未登记 (not enrolled)');
      headers.authorization = `Bearer ${this.options.token}`;
    }
    let body: Uint8Array<ArrayBuffer> | undefined;
    if (opts.bytes) {
      headers['content-type'] = 'application/octet-stream';
      body = opts.bytes;
    } else if (opts.json !== undefined || opts.text !== undefined) {
      headers['content-type'] = 'application/json';
      const raw = encoder.encode(opts.text ?? JSON.stringify(opts.json));
      if (raw.length >= this.gzipThreshold) {
        body = await gzip(raw);
        headers['content-encoding'] = 'gzip';
      } else {
        body = raw;
      }
    }
    // Weak links: allow ~2 KB/s on top of the base timeout before giving up on a big body.
    const timeout = (opts.timeoutMs ?? this.timeoutMs) + (body ? body.length / 2 : 0);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    let res: Response;
    try {
      res = await this.options.fetch(this.base + path, {
        method,
        headers,
        ...(body ? { body } : {}),
        signal: controller.signal,
      });
      if (body) this.bytesSent += body.length;
    } catch (e) {
      clearTimeout(timer);
      throw new NetworkError(e instanceof Error ? e.message : String(e));
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      // The connection died while the answer was coming: for the desk the outcome is unknown.
      throw new NetworkError(e instanceof Error ? e.message : String(e));
    } finally {
      clearTimeout(timer);
    }
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const err = ApiError.safeParse(parsed);
      if (err.success) {
        throw new HttpError(
          res.status,
          err.data.error.code,
          err.data.error.message,
          err.data.error.details,
        );
      }
      throw new HttpError(res.status, `HTTP_${res.status}`, `HTTP ${res.status}`);
    }
    if (parsed === undefined)
      throw new ProtocolError('中心端的回答不是 JSON (response is not JSON)');
    return parsed;
  }
}
