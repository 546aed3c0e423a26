// The desk's sync engine: record rounds (push, pull, access log) driven by start, reachability,
// a timer and the clerk's "sync now", and beside them the attachment lane (uploadStage.ts) that
// uploads scan bytes without ever holding a record back. This file is the scheduling: triggers,
// the lock, back-off with full jitter (only while the centre really does not answer), the
// centre's Retry-After and the status the UI shows. The stages live in pushStage.ts,
// pullStage.ts, auditStage.ts and uploadStage.ts. Plain TypeScript with every dependency
// injected (fetch, store, clock, lock, status sink) so it runs in the browser and in Node tests
// against a real server.
import type { StoreApi } from 'zustand/vanilla';
import syncConfig from '../../../shared/config/sync.json';
import { MAX_BODY_BYTES, MAX_PUSH_BATCH } from '../../../shared/protocol';
import { auditAll } from './auditStage';
import { Backoff } from './backoff';
import { LinkMeter } from './linkMeter';
import { memoryLock, type SyncLock } from './lock';
import { pullAll } from './pullStage';
import { pushAll, type PushOptions } from './pushStage';
import { createSyncStatusStore, type SyncStatus } from './status';
import type { SyncStore } from './store';
import { realTimers, sleepOn, type Timers } from './timers';
import { ApiClient, HttpError, NetworkError, ProtocolError, type FetchLike } from './transport';
import { Uploader, type UploadRun } from './uploadStage';

export { AUDIT_BATCHES_PER_ROUND } from './auditStage';
export { buildBatch, toOutcomes, utf8Length } from './pushStage';
export { realTimers, type Timers } from './timers';

/** What a desk needs to talk to the centre, obtained by enrollment. */
export interface Credentials {
  endpoint: string;
  deviceId: string;
  token: string;
  hallCode: string;
  hallName?: string;
  deviceName?: string;
  enrolledAt?: string;
}

export interface SyncEngineOptions {
  store: SyncStore;
  fetch: FetchLike;
  credentials: () => Promise<Credentials | null>;
  lock?: SyncLock;
  /** The attachment lane's lock (one window uploads); default: in-process. */
  uploadLock?: SyncLock;
  status?: StoreApi<SyncStatus>;
  timers?: Timers;
  random?: () => number;
  /** Time between rounds while all is well (default 60 s). */
  intervalMs?: number;
  /** The first round after start waits a random time up to this (desks switched on together). */
  firstRoundJitterMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Most changes per push (≤ MAX_PUSH_BATCH). */
  batchMaxChanges?: number;
  /** Push requests in flight at once at most (default 3), started one after the other. */
  pushConcurrency?: number;
  /** Changes in a round's first push (default 20: something lands even on a bad link). */
  firstBatch?: number;
  /** Most uncompressed JSON bytes per push (the server's limit applies after gunzip). */
  batchMaxBytes?: number;
  pullLimit?: number;
  /** Fixed attachment chunk size (default: a couple of seconds at the measured rate). */
  chunkBytes?: number;
  /** Files in flight at once at most in the attachment lane. */
  uploadLanes?: number;
  requestTimeoutMs?: number;
  /** No progress for this long aborts a transfer (default 15 s). */
  stallMs?: number;
  /** Subscribes to "the network may be back" hints (window 'online'); returns unsubscribe. */
  onlineHint?: (cb: () => void) => () => void;
  /**
   * Keep the desk profile's hall and desk codes equal to the enrollment's (the app: true; test
   * desks without a profile: false).
   */
  adoptProfile?: boolean;
  /** Ask the centre to leave this device's own pushed versions out of pulls (default true). */
  skipOwnEchoes?: boolean;
  /** Stages to run (tests and the bench turn some off). */
  stages?: { push?: boolean; uploads?: boolean; pull?: boolean; audit?: boolean };
  /** Further stages run after the pull, in order (the staff directory: staff/sync.ts). */
  afterPull?: Array<(client: ApiClient) => Promise<void>>;
  /** Local wall clock for the attachment hours (tests). */
  clock?: () => Date;
}

export type RoundResult =
  | { kind: 'ok'; pushed: number; pulled: number; uploaded: number }
  | { kind: 'skipped'; reason: 'locked' | 'unconfigured' | 'stopped' }
  | { kind: 'failed'; code: string; message: string };

