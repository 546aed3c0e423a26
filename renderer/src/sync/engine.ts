// The desk's sync engine: pushes the outbox, uploads attachments and pulls the centre's changes,
// driven by start, reachability, a timer and the clerk's "sync now". Plain TypeScript with every
// dependency injected (fetch, store, clock, lock, status sink) so it runs in the browser and in
// Node tests against a real server.
import type { StoreApi } from 'zustand/vanilla';
import type { OutboxEntry } from '../../../shared/domain/model';
import {
  MAX_AUDIT_BATCH,
  MAX_BODY_BYTES,
  MAX_PULL_LIMIT,
  MAX_PUSH_BATCH,
  SUGGESTED_ATTACHMENT_CHUNK_BYTES,
  type ChangeResult,
} from '../../../shared/protocol';
import { Backoff } from './backoff';
import { memoryLock, type SyncLock } from './lock';
import { createSyncStatusStore, type SyncStatus } from './status';
import { wirePayload, type PushOutcome, type SyncStore } from './store';
import { ApiClient, HttpError, NetworkError, ProtocolError, type FetchLike } from './transport';

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

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface SyncEngineOptions {
  store: SyncStore;
  fetch: FetchLike;
  credentials: () => Promise<Credentials | null>;
  lock?: SyncLock;
  status?: StoreApi<SyncStatus>;
  timers?: Timers;
  random?: () => number;
  /** Time between rounds while all is well (default 60 s). */
  intervalMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Most changes per push (≤ MAX_PUSH_BATCH). */
  batchMaxChanges?: number;
  /** Push requests in flight at once (default 3). */
  pushConcurrency?: number;
  /** Most uncompressed JSON bytes per push (the server's limit applies after gunzip). */
  batchMaxBytes?: number;
  pullLimit?: number;
  chunkBytes?: number;
  requestTimeoutMs?: number;
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
}

/** Access-log batches (of MAX_AUDIT_BATCH rows) sent in one sync round at most. */
export const AUDIT_BATCHES_PER_ROUND = 10;

export type RoundResult =
  | { kind: 'ok'; pushed: number; pulled: number; uploaded: number }
  | { kind: 'skipped'; reason: 'locked' | 'unconfigured' | 'stopped' }
  | { kind: 'failed'; code: string; message: string };

/** Stable failure codes shown by the UI (messages in Chinese). */
const MESSAGES = {
  unreachable: '无法连接中心端，稍后自动重试',
  unauthorized: '本机登记已失效，请重新登记',
  server: '中心端暂时不可用，稍后自动重试',
  protocol: '中心端回答异常，请检查中心地址',
  local: '本地数据库出错',
} as const;

export class SyncEngine {
  readonly status: StoreApi<SyncStatus>;
  private readonly store: SyncStore;
  private readonly lock: SyncLock;
  private readonly timers: Timers;
  private readonly backoff: Backoff;
  private readonly opts: SyncEngineOptions;
  private timer: unknown = null;
  private running: Promise<RoundResult> | null = null;
  private rerun = false;
  private started = false;
  private unsubscribeOnline: (() => void) | null = null;

  constructor(options: SyncEngineOptions) {
    this.opts = options;
    this.store = options.store;
    this.lock = options.lock ?? memoryLock();
    this.timers = options.timers ?? realTimers;
    this.status = options.status ?? createSyncStatusStore();
    this.backoff = new Backoff({
      baseMs: options.backoffBaseMs ?? 1_000,
      capMs: options.backoffCapMs ?? 5 * 60_000,
      ...(options.random ? { random: options.random } : {}),
    });
  }

  /** Starts the triggers: a round now, after every reachability hint, and on the timer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribeOnline = this.opts.onlineHint?.(() => this.requestSoon(0)) ?? null;
    this.requestSoon(0);
  }

  stop(): void {
    this.started = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.unsubscribeOnline?.();
    this.unsubscribeOnline = null;
  }

  /** The clerk pressed "sync now" (or a test wants a round): waits for a full round. */
  async syncNow(): Promise<RoundResult> {
    if (this.running) {
      // A round is under way: run another right after it so fresh changes go too.
      await this.running.catch(() => undefined);
    }
    return this.runRound();
  }

