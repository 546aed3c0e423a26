// The hall queue service: one hall's queue over HTTP (REST actions, SSE push to every screen,
// kiosk and desk), durable through the journal, serving the built renderer for TVs and kiosks,
// and forwarding queue events to the central endpoint when it is reachable. Node `http` only,
// no Electron: the shell runs this same function in its utility process.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import {
  COUNTER_ACTIONS,
  DEFAULT_QUEUE_CONFIG,
  HALL_PATHS,
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
  type CounterActionResponse,
  type IssueTicketResponse,
  type QueueConfigInput,
  type QueueEvent,
  type QueueState,
  type StatsResponse,
} from '../../shared/queue';
import type { Change } from '../../shared/protocol';
import { Journal, type JournalEntry } from './journal';
import { Outbox, type CentralPushHook, type OutboxSnapshot, type PendingEvent } from './central';

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
}

export interface HallService {
  port: number;
  url: string;
  close(): Promise<void>;
  /** Current state (read-only: do not mutate). */
  getState(): QueueState;
  /** Last journal seq. */
  seq(): number;
  outbox(): { pending: number; ackSeq: number; lastError: string | null };
  /** Milliseconds the journal replay took at start. */
  startupMs: number;
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
const MAX_BODY = 1024 * 1024;
const SNAPSHOT_IDLE_MS = 1000;

const RateBody = z.object({
  counterNo: z.number().int().min(1),
  level: z.number().int().min(1).max(5),
  reason: z.string().trim().max(200).optional(),
  ticketNo: z.string().min(2).max(8).optional(),
});
const LookupBody = z.object({ customerRef: z.string().trim().min(1).max(30) });
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
      event: publicEvent(e.ev as QueueEvent),
    },
  });

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
  if (journal.entriesSinceSnapshot >= snapshotEvery) {
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

  async function readJson(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new HttpError(413, 'E_TOO_LARGE', '请求内容过大');
      chunks.push(chunk as Buffer);
    }
    if (size === 0) return {};
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    } catch {
      throw new HttpError(400, 'E_BAD_JSON', '请求内容不是有效的 JSON');
    }
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
    req.on('close', () => clients.delete(res));
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

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hall.local');
    const p = url.pathname;
    const method = req.method ?? 'GET';

    if (method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (method === 'GET' && p === HALL_PATHS.events) return openEvents(req, res, url);
    if (method === 'GET' && p === HALL_PATHS.health) {
      return sendJson(res, 200, {
        ok: true,
        service: 'halldesk-hall',
        seq: journal.seq,
        day: state.day,
        tickets: state.order.length,
        clients: clients.size,
        startupMs: Math.round(startupMs),
        rssMB: Math.round((process.memoryUsage().rss / 1048576) * 10) / 10,
        outbox: {
          pending: outbox.pending.length,
          ackSeq: outbox.ackSeq,
          lastError: outbox.lastError,
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
    if (method === 'POST' && p === HALL_PATHS.tickets) {
      const body = parse(IssueBody, await readJson(req));
      const cmd = parse(QueueCommand, { type: 'issue', ...body });
      const { seq, events } = await execute(cmd);
      const issued = events.find((e) => e.type === 'ticket_issued');
      const receipt = issued ? receiptFor(state, issued.ticketNo) : null;
      if (!receipt) throw new HttpError(500, 'E_INTERNAL', '取号失败');
      const answer: IssueTicketResponse = {
        receipt,
        hallName: state.config.hallName,
        ticketText: state.config.ticketText,
        seq,
      };
      return sendJson(res, 201, answer);
    }
    if (method === 'POST' && p === HALL_PATHS.lookup) {
      const { customerRef } = parse(LookupBody, await readJson(req));
      const categoryId = keyCustomerCategory(state, customerRef);
      const cat = state.config.categories.find((c) => c.id === categoryId);
      return sendJson(res, 200, {
        keyCustomer: categoryId !== null,
        categoryId,
        categoryName: cat?.name ?? null,
      });
    }
    const counterMatch = /^\/api\/queue\/counters\/(\d{1,3})\/([a-z-]+)$/.exec(p);
    if (method === 'POST' && counterMatch) {
      const counterNo = Number(counterMatch[1]);
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
      const body = parse(RateBody, await readJson(req));
      const { seq, events } = await execute({ type: 'rate', ...body });
      return sendJson(res, 200, { seq, events });
    }
    if (p === HALL_PATHS.config) {
      // Full configuration (key customers too) for the manager page on the hall's own network.
      if (method === 'GET') return sendJson(res, 200, { config: state.config });
      if (method === 'PUT') {
        const body = (await readJson(req)) as { config?: unknown };
        const config = parse(QueueConfig, body.config ?? body);
        const { seq } = await execute({ type: 'set_config', config });
        return sendJson(res, 200, { seq, config: state.config });
      }
    }
    if (method === 'GET' && p === HALL_PATHS.stats) {
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
      const { seq } = await execute({ type: 'daily_clear' });
      return sendJson(res, 200, { seq });
    }
    if (p.startsWith('/api/')) throw new HttpError(404, 'E_NOT_FOUND', '接口不存在');
    if ((method === 'GET' || method === 'HEAD') && serveStatic(res, p)) return;
    throw new HttpError(404, 'E_NOT_FOUND', '页面不存在');
  }

  const server = http.createServer((req, res) => {
    // Screens, kiosks and desks (file:// or app:// in Electron) call from other origins.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, OPTIONS');
    res.setHeader('access-control-allow-headers', 'content-type, last-event-id');
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
  }, MAINTENANCE_MS);
  maintenance.unref();
  outbox.startTicker();

  const host = options.host ?? '127.0.0.1';
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    startupMs,
    getState: () => state,
    seq: () => journal.seq,
    outbox: () => ({
      pending: outbox.pending.length,
      ackSeq: outbox.ackSeq,
      lastError: outbox.lastError,
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