/** Stable failure codes shown by the UI (messages in Chinese). */
const MESSAGES = {
  unreachable: '无法连接中心端，稍后自动重试',
  dropped: '连接中断，正在重试',
  unauthorized: '本机登记已失效，请重新登记',
  server: '中心端暂时不可用，稍后自动重试',
  busy: '中心端繁忙，按其要求稍后重试',
  protocol: '中心端回答异常，请检查中心地址',
  local: '本地数据库出错',
  audit: '申请已全部送达中心；访问日志未能上传，稍后自动重试',
} as const;

export class SyncEngine {
  readonly status: StoreApi<SyncStatus>;
  /** The link's measured rate and round trip, shared by every request of this engine. */
  readonly meter: LinkMeter;
  readonly uploader: Uploader;
  private readonly store: SyncStore;
  private readonly lock: SyncLock;
  private readonly uploadLock: SyncLock;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly backoff: Backoff;
  private readonly opts: SyncEngineOptions;
  private timer: unknown = null;
  private uploadTimer: unknown = null;
  private running: Promise<RoundResult> | null = null;
  private uploading: Promise<UploadRun | null> | null = null;
  private rerun = false;
  private started = false;
  private unsubscribeOnline: (() => void) | null = null;
  /** The centre's Retry-After from the last failed round (ms). */
  private retryAfterMs: number | undefined;
  /** Rounds in a row cut by a dropped connection while the centre answered. */
  private drops = 0;
  /**
   * The running round's client once its push stage is over (else null): a record saved while
   * the round pulls goes up on it at once (side push) instead of waiting for the round's end.
   */
  private pushedClient: { client: ApiClient; creds: Credentials } | null = null;
  private sidePush: Promise<void> | null = null;
  private sideTimer: unknown = null;

