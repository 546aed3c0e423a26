// Internal figures of one endpoint process, for load tests and operators (GET
// /api/v1/admin/metrics): how late its event loop ran, how long garbage collection paused it,
// how many queries waited for a pooled connection, and its CPU time, over a window that a
// reader may restart. A latency a client measures is the endpoint's only if this loop was not
// the one that stalled — or the client's own was (bench:fleet reads both sides).
import fs from 'node:fs';
import {
  constants,
  PerformanceObserver,
  createHistogram,
  monitorEventLoopDelay,
  type IntervalHistogram,
  type RecordableHistogram,
} from 'node:perf_hooks';

export interface MetricsSnapshot {
  /** Length of the window (ms) these figures cover. */
  windowMs: number;
  /** How late timers ran: the event loop's delay (ms), from perf_hooks' histogram. */
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number; meanMs: number };
  /** Garbage-collection pauses of the main thread in the window (by kind: minor, major…). */
  gc: {
    count: number;
    totalMs: number;
    maxMs: number;
    byKind: Record<string, { count: number; totalMs: number }>;
  };
  /** Queries waiting for a pooled connection, sampled every SAMPLE_MS (PostgreSQL only). */
  pool: {
    size: number;
    waitingMax: number;
    waitingMean: number;
    busyMean: number;
    /** plan_cache_mode switches in the window (prepared.ts PlanModes): a few per connection. */
    planModeSwitches: number;
  };
  /** CPU time of the process in the window (ms; all threads). */
  cpu: { userMs: number; systemMs: number };
  /**
   * The event-loop thread in the window (Linux; null elsewhere): its CPU time, and how long it
   * was ready to run but waited for a core. A loop that is late while it waited is starved by
   * the machine (a co-located database, other processes), not busy with its own work.
   */
  loopThread: { cpuMs: number; runQueueWaitMs: number } | null;
  /** Memory now (MB): resident, the JavaScript heap (what a full GC walks), Buffers outside it. */
  memory: { rssMb: number; heapUsedMb: number; externalMb: number };
  /**
   * Time inside the endpoint per route (from Fastify's onRequest to the answer sent): a client's
   * latency far above it was spent before the request reached the routes (accept queue, a
   * loop busy with others, the client's own loop).
   */
  server: Record<string, { count: number; p50Ms: number; p99Ms: number; maxMs: number }>;
}

/** What a pool tells about itself now (pg.Pool's counters); none for PGlite. */
export interface PoolCounts {
  total: number;
  idle: number;
  waiting: number;
  planSwitches: number;
}

/** Pool sampling interval (ms): often enough to see a burst, cheap enough to leave on. */
const SAMPLE_MS = 50;

const round1 = (x: number) => Math.round(x * 10) / 10;
const ns = (x: number) => (Number.isFinite(x) ? round1(x / 1e6) : 0);

export class ProcessMetrics {
  private readonly loop: IntervalHistogram;
  private readonly gcObserver: PerformanceObserver;
  private readonly sampler: NodeJS.Timeout;
  private start = performance.now();
  private cpu0 = process.cpuUsage();
  private sched0 = loopThreadSched();
  private planSwitches0 = 0;
  private gcCount = 0;
  private gcMs = 0;
  private gcMax = 0;
  private samples = 0;
  private waitingSum = 0;
  private waitingMax = 0;
  private busySum = 0;
  private readonly routes = new Map<string, RecordableHistogram>();
  private gcKinds: Record<string, { count: number; totalMs: number }> = {};

  constructor(
    private readonly poolSize: number,
    private readonly pool: () => PoolCounts | null,
  ) {
    // 10 ms resolution: a stall shorter than that does not matter to a client.
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.gcCount++;
        this.gcMs += e.duration;
        this.gcMax = Math.max(this.gcMax, e.duration);
        const kind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
        const k = (this.gcKinds[kind] ??= { count: 0, totalMs: 0 });
        k.count++;
        k.totalMs += e.duration;
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.sampler = setInterval(() => {
      const c = this.pool();
      if (!c) return;
      this.samples++;
      this.waitingSum += c.waiting;
      this.waitingMax = Math.max(this.waitingMax, c.waiting);
      this.busySum += c.total - c.idle;
    }, SAMPLE_MS);
    this.sampler.unref();
  }

