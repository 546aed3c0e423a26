// Retry delays for the sync engine: exponential back-off with full jitter and a cap, so that
// a thousand desks coming back after an outage do not hit the centre in lock-step.

export interface BackoffOptions {
  /** First retry ceiling in ms (default 1 s). */
  baseMs?: number;
  /** Largest ceiling in ms (default 5 min). */
  capMs?: number;
  /** Source of randomness in [0, 1); injected so tests are deterministic. */
  random?: () => number;
}

/**
 * Full jitter ("Exponential Backoff and Jitter", AWS architecture blog): the delay after the
 * n-th consecutive failure is uniform in [0, min(cap, base * 2^(n-1))]. A small floor keeps a
 * zero draw from turning into a busy loop.
 */
export class Backoff {
  private failures = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 1_000;
    this.capMs = options.capMs ?? 5 * 60_000;
    this.random = options.random ?? Math.random;
  }

  /** Consecutive failures so far. */
  get attempts(): number {
    return this.failures;
  }

  /** The ceiling the next delay is drawn under (after `failures` failures). */
  ceilingMs(failures = this.failures): number {
    if (failures <= 0) return 0;
    // 2^n overflows to Infinity for big n; min() still gives the cap.
    return Math.min(this.capMs, this.baseMs * 2 ** (failures - 1));
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  fail(): number {
    this.failures += 1;
    const ceiling = this.ceilingMs();
    const floor = Math.min(100, ceiling);
    return floor + this.random() * (ceiling - floor);
  }

  /** Records a success: the next failure starts again from the base. */
  succeed(): void {
    this.failures = 0;
  }
}
