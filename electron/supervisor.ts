// Keeps a service running (the hall queue service on the host machine): starts it, restarts it
// when it dies with exponential back-off, and resets the back-off once it has run long enough.
import type { HallHostStatus } from '../shared/ipc/contract';

export interface RunningService {
  port: number | null;
  /** Resolves when the service stops on its own (crash, exit) with a reason. */
  exited: Promise<string>;
  /** Asks the service to stop; resolves once it has. */
  stop(): Promise<void>;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** A run at least this long counts as healthy: the next failure starts from initialMs. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = {
  initialMs: 1_000,
  maxMs: 60_000,
  factor: 2,
  resetAfterMs: 60_000,
};

/** Delay before restart attempt n (1-based count of consecutive failures). */
export function backoffDelay(b: Backoff, failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(b.maxMs, Math.round(b.initialMs * b.factor ** (failures - 1)));
}

export class Supervisor {
  private status: HallHostStatus = {
    state: 'stopped',
    port: null,
    restarts: 0,
    lastError: null,
    nextAttemptAt: null,
  };
  private running: RunningService | null = null;
  private timer: unknown = null;
  private failures = 0;
  private stopped = true;
  /** Bumped on stop(): callbacks from an older run are ignored. */
  private generation = 0;

  constructor(
    private readonly start: () => Promise<RunningService>,
    private readonly options: {
      backoff?: Backoff;
      clock?: Clock;
      onStatus?: (s: HallHostStatus) => void;
      log?: (msg: string) => void;
    } = {},
  ) {}

  getStatus(): HallHostStatus {
    return { ...this.status };
  }

  /** Starts supervising (idempotent). */
  run(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.attempt(this.generation);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const r = this.running;
    this.running = null;
    if (r) await r.stop();
    this.set({ state: 'stopped', port: null, nextAttemptAt: null });
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  private get backoff(): Backoff {
    return this.options.backoff ?? DEFAULT_BACKOFF;
  }

  private set(patch: Partial<HallHostStatus>): void {
    this.status = { ...this.status, ...patch };
    this.options.onStatus?.(this.getStatus());
  }

  private async attempt(gen: number): Promise<void> {
    this.timer = null;
    this.set({ state: 'starting', nextAttemptAt: null });
    let service: RunningService;
    try {
      service = await this.start();
    } catch (error) {
      if (gen !== this.generation) return;
      this.failed(gen, `start failed: ${errorText(error)}`);
      return;
    }
    if (gen !== this.generation) {
      // stop() was called while we were starting: do not leave it running.
      await service.stop();
      return;
    }
    this.running = service;
    const startedAt = this.clock.now();
    this.set({ state: 'running', port: service.port });
    const reason = await service.exited;
    if (gen !== this.generation || this.running !== service) return;
    this.running = null;
    if (this.clock.now() - startedAt >= this.backoff.resetAfterMs) this.failures = 0;
    this.failed(gen, `exited: ${reason}`);
  }

  private failed(gen: number, message: string): void {
    this.failures++;
    const delay = backoffDelay(this.backoff, this.failures);
    this.options.log?.(`hall service ${message}; restart in ${delay} ms`);
    this.set({
      state: 'backoff',
      port: null,
      lastError: message,
      nextAttemptAt: this.clock.now() + delay,
      restarts: this.status.restarts + 1,
    });
    this.timer = this.clock.setTimeout(() => {
      if (gen === this.generation && !this.stopped) void this.attempt(gen);
    }, delay);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