  constructor(options: SyncEngineOptions) {
    this.opts = options;
    this.store = options.store;
    this.lock = options.lock ?? memoryLock();
    this.uploadLock = options.uploadLock ?? memoryLock();
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.status = options.status ?? createSyncStatusStore();
    this.meter = new LinkMeter();
    this.backoff = new Backoff({
      baseMs: options.backoffBaseMs ?? syncConfig.backoffBaseMs,
      capMs: options.backoffCapMs ?? syncConfig.backoffCapMs,
      random: this.random,
    });
    this.uploader = new Uploader({
      store: this.store,
      status: this.status,
      timers: this.timers,
      random: this.random,
      ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}),
      ...(options.uploadLanes ? { maxLanes: options.uploadLanes } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.stallMs ? { stallMs: options.stallMs } : {}),
      onProgress: () => this.backoff.succeed(),
    });
  }

  /**
   * Starts the triggers: a first round after a random short wait (desks switched on together
   * do not arrive together), after every reachability hint, and on the timer.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribeOnline = this.opts.onlineHint?.(() => this.requestSoon(0)) ?? null;
    const jitter = this.opts.firstRoundJitterMs ?? syncConfig.firstRoundJitterMs;
    this.requestSoon(Math.floor(this.random() * jitter));
  }

  stop(): void {
    this.started = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    if (this.uploadTimer !== null) this.timers.clearTimeout(this.uploadTimer);
    if (this.sideTimer !== null) this.timers.clearTimeout(this.sideTimer);
    this.timer = null;
    this.uploadTimer = null;
    this.sideTimer = null;
    this.uploader.stop();
    this.unsubscribeOnline?.();
    this.unsubscribeOnline = null;
  }

  /**
   * The clerk pressed "sync now" (or a test wants a round): waits for a full round and then
   * for the attachment lane to empty (or fail).
   */
  async syncNow(): Promise<RoundResult> {
    if (this.running) {
      // A round is under way: run another right after it so fresh changes go too.
      await this.running.catch(() => undefined);
    }
    const r = await this.runRound();
    if (r.kind !== 'ok' || this.opts.stages?.uploads === false) return r;
    const up = await this.uploads();
    if (!up) return r;
    if (up.kind === 'failed') return { kind: 'failed', ...classify(up.error) };
    return { ...r, uploaded: up.uploaded };
  }

  /** Something changed locally (new outbox entry): sync soon, coalescing bursts. */
  requestSoon(delayMs = 1_000): void {
    if (!this.started) return;
    if (this.running) {
      this.rerun = true;
      // The round already pushed and now pulls (or uploads its log): the new record goes up
      // beside it, not after it.
      if (this.pushedClient && this.sideTimer === null) {
        this.sideTimer = this.timers.setTimeout(() => {
          this.sideTimer = null;
          this.startSidePush();
        }, delayMs);
      }
      return;
    }
    // An earlier timer stays when it fires sooner (a burst of saves does not postpone it).
    const due = this.status.getState().nextAttemptAt;
    if (this.timer !== null && due !== null && due <= this.timers.now() + delayMs) return;
    this.schedule(delayMs);
  }

  /** The clerk moved one application's scans to the front of the attachment lane. */
  async uploadFirst(applicationId: string | null): Promise<void> {
    await this.store.setUploadFirst?.(applicationId);
    if (this.started && !this.uploading) this.requestSoon(0);
  }

  /** The clerk asked to send a parked entry again (as a new change). */
  async retryRejected(seq: number): Promise<void> {
    await this.store.retryRejected(seq);
    await this.refreshCounts();
    this.requestSoon(0);
  }

  /**
   * The clerk confirmed dropping a parked entry. For an application the desk then takes the
   * centre's copy, so that the desk and the centre agree again (best effort: offline it stays).
   */
  async discardRejected(seq: number): Promise<void> {
    const row = await this.store.discardRejected(seq);
    await this.refreshCounts();
    if (!row || row.entity !== 'application') return;
    const creds = await this.opts.credentials().catch(() => null);
    if (!creds) return;
    const client = this.client(creds);
    try {
      const record = await client.application(row.entityId);
      await this.store.putRemote(record);
    } catch {
      // Not on the centre (a refused create) or unreachable: the local copy stays as it is.
    }
  }

  private client(creds: Credentials): ApiClient {
    return new ApiClient({
      endpoint: creds.endpoint,
      token: creds.token,
      fetch: this.opts.fetch,
      meter: this.meter,
      stallMs: this.opts.stallMs ?? syncConfig.stallMs,
      ...(this.opts.requestTimeoutMs ? { timeoutMs: this.opts.requestTimeoutMs } : {}),
    });
  }

  /** Refreshes the pending / rejected / waiting-scan counts shown in the status bar. */
  async refreshCounts(): Promise<void> {
    const c = await this.store.counts();
    this.status.setState({
      pending: c.pending,
      oldestPendingAt: c.oldestPendingAt,
      rejected: c.rejected,
      uploadsWaiting: c.uploads,
    });
  }

  /** One push beside the running round (after its push stage); errors are the round's rerun's. */
  private startSidePush(): void {
    const at = this.pushedClient;
    if (!at || this.sidePush) return;
    this.sidePush = pushAll(at.client, this.store, this.status, this.pushOptions(at.creds))
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.sidePush = null;
      });
  }

  private pushOptions(creds: Credentials): PushOptions {
    return {
      deviceId: creds.deviceId,
      maxChanges: Math.min(this.opts.batchMaxChanges ?? MAX_PUSH_BATCH, MAX_PUSH_BATCH),
      maxBytes: Math.min(this.opts.batchMaxBytes ?? 3 * 1024 * 1024, MAX_BODY_BYTES - 4096),
      window: Math.max(1, this.opts.pushConcurrency ?? syncConfig.push.window),
      firstBatch: this.opts.firstBatch ?? syncConfig.push.firstBatch,
      batchTargetMs: syncConfig.push.batchTargetMs,
      now: () => performance.now(),
      sleep: (ms) => (ms <= 0 ? new Promise((r) => setTimeout(r, 0)) : sleepOn(realTimers, ms)),
      onProgress: () => {
        this.backoff.succeed();
        return this.refreshCounts();
      },
    };
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.status.setState({ nextAttemptAt: this.timers.now() + delayMs });
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.runRound();
    }, delayMs);
  }

  /** How long to wait after a failed round (or one whose access log did not go). */
  private failureDelay(code: string): number {
    if (code === 'dropped' && this.drops <= 1) {
      // The connection dropped but the centre answers: again at once, not after a back-off.
      return 0;
    }
    const draw = this.backoff.fail();
    const ra = this.retryAfterMs;
    this.retryAfterMs = undefined;
    // The centre said when: not before that, spread over a fifth more so its desks do not
    // return together.
    return ra !== undefined ? Math.max(draw, ra * (1 + 0.2 * this.random())) : draw;
  }

  private async runRound(): Promise<RoundResult> {
    if (this.running) return this.running;
    const p = this.round().finally(() => {
      this.running = null;
    });
    this.running = p;
    const result = await p;
    if (this.started) {
      if (this.rerun && result.kind === 'ok') {
        this.rerun = false;
        this.schedule(0);
      } else if (result.kind === 'failed') {
        this.rerun = false;
        this.schedule(this.failureDelay(result.code));
        this.status.setState({ failedRounds: this.backoff.attempts });
      } else if (result.kind === 'ok' && this.status.getState().lastErrorCode === 'audit') {
        this.schedule(this.failureDelay('audit'));
      } else {
        this.schedule(this.opts.intervalMs ?? syncConfig.intervalMs);
      }
      if (result.kind === 'ok' && this.opts.stages?.uploads !== false) void this.uploads();
    }
    return result;
  }

  /**
   * Runs the attachment lane (or joins its run). A failure while the centre does not answer
   * sends the engine into its back-off; outside the attachment hours it waits for them.
   */
  private uploads(): Promise<UploadRun | null> {
    if (this.uploading) return this.uploading;
    const p = (async (): Promise<UploadRun | null> => {
      const creds = await this.opts.credentials().catch(() => null);
      if (!creds) return null;
      const client = this.client(creds);
      const attempt = await this.uploadLock.tryRun(() => this.uploader.run(client));
      if (!attempt.acquired) return null;
      const run = attempt.value;
      if (this.started) {
        if (run.kind === 'waiting') {
          if (this.uploadTimer !== null) this.timers.clearTimeout(this.uploadTimer);
          this.uploadTimer = this.timers.setTimeout(
            () => {
              this.uploadTimer = null;
              void this.uploads();
            },
            Math.max(1_000, run.resumeAt - this.timers.now()),
          );
        } else if (run.kind === 'failed' && !this.running) {
          const c = classify(run.error);
          if (c.code === 'unreachable') this.status.setState({ phase: 'offline' });
          if (e429(run.error)) this.retryAfterMs = (run.error as HttpError).retryAfterMs;
          this.schedule(this.failureDelay(c.code));
        }
      }
      return run;
    })().finally(() => {
      this.uploading = null;
    });
    this.uploading = p;
    return p;
  }

  /** The round ends: no side push starts any more, one under way is waited for. */
  private async endSidePush(): Promise<void> {
    this.pushedClient = null;
    if (this.sideTimer !== null) this.timers.clearTimeout(this.sideTimer);
    this.sideTimer = null;
    await this.sidePush;
  }

  private async round(): Promise<RoundResult> {
    let creds: Credentials | null;
    try {
      creds = await this.opts.credentials();
    } catch {
      creds = null;
    }
    if (!creds) {
      this.status.setState({ phase: 'unconfigured' });
      await this.refreshCounts().catch(() => undefined);
      return { kind: 'skipped', reason: 'unconfigured' };
    }
    const client = this.client(creds);
    const attempt = await this.lock.tryRun(() => this.lockedRound(client, creds));
    if (!attempt.acquired) {
      // Another window of this desk is syncing; it updates the same database.
      await this.refreshCounts().catch(() => undefined);
      return { kind: 'skipped', reason: 'locked' };
    }
    return attempt.value;
  }

  private async lockedRound(client: ApiClient, creds: Credentials): Promise<RoundResult> {
    const startedAt = new Date(this.timers.now()).toISOString();
    this.status.setState({ lastAttemptAt: startedAt });
    // Reachability is a real request to the health endpoint. After an unreachable round it
    // is a cheap probe made first; otherwise it runs beside the work (one round trip less).
    const health = client.health().then(
      () => null,
      (e: unknown) => e,
    );
    try {
      await this.refreshCounts();
      if (this.status.getState().lastErrorCode === 'unreachable') {
        const probe = await health;
        if (probe) {
          // A round that cannot connect is still a try for the changes it would have sent
          // first (as a push that fails counts its batch): the panel never shows 0 tries
          // while the desk keeps retrying.
          if (this.opts.stages?.push !== false) {
            const head = await this.store.pendingEntries(
              this.opts.firstBatch ?? syncConfig.push.firstBatch,
            );
            await this.store.countTries(head.map((e) => e.seq));
          }
          throw probe;
        }
      }
      this.status.setState({ phase: 'syncing' });
      const stages = this.opts.stages ?? {};
      await this.store.compact();
      await this.store.repairHall?.(creds.hallCode);
      if (this.opts.adoptProfile && (await this.store.profileNeedsCodes?.(creds.hallCode))) {
        // The enrollment is the truth for the hall and desk codes new numbers are made with.
        const info = await client.device();
        await this.store.adoptCodes?.(info.hallCode, info.deskCode);
      }
      const pushed =
        stages.push === false
          ? 0
          : await pushAll(client, this.store, this.status, this.pushOptions(creds));
      if (stages.push !== false) this.pushedClient = { client, creds };
      // The scans whose records just arrived may go up now, beside the pull and the log.
      if (this.started && stages.uploads !== false) void this.uploads();
      const pulled =
        stages.pull === false
          ? 0
          : await pullAll(client, this.store, {
              ...(this.opts.pullLimit ? { pullLimit: this.opts.pullLimit } : {}),
              ...(this.opts.skipOwnEchoes !== undefined
                ? { skipOwnEchoes: this.opts.skipOwnEchoes }
                : {}),
            });
      // The access log goes last; when it alone is cut off, the records already reached the
      // centre: the round is not a failure and the status says what arrived.
      let auditError: unknown = null;
      if (stages.audit !== false) {
        try {
          await auditAll(client, this.store);
        } catch (e) {
          auditError = e;
        }
      }
      // Further stages after the pull (the staff directory: staff/sync.ts).
      for (const stage of this.opts.afterPull ?? []) await stage(client);
      await this.endSidePush();
      const probe = await health;
      if (probe && auditError) throw auditError;
      await this.refreshCounts();
      this.backoff.succeed();
      this.drops = 0;
      this.status.setState({ failedRounds: 0 });
      const s = this.status.getState();
      const at = new Date(this.timers.now()).toISOString();
      const rejected = s.rejected > 0;
      this.status.setState({
        phase: rejected ? 'error' : 'synced',
        lastSuccessAt: at,
        lastError: rejected
          ? `${s.rejected} 条记录被中心拒收，请在同步页处理`
          : auditError
            ? MESSAGES.audit
            : null,
        lastErrorCode: rejected ? 'rejected' : auditError ? 'audit' : null,
        progress: null,
      });
      return { kind: 'ok', pushed, pulled, uploaded: 0 };
    } catch (e) {
      await this.endSidePush();
      let { code, message } = classify(e);
      if (
        code === 'unreachable' &&
        (await client.probe(syncConfig.uploads.probeMost, syncConfig.uploads.probeStaggerMs))
      ) {
        // The centre answers a health check now: the connection dropped, the centre is there
        // (the check made at the round's start may be from before the centre went away).
        this.drops += 1;
        code = 'dropped';
        message = MESSAGES.dropped;
      }
      if (e429(e)) this.retryAfterMs = (e as HttpError).retryAfterMs;
      await this.refreshCounts().catch(() => undefined);
      // Offline is a state, not an error: the segment turns grey, no message storm (the UI
      // shows lastError in place; it never raises a toast per failed round).
      const phase = code === 'unreachable' ? 'offline' : code === 'dropped' ? 'syncing' : 'error';
      this.status.setState({ phase, lastError: message, lastErrorCode: code, progress: null });
      return { kind: 'failed', code, message };
    }
  }
}

/** A refusal that carries the centre's Retry-After (429/503 when it sheds load). */
function e429(e: unknown): boolean {
  return e instanceof HttpError && e.retryAfterMs !== undefined;
}

function classify(e: unknown): { code: string; message: string } {
  if (e instanceof NetworkError) return { code: 'unreachable', message: MESSAGES.unreachable };
  if (e instanceof HttpError) {
    if (e.status === 401) return { code: 'unauthorized', message: MESSAGES.unauthorized };
    if ((e.status === 429 || e.status === 503) && e.retryAfterMs !== undefined)
      return { code: 'busy', message: MESSAGES.busy };
    if (e.retryable) return { code: 'server', message: MESSAGES.server };
    return { code: e.code, message: `${MESSAGES.server}（${e.code}: ${e.message}）` };
  }
  if (e instanceof ProtocolError) return { code: 'protocol', message: MESSAGES.protocol };
  const detail = e instanceof Error ? e.message : String(e);
  return { code: 'local', message: `${MESSAGES.local}：${detail}` };
}
