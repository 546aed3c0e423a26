// The attachment lane of the sync engine: scan bytes go up beside the record rounds, never in
// them, so a new application reaches the centre between chunks. Application by application,
// oldest first (the clerk may move one application to the front); more than one file in flight
// when the link's delay would leave it idle between chunks; chunks sized to a couple of seconds
// at the measured rate. After a failed transfer it resumes at once from the centre's offset,
// and backs off only while the centre itself does not answer. Optional outlet limits:
// a bandwidth cap and hours for attachments.
import type { StoreApi } from 'zustand/vanilla';
import syncConfig from '../../../shared/config/sync.json';
import { SUGGESTED_ATTACHMENT_CHUNK_BYTES } from '../../../shared/protocol';
import { idleUploads, type SyncStatus, type UploadProgress } from './status';
import type { SyncStore, UploadItem, UploadLimits } from './store';
import { sleepOn, type Timers } from './timers';
import { HttpError, NetworkError, type ApiClient } from './transport';

export interface UploaderOptions {
  store: SyncStore;
  status: StoreApi<SyncStatus>;
  timers: Timers;
  random: () => number;
  /** Fixed chunk size (tests); default: sized by the measured rate. */
  chunkBytes?: number;
  /** Files in flight at once at most (default from shared/config/sync.json). */
  maxLanes?: number;
  /** No progress for this long cuts the chunks in flight (default from the config: 15 s). */
  stallMs?: number;
  /** Called on every chunk the centre took: progress resets the engine's back-off. */
  onProgress?: () => void;
  /** Local wall clock for the attachment hours (tests pass a fixed one). */
  clock?: () => Date;
}

export type UploadRun =
  | { kind: 'done'; uploaded: number }
  | { kind: 'waiting'; uploaded: number; resumeAt: number }
  | { kind: 'failed'; uploaded: number; error: unknown };

const cfg = syncConfig.uploads;

/** Outside the attachment hours: the lanes stop after their chunk. */
class OutsideHours extends Error {
  constructor(readonly resumeAt: number) {
    super('outside attachment hours');
  }
}

/** Minutes since local midnight of "HH:MM". */
function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** When the hours allow uploads at `at`: 0; else ms until they open. */
export function msUntilHours(hours: UploadLimits['hours'], at: Date): number {
  if (!hours) return 0;
  const from = minutes(hours.from);
  const to = minutes(hours.to);
  const now = at.getHours() * 60 + at.getMinutes();
  const open = from < to ? now >= from && now < to : now >= from || now < to;
  if (open) return 0;
  const wait = (from - now + 24 * 60) % (24 * 60);
  return Math.max(1, wait * 60_000 - at.getSeconds() * 1000 - at.getMilliseconds());
}

/** The upload order: the clerk's chosen application first, then oldest application first. */
export function orderUploads(items: UploadItem[], first: string | null): UploadItem[] {
  const key = (i: UploadItem) => i.appAt ?? i.queuedAt;
  return [...items].sort((a, b) => {
    const fa = a.applicationId === first ? 0 : 1;
    const fb = b.applicationId === first ? 0 : 1;
    if (fa !== fb) return fa - fb;
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    if (a.applicationId !== b.applicationId) return a.applicationId < b.applicationId ? -1 : 1;
    if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt ? -1 : 1;
    return a.attachmentId < b.attachmentId ? -1 : 1;
  });
}

function transient(e: unknown): boolean {
  return e instanceof NetworkError || (e instanceof HttpError && e.retryable);
}

