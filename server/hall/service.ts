// The hall queue service: one hall's queue over HTTP (REST actions, SSE push to every screen,
// kiosk and desk), durable through the journal, serving the built renderer for TVs and kiosks,
// and forwarding queue events to the central endpoint when it is reachable. Node `http` only,
// no Electron: the shell runs this same function in its utility process.
import { randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import {
  COUNTER_ACTIONS,
  DEFAULT_QUEUE_CONFIG,
  HALL_PATHS,
  PRIVATE_EVENTS,
  QueueCommand,
  QueueConfig,
  QueueRuleError,
  computeAlarms,
  computeDayStats,
  createQueueState,
  decide,
  keyCustomerCategory,
  localDay,
  maintenanceEvents,
  publicEvent,
  publicState,
  receiptFor,
  reduceInPlace,
  reduceAll,
  publicConfig,
  type AppointmentsResponse,
  type BookAppointmentResponse,
  type CounterActionResponse,
  type HallAccess,
  type IssueTicketResponse,
  type KeyLookupResponse,
  type PairResponse,
  type PairingCodeResponse,
  type WhoAmIResponse,
  type QueueConfigInput,
  type QueueEvent,
  type QueueState,
  type StatsResponse,
} from '../../shared/queue';
import type { Change } from '../../shared/protocol';
import { Journal, type JournalEntry } from './journal';
import { Outbox, type CentralPushHook, type OutboxSnapshot, type PendingEvent } from './central';
import { HallAuth, RateLimiter, loadOrCreateManagerSecret, type Principal } from './auth';

export interface HallServiceOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Journal and snapshots live here (created when missing). */
  dataDir: string;
  /** Built renderer (dist/renderer) served at `/` for screens and kiosks. */
  staticDir?: string;
  /** Uplink to the central endpoint; omitted = offline hall (events wait in the outbox). */
  centralPush?: CentralPushHook;
  /** Written into every queue event sent to the centre. */
  hallCode?: string;
  /** Configuration of a brand-new hall (ignored once the journal has one). */
  initialConfig?: QueueConfigInput;
  /** Clock (tests simulate a day with it). */
  now?: () => number;
  /** Snapshot + compact after this many journal entries, at the next quiet second (default 2000). */
  snapshotEvery?: number;
  log?: (line: string) => void;
  /**
   * The manager secret (Bearer token for configuration, statistics, pairing). Default: read from
   * `<dataDir>/manager.secret`, generated there (mode 0600) on the very first start.
   */
  managerSecret?: string;
  /** Anonymous ticket issuing per client address (default burst 30, 20 a minute). */
  kioskLimit?: { burst: number; perMinute: number };
  /** Anonymous key-customer lookups and pairing attempts per address (default 10, 6 a minute). */
  lookupLimit?: { burst: number; perMinute: number };
  /** Most simultaneous SSE connections (screens, kiosks, desks); default 300. */
  maxSseClients?: number;
  /** Longest wait between two tries to reach the centre (default 60 s). */
  centralRetryMaxMs?: number;
}

export interface HallService {
  port: number;
  url: string;
  close(): Promise<void>;
  /** Current state (read-only: do not mutate). */
  getState(): QueueState;
  /** Last journal seq. */
  seq(): number;
  outbox(): {
    pending: number;
    ackSeq: number;
    lastError: string | null;
    /** ms since epoch of the last push the centre answered; null = none since this start. */
    lastSuccessAt: number | null;
    /** Events the centre could not store, sent as placeholders (central.ts); null = none. */
    unsendable: string | null;
  };
  /** Milliseconds the journal replay took at start. */
  startupMs: number;
  /** The manager secret in force (print it for the hall manager; never send it to screens). */
  managerSecret: string;
  /** True when this start generated it (first start of a new hall). */
  managerSecretCreated: boolean;
  /** Where it is kept (mode 0600). */
  managerSecretFile: string;
}

interface SnapshotData {
  state: QueueState;
  outbox: OutboxSnapshot;
}

