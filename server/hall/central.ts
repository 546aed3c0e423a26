// The hall's uplink: queue events wait in an outbox (journaled with their change id and seq)
// and go to the central endpoint through its idempotent push whenever it answers. Optional: with
// no hook the service runs fully offline and the outbox just records what would be sent.
import type { Change, PushResponse } from '../../shared/protocol';
import { paths } from '../../shared/protocol';

/**
 * Sends one batch (seq order). Resolves with the centre's answer, throws when unreachable.
 * `deviceId`: the centre device the batches go out as (the outbox's seqs are that device's).
 */
export type CentralPushHook = ((
  changes: Change[],
) => Promise<Pick<PushResponse, 'ackSeq'> & Partial<PushResponse>>) & { deviceId?: string };

/** The centre answered with an HTTP error (the hook throws it; the outbox reads `status`). */
export class CentralHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'CentralHttpError';
  }
}

export interface HttpCentralPushOptions {
  /** e.g. http://central.example:8600 */
  baseUrl: string;
  deviceId: string;
  token: string;
  timeoutMs?: number;
}

/** A hook that posts to the central endpoint's /api/v1/push with a device token. */
export function httpCentralPush(opts: HttpCentralPushOptions): CentralPushHook {
  const hook: CentralPushHook = async (changes) => {
    const res = await fetch(new URL(paths.push, opts.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
      body: JSON.stringify({ deviceId: opts.deviceId, changes }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
    if (!res.ok) {
      const text = (await res.text()).slice(0, 300);
      throw new CentralHttpError(res.status, `central push HTTP ${res.status}: ${text}`);
    }
    return (await res.json()) as PushResponse;
  };
  hook.deviceId = opts.deviceId;
  return hook;
}

/** A queue event waiting for the centre, kept compact (the wire form is built when sent). */
export interface PendingEvent {
  /** Change id (UUID), fixed when the event was journaled: resends reuse it. */
  cid: string;
  /** Outbox seq (1, 2, 3 ... without gaps, only queue events count). */
  os: number;
  ev: unknown;
}

export interface OutboxSnapshot {
  nextSeq: number;
  ackSeq: number;
  pending: PendingEvent[];
  /** The centre device these seqs belong to (absent: not known yet, e.g. never uplinked). */
  deviceId?: string;
}

/** Most events kept while the centre is unreachable (weeks of a busy hall); oldest go first. */
export const MAX_PENDING = 200_000;

export const PUSH_BATCH = 200;

/**
 * Pending changes in memory (mirrors the journal) and the push loop with back-off. The caller
 * journals acknowledgements through `onAck` so a restart does not resend what the centre has.
 */
export class Outbox {
  pending: PendingEvent[] = [];
  dropped = 0;
  nextSeq = 1;
  ackSeq = 0;
  lastError: string | null = null;
  lastSuccessAt: number | null = null;
  /** See OutboxSnapshot.deviceId. */
  deviceId: string | undefined = undefined;
  /**
   * Events the centre could not take (its 500 came back for that event alone while the next one
   * went through): sent as a small placeholder under the same change id and seq so that nothing
   * after them waits forever. Said in the push report until the service restarts.
   */
  unsendable: Array<{ seq: number; changeId: string; error: string }> = [];
  /** How many events the next push may carry: halved on a 500 to find the one that fails. */
  batchLimit = PUSH_BATCH;
  /** Change ids to send as placeholders (found unsendable in this run). */
  private readonly placeholders = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private inflight = false;
  private delayMs = 1000;
  private stopped = false;

  constructor(
    private readonly hook: CentralPushHook | undefined,
    private readonly onAck: (ackSeq: number) => void,
    private readonly toChange: (p: PendingEvent) => Change,
    private readonly retryMaxMs = 60_000,
  ) {}

  restore(s: OutboxSnapshot): void {
    this.pending = [...s.pending];
    this.nextSeq = s.nextSeq;
    this.ackSeq = s.ackSeq;
    this.deviceId = s.deviceId;
  }

  toSnapshot(): OutboxSnapshot {
    return {
      nextSeq: this.nextSeq,
      ackSeq: this.ackSeq,
      pending: this.pending,
      ...(this.deviceId ? { deviceId: this.deviceId } : {}),
    };
  }

  /**
   * The hall now goes out as another centre device (enrolled again, or the uplink was cleared
   * and set anew). That device's seqs start at 1, so what is still unsent is renumbered from 1
   * and given new change ids: the centre refuses a change id another device used, and answers
   * seqs beyond a gap with no acknowledgement, so the old numbering would be resent forever.
   * Events the old device may already have delivered are keyed by their event id at the centre
   * (stored once either way). The caller persists the result (snapshot) before sending.
   * Returns how many events were renumbered.
   */
  rebase(deviceId: string, newChangeId: () => string): number {
    this.pending = this.pending.map((p, i) => ({ cid: newChangeId(), os: i + 1, ev: p.ev }));
    this.ackSeq = 0;
    this.nextSeq = this.pending.length + 1;
    this.deviceId = deviceId;
    return this.pending.length;
  }

  /** A journaled change (on replay and after each append). */
  add(p: PendingEvent): void {
    this.pending.push(p);
    this.nextSeq = Math.max(this.nextSeq, p.os + 1);
    if (this.pending.length > MAX_PENDING) {
      // The centre would see a seq gap for these (reported there as seqGaps): better than
      // letting an uplink that never comes back fill the hall PC's memory and disk.
      this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.dropped++;
    }
  }

  /** Apply an acknowledgement (live or replayed from the journal). */
  ack(ackSeq: number): void {
    if (ackSeq <= this.ackSeq) return;
    this.ackSeq = ackSeq;
    let i = 0;
    while (i < this.pending.length && (this.pending[i]?.os ?? 0) <= ackSeq) i++;
    if (i > 0) this.pending = this.pending.slice(i);
  }

  /** Try to send soon (after new events), unless a send or a back-off wait is under way. */
  kick(): void {
    if (!this.hook || this.stopped || this.inflight || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, 50);
    this.timer.unref();
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
    this.timer.unref();
  }

  /** The wire form of a pending event (a placeholder for one the centre cannot take). */
  private wire(p: PendingEvent): Change {
    const change = this.toChange(p);
    const error = this.placeholders.get(p.cid);
    if (error === undefined) return change;
    const orig = (change.payload ?? {}) as Record<string, unknown>;
    return {
      ...change,
      payload: {
        id: orig.id ?? p.cid,
        ...(typeof orig.hallCode === 'string' ? { hallCode: orig.hallCode } : {}),
        type: 'unsendable',
        reason: error.slice(0, 200),
      },
    };
  }

  /**
   * A 500 for a batch: split it rather than resend it forever. Halve the batch until one event
   * alone fails; then send the next event alone as a probe. If the probe goes through, the
   * centre works and the first event is what it cannot take: it goes as a placeholder. If the
   * probe fails too, the centre itself is down: back off as for any failure.
   */
  private async isolate(batch: Change[], error: string): Promise<'split' | 'found' | 'down'> {
    if (batch.length > 1) {
      this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
      this.lastError = `中心拒收（HTTP 500），正在拆分批次查找出错的事件（每批 ${this.batchLimit} 条） (centre error: splitting the batch): ${error}`;
      return 'split';
    }
    const suspect = this.pending[0];
    const next = this.pending[1];
    if (!suspect || !next || suspect.os !== batch[0]?.seq) return 'down';
    try {
      await this.hook!([this.wire(next)]);
    } catch {
      return 'down';
    }
    this.placeholders.set(suspect.cid, error);
    this.unsendable.push({ seq: suspect.os, changeId: suspect.cid, error: error.slice(0, 300) });
    if (this.unsendable.length > 20) this.unsendable.splice(0, this.unsendable.length - 20);
    return 'found';
  }

  /** One line for the push report (null when every event could be sent). */
  unsendableReport(): string | null {
    const last = this.unsendable[this.unsendable.length - 1];
    if (!last) return null;
    return `${this.unsendable.length} 条排队事件中心无法保存，已以占位记录代替（最近：序号 ${last.seq}）(${this.unsendable.length} queue event(s) the centre could not store were sent as placeholders; last seq ${last.seq}): ${last.error}`;
  }

  async flush(): Promise<void> {
    if (!this.hook || this.inflight || this.stopped || this.pending.length === 0) return;
    this.inflight = true;
    const batch = this.pending.slice(0, this.batchLimit).map((p) => this.wire(p));
    try {
      const res = await this.hook(batch);
      this.lastError = null;
      this.lastSuccessAt = Date.now();
      this.delayMs = 1000;
      // A batch went through: grow back towards full batches.
      this.batchLimit = Math.min(PUSH_BATCH, this.batchLimit * 2);
      // ackSeq covers every result (applied, duplicate, rejected): nothing is resent forever.
      const last = batch[batch.length - 1]?.seq ?? 0;
      const acked = Math.min(res.ackSeq, last);
      if (acked > this.ackSeq) {
        this.ack(acked);
        this.onAck(acked);
      }
      this.inflight = false;
      if (this.pending.length > 0) this.schedule(acked >= last ? 0 : 5000);
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      // 500: something in the batch (not the link, not a busy or closing centre: 502/503/504).
      if (error instanceof CentralHttpError && error.status === 500) {
        const outcome = await this.isolate(batch, this.lastError).catch(() => 'down' as const);
        if (outcome !== 'down') {
          this.inflight = false;
          this.schedule(50);
          return;
        }
      }
      this.inflight = false;
      // Back off (1 s doubling to 60 s, with jitter) and keep trying: the uplink comes back.
      this.delayMs = Math.min(this.retryMaxMs, this.delayMs * 2);
      this.schedule(this.delayMs / 2 + Math.random() * (this.delayMs / 2));
    }
  }

  /** Retry periodically even without new events (reachability is only known by trying). */
  startTicker(): void {
    if (this.pending.length > 0) this.kick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
