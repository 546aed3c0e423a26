// bench:fleet's figures, kept apart from the processes that gather them: percentiles, the
// digest that compares a desk's view with its hall without shipping 4,000 ids per desk between
// processes, the merge of the load generators' reports, and the kernel's TCP counters (a SYN
// dropped at a full accept queue comes back 1, 3, 7 s later and looks like a slow endpoint).
import crypto from 'node:crypto';

/** The p-th percentile (nearest rank), 0 for no samples. */
export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!);
}

/**
 * One string for a set of (application id, serverVersion): equal digests = equal sets. The
 * generators compute it from each desk's view, the bench from the database.
 */
export function viewDigest(entries: Iterable<readonly [string, number]>): string {
  const lines = [...entries].map(([id, v]) => `${id}:${v}`).sort();
  return crypto.createHash('sha256').update(lines.join('\n')).digest('hex');
}

/**
 * Which desks (by index) load generator `k` of `n` simulates. Desk i belongs to hall i % halls;
 * a hall's desks go to one generator (hall h to generator h % n) when there are at least as many
 * halls as generators: they are sent byte-identical pages, which a generator then decodes once
 * (PageDecoder). Else every n-th desk.
 */
export function shareOf(devices: number, n: number, k: number, halls = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < devices; i++) {
    if ((halls >= n ? (i % halls) % n : i % n) === k) out.push(i);
  }
  return out;
}

/** Event-loop delay of one process over a window (ms). */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What a generator's desks count during the run (fleetDevice.ts keeps them per desk). */
export interface DeskCounters {
  health: number[];
  /** The same, split: health requests sent on a new connection, and on a kept-alive one. */
  healthFresh: number[];
  healthKept: number[];
  push: number[];
  /** [ms since the common t0, latency, the desk already held its hall] per answered pull. */
  pull: Array<[number, number, boolean]>;
  /** TCP connect times (ms) of new connections: ≥ 1 s means a SYN was dropped and resent. */
  connect: number[];
  timeouts: number;
  errors5xx: number;
  status429: number;
  networkErrors: number;
  refused: Record<string, number>;
  pushedChanges: number;
  /** The first refusal's reason, as the centre worded it (the bench prints it). */
  firstRefusal?: string;
}

export function emptyCounters(): DeskCounters {
  return {
    health: [],
    healthFresh: [],
    healthKept: [],
    push: [],
    pull: [],
    connect: [],
    timeouts: 0,
    errors5xx: 0,
    status429: 0,
    networkErrors: 0,
    refused: {},
    pushedChanges: 0,
  };
}

/** What one load generator measured in the run (its desks' requests, its own loop). */
export interface GeneratorReport extends DeskCounters {
  loop: LoopDelay;
  /** CPU time (ms) of the generator process during the run. */
  cpuMs: number;
}

export type MergedReport = Omit<GeneratorReport, 'loop' | 'cpuMs'> & {
  /** Worst generator's loop figures: a stall in any of them inflates its desks' latencies. */
  loop: LoopDelay;
  loops: LoopDelay[];
  cpuMs: number[];
};

/** The generators' reports as one (sums and concatenations; the worst loop). */
export function mergeReports(parts: readonly GeneratorReport[]): MergedReport {
  const refused: Record<string, number> = {};
  for (const p of parts)
    for (const [k, v] of Object.entries(p.refused)) refused[k] = (refused[k] ?? 0) + v;
  const sum = (f: (r: GeneratorReport) => number) => parts.reduce((n, r) => n + f(r), 0);
  const firstRefusal = parts.find((p) => p.firstRefusal)?.firstRefusal;
  return {
    health: parts.flatMap((p) => p.health),
    healthFresh: parts.flatMap((p) => p.healthFresh),
    healthKept: parts.flatMap((p) => p.healthKept),
    push: parts.flatMap((p) => p.push),
    pull: parts.flatMap((p) => p.pull).sort((a, b) => a[0] - b[0]),
    connect: parts.flatMap((p) => p.connect),
    timeouts: sum((r) => r.timeouts),
    errors5xx: sum((r) => r.errors5xx),
    status429: sum((r) => r.status429),
    networkErrors: sum((r) => r.networkErrors),
    refused,
    pushedChanges: sum((r) => r.pushedChanges),
    ...(firstRefusal ? { firstRefusal } : {}),
    loop: {
      p50Ms: Math.max(0, ...parts.map((p) => p.loop.p50Ms)),
      p99Ms: Math.max(0, ...parts.map((p) => p.loop.p99Ms)),
      maxMs: Math.max(0, ...parts.map((p) => p.loop.maxMs)),
    },
    loops: parts.map((p) => p.loop),
    cpuMs: parts.map((p) => p.cpuMs),
  };
}

/** The TcpExt counters of /proc/net/netstat (two lines: names, then values). */
export function parseTcpExt(text: string): Record<string, number> {
  const lines = text.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/).slice(1) ?? [];
  const values = lines[1]?.split(/\s+/).slice(1) ?? [];
  const out: Record<string, number> = {};
  names.forEach((n, i) => {
    const v = Number(values[i]);
    if (n && Number.isFinite(v)) out[n] = v;
  });
  return out;
}

/** How many listen-queue overflows and SYN retransmissions happened between two readings. */
export function tcpDelta(
  before: Record<string, number>,
  after: Record<string, number>,
): { listenOverflows: number; listenDrops: number; synRetrans: number } {
  const d = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
  return {
    listenOverflows: d('ListenOverflows'),
    listenDrops: d('ListenDrops'),
    synRetrans: d('TCPSynRetrans'),
  };
}