  /** One answered request of `route` that took `ms` inside the endpoint. */
  observe(route: string, ms: number): void {
    let h = this.routes.get(route);
    if (!h) this.routes.set(route, (h = createHistogram()));
    // Microseconds: the histogram holds integers ≥ 1.
    h.record(Math.max(1, Math.round(ms * 1000)));
  }

  snapshot(): MetricsSnapshot {
    const cpu = process.cpuUsage(this.cpu0);
    const n = Math.max(1, this.samples);
    return {
      windowMs: Math.round(performance.now() - this.start),
      eventLoop: {
        p50Ms: ns(this.loop.percentile(50)),
        p99Ms: ns(this.loop.percentile(99)),
        maxMs: ns(this.loop.max),
        meanMs: ns(this.loop.mean),
      },
      gc: {
        count: this.gcCount,
        totalMs: round1(this.gcMs),
        maxMs: round1(this.gcMax),
        byKind: Object.fromEntries(
          Object.entries(this.gcKinds).map(([k, v]) => [
            k,
            { count: v.count, totalMs: round1(v.totalMs) },
          ]),
        ),
      },
      pool: {
        size: this.poolSize,
        waitingMax: this.waitingMax,
        waitingMean: round1(this.waitingSum / n),
        busyMean: round1(this.busySum / n),
        planModeSwitches: (this.pool()?.planSwitches ?? 0) - this.planSwitches0,
      },
      cpu: { userMs: Math.round(cpu.user / 1000), systemMs: Math.round(cpu.system / 1000) },
      loopThread: schedBetween(this.sched0, loopThreadSched()),
      memory: memoryMb(),
      server: Object.fromEntries(
        [...this.routes].map(([route, h]) => [
          route,
          {
            count: h.count,
            p50Ms: round1(h.percentile(50) / 1000),
            p99Ms: round1(h.percentile(99) / 1000),
            maxMs: round1(h.max / 1000),
          },
        ]),
      ),
    };
  }

  /** Starts a new window. */
  reset(): void {
    this.loop.reset();
    this.start = performance.now();
    this.cpu0 = process.cpuUsage();
    this.sched0 = loopThreadSched();
    this.planSwitches0 = this.pool()?.planSwitches ?? 0;
    this.gcCount = this.gcMs = this.gcMax = 0;
    this.gcKinds = {};
    this.samples = this.waitingSum = this.waitingMax = this.busySum = 0;
    for (const h of this.routes.values()) h.reset();
  }

  close(): void {
    this.loop.disable();
    this.gcObserver.disconnect();
    clearInterval(this.sampler);
  }
}

/** perf_hooks' GC kinds (NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * The main thread's scheduler counters (ns on a core, ns waiting in the run queue) from
 * /proc/self/task/<pid>/schedstat; null where there is none (not Linux, no schedstats).
 */
export function loopThreadSched(): [number, number] | null {
  try {
    const [run, wait] = fs
      .readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8')
      .split(' ')
      .map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? [run!, wait!] : null;
  } catch {
    return null;
  }
}

function schedBetween(
  a: [number, number] | null,
  b: [number, number] | null,
): { cpuMs: number; runQueueWaitMs: number } | null {
  if (!a || !b) return null;
  return {
    cpuMs: Math.round((b[0] - a[0]) / 1e6),
    runQueueWaitMs: Math.round((b[1] - a[1]) / 1e6),
  };
}

/** The process's memory now, in MB: the heap a GC walks, and Buffers held outside it. */
function memoryMb(): { rssMb: number; heapUsedMb: number; externalMb: number } {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external) };
}
