// The hall queue service: one hall's queue over HTTP (REST actions, SSE push to every screen,
// kiosk and desk), durable through the journal, serving the built renderer for TVs and kiosks,
// and forwarding queue events to the central endpoint when it is reachable. Node `http` only,
// no Electron: the shell runs this same function in its utility process. The parts: store.ts
// (state + persistence), routes.ts (the API), sse.ts (push to screens), httpUtil.ts.
import http from 'node:http';
import path from 'node:path';
import {
  DEFAULT_QUEUE_CONFIG,
  QueueConfig,
  QueueRuleError,
  localDay,
  publicConfig,
  type QueueConfigInput,
  type QueueEvent,
  type QueueState,
} from '../../shared/queue';
import type { Change } from '../../shared/protocol';
import type { JournalFs } from './journal';
import type { CentralPushHook, PendingEvent } from './central';
import { KeyRegister, type KeyRegisterPullOptions } from './keyRegister';
import { StaffRoster, type StaffPullOptions } from './staffRoster';
import type { DeskStaff } from '../../shared/staff/directory';
import { HallAuth, RateLimiter, loadOrCreateManagerSecret } from './auth';
import { HttpError, sendJson } from './httpUtil';
import { ensurePrivateDir } from './privateFiles';
import { createRouter } from './routes';
import { createSseHub } from './sse';
import { StorageUnavailableError, openHallStore, type HallStore } from './store';

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
  /** Pull the centre's key-customer register for the kiosk's lane (issue 14 §3). */
  keyRegisterPull?: KeyRegisterPullOptions;
  /**
   * Pull the hall's staff from the centre (issue 13): the roster a counter sign-in is checked
   * against. main.ts sets it with the uplink.
   */
  staffPull?: StaffPullOptions;
  /** The hall's own roster (a hall without a centre); a pull from the centre replaces it. */
  staff?: DeskStaff[];
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
  /**
   * A client must send its whole request head within this (default 15 s) and its whole request
   * within `requestTimeoutMs` (default 30 s), or its connection is closed.
   */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** File-system calls of the journal (tests inject short writes, ENOSPC, EIO). */
  journalFs?: JournalFs;
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

const RULE_STATUS: Partial<Record<string, number>> = {
  E_UNKNOWN_APPOINTMENT: 404,
  E_SLOT_INVALID: 422,
  E_UNKNOWN_CATEGORY: 404,
  E_UNKNOWN_COUNTER: 404,
  E_UNKNOWN_TICKET: 404,
  E_REASON_REQUIRED: 422,
  E_BAD_RATING: 422,
  E_STAFF_ROLE: 403,
};

const MAINTENANCE_MS = 30_000;

export async function startHallService(options: HallServiceOptions): Promise<HallService> {
  const clock = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(`[hall] ${line}`));
  const t0 = performance.now();
  const dataDir = path.resolve(options.dataDir);
  // Key customers' phones and account numbers, rating reasons: 0700, files 0600.
  ensurePrivateDir(dataDir);

  const toChange = (e: PendingEvent): Change => ({
    changeId: e.cid,
    seq: e.os,
    entity: 'queue_event',
    entityId: e.cid,
    op: 'create',
    payload: {
      id: e.cid,
      ...(options.hallCode ? { hallCode: options.hallCode } : {}),
      day: localDay((e.ev as QueueEvent).at, store?.state.config.timeZone),
      occurredAt: new Date((e.ev as QueueEvent).at).toISOString(),
      type: (e.ev as QueueEvent).type,
      event: centralEvent(e.ev as QueueEvent),
    },
  });

  const secret = loadOrCreateManagerSecret(dataDir, options.managerSecret);
  const auth = new HallAuth(dataDir, secret.secret, clock);
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

  let store: HallStore | null = null;
  const hub = createSseHub({
    maxClients: options.maxSseClients ?? 300,
    clock,
    store: () => {
      if (!store) throw new Error('hall store is not open');
      return store;
    },
  });
  const opened = openHallStore({
    dataDir,
    initialConfig: QueueConfig.parse(options.initialConfig ?? DEFAULT_QUEUE_CONFIG),
    clock,
    log,
    snapshotEvery: options.snapshotEvery ?? 2000,
    ...(options.centralPush ? { centralPush: options.centralPush } : {}),
    ...(options.centralRetryMaxMs !== undefined
      ? { centralRetryMaxMs: options.centralRetryMaxMs }
      : {}),
    ...(options.journalFs ? { fs: options.journalFs } : {}),
    toChange,
    onCommitted: (entries) => {
      for (const e of entries) hub.broadcast(e.seq, e.ev);
    },
  });
  store = opened;

  const keyRegister = new KeyRegister(dataDir, log);
  if (options.keyRegisterPull) keyRegister.start(options.keyRegisterPull);
  const roster = new StaffRoster(dataDir, log, options.staff);
  if (options.staffPull) roster.start(options.staffPull);

  let startupMs = 0;
  const route = createRouter({
    keyRegister,
    roster,
    store: opened,
    hub,
    auth,
    kioskLimit,
    lookupLimit,
    clock,
    log,
    staticRoot: options.staticDir ? path.resolve(options.staticDir) : null,
    startupMs: () => startupMs,
  });

  const headersTimeout = options.headersTimeoutMs ?? 15_000;
  const requestTimeout = Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout);
  // A LAN device that opens connections and never finishes its request must not hold them.
  // Node only checks these timeouts every `connectionsCheckingInterval` (30 s by default), so a
  // client that never finished its headers stayed past 20 s: check often enough to close it
  // within the configured time.
  const server = http.createServer(
    {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 4)),
    },
    (req, res) => {
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
        if (error instanceof StorageUnavailableError) {
          // Not stored, so not acknowledged: the kiosk says so and the customer tries again.
          res.setHeader('retry-after', '5');
          sendJson(res, 503, {
            error: { code: 'E_STORAGE', message: '排队数据写入失败，请稍后重试' },
          });
        } else if (error instanceof QueueRuleError) {
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
          sendJson(res, 500, {
            error: { code: 'E_INTERNAL', message: '服务内部错误，请稍后重试' },
          });
        }
      });
    },
  );
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

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Recovery time as a restart sees it: journal + snapshot load, replay, listening.
  startupMs = performance.now() - t0;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  const maintenance = setInterval(() => {
    opened.maintain();
    opened.outbox.startTicker();
    auth.flushSeen();
  }, MAINTENANCE_MS);
  maintenance.unref();
  opened.outbox.startTicker();
  if (secret.created) log(`manager secret generated (kept in ${secret.file}, mode 0600)`);

  const host = options.host ?? '127.0.0.1';
  let closed = false;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    startupMs,
    getState: () => opened.state,
    managerSecret: secret.secret,
    managerSecretCreated: secret.created,
    managerSecretFile: secret.file,
    seq: () => opened.journal.seq,
    outbox: () => ({
      pending: opened.outbox.pending.length,
      ackSeq: opened.outbox.ackSeq,
      lastError: opened.outbox.lastError,
      lastSuccessAt: opened.outbox.lastSuccessAt,
      unsendable: opened.outbox.unsendableReport(),
    }),
    async close() {
      if (closed) return;
      closed = true;
      keyRegister.stop();
      roster.stop();
      clearInterval(maintenance);
      // Writes what is decided and leaves a fresh snapshot: the next start replays nothing.
      opened.close();
      auth.flushSeen();
      hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
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
