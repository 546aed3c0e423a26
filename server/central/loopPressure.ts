// How late the event loop has been running lately: the signal for shedding new heavy work
// before it makes every request slow. A timer every `intervalMs` measures how late it fires;
// `high()` is true while the worst lateness of the last `windowMs` exceeds `thresholdMs`.
// Lateness counts everything that delays this endpoint's answers: its own work, garbage
// collection, and the time its thread waited for a core that others (a co-located database)
// held — which on a Monday morning was most of it (admin metrics, loopThread.runQueueWaitMs).
export interface LoopPressureOptions {
  /** How late the loop may run before new heavy work is refused (ms; default 40; 0 = never). */
  thresholdMs?: number;
  /** How long a late tick counts (ms; default 500). */
  windowMs?: number;
  /** Tick interval (ms; default 20). */
  intervalMs?: number;
}

export class LoopPressure {
  readonly thresholdMs: number;
  private readonly windowMs: number;
  private readonly intervalMs: number;
  /** Lateness (ms) and when it was seen, newest last; only ticks over the threshold are kept. */
  private readonly late: Array<[number, number]> = [];
  private timer: NodeJS.Timeout | null = null;
  private expected = 0;

  constructor(opts: LoopPressureOptions = {}) {
    this.thresholdMs = Math.max(0, opts.thresholdMs ?? 40);
    this.windowMs = Math.max(1, opts.windowMs ?? 500);
    this.intervalMs = Math.max(1, opts.intervalMs ?? 20);
    if (this.thresholdMs > 0) this.schedule(performance.now());
  }

  private schedule(now: number): void {
    this.expected = now + this.intervalMs;
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private tick(): void {
    const now = performance.now();
    const lag = now - this.expected;
    if (lag > this.thresholdMs) this.late.push([now, lag]);
    this.schedule(now);
  }

  /** The worst lateness (ms) seen in the window, 0 when none was over the threshold. */
  recentLagMs(now = performance.now()): number {
    while (this.late.length > 0 && now - this.late[0]![0] > this.windowMs) this.late.shift();
    // A tick that is overdue now is lateness too (the loop may be stuck in the very work).
    const overdue = now - this.expected;
    let worst = overdue > this.thresholdMs ? overdue : 0;
    for (const [, lag] of this.late) worst = Math.max(worst, lag);
    return worst;
  }

  /** True while the loop has recently run later than the threshold. */
  high(): boolean {
    return this.thresholdMs > 0 && this.recentLagMs() > 0;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