  /** Something changed locally (new outbox entry): sync soon, coalescing bursts. */
  requestSoon(delayMs = 1_000): void {
    if (!this.started) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.schedule(delayMs);
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
      ...(this.opts.requestTimeoutMs ? { timeoutMs: this.opts.requestTimeoutMs } : {}),
    });
  }

  /** Refreshes the pending / rejected counts shown in the status bar. */
  async refreshCounts(): Promise<void> {
    const c = await this.store.counts();
    this.status.setState({
      pending: c.pending,
      oldestPendingAt: c.oldestPendingAt,
      rejected: c.rejected,
    });
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
        const delay = this.backoff.fail();
        this.status.setState({ failedRounds: this.backoff.attempts });
        this.schedule(delay);
      } else {
        this.schedule(this.opts.intervalMs ?? 60_000);
      }
    }
    return result;
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
    try {
      await this.refreshCounts();
      // Reachability is a real request to the health endpoint. After an unreachable round it
      // is a cheap probe made first; otherwise it runs beside the work (one round trip less).
      const health = client.health().then(
        () => null,
        (e: unknown) => e,
      );
      if (this.status.getState().lastErrorCode === 'unreachable') {
        const probe = await health;
        if (probe) throw probe;
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
      const pushed = stages.push === false ? 0 : await this.pushAll(client, creds);
      const uploaded = stages.uploads === false ? 0 : await this.uploadAll(client);
      const pulled = stages.pull === false ? 0 : await this.pullAll(client);
      if (stages.audit !== false) await this.auditAll(client);
      const probe = await health;
      if (probe) throw probe;
      await this.refreshCounts();
      this.backoff.succeed();
      this.status.setState({ failedRounds: 0 });
      const s = this.status.getState();
      const at = new Date(this.timers.now()).toISOString();
      this.status.setState({
        phase: s.rejected > 0 ? 'error' : 'synced',
        lastSuccessAt: at,
        lastError: s.rejected > 0 ? `${s.rejected} 条记录被中心拒收，请在同步页处理` : null,
        lastErrorCode: s.rejected > 0 ? 'rejected' : null,
        progress: null,
      });
      return { kind: 'ok', pushed, pulled, uploaded };
    } catch (e) {
      const { code, message } = classify(e);
      await this.refreshCounts().catch(() => undefined);
      // Offline is a state, not an error: the segment turns grey, no message storm (the UI
      // shows lastError in place; it never raises a toast per failed round).
      const phase = code === 'unreachable' ? 'offline' : 'error';
      this.status.setState({ phase, lastError: message, lastErrorCode: code, progress: null });
      return { kind: 'failed', code, message };
    }
  }

  /** Pushes every unsent entry in size-bounded batches; returns how many were processed. */
  private async pushAll(client: ApiClient, creds: Credentials): Promise<number> {
    const maxChanges = Math.min(this.opts.batchMaxChanges ?? MAX_PUSH_BATCH, MAX_PUSH_BATCH);
    const maxBytes = Math.min(this.opts.batchMaxBytes ?? 3 * 1024 * 1024, MAX_BODY_BYTES - 4096);
    const window = Math.max(1, this.opts.pushConcurrency ?? 3);
    let limit = maxChanges;
    let processed = 0;
    const startCounts = this.status.getState().pending;
    this.status.setState({ progress: { total: startCounts, done: 0 } });
    // Each loop acknowledges, parks or shrinks; the guard stops a server that answers without
    // results from spinning us forever.
    for (let guard = 0; guard < 10_000; guard++) {
      const candidates = await this.store.pendingEntries(limit * window);
      if (candidates.length === 0) break;
      // Several batches in flight at once: on a weak link the next upload overlaps the centre's
      // work and the answer of the previous one. Sizes decrease (3:2:1 for three) so that what
      // is left after the last byte went up (the centre's work on the last batch and its
      // answer) is short; at least 50 per batch, so a small backlog goes in one request. Order
      // across batches does not matter to the centre: each change is idempotent and an older
      // change of a record never overwrites a newer one from the same device (superseded).
      const sizes = splitSizes(candidates.length, window, limit);
      const per = sizes[0] ?? limit;
      const batches: { batch: OutboxEntry[]; text: string }[] = [];
      let rest = candidates;
      for (const size of sizes) {
        if (rest.length === 0) break;
        const b = buildBatch(creds.deviceId, rest.slice(0, size), maxBytes);
        batches.push(b);
        rest = rest.slice(b.batch.length);
      }
      // Marked while the requests go out (the mark is for the panel; a crash leaves 'sending'
      // rows, which are simply sent again).
      const marking = this.store.markSending(batches.flatMap((b) => b.batch.map((e) => e.seq)));
      // Each batch's outcome is recorded as soon as its answer arrives (while the others are
      // still on the wire); Dexie runs the transactions one after another.
      const settled = await Promise.allSettled(
        batches.map(async (b) => {
          const res = await client.pushRaw(b.text);
          const outcomes = toOutcomes(b.batch, res.results);
          if (outcomes.length > 0) await this.store.applyPushResults(outcomes);
          processed += outcomes.length;
          this.status.setState({
            progress: { total: Math.max(startCounts, processed), done: processed },
          });
          return outcomes.length;
        }),
      );
      await marking;
      let progressed = false;
      let shrink = false;
      let failure: unknown = null;
      for (let i = 0; i < batches.length; i++) {
        const { batch } = batches[i]!;
        const r = settled[i]!;
        if (r.status === 'fulfilled') {
          if (r.value > 0) progressed = true;
          continue;
        }
        const e: unknown = r.reason;
        const handled = e instanceof HttpError ? await this.handleRefusal(e, batch) : 'rethrow';
        if (handled === 'shrink') shrink = true;
        else if (handled === 'parked') progressed = true;
        else failure ??= e;
      }
      // Leftover acked rows (the store API marks some without deleting): compact them too.
      await this.store.compact();
      const total = Math.max(startCounts, processed);
      this.status.setState({ progress: { total, done: processed } });
      await this.refreshCounts();
      if (failure) throw failure;
      if (shrink) {
        limit = Math.max(1, Math.ceil(Math.min(limit, per) / 2));
        continue;
      }
      if (!progressed) break;
      // Grow back after a shrink once things go through again.
      limit = Math.min(maxChanges, limit * 2);
    }
    return processed;
  }

  /**
   * A whole push was refused. Too large or invalid as a whole: halve the batch until the one
   * bad entry is alone, then park it. Cross-hall: park the named entries. Else: not ours to fix.
   */
  private async handleRefusal(
    e: HttpError,
    batch: OutboxEntry[],
  ): Promise<'shrink' | 'parked' | 'rethrow'> {
    const bisectable = ['E_TOO_LARGE', 'E_BATCH_TOO_LARGE', 'E_BAD_REQUEST', 'E_VALIDATION'];
    if (bisectable.includes(e.code) || e.status === 413) {
      if (batch.length > 1) return 'shrink';
      await this.store.park(
        batch.map((b) => b.seq),
        `${e.code}: ${e.message}`,
      );
      return 'parked';
    }
    if (e.code === 'E_FORBIDDEN_HALL') {
      const ids = (e.details as { changeIds?: unknown } | undefined)?.changeIds;
      const named = new Set(Array.isArray(ids) ? ids.filter((x) => typeof x === 'string') : []);
      const bad = batch.filter((b) => named.has(b.changeId));
      const toPark = bad.length > 0 ? bad : batch.length === 1 ? batch : [];
      if (toPark.length === 0) return 'shrink';
      await this.store.park(
        toPark.map((b) => b.seq),
        `E_FORBIDDEN_HALL: ${e.message}`,
      );
      return 'parked';
    }
    return 'rethrow';
  }

  /** Uploads attachment bytes whose metadata the centre acknowledged, resuming each file. */
  private async uploadAll(client: ApiClient): Promise<number> {
    const chunkBytes = this.opts.chunkBytes ?? SUGGESTED_ATTACHMENT_CHUNK_BYTES;
    let done = 0;
    const queue = await this.store.uploadQueue(1_000);
    for (const item of queue) {
      // Bytes go up only after their application is on the centre.
      if (item.applicationId && (await this.store.hasUnsentChanges(item.applicationId))) continue;
      const status = await client.attachmentStatus(item.sha256);
      let offset = status.complete ? item.size : status.received;
      if (status.size !== null && status.size !== item.size) offset = 0;
      let complete = status.complete;
      while (!complete && offset < item.size) {
        const chunk = await this.store.readAttachment(
          item.attachmentId,
          offset,
          Math.min(chunkBytes, item.size - offset),
        );
        if (!chunk || chunk.length === 0) {
          await this.store.finishUpload(item.attachmentId, '本地附件文件缺失或无法解密');
          break;
        }
        try {
          const r = await client.putAttachmentChunk(
            item.sha256,
            offset,
            item.size,
            new Uint8Array(chunk),
          );
          offset = r.received;
          complete = r.complete;
        } catch (e) {
          if (e instanceof HttpError && e.code === 'E_OFFSET_MISMATCH') {
            // The centre has a different byte count (an earlier chunk landed after all).
            const received = (e.details as { received?: unknown } | undefined)?.received;
            offset = typeof received === 'number' ? received : 0;
            continue;
          }
          if (e instanceof HttpError && e.code === 'E_HASH_MISMATCH') {
            await this.store.finishUpload(item.attachmentId, '附件内容校验失败 (hash mismatch)');
            break;
          }
          throw e;
        }
      }
      if (complete) {
        await this.store.finishUpload(item.attachmentId);
        done += 1;
      }
    }
    return done;
  }

  /**
   * Uploads the access log (PIPL Art. 51) in id order, after the records it is about. A centre
   * older than this desk (no audit endpoint: 404) is left alone; the rows wait for an update.
   */
  private async auditAll(client: ApiClient): Promise<number> {
    const store = this.store;
    if (!store.auditToSend || !store.markAuditSent) return 0;
    let sent = 0;
    // A long backlog (the first sync of a desk with years of log) drains over several rounds,
    // so that applications pushed meanwhile are not held behind it on a weak link.
    for (let batches = 0; batches < AUDIT_BATCHES_PER_ROUND; batches++) {
      const batch = await store.auditToSend(MAX_AUDIT_BATCH);
      if (batch.length === 0) return sent;
      let ack = 0;
      try {
        ack = (await client.uploadAudit(batch)).ackId;
      } catch (e) {
        if (e instanceof HttpError && e.status === 404) return sent;
        // Refused as malformed: retrying can only fail again, and the log must not hold the
        // desk's sync in an error state for ever. The rows stay on the desk.
        if (e instanceof HttpError && e.code === 'E_VALIDATION') {
          console.error('audit rows refused by the centre', e.message);
          ack = batch[batch.length - 1]?.localId ?? 0;
        } else {
          throw e;
        }
      }
      await store.markAuditSent(ack);
      sent += batch.length;
      // The centre acknowledged less than it was sent: do not spin on the same rows.
      if (ack < (batch[batch.length - 1]?.localId ?? 0)) return sent;
    }
    return sent;
  }

  /** Pulls pages from the stored checkpoint until the centre has nothing more. */
  private async pullAll(client: ApiClient): Promise<number> {
    const limit = Math.min(this.opts.pullLimit ?? MAX_PULL_LIMIT, MAX_PULL_LIMIT);
    let checkpoint = await this.store.getCheckpoint();
    // The desk's own pushed versions need not come back (the push results carried their
    // serverVersion; on a weak link the echo is wasted bytes). A desk without a checkpoint (first
    // sync, or a database rebuilt after damage) pulls everything, its own records included.
    const skipOwn = checkpoint !== undefined && this.opts.skipOwnEchoes !== false;
    let pulled = 0;
    for (let page = 0; page < 100_000; page++) {
      const res = await client.pull(checkpoint, limit, skipOwn);
      await this.store.applyPullPage(res.changes, res.checkpoint);
      pulled += res.changes.length;
      if (!res.hasMore || res.checkpoint === checkpoint) break;
      checkpoint = res.checkpoint;
    }
    return pulled;
  }
}