interface EventEntry extends JournalEntry {
  k: 'e';
  ev: QueueEvent;
  cid: string;
  os: number;
}
interface AckEntry extends JournalEntry {
  k: 'ack';
  ackSeq: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const RULE_STATUS: Partial<Record<string, number>> = {
  E_UNKNOWN_APPOINTMENT: 404,
  E_SLOT_INVALID: 422,
  E_UNKNOWN_CATEGORY: 404,
  E_UNKNOWN_COUNTER: 404,
  E_UNKNOWN_TICKET: 404,
  E_REASON_REQUIRED: 422,
  E_BAD_RATING: 422,
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

const RING_FRAMES = 5000;
const HEARTBEAT_MS = 15_000;
const MAINTENANCE_MS = 30_000;
/** Request bodies: small everywhere, larger only for the configuration (key-customer list). */
const MAX_BODY = 8 * 1024;
const MAX_CONFIG_BODY = 512 * 1024;
const SNAPSHOT_IDLE_MS = 1000;
/** SSE connections from one address (a PC may show display + kiosk + desk + rating pad...). */
const SSE_PER_ADDRESS = 40;

const RateBody = z.object({
  counterNo: z.number().int().min(1),
  level: z.number().int().min(1).max(5),
  reason: z.string().trim().max(200).optional(),
  ticketNo: z.string().min(2).max(8).optional(),
});
const LookupBody = z.object({ customerRef: z.string().trim().min(1).max(30) });
const PairingCodeBody = z.object({
  name: z.string().trim().min(1).max(40),
  counterNo: z.number().int().min(1).max(999).nullable().optional(),
});
const PairBody = z.object({ code: z.string().trim().min(4).max(20) });
const BookBody = z.object({
  categoryId: z.string(),
  slotStart: z.number().int().nonnegative(),
});
const CheckInBody = z.object({ code: z.string().trim().min(1).max(12) });
const IssueBody = z.object({
  categoryId: z.string(),
  green: z.boolean().optional(),
  customerRef: z.string().trim().max(30).optional(),
});

export async function startHallService(options: HallServiceOptions): Promise<HallService> {
  const clock = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(`[hall] ${line}`));
  const snapshotEvery = options.snapshotEvery ?? 2000;
  const t0 = performance.now();

  // ---------------------------------------------------------------- recover
  const journal = new Journal<SnapshotData>(path.resolve(options.dataDir));
  const initialConfig = QueueConfig.parse(options.initialConfig ?? DEFAULT_QUEUE_CONFIG);

  const toChange = (e: PendingEvent): Change => ({
    changeId: e.cid,
    seq: e.os,
    entity: 'queue_event',
    entityId: e.cid,
    op: 'create',
    payload: {
      id: e.cid,
      ...(options.hallCode ? { hallCode: options.hallCode } : {}),
      day: localDay((e.ev as QueueEvent).at),
      occurredAt: new Date((e.ev as QueueEvent).at).toISOString(),
      type: (e.ev as QueueEvent).type,
      event: centralEvent(e.ev as QueueEvent),
    },
  });

  const secret = loadOrCreateManagerSecret(path.resolve(options.dataDir), options.managerSecret);
  const auth = new HallAuth(path.resolve(options.dataDir), secret.secret, clock);
  const kioskLimit = new RateLimiter(
    options.kioskLimit?.burst ?? 30,
    options.kioskLimit?.perMinute ?? 20,
    clock,
  );
  const lookupLimit = new RateLimiter(
    options.lookupLimit?.burst ?? 10,
    options.lookupLimit?.perMinute ?? 6,
    clock,
  );
  const maxSseClients = options.maxSseClients ?? 300;
  const sseByAddress = new Map<string, number>();

  const outbox = new Outbox(
    options.centralPush,
    (ackSeq) => {
      try {
        journal.append([{ k: 'ack', ackSeq }]);
      } catch (error) {
        // Losing an ack only means the centre sees a duplicate later (idempotent): log, go on.
        log(`could not journal central ack: ${String(error)}`);
      }
    },
    toChange,
    options.centralRetryMaxMs,
  );

  /** State and outbox exactly as on disk: snapshot, then the journal after it. */
  function loadFromDisk(): QueueState {
    const opened = journal.open();
    let s: QueueState = opened.snapshot?.data.state ?? createQueueState(initialConfig);
    outbox.restore(opened.snapshot?.data.outbox ?? { nextSeq: 1, ackSeq: 0, pending: [] });
    for (const entry of opened.entries) {
      if (entry.k === 'e') {
        const e = entry as EventEntry;
        s = reduceInPlace(s, e.ev);
        outbox.add({ cid: e.cid, os: e.os, ev: e.ev });
      } else if (entry.k === 'ack') {
        outbox.ack((entry as AckEntry).ackSeq);
      }
    }
    if (opened.corruptLines || opened.truncatedBytes) {
      log(
        `journal repaired: ${opened.corruptLines} corrupt line(s) skipped, ${opened.truncatedBytes} torn byte(s) cut`,
      );
    }
    return s;
  }

  let state: QueueState = loadFromDisk();

  // ---------------------------------------------------------------- SSE clients
  const clients = new Set<http.ServerResponse>();
  let ring: Array<{ seq: number; frame: string }> = [];
  let ringFrom = journal.seq; // frames for every queue event with seq > ringFrom are in `ring`

  function broadcast(seq: number, event: QueueEvent): void {
    // Appointment bookings stay here (their codes are check-in secrets); the ticket a check-in
    // issues is an ordinary public event.
    if (PRIVATE_EVENTS.has(event.type)) return;
    const frame = `id: ${seq}\nevent: queue\ndata: ${JSON.stringify({ seq, event: publicEvent(event) })}\n\n`;
    ring.push({ seq, frame });
    if (ring.length > RING_FRAMES) {
      const drop = ring.length - RING_FRAMES;
      ringFrom = ring[drop - 1]?.seq ?? ringFrom;
      ring = ring.slice(drop);
    }
    for (const res of clients) res.write(frame);
  }

  // ---------------------------------------------------------------- commit
  let closed = false;
  let snapshotPending = false;
  function scheduleSnapshot(): void {
    if (snapshotPending) return;
    snapshotPending = true;
    // After the response: the snapshot is a full state write, the ack must not wait for it.
    setImmediate(() => {
      snapshotPending = false;
      if (closed) return;
      try {
        journal.snapshot({ state, outbox: outbox.toSnapshot() });
      } catch (error) {
        log(`snapshot failed (journal still intact): ${String(error)}`);
      }
    });
  }

  /**
   * Group commit. Commands are decided against `pending` (durable state plus events decided but
   * not yet on disk) so that two calls in the same instant never get the same ticket; their
   * events are written with ONE write + fsync at the end of the event-loop turn, and only then
   * does `state` (what clients see) advance and do the HTTP answers go out.
   */
  let pending: QueueState = state;
  let buffer: QueueEvent[] = [];
  let waiters: Array<{ resolve: (seq: number) => void; reject: (e: unknown) => void }> = [];
  let flushScheduled = false;

  /** Journal (fsync) first, then publish, broadcast and queue for the centre. */
  function commitBuffered(): void {
    const events = buffer;
    buffer = [];
    if (events.length === 0) return;
    const bodies = events.map((ev, i) => ({
      k: 'e',
      ev,
      cid: randomUUID(),
      os: outbox.nextSeq + i,
    }));
    let entries: EventEntry[];
    try {
      entries = journal.append(bodies) as EventEntry[];
    } catch (error) {
      // Not (surely) on disk: forget these decisions (state is updated in place, so reload what
      // the disk holds); their requests are refused.
      journal.close();
      state = loadFromDisk();
      pending = state;
      throw error;
    }
    state = pending;
    let cleared = false;
    for (const e of entries) {
      outbox.add({ cid: e.cid, os: e.os, ev: e.ev });
      broadcast(e.seq, e.ev);
      if (e.ev.type === 'daily_cleared') cleared = true;
    }
    outbox.kick();
    lastCommitAt = performance.now();
    considerSnapshot(cleared);
  }

  /**
   * Snapshots stall the event loop (a whole day of state to JSON and fsync), so they wait for a
   * quiet second in the hall; only a journal that keeps growing without pause (5× the interval)
   * or the daily clear forces one.
   */
  let lastCommitAt = 0;
  let idleTimer: NodeJS.Timeout | null = null;
  function considerSnapshot(cleared: boolean): void {
    const n = journal.entriesSinceSnapshot;
    if (cleared || n >= snapshotEvery * 5) {
      scheduleSnapshot();
      return;
    }
    if (n < snapshotEvery || idleTimer) return;
    const check = () => {
      idleTimer = null;
      if (closed || journal.entriesSinceSnapshot < snapshotEvery) return;
      if (performance.now() - lastCommitAt >= SNAPSHOT_IDLE_MS) scheduleSnapshot();
      else {
        idleTimer = setTimeout(check, SNAPSHOT_IDLE_MS);
        idleTimer.unref();
      }
    };
    idleTimer = setTimeout(check, SNAPSHOT_IDLE_MS);
    idleTimer.unref();
  }

  function flush(): void {
    flushScheduled = false;
    const ws = waiters;
    waiters = [];
    try {
      commitBuffered();
    } catch (error) {
      log(`journal write failed: ${String(error)}`);
      for (const w of ws) w.reject(new HttpError(503, 'E_STORAGE', '排队数据写入失败，请稍后重试'));
      return;
    }
    for (const w of ws) w.resolve(journal.seq);
  }

  function submit(events: QueueEvent[]): Promise<number> {
    for (const e of events) pending = reduceInPlace(pending, e);
    buffer.push(...events);
    return new Promise<number>((resolve, reject) => {
      waiters.push({ resolve, reject });
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
  }

  /** Resolves once nothing decided is waiting for its fsync. */
  function whenDurable(): Promise<void> {
    if (buffer.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      waiters.push({ resolve: () => resolve(), reject: () => resolve() });
    });
  }

  async function execute(cmd: QueueCommand): Promise<{ seq: number; events: QueueEvent[] }> {
    const now = clock();
    const maintenance = maintenanceEvents(pending, now);
    const decision = decide(reduceAll(pending, maintenance), cmd, now);
    if (!decision.ok) {
      if (maintenance.length > 0) await submit(maintenance);
      throw decision.error;
    }
    const seq = await submit([...maintenance, ...decision.events]);
    return { seq, events: decision.events };
  }

  /** The kiosk's answer for a ticket just issued (by 取号 or by an appointment's check-in). */
  function ticketAnswer(
    done: { seq: number; events: QueueEvent[] },
    failure: string,
  ): IssueTicketResponse {
    const issued = done.events.find((e) => e.type === 'ticket_issued');
    const receipt = issued ? receiptFor(state, issued.ticketNo) : null;
    if (!receipt) throw new HttpError(500, 'E_INTERNAL', failure);
    return {
      receipt,
      hallName: state.config.hallName,
      ticketText: state.config.ticketText,
      seq: done.seq,
    };
  }

  /** Synchronous commit for start-up (before any request). */
  function commitNow(events: QueueEvent[]): void {
    for (const e of events) pending = reduceInPlace(pending, e);
    buffer.push(...events);
    commitBuffered();
  }

  // A brand-new hall: journal its configuration so it is durable like everything else.
  if (journal.seq === 0) {
    commitNow([{ type: 'config_changed', at: clock(), config: initialConfig }]);
  }
  commitNow(maintenanceEvents(state, clock()));
  // The uplink's centre device owns the outbox's seqs. First uplink: recorded. Another device
  // than before (enrolled again): the unsent events are renumbered for it, and the snapshot
  // makes that durable before anything is sent.
  const uplinkDevice = options.centralPush?.deviceId;
  let outboxChanged = false;
  if (uplinkDevice && outbox.deviceId !== uplinkDevice) {
    if (outbox.deviceId) {
      const n = outbox.rebase(uplinkDevice, () => randomUUID());
      log(`central uplink is now device ${uplinkDevice}: ${n} unsent event(s) renumbered`);
    } else {
      outbox.deviceId = uplinkDevice;
    }
    outboxChanged = true;
  }
  if (outboxChanged || journal.entriesSinceSnapshot >= snapshotEvery) {
    journal.snapshot({ state, outbox: outbox.toSnapshot() });
  }

  // ---------------------------------------------------------------- HTTP
  const staticRoot = options.staticDir ? path.resolve(options.staticDir) : null;

  function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function readJson(req: http.IncomingMessage, limit = MAX_BODY): Promise<unknown> {
    const tooLarge = () => new HttpError(413, 'E_TOO_LARGE', `请求内容过大（上限 ${limit} 字节）`);
    // Refuse before reading when the client says how much it will send.
    if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      req.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > limit) {
          // Answer at once; the rest is ignored and the connection closed after the answer.
          failed = true;
          chunks.length = 0;
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      req.on('error', (e) => {
        if (!failed) reject(e);
      });
      req.on('end', () => {
        if (failed) return;
        if (size === 0) return resolve({});
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        } catch {
          reject(new HttpError(400, 'E_BAD_JSON', '请求内容不是有效的 JSON'));
        }
      });
    });
  }

  function parse<T>(schema: z.ZodType<T>, value: unknown): T {
    const r = schema.safeParse(value);
    if (!r.success) {
      throw new HttpError(
        400,
        'E_VALIDATION',
        `请求内容有误：${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        r.error.issues,
      );
    }
    return r.data;
  }

  async function openEvents(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    // The state is updated in place as commands are decided: a snapshot taken before their
    // fsync would show events the journal (and the SSE ids) do not have yet.
    if (clients.size >= maxSseClients) {
      throw new HttpError(503, 'E_TOO_MANY_CLIENTS', '连接的屏幕过多，请稍后重试');
    }
    // One device on the LAN must not take every slot from the hall's screens.
    const addr = clientKey(req);
    const fromAddr = sseByAddress.get(addr) ?? 0;
    if (fromAddr >= SSE_PER_ADDRESS) {
      throw new HttpError(503, 'E_TOO_MANY_CLIENTS', '本机打开的排队页面过多，请关闭多余页面');
    }
    await whenDurable();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write('retry: 2000\n\n');
    const header = req.headers['last-event-id'];
    const raw = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId');
    const last = raw !== null && raw !== undefined && raw !== '' ? Number(raw) : NaN;
    if (Number.isInteger(last) && last >= ringFrom && last <= journal.seq) {
      // Resume: only what the client missed.
      for (const f of ring) if (f.seq > last) res.write(f.frame);
    } else {
      const snap = { seq: journal.seq, serverTime: clock(), state: publicState(state) };
      res.write(`id: ${journal.seq}\nevent: snapshot\ndata: ${JSON.stringify(snap)}\n\n`);
    }
    clients.add(res);
    sseByAddress.set(addr, fromAddr + 1);
    req.on('close', () => {
      clients.delete(res);
      const n = (sseByAddress.get(addr) ?? 1) - 1;
      if (n <= 0) sseByAddress.delete(addr);
      else sseByAddress.set(addr, n);
    });
  }

  function serveStatic(res: http.ServerResponse, pathname: string): boolean {
    if (!staticRoot) return false;
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(staticRoot, `.${rel}`);
    if (file !== staticRoot && !file.startsWith(staticRoot + path.sep)) return false;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return false;
    }
    if (!stat.isFile()) return false;
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': stat.size,
      // Hashed assets may be cached; the page itself is re-read so updates reach the TV.
      'cache-control': isHtml ? 'no-cache' : 'public, max-age=3600',
    });
    fs.createReadStream(file).pipe(res);
    return true;
  }

  /** Client address for rate limits (the hall LAN has no proxies in front of the service). */
  function clientKey(req: http.IncomingMessage): string {
    return req.socket.remoteAddress ?? 'unknown';
  }

  function limited(limiter: RateLimiter, req: http.IncomingMessage): void {
    const wait = limiter.take(clientKey(req));
    if (wait > 0) {
      throw new HttpError(429, 'E_RATE_LIMITED', `操作过于频繁，请 ${wait} 秒后再试`, {
        retryAfterSeconds: wait,
      });
    }
  }

  /** Refuses unless the caller may use an endpoint of this access level. */
  function authorize(who: Principal, access: HallAccess, counterNo?: number): void {
    if (access === 'public' || access === 'kiosk' || who.role === 'manager') return;
    if (who.role === 'anonymous') {
      throw new HttpError(
        401,
        'E_AUTH_REQUIRED',
        access === 'manager' ? '需要营业厅管理密钥' : '本机尚未与排队服务配对，请先配对',
      );
    }
    if (access === 'manager') throw new HttpError(403, 'E_FORBIDDEN', '仅营业厅管理员可以操作');
    if (who.role === 'counter' && counterNo !== undefined && who.device.counterNo !== null) {
      if (who.device.counterNo !== counterNo) {
        throw new HttpError(
          403,
          'E_FORBIDDEN',
          `本机只能操作${who.device.counterNo}号窗口（配对时指定）`,
        );
      }
    }
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hall.local');
    const p = url.pathname;
    const method = req.method ?? 'GET';

    if (method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const authResult = auth.authenticate(req.headers.authorization);
    if (authResult.role === 'invalid') {
      // A token was presented but is unknown or revoked: say so, so the device pairs again.
      throw new HttpError(401, 'E_AUTH_INVALID', '配对已失效或被撤销，请重新配对');
    }
    const who: Principal = authResult;

    // ---- public: screens and kiosks (no personal data in any of these answers)
    if (method === 'GET' && p === HALL_PATHS.events) return openEvents(req, res, url);
    if (method === 'GET' && p === HALL_PATHS.health) {
      const basic = { ok: true, service: 'halldesk-hall', seq: journal.seq, day: state.day };
      if (who.role !== 'manager') return sendJson(res, 200, basic);
      return sendJson(res, 200, {
        ...basic,
        tickets: state.order.length,
        clients: clients.size,
        startupMs: Math.round(startupMs),
        rssMB: Math.round((process.memoryUsage().rss / 1048576) * 10) / 10,
        outbox: {
          pending: outbox.pending.length,
          ackSeq: outbox.ackSeq,
          lastError: outbox.lastError,
          unsendable: outbox.unsendableReport(),
        },
      });
    }
    if (method === 'GET' && p === HALL_PATHS.state) {
      await whenDurable();
      return sendJson(res, 200, {
        seq: journal.seq,
        serverTime: clock(),
        state: publicState(state),
      });
    }
    // ---- kiosk: public, rate-limited per address unless a paired device or the manager calls
    if (method === 'POST' && p === HALL_PATHS.tickets) {
      const body = parse(IssueBody, await readJson(req));
      const cmd = parse(QueueCommand, { type: 'issue', ...body });
      if (who.role === 'anonymous') {
        limited(kioskLimit, req);
        // A 户号 / phone routes to a lane: limited like lookups (no enumeration of key customers).
        if (body.customerRef) limited(lookupLimit, req);
      }
      return sendJson(res, 201, ticketAnswer(await execute(cmd), '取号失败'));
    }
    if (method === 'POST' && p === HALL_PATHS.lookup) {
      const { customerRef } = parse(LookupBody, await readJson(req));
      if (who.role === 'anonymous') limited(lookupLimit, req);
      // The lane only: the key-customer list never leaves the service.
      const categoryId = keyCustomerCategory(state, customerRef);
      const cat = state.config.categories.find((c) => c.id === categoryId);
      const answer: KeyLookupResponse = {
        keyCustomer: categoryId !== null,
        categoryId,
        categoryName: cat?.name ?? null,
      };
      return sendJson(res, 200, answer);
    }
    if (method === 'POST' && p === HALL_PATHS.checkIn) {
      // Appointment codes are secrets: guessing is limited like key-customer lookups.
      const body = parse(CheckInBody, await readJson(req));
      if (who.role === 'anonymous') limited(lookupLimit, req);
      const done = await execute({ type: 'check_in', code: body.code });
      return sendJson(res, 201, ticketAnswer(done, '签到失败'));
    }
    if (method === 'POST' && p === HALL_PATHS.pair) {
      limited(lookupLimit, req);
      const { code } = parse(PairBody, await readJson(req));
      const paired = auth.pair(code);
      if (!paired) {
        throw new HttpError(
          400,
          'E_PAIRING_CODE',
          '配对码无效、已使用或已过期，请向管理员重新获取',
        );
      }
      log(`device paired: ${paired.device.name} (${paired.device.id})`);
      const answer: PairResponse = paired;
      return sendJson(res, 201, answer);
    }
    // ---- counter devices (paired) and the manager
    if (method === 'GET' && p === HALL_PATHS.whoami) {
      authorize(who, 'counter');
      const answer: WhoAmIResponse =
        who.role === 'counter' ? { role: 'counter', device: who.device } : { role: 'manager' };
      return sendJson(res, 200, answer);
    }
    const counterMatch = /^\/api\/queue\/counters\/(\d{1,3})\/([a-z-]+)$/.exec(p);
    if (method === 'POST' && counterMatch) {
      const counterNo = Number(counterMatch[1]);
      authorize(who, 'counter', counterNo);
      const action = counterMatch[2] as keyof typeof COUNTER_ACTIONS;
      const type = COUNTER_ACTIONS[action];
      if (!type) throw new HttpError(404, 'E_NOT_FOUND', `未知的窗口操作 ${action}`);
      const body = (await readJson(req)) as Record<string, unknown>;
      const cmd = parse(QueueCommand, { ...body, type, counterNo });
      const { seq, events } = await execute(cmd);
      const answer: CounterActionResponse = {
        seq,
        current: state.counters[String(counterNo)]?.current ?? null,
        events,
      };
      return sendJson(res, 200, answer);
    }
    if (method === 'POST' && p === HALL_PATHS.ratings) {
      // The rating pad is the counter's customer-facing screen: it runs as that counter's device.
      authorize(who, 'counter');
      const body = parse(RateBody, await readJson(req));
      authorize(who, 'counter', body.counterNo);
      const { seq, events } = await execute({ type: 'rate', ...body });
      return sendJson(res, 200, { seq, events: events.map(publicEvent) });
    }
    if (p === HALL_PATHS.appointments && method === 'POST') {
      // Staff book for a customer (phone, counter); the code is told to the customer.
      authorize(who, 'counter');
      const body = parse(BookBody, await readJson(req));
      let code = '';
      do {
        code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      } while (pending.appointments?.[code]);
      const cmd = parse(QueueCommand, { type: 'book_appointment', ...body, code });
      const { seq } = await execute(cmd);
      const appointment = state.appointments?.[code];
      if (!appointment) throw new HttpError(500, 'E_INTERNAL', '预约失败');
      const answer: BookAppointmentResponse = { code, appointment, seq };
      return sendJson(res, 201, answer);
    }
    if (p === HALL_PATHS.appointments && method === 'GET') {
      authorize(who, 'counter');
      const day = url.searchParams.get('day');
      const answer: AppointmentsResponse = {
        appointments: Object.values(state.appointments ?? {})
          .filter((a) => !day || localDay(a.slotStart) === day)
          .sort((a, b) => a.slotStart - b.slotStart || a.bookedAt - b.bookedAt),
      };
      return sendJson(res, 200, answer);
    }
    const cancelMatch = /^\/api\/queue\/appointments\/(\d{6})\/cancel$/.exec(p);
    if (method === 'POST' && cancelMatch) {
      authorize(who, 'counter');
      const { seq } = await execute({ type: 'cancel_appointment', code: cancelMatch[1]! });
      return sendJson(res, 200, { seq, appointment: state.appointments?.[cancelMatch[1]!] });
    }
    // ---- manager
    if (p === HALL_PATHS.config && (method === 'GET' || method === 'PUT')) {
      authorize(who, 'manager');
      // Full configuration (key customers too): the manager only.
      if (method === 'GET') return sendJson(res, 200, { config: state.config });
      const body = (await readJson(req, MAX_CONFIG_BODY)) as { config?: unknown };
      const config = parse(QueueConfig, body.config ?? body);
      const { seq } = await execute({ type: 'set_config', config });
      return sendJson(res, 200, { seq, config: state.config });
    }
    if (method === 'GET' && p === HALL_PATHS.stats) {
      authorize(who, 'manager');
      const now = clock();
      const answer: StatsResponse = {
        serverTime: now,
        today: computeDayStats(state, now),
        history: state.history,
        alarms: computeAlarms(state, now),
      };
      return sendJson(res, 200, answer);
    }
    if (method === 'POST' && p === HALL_PATHS.dailyClear) {
      authorize(who, 'manager');
      const { seq } = await execute({ type: 'daily_clear' });
      return sendJson(res, 200, { seq });
    }
    if (method === 'POST' && p === HALL_PATHS.pairingCodes) {
      authorize(who, 'manager');
      const body = parse(PairingCodeBody, await readJson(req));
      const counterNo = body.counterNo ?? null;
      if (counterNo !== null && !state.config.counters.some((c) => c.no === counterNo)) {
        throw new HttpError(404, 'E_UNKNOWN_COUNTER', `没有${counterNo}号窗口`);
      }
      const code = auth.createPairingCode(body.name, counterNo);
      const answer: PairingCodeResponse = { ...code, name: body.name, counterNo };
      return sendJson(res, 201, answer);
    }
    if (method === 'GET' && p === HALL_PATHS.devices) {
      authorize(who, 'manager');
      return sendJson(res, 200, { devices: auth.list() });
    }
    const revokeMatch = /^\/api\/queue\/devices\/([0-9a-f-]{36})\/revoke$/.exec(p);
    if (method === 'POST' && revokeMatch) {
      authorize(who, 'manager');
      const device = auth.revoke(revokeMatch[1]!);
      if (!device) throw new HttpError(404, 'E_NOT_FOUND', '没有这个设备');
      log(`device revoked: ${device.name} (${device.id})`);
      return sendJson(res, 200, { device });
    }
    if (p.startsWith('/api/')) {
      const known = (Object.values(HALL_PATHS) as string[]).includes(p) || counterMatch;
      if (known) throw new HttpError(405, 'E_METHOD', `不支持的请求方法 ${method}`);
      throw new HttpError(404, 'E_NOT_FOUND', '接口不存在');
    }
    if ((method === 'GET' || method === 'HEAD') && serveStatic(res, p)) return;
    throw new HttpError(404, 'E_NOT_FOUND', '页面不存在');
  }

  const server = http.createServer((req, res) => {
    // Screens, kiosks and desks (file:// or app:// in Electron) call from other origins.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, OPTIONS');
    res.setHeader('access-control-allow-headers', 'content-type, last-event-id, authorization');
    res.setHeader('x-content-type-options', 'nosniff');
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof QueueRuleError) {
        sendJson(res, RULE_STATUS[error.code] ?? 409, {
          error: { code: error.code, message: error.message },
        });
      } else if (error instanceof HttpError) {
        if (error.status === 413) res.setHeader('connection', 'close');
        if (error.status === 429) {
          const wait = (error.details as { retryAfterSeconds?: number } | undefined)
            ?.retryAfterSeconds;
          if (wait) res.setHeader('retry-after', String(wait));
        }
        if (error.status === 401) res.setHeader('www-authenticate', 'Bearer realm="hall"');
        sendJson(res, error.status, {
          error: { code: error.code, message: error.message, details: error.details },
        });
      } else {
        log(
          `request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        sendJson(res, 500, { error: { code: 'E_INTERNAL', message: '服务内部错误，请稍后重试' } });
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  // Requests Node cannot even parse (bad syntax, oversized headers) still get a JSON answer.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const large = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({
      error: large
        ? { code: 'E_TOO_LARGE', message: '请求头过大' }
        : { code: 'E_BAD_REQUEST', message: '请求格式错误' },
    });
    socket.end(
      `HTTP/1.1 ${large ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `connection: close\r\n\r\n${body}`,
    );
  });
  // A LAN device that opens connections and never finishes its request must not hold them.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Recovery time as a restart sees it: journal + snapshot load, replay, listening.
  const startupMs = performance.now() - t0;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const maintenance = setInterval(() => {
    const due = maintenanceEvents(pending, clock());
    if (due.length > 0) {
      submit(due).catch((error: unknown) => log(`daily clear failed: ${String(error)}`));
    }
    outbox.startTicker();
    auth.flushSeen();
  }, MAINTENANCE_MS);
  maintenance.unref();
  outbox.startTicker();
  if (secret.created) log(`manager secret generated (kept in ${secret.file}, mode 0600)`);

  const host = options.host ?? '127.0.0.1';
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    startupMs,
    getState: () => state,
    managerSecret: secret.secret,
    managerSecretCreated: secret.created,
    managerSecretFile: secret.file,
    seq: () => journal.seq,
    outbox: () => ({
      pending: outbox.pending.length,
      ackSeq: outbox.ackSeq,
      lastError: outbox.lastError,
      lastSuccessAt: outbox.lastSuccessAt,
      unsendable: outbox.unsendableReport(),
    }),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearInterval(maintenance);
      if (idleTimer) clearTimeout(idleTimer);
      if (flushScheduled) flush();
      // A clean stop leaves a fresh snapshot: the next start replays nothing.
      if (journal.entriesSinceSnapshot > 0) {
        try {
          journal.snapshot({ state, outbox: outbox.toSnapshot() });
        } catch (error) {
          log(`snapshot at close failed (journal still intact): ${String(error)}`);
        }
      }
      outbox.stop();
      auth.flushSeen();
      for (const res of clients) res.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      journal.close();
    },
  };
}

/** What the centre receives: everything for its reports (rating reasons too), never key customers. */
function centralEvent(event: QueueEvent): QueueEvent {
  if (event.type === 'config_changed') return { ...event, config: publicConfig(event.config) };
  // Reports need slots and check-ins, not the customers' check-in codes.
  if (
    event.type === 'appointment_booked' ||
    event.type === 'appointment_cancelled' ||
    event.type === 'appointment_checked_in'
  ) {
    return { ...event, code: '******' };
  }
  return event;
}
