// Admission control for the central endpoint's heavy work (full-pull pages, large pushes): at
// most `maxConcurrent` run at once, a bounded queue waits a bounded time, and everything beyond
// is answered at once with 429 E_BUSY + Retry-After (429 E_RATE_LIMITED when one device already
// has heavy work in flight). 429, not 503: the endpoint is well, it sheds load on purpose; a 5xx
// stays the sign of a failure (a balancer or a monitor counts those). Answering "later" in a millisecond is what keeps a Monday-morning
// storm from turning into hundreds of half-built pages for desks that have already timed out.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiFailure } from './errors';

export interface AdmissionOptions {
  /** Heavy requests running at once (default 4: two cores, plus the database's share). */
  maxConcurrent?: number;
  /** Heavy requests waiting for a slot (default 64); beyond it: 429 at once. */
  maxQueue?: number;
  /** Longest wait in the queue before giving up with 429 (default 8 s, well under the desk's 30 s). */
  maxWaitMs?: number;
  /**
   * Pushes in flight beyond which heavy work runs one at a time (default 8): a push is what a
   * clerk was told is saved and a desk waits on, a page is a catch-up that can wait a moment.
   * On a machine whose CPU the storm saturates, this is what gives pushes the CPU.
   */
  writePressure?: number;
}

export interface AdmissionStats {
  running: number;
  queued: number;
  admitted: number;
  refusedBusy: number;
  refusedDevice: number;
  abandoned: number;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Thrown to end work for a client that hung up: nothing is sent (the socket is gone). */
export class ClientGone extends Error {
  override readonly name = 'ClientGone';
}

/** True when the client closed its connection (timeout, abort) before we answered. */
export function clientGone(req: FastifyRequest, reply: FastifyReply): boolean {
  return req.raw.socket?.destroyed === true || (reply.raw.destroyed && !reply.raw.writableEnded);
}

export class Admission {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly maxWaitMs: number;
  readonly writePressure: number;
  private running = 0;
  private writes = 0;
  private readonly queue: Waiter[] = [];
  private readonly perDevice = new Map<string, number>();
  /** Recent service times (ms) for the Retry-After estimate. */
  private avgMs = 200;
  readonly stats: AdmissionStats = {
    running: 0,
    queued: 0,
    admitted: 0,
    refusedBusy: 0,
    refusedDevice: 0,
    abandoned: 0,
  };

  constructor(opts: AdmissionOptions = {}) {
    this.maxConcurrent = Math.max(1, opts.maxConcurrent ?? 4);
    this.maxQueue = Math.max(0, opts.maxQueue ?? 64);
    this.maxWaitMs = Math.max(1, opts.maxWaitMs ?? 8_000);
    this.writePressure = Math.max(0, opts.writePressure ?? 8);
  }

  /** Heavy work allowed at once now: one while many pushes are in flight. */
  private limit(): number {
    return this.writes > this.writePressure ? 1 : this.maxConcurrent;
  }

  /** Runs a push (light or heavy) counted as write pressure while it is in flight. */
  async write<T>(work: () => Promise<T>): Promise<T> {
    this.writes++;
    try {
      return await work();
    } finally {
      this.writes--;
      this.pump();
    }
  }

  /** Starts waiters while there is room under the current limit. */
  private pump(): void {
    while (this.running < this.limit() && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.stats.queued = this.queue.length;
      clearTimeout(next.timer);
      this.running++;
      this.stats.running = this.running;
      next.resolve();
    }
  }

  /** Seconds a refused client should wait: the time to drain the queue, spread out (1..30 s). */
  retryAfterSeconds(): number {
    const drainMs = ((this.queue.length + this.running) * this.avgMs) / this.maxConcurrent;
    // Jitter here too: clients that ignore their own jitter still come back spread out.
    const s = Math.ceil((drainMs / 1000) * (1 + Math.random()));
    return Math.min(30, Math.max(1, s));
  }

  private busy(code: 'E_BUSY' | 'E_RATE_LIMITED'): ApiFailure {
    const retryAfter = this.retryAfterSeconds();
    const message =
      code === 'E_BUSY'
        ? '中心繁忙，请稍后重试 (the endpoint is busy; retry later)'
        : '本设备已有一个大请求在处理 (this device already has a large request in progress)';
    return new ApiFailure(
      code,
      message,
      { retryAfterSeconds: retryAfter },
      {
        'retry-after': String(retryAfter),
      },
    );
  }

  /**
   * Runs `work` when a slot is free. `gone()` is checked after the wait (a desk that gave up
   * while queued costs nothing more); a device may have `perDeviceMax` heavy requests at once
   * (one pull; the engine sends up to three pushes in a window).
   */
  async run<T>(
    device: string,
    gone: () => boolean,
    work: () => Promise<T>,
    perDeviceMax = 1,
  ): Promise<T> {
    if ((this.perDevice.get(device) ?? 0) >= perDeviceMax) {
      this.stats.refusedDevice++;
      throw this.busy('E_RATE_LIMITED');
    }
    if (this.running >= this.limit()) {
      if (this.queue.length >= this.maxQueue) {
        this.stats.refusedBusy++;
        throw this.busy('E_BUSY');
      }
    }
    this.perDevice.set(device, (this.perDevice.get(device) ?? 0) + 1);
    try {
      if (this.running >= this.limit()) await this.wait();
      else this.running++;
      this.stats.running = this.running;
      try {
        if (gone()) {
          this.stats.abandoned++;
          throw new ClientGone('client closed the connection while queued');
        }
        this.stats.admitted++;
        const t0 = performance.now();
        const out = await work();
        this.avgMs = this.avgMs * 0.8 + (performance.now() - t0) * 0.2;
        return out;
      } finally {
        this.release();
      }
    } finally {
      const n = (this.perDevice.get(device) ?? 1) - 1;
      if (n <= 0) this.perDevice.delete(device);
      else this.perDevice.set(device, n);
    }
  }

  private wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          this.stats.queued = this.queue.length;
          this.stats.refusedBusy++;
          reject(this.busy('E_BUSY'));
        }, this.maxWaitMs),
      };
      this.queue.push(waiter);
      this.stats.queued = this.queue.length;
    });
  }

  /**
   * Hands the slot straight to the next waiter (running stays the same) while under the limit,
   * or frees it (when the limit dropped under write pressure, the slot is not handed on).
   */
  private release(): void {
    if (this.running <= this.limit() && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.stats.queued = this.queue.length;
      clearTimeout(next.timer);
      next.resolve();
    } else {
      this.running--;
      this.stats.running = this.running;
      this.pump();
    }
  }
}