/** The wire form of an outbox entry. */
function changeJson(e: OutboxEntry): string {
  return JSON.stringify({
    changeId: e.changeId,
    seq: e.seq,
    entity: e.entity,
    entityId: e.entityId,
    op: e.op,
    payload: wirePayload(e),
  });
}

/** Takes entries in seq order until the change count or the uncompressed byte budget is hit. */
export function buildBatch(
  deviceId: string,
  entries: OutboxEntry[],
  maxBytes: number,
): { batch: OutboxEntry[]; text: string } {
  const head = `{"deviceId":${JSON.stringify(deviceId)},"changes":[`;
  let size = head.length + 2;
  const parts: string[] = [];
  const batch: OutboxEntry[] = [];
  for (const e of entries) {
    const json = changeJson(e);
    const bytes = utf8Length(json);
    if (batch.length > 0 && size + bytes + 1 > maxBytes) break;
    parts.push(json);
    batch.push(e);
    size += bytes + 1;
  }
  return { batch, text: `${head}${parts.join(',')}]}` };
}

/**
 * Batch sizes for one pipelined step: decreasing weights window, window-1, …, 1; each at
 * least 50 (or all that is left) and at most `limit`.
 */
export function splitSizes(n: number, window: number, limit: number): number[] {
  if (n <= 0) return [];
  const w = Math.max(1, Math.min(window, Math.floor(n / 50)));
  const sizes: number[] = [];
  let left = n;
  for (let i = 0; i < w && left > 0; i++) {
    // This batch's share of what is left, by the remaining weights (w-i, …, 1).
    const remainingWeight = ((w - i) * (w - i + 1)) / 2;
    const share = Math.ceil((left * (w - i)) / remainingWeight);
    const size = Math.min(limit, left, Math.max(50, share));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/** UTF-8 byte length without encoding (Chinese text is 3 bytes per character). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4; // a surrogate pair: one 4-byte character
      i += 1;
    } else n += 3;
  }
  return n;
}

/** Maps the centre's per-change results to what the store records. */
export function toOutcomes(batch: OutboxEntry[], results: ChangeResult[]): PushOutcome[] {
  const bySeq = new Map(batch.map((b) => [b.changeId, b]));
  const out: PushOutcome[] = [];
  for (const r of results) {
    const entry = bySeq.get(r.changeId);
    if (!entry) continue;
    const base = { seq: entry.seq, changeId: entry.changeId };
    switch (r.status) {
      case 'applied':
        out.push({
          ...base,
          kind: 'acked',
          ...(r.serverVersion ? { serverVersion: r.serverVersion } : {}),
        });
        break;
      case 'conflict':
        out.push({
          ...base,
          kind: 'conflict',
          current: r.current,
          notApplied: r.notApplied,
          reason: r.reason,
        });
        break;
      case 'rejected':
        out.push({ ...base, kind: 'rejected', code: r.code, reason: r.reason });
        break;
      case 'duplicate': {
        // A resend whose first answer was lost: act on what the first delivery resulted in.
        const o = r.original;
        if (o.status === 'rejected') {
          out.push({
            ...base,
            kind: 'rejected',
            code: o.code ?? 'E_REJECTED',
            reason: o.reason ?? '',
          });
        } else if (o.status === 'conflict') {
          // The first answer (a conflict) was lost: the clerk must still be told that this
          // change was not taken, even if this answer does not carry the centre's record.
          out.push({
            ...base,
            kind: 'conflict',
            ...(r.current ? { current: r.current } : {}),
            notApplied: [],
            reason: o.reason ?? '中心已受理，本机修改未采用',
          });
        } else {
          out.push({
            ...base,
            kind: 'acked',
            ...(r.serverVersion ? { serverVersion: r.serverVersion } : {}),
          });
        }
        break;
      }
    }
  }
  return out;
}

function classify(e: unknown): { code: string; message: string } {
  if (e instanceof NetworkError) return { code: 'unreachable', message: MESSAGES.unreachable };
  if (e instanceof HttpError) {
    if (e.status === 401) return { code: 'unauthorized', message: MESSAGES.unauthorized };
    if (e.retryable) return { code: 'server', message: MESSAGES.server };
    return { code: e.code, message: `${MESSAGES.server}（${e.code}: ${e.message}）` };
  }
  if (e instanceof ProtocolError) return { code: 'protocol', message: MESSAGES.protocol };
  const detail = e instanceof Error ? e.message : String(e);
  return { code: 'local', message: `${MESSAGES.local}：${detail}` };
}