export class Uploader {
  /** Chunk bytes handed to the link (resent ones included; the bench's resent share). */
  sentBytes = 0;
  private running: Promise<UploadRun> | null = null;
  private stopped = false;
  private failStreak = 0;
  private abortRun: unknown = null;
  private outside: OutsideHours | null = null;
  private taken = new Set<string>();
  /** Files this uploader has sent a chunk of (a retry asks the centre where it stopped). */
  private tried = new Set<string>();
  private uploaded = 0;
  /** This backlog's totals (reset when the queue is empty). */
  private doneFiles = 0;
  private doneBytes = 0;
  private partial = new Map<string, number>();
  private waitingBytes = 0;
  private limits: UploadLimits = {};
  /** Chunk requests in flight, for the progress watchdog. */
  private inflight = new Set<{ started: number; allowMs: number; ctrl: AbortController }>();
  /** performance.now() of the last chunk the centre took (or of the run's start). */
  private lastProgressAt = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly o: UploaderOptions) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Starts a run (or joins the one under way): uploads until the queue is empty or it fails. */
  run(client: ApiClient): Promise<UploadRun> {
    this.stopped = false;
    if (this.running) return this.running;
    const p = this.runLanes(client).finally(() => {
      this.running = null;
    });
    this.running = p;
    return p;
  }

  private set(patch: Partial<UploadProgress>): void {
    const cur = this.o.status.getState().uploads;
    this.o.status.setState({ uploads: { ...cur, ...patch } });
  }

  private lanesWanted(client: ApiClient): number {
    const max = Math.max(1, this.o.maxLanes ?? cfg.maxLanes);
    if (this.limits.kbps) return 1;
    const rate = client.meter.bytesPerMs();
    const rtt = client.meter.rttMs();
    if (!rate) return 1;
    // No round trip measured yet: every small request so far shared the link with a chunk (a
    // clean link busy from the first second). One lane would then stay one lane for good and
    // leave the link idle a round trip per chunk; more files in flight cost little.
    if (rtt === null) return max;
    // One chunk at a time leaves the link idle for a round trip between chunks: worth a second
    // file in flight when that idle share is noticeable.
    const chunkMs = this.chunkSize(client) / rate;
    return rtt / (rtt + chunkMs) > cfg.laneIdleFraction ? max : 1;
  }

  private chunkSize(client: ApiClient): number {
    if (this.o.chunkBytes) return this.o.chunkBytes;
    const rate = client.meter.bytesPerMs();
    const capRate = this.limits.kbps ? (this.limits.kbps * 1000) / 8 / 1000 : null;
    const r = capRate && rate ? Math.min(capRate, rate) : (capRate ?? rate);
    if (!r) return 64 * 1024;
    const bytes = Math.round(r * cfg.chunkTargetMs);
    return Math.max(cfg.minChunkBytes, Math.min(SUGGESTED_ATTACHMENT_CHUNK_BYTES, bytes));
  }

  private async runLanes(client: ApiClient): Promise<UploadRun> {
    try {
      return await this.lanes(client);
    } catch (e) {
      // A local failure (the database closed, a read error): reported, never thrown at a timer.
      return { kind: 'failed', uploaded: this.uploaded, error: e };
    }
  }

  private async lanes(client: ApiClient): Promise<UploadRun> {
    this.lastProgressAt = performance.now();
    this.watchdog = setInterval(() => this.checkStall(), 250);
    try {
      return await this.lanesUnwatched(client);
    } finally {
      if (this.watchdog) clearInterval(this.watchdog);
      this.watchdog = null;
    }
  }

  private async lanesUnwatched(client: ApiClient): Promise<UploadRun> {
    this.lastClient = client;
    this.abortRun = null;
    this.outside = null;
    this.taken.clear();
    this.uploaded = 0;
    this.limits = (await this.o.store.uploadLimits?.()) ?? {};
    await this.refreshTotals();
    // Lane 0 always; another lane joins when the link's delay calls for it (lanesWanted).
    const running = new Set<Promise<void>>();
    const spawn = (): void => {
      const p: Promise<void> = lane().finally(() => running.delete(p));
      running.add(p);
    };
    const lane = async (): Promise<void> => {
      while (!this.stopped && !this.abortRun && !this.outside) {
        let item: UploadItem | null;
        try {
          item = await this.take();
        } catch (e) {
          // Outside the hours before a file was taken: the run waits for them (not a failure).
          if (e instanceof OutsideHours) this.outside ??= e;
          else this.abortRun ??= e;
          return;
        }
        if (!item) return;
        if (running.size < this.lanesWanted(client)) spawn();
        try {
          await this.uploadWithRetry(client, item);
        } catch (e) {
          if (e instanceof OutsideHours) this.outside ??= e;
          else this.abortRun ??= e;
        } finally {
          this.taken.delete(item.attachmentId);
          this.partial.delete(item.attachmentId);
        }
      }
    };
    spawn();
    while (running.size > 0) await Promise.all([...running]);
    await this.refreshTotals();
    const uploaded = this.uploaded;
    if (this.abortRun) {
      const error = this.abortRun;
      const offline = error instanceof NetworkError;
      this.set({
        state: offline ? 'offline' : 'error',
        lastError: offline
          ? '无法连接中心端，附件稍后自动续传'
          : `附件上传失败：${error instanceof Error ? error.message : String(error)}`,
        currentApplicationId: null,
      });
      return { kind: 'failed', uploaded, error };
    }
    const outside = this.outside as OutsideHours | null;
    if (outside) {
      this.set({ state: 'waitingHours', resumeAt: outside.resumeAt, currentApplicationId: null });
      return { kind: 'waiting', uploaded, resumeAt: outside.resumeAt };
    }
    const waiting = this.o.status.getState().uploadsWaiting;
    if (waiting === 0) {
      this.doneFiles = 0;
      this.doneBytes = 0;
      this.o.status.setState({ uploads: idleUploads });
    } else {
      this.set({ state: 'idle', currentApplicationId: null });
    }
    return { kind: 'done', uploaded };
  }

  /** Recomputes the backlog's totals from the queue (also the status bar's waiting count). */
  private async refreshTotals(): Promise<UploadItem[]> {
    const queue = await this.o.store.uploadQueue(100_000);
    let waitingBytes = 0;
    for (const i of queue) waitingBytes += i.size;
    this.waitingBytes = waitingBytes;
    this.o.status.setState({ uploadsWaiting: queue.length });
    this.set({ filesTotal: this.doneFiles + queue.length, filesDone: this.doneFiles });
    this.showBytes();
    return queue;
  }

  /** Bytes at the centre of this backlog, the rate and the time left (after every chunk). */
  private showBytes(): void {
    let partial = 0;
    for (const v of this.partial.values()) partial += v;
    const rate = this.rate();
    const bytesTotal = this.doneBytes + this.waitingBytes;
    const bytesDone = Math.min(bytesTotal, this.doneBytes + partial);
    this.set({
      bytesTotal,
      bytesDone,
      rateBytesPerSec: rate,
      etaMs: rate ? Math.round(((bytesTotal - bytesDone) / rate) * 1000) : null,
    });
  }

  /**
   * No chunk taken by the centre for the stall time (or longer when a chunk is expected to
   * take longer): the chunks in flight are cut and resumed from the centre's offset. Progress
   * of any lane counts, so a silent drop of every connection is found stall time after the
   * last progress, not after each request's own allowance.
   *
   * Sooner when the centre says so: once the chunks are well past their expected time
   * (suspicion), a health check goes out; when the centre answers it while still no chunk
   * sent before it was taken, the connections the chunks are on are dead (a silent drop:
   * a small request on a fresh connection got through, the chunks did not), and they are cut
   * at once. Once per stretch without progress, so a link that merely got slower costs one
   * resent chunk at most and then has the whole stall time.
   */
  private checkStall(): void {
    const now = performance.now();
    const stallMs = this.o.stallMs ?? syncConfig.stallMs;
    for (const r of [...this.inflight]) {
      const since = Math.max(this.lastProgressAt, r.started);
      if (now - since > Math.max(stallMs, r.allowMs)) {
        this.inflight.delete(r);
        r.ctrl.abort(new Error('no progress'));
      } else if (
        this.suspectedAt !== this.lastProgressAt &&
        now - since > Math.min(stallMs, Math.max(cfg.suspectMinMs, cfg.suspectFactor * r.allowMs))
      ) {
        this.suspectedAt = this.lastProgressAt;
        void this.confirmStall();
      }
    }
  }

  /** The progress time of the last suspicion (one health check per stretch without progress). */
  private suspectedAt = -1;
  /** When the centre last answered while the chunks did not (they were cut then). */
  private confirmedAt = -Infinity;

  /** A health check decides whether the chunks in flight sit on dead connections. */
  private async confirmStall(): Promise<void> {
    const client = this.lastClient;
    if (!client) return;
    const sentAt = performance.now();
    const progressAt = this.lastProgressAt;
    if (!(await client.probe(cfg.probeMost, cfg.probeStaggerMs))) return;
    // A chunk whose last bytes arrived just before the check may be answered just after it.
    await sleepOn(this.o.timers, Math.max(cfg.suspectGraceMs, 2 * (client.meter.rttMs() ?? 0)));
    if (this.lastProgressAt !== progressAt) return;
    this.confirmedAt = performance.now();
    for (const r of [...this.inflight]) {
      if (r.started >= sentAt) continue;
      this.inflight.delete(r);
      r.ctrl.abort(new Error('no progress while the centre answers'));
    }
  }

  private lastClient: ApiClient | null = null;

  private rate(): number | null {
    const r = this.lastClient?.meter.bytesPerMs() ?? null;
    if (r === null) return null;
    const cap = this.limits.kbps ? (this.limits.kbps * 1000) / 8 : Infinity;
    return Math.round(Math.min(r * 1000, cap));
  }

  /** The next file to upload: in order, not taken by another lane, its application sent. */
  private async take(): Promise<UploadItem | null> {
    const wait = msUntilHours(this.limits.hours, this.o.clock?.() ?? new Date());
    if (wait > 0) throw new OutsideHours(this.o.timers.now() + wait);
    const first = (await this.o.store.uploadFirst?.()) ?? null;
    const queue = orderUploads(await this.refreshTotals(), first);
    for (const item of queue) {
      if (this.taken.has(item.attachmentId)) continue;
      // Bytes go up only after their application is on the centre.
      if (item.applicationId && (await this.o.store.hasUnsentChanges(item.applicationId))) continue;
      this.taken.add(item.attachmentId);
      return item;
    }
    return null;
  }

  private async uploadWithRetry(client: ApiClient, item: UploadItem): Promise<void> {
    this.lastClient = client;
    for (;;) {
      try {
        await this.uploadOne(client, item);
        return;
      } catch (e) {
        if (this.stopped || this.abortRun || !transient(e)) throw e;
        this.failStreak += 1;
        this.set({ state: 'retrying' });
        const retryAfter = e instanceof HttpError ? e.retryAfterMs : undefined;
        if (retryAfter !== undefined) {
          // The centre is shedding load: come back when it says, spread a little.
          await sleepOn(this.o.timers, retryAfter * (1 + 0.2 * this.o.random()));
          continue;
        }
        // A dropped connection is not an unreachable centre: does the centre answer? (Just
        // asked when the watchdog cut the chunk because the centre answered and they did not.)
        const confirmed = performance.now() - this.confirmedAt < 5_000;
        const alive = confirmed || (await client.probe(cfg.probeMost, cfg.probeStaggerMs));
        if (!alive) throw e instanceof NetworkError ? e : new NetworkError(String(e));
        // It does: again at once (twice per file in flight: a drop fails every lane at
        // once), then with short jittered pauses.
        const lanes = Math.max(1, this.o.maxLanes ?? cfg.maxLanes);
        if (this.failStreak <= 2 * lanes) continue;
        if (this.failStreak > cfg.quickRetries) throw e;
        // The centre answers but transfers fail: a short jittered pause, then resume.
        const ceiling = Math.min(8_000, 250 * 2 ** (this.failStreak - 2 * lanes));
        await sleepOn(this.o.timers, this.o.random() * ceiling);
      }
    }
  }

  private async uploadOne(client: ApiClient, item: UploadItem): Promise<void> {
    const store = this.o.store;
    this.set({
      state: 'uploading',
      currentApplicationId: item.applicationId || null,
      lastError: null,
    });
    let offset = 0;
    let complete = false;
    if (this.tried.has(item.attachmentId)) {
      // A second attempt: the centre says where it stopped.
      const status = await client.attachmentStatus(item.sha256);
      offset = status.complete ? item.size : status.received;
      if (status.size !== null && status.size !== item.size) offset = 0;
      complete = status.complete;
    } else {
      // The first attempt in this run of the app starts at 0 without asking (a round trip per
      // file saved): a centre that has bytes already answers E_OFFSET_MISMATCH with its count,
      // one that has the whole file answers complete.
      this.tried.add(item.attachmentId);
    }
    this.partial.set(item.attachmentId, offset);
    while (!complete && offset < item.size) {
      if (this.stopped) throw new NetworkError('stopped');
      if (this.abortRun) throw this.abortRun;
      const wait = msUntilHours(this.limits.hours, this.o.clock?.() ?? new Date());
      if (wait > 0) throw new OutsideHours(this.o.timers.now() + wait);
      const length = Math.min(this.chunkSize(client), item.size - offset);
      const chunk = await store.readAttachment(item.attachmentId, offset, length);
      if (!chunk || chunk.length === 0) {
        await store.finishUpload(item.attachmentId, '本地附件文件缺失或无法解密');
        return;
      }
      this.sentBytes += chunk.length;
      const t0 = this.o.timers.now();
      const watch = {
        started: performance.now(),
        allowMs: 1.2 * client.meter.expectedUploadMs(chunk.length, true),
        ctrl: new AbortController(),
      };
      this.inflight.add(watch);
      try {
        const r = await client.putAttachmentChunk(
          item.sha256,
          offset,
          item.size,
          new Uint8Array(chunk),
          watch.ctrl.signal,
        );
        offset = r.received;
        complete = r.complete;
        this.lastProgressAt = performance.now();
      } catch (e) {
        if (e instanceof HttpError && e.code === 'E_OFFSET_MISMATCH') {
          // The centre has a different byte count (an earlier chunk landed after all).
          const received = (e.details as { received?: unknown } | undefined)?.received;
          offset = typeof received === 'number' ? received : 0;
          this.partial.set(item.attachmentId, offset);
          continue;
        }
        if (e instanceof HttpError && e.code === 'E_HASH_MISMATCH') {
          await store.finishUpload(item.attachmentId, '附件内容校验失败 (hash mismatch)');
          return;
        }
        throw e;
      } finally {
        this.inflight.delete(watch);
      }
      // Progress: the back-off starts again from its base.
      this.failStreak = 0;
      this.o.onProgress?.();
      this.partial.set(item.attachmentId, offset);
      this.set({ state: 'uploading' });
      this.showBytes();
      if (this.limits.kbps) {
        // The outlet's cap: this chunk may not go faster than the cap allows.
        const minMs = (chunk.length * 8) / this.limits.kbps;
        const spent = this.o.timers.now() - t0;
        if (spent < minMs) await sleepOn(this.o.timers, minMs - spent);
      }
    }
    if (complete) {
      await store.finishUpload(item.attachmentId);
      this.uploaded += 1;
      this.doneFiles += 1;
      this.doneBytes += item.size;
      this.partial.delete(item.attachmentId);
      await this.refreshTotals();
    }
  }
}
