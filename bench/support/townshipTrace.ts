// Instruments one bench:township run (issue 17): where the link's time goes. Wraps the desk's
// fetch to time every request by kind, samples the uploads in flight, and after each drop
// measures the time to the abort of the transfers cut by it and to the first chunk the centre
// takes again. Printed per run; TOWNSHIP_TRACE=<mode> also logs every slow or failed request.
import type { FetchLike } from '../../renderer/src/sync/transport';

type Kind = 'chunk' | 'status' | 'push' | 'pull' | 'health' | 'audit' | 'other';

interface Req {
  kind: Kind;
  start: number;
  end: number;
  ok: boolean;
}

export interface TraceFigures {
  /** Per drop: ms from the drop to the first transfer that failed because of it. */
  dropToAbortMaxMs: number;
  /** Per drop: ms from the drop to the first chunk the centre took after it (the idle link). */
  dropToFirstChunkMaxMs: number;
  dropToFirstChunkMedianMs: number;
  /** Longest push request (a new record waiting behind chunks on the link). */
  pushMaxMs: number;
  pushP95Ms: number;
  /** Share of sampled time with no chunk request in flight while scans waited. */
  noChunkInFlightPct: number;
  /** Mean chunk requests in flight while scans waited. */
  chunksInFlightMean: number;
  requestsFailed: Record<string, number>;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

function kindOf(method: string, url: string): Kind {
  if (url.includes('/attachments/')) return method === 'PUT' ? 'chunk' : 'status';
  if (url.includes('/push')) return 'push';
  if (url.includes('/pull')) return 'pull';
  if (url.includes('/health')) return 'health';
  if (url.includes('/audit')) return 'audit';
  return 'other';
}

export class TownshipTrace {
  private reqs: Req[] = [];
  private drops: number[] = [];
  private chunksInFlight = 0;
  private samples = 0;
  private samplesIdle = 0;
  private samplesSum = 0;
  private sampler: ReturnType<typeof setInterval> | null = null;
  readonly fetch: FetchLike;

  constructor(
    private readonly mode: string,
    private readonly t0: () => number,
    private readonly verbose: boolean,
  ) {
    this.fetch = async (input, init) => {
      const method = init?.method ?? 'GET';
      const kind = kindOf(method, String(input));
      const start = performance.now();
      if (kind === 'chunk') this.chunksInFlight += 1;
      let ok = false;
      try {
        const res = await fetch(input, init);
        // The answer's body is read by the client; the headers are what the link delays.
        ok = true;
        return res;
      } finally {
        if (kind === 'chunk') this.chunksInFlight -= 1;
        const end = performance.now();
        this.reqs.push({ kind, start, end, ok });
        if (this.verbose && (!ok || end - start > 3_000)) {
          console.log(
            `  [${mode} ${Math.round(start - this.t0())}→${Math.round(end - this.t0())} ms] ${method} ${kind} ${ok ? 'slow' : 'FAILED'} ${Math.round(end - start)} ms`,
          );
        }
      }
    };
  }

  /** Samples the chunks in flight every 250 ms while `waiting()` says scans wait. */
  startSampling(waiting: () => boolean): void {
    this.sampler = setInterval(() => {
      if (!waiting()) return;
      this.samples += 1;
      this.samplesSum += this.chunksInFlight;
      if (this.chunksInFlight === 0) this.samplesIdle += 1;
    }, 250);
  }

  dropped(): void {
    this.drops.push(performance.now());
  }

  figures(): TraceFigures {
    if (this.sampler) clearInterval(this.sampler);
    const chunks = this.reqs.filter((r) => r.kind === 'chunk');
    const toAbort: number[] = [];
    const toChunk: number[] = [];
    for (const d of this.drops) {
      const failed = chunks.filter((r) => !r.ok && r.start < d && r.end >= d);
      if (failed.length > 0) toAbort.push(Math.min(...failed.map((r) => r.end)) - d);
      const next = chunks.filter((r) => r.ok && r.start >= d).map((r) => r.end);
      if (next.length > 0) toChunk.push(Math.min(...next) - d);
    }
    const pushes = this.reqs
      .filter((r) => r.kind === 'push')
      .map((r) => r.end - r.start)
      .sort((a, b) => a - b);
    const failed: Record<string, number> = {};
    for (const r of this.reqs) if (!r.ok) failed[r.kind] = (failed[r.kind] ?? 0) + 1;
    const sortedToChunk = [...toChunk].sort((a, b) => a - b);
    return {
      dropToAbortMaxMs: Math.round(Math.max(0, ...toAbort)),
      dropToFirstChunkMaxMs: Math.round(Math.max(0, ...toChunk)),
      dropToFirstChunkMedianMs: Math.round(pct(sortedToChunk, 50)),
      pushMaxMs: Math.round(pushes.at(-1) ?? 0),
      pushP95Ms: Math.round(pct(pushes, 95)),
      noChunkInFlightPct:
        this.samples === 0 ? 0 : Math.round((this.samplesIdle / this.samples) * 1000) / 10,
      chunksInFlightMean:
        this.samples === 0 ? 0 : Math.round((this.samplesSum / this.samples) * 100) / 100,
      requestsFailed: failed,
    };
  }
}
