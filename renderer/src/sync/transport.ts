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
  PULL_EXTENSIONS,
  PullResponse,
  PushResponse,
  isRetryableStatus,
  MAX_PUSH_BATCH,
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
import { LinkMeter } from './linkMeter';

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
    /** The centre's `Retry-After` (429/503 when it sheds load), in ms. */
    readonly retryAfterMs?: number,
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
  /**
   * A transfer that makes no progress for this long is aborted (default 15 s): no answer this
   * long after its body should have gone up at the measured rate, or no byte of the answer for
   * this long. A silently dead connection is found in seconds, not at a total timeout.
   */
  stallMs?: number;
  /** The link's measured rate and round trip (shared by every client of one engine). */
  meter?: LinkMeter;
}

/** `Retry-After` as seconds or an HTTP date, in ms from now (undefined when absent/invalid). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.min(3_600_000, Math.round(Number(v) * 1000));
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.min(3_600_000, at - now));
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
  private readonly stallMs: number;
  readonly meter: LinkMeter;

  constructor(private readonly options: ApiClientOptions) {
    this.base = normalizeEndpoint(options.endpoint);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.gzipThreshold = options.gzipThreshold ?? 1024;
    this.stallMs = options.stallMs ?? 15_000;
    this.meter = options.meter ?? new LinkMeter();
  }

  /** Bytes of request bodies sent so far (after compression), for the panel and the bench. */
  bytesSent = 0;

  async health(): Promise<HealthResponse> {
    const body = await this.request('GET', paths.apiHealth, {
      auth: false,
      timeoutMs: this.quickMs(),
    });
    return this.parse(HealthResponse, body);
  }

  /**
   * How long a small, cheap request (health, an attachment's status, a push of a few records)
   * may wait for its answer: a few round trips, at least 3 s, at most the stall time. After a
   * silent drop every pooled connection is dead; each request that lands on one costs this.
   */
  quickMs(): number {
    const rtt = this.meter.rttMs() ?? 300;
    // Plus the time it waits behind the uploads already on the link.
    return Math.min(this.stallMs, Math.max(3_000, 10 * rtt) + this.meter.queuedMs());
  }

  /**
   * Does the centre answer? Health checks one after the other, a new one every `staggerMs`
   * until one is answered: after a silent drop the idle pooled connections are dead, and each
   * check takes the next one (where it is cut at its timeout, which drops that connection from
   * the pool) until one goes on a fresh connection and tells the truth in a round trip. The
   * first answer decides; the centre is unreachable when all `most` checks failed. Staggered,
   * not all at once, so that a probe does not open a crowd of new connections that a later
   * drop would leave dead in the pool again.
   */
  probe(most = 8, staggerMs = 300): Promise<boolean> {
    // One probe at a time for the link: lanes and the round failing together join it rather
    // than each opening connections of its own (which a later drop would leave dead).
    const joined = this.meter.probing;
    if (joined) return joined;
    const p = this.probeOnce(most, staggerMs).finally(() => {
      this.meter.probing = null;
    });
    this.meter.probing = p;
    return p;
  }

  private probeOnce(most: number, staggerMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let launched = 0;
      let failed = 0;
      let done = false;
      let timer: ReturnType<typeof setTimeout> | null = null;
      const finish = (alive: boolean): void => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        resolve(alive);
      };
      const launch = (): void => {
        timer = null;
        if (done) return;
        launched += 1;
        this.health().then(
          () => finish(true),
          (e: unknown) => {
            // An HTTP answer (even an error status) means the centre is there.
            if (!(e instanceof NetworkError)) finish(true);
            else if (++failed === most) finish(false);
            // A refused connection fails at once: the next check need not wait its turn.
            else if (launched === failed && launched < most && timer) {
              clearTimeout(timer);
              launch();
            }
          },
        );
        if (launched < most) timer = setTimeout(launch, staggerMs);
      };
      launch();
    });
  }

  async enroll(req: EnrollRequest): Promise<EnrollResponse> {
    const body = await this.request('POST', paths.enroll, { json: req, auth: false });
    return this.parse(EnrollResponse, body);
  }

  /** Sends a push whose JSON text is already built (the engine sizes batches on it). */
  async pushRaw(
    jsonText: string,
    onBody?: (bytes: number) => void,
    changes = MAX_PUSH_BATCH,
  ): Promise<PushResponse> {
    const body = await this.request('POST', paths.push, {
      text: jsonText,
      // The centre's work grows with the batch; a few records answer in a round trip or two.
      timeoutMs: Math.min(this.stallMs, this.quickMs() + 20 * changes),
      ...(onBody ? { onBody } : {}),
    });
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
    // The later kinds this build understands: the centre sends no other (older builds).
    q.set('accept', PULL_EXTENSIONS.join(','));
    // No answer for the stall time is a dead connection, not a slow page (30 s held the
    // round, and the records saved meanwhile, after a silent drop).
    const body = await this.request('GET', `${paths.pull}?${q.toString()}`, {
      timeoutMs: this.stallMs,
    });
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
    const body = await this.request('GET', paths.attachment(sha256), {
      timeoutMs: this.quickMs(),
    });
    return this.parse(AttachmentStatus, body);
  }

  async putAttachmentChunk(
    sha256: string,
    offset: number,
    size: number,
    chunk: Uint8Array<ArrayBuffer>,
    signal?: AbortSignal,
  ): Promise<AttachmentStatus> {
    const q = new URLSearchParams({ offset: String(offset), size: String(size) });
    const body = await this.request('PUT', `${paths.attachment(sha256)}?${q.toString()}`, {
      bytes: chunk,
      ...(signal ? { signal } : {}),
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
      /** Allowance for the answer to start, on top of the body's expected upload time. */
      timeoutMs?: number;
      /** Told the body's size on the wire (after gzip) before it is sent. */
      onBody?: (bytes: number) => void;
      /** The caller's own abort (e.g. the attachment lane's progress watchdog). */
      signal?: AbortSignal;
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
    opts.onBody?.(body?.length ?? 0);
    const meter = this.meter;
    let uploading = !!body && body.length >= 1024;
    if (uploading) meter.begin(body?.length ?? 0);
    const started = performance.now();
    const shared = meter.uploads > (uploading ? 1 : 0);
    // Progress watchdog: until the answer starts, the allowance is the body's upload time at
    // the measured rate (shared with the uploads in flight) plus the base; once it streams,
    // every arriving piece resets a stallMs timer. A black-holed connection is cut in seconds.
    const controller = new AbortController();
    opts.signal?.addEventListener('abort', () => controller.abort(opts.signal?.reason));
    let timer: ReturnType<typeof setTimeout> | null = null;
    const arm = (ms: number): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(
        () => controller.abort(new Error(`no progress for ${Math.round(ms)} ms`)),
        ms,
      );
    };
    const base = opts.timeoutMs ?? (body ? this.stallMs : this.timeoutMs);
    arm(base + (body ? 1.2 * meter.expectedUploadMs(body.length) : 0));
    let res: Response;
    let text: string;
    let bodyBytes = 0;
    try {
      try {
        res = await this.options.fetch(this.base + path, {
          method,
          headers,
          ...(body ? { body } : {}),
          signal: controller.signal,
        });
        if (body) this.bytesSent += body.length;
      } catch (e) {
        throw new NetworkError(e instanceof Error ? e.message : String(e));
      }
      if (uploading) meter.end(body?.length ?? 0, body?.length ?? 0);
      uploading = false;
      try {
        arm(this.stallMs);
        text = await readText(res, () => arm(this.stallMs));
        bodyBytes = text.length;
      } catch (e) {
        // The connection died while the answer was coming: for the desk the outcome is unknown.
        throw new NetworkError(e instanceof Error ? e.message : String(e));
      }
    } catch (e) {
      if (uploading) meter.end(0, body?.length ?? 0);
      throw e;
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (!body && bodyBytes < 2048) {
      meter.roundTrip(performance.now() - started, shared || meter.uploads > 0);
    }
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      const err = ApiError.safeParse(parsed);
      if (err.success) {
        throw new HttpError(
          res.status,
          err.data.error.code,
          err.data.error.message,
          err.data.error.details,
          retryAfterMs,
        );
      }
      throw new HttpError(
        res.status,
        `HTTP_${res.status}`,
        `HTTP ${res.status}`,
        undefined,
        retryAfterMs,
      );
    }
    if (parsed === undefined)
      throw new ProtocolError('中心端的回答不是 JSON (response is not JSON)');
    return parsed;
  }
}

/** Reads an answer's text, calling `progress` for every piece that arrives. */
async function readText(res: Response, progress: () => void): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return res.text();
  const decoder = new TextDecoder();
  let out = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    progress();
    out += decoder.decode(value, { stream: true });
  }
  return out + decoder.decode();
}
