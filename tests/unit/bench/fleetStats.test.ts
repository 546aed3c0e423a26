// bench:fleet's figures (bench/support/fleetStats.ts): the view digest compares a desk's view
// with its hall whatever the order and catches one stale version; every desk goes to exactly
// one generator; the generators' reports merge into sums and the worst loop; the kernel's TCP
// counters are read by name and compared; the storm's CPU split reads /proc for each side.
import { cpuBetween, cpuSnapshot } from '../../../bench/support/fleetEndpoint';
import { describe, expect, it } from 'vitest';
import {
  emptyCounters,
  mergeReports,
  parseTcpExt,
  pct,
  shareOf,
  tcpDelta,
  viewDigest,
  type GeneratorReport,
} from '../../../bench/support/fleetStats';

const report = (over: Partial<GeneratorReport>): GeneratorReport => ({
  ...emptyCounters(),
  loop: { p50Ms: 10, p99Ms: 20, maxMs: 30 },
  cpuMs: 0,
  ...over,
});

describe('fleet bench figures', () => {
  it('percentiles by nearest rank', () => {
    expect(pct([], 99)).toBe(0);
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(pct(xs, 50)).toBe(51);
    expect(pct(xs, 99)).toBe(100);
    expect(pct(xs, 100)).toBe(100);
  });

  it('view digest: order does not matter, a missing record or a stale version does', () => {
    const hall: Array<[string, number]> = [
      ['b', 2],
      ['a', 1],
      ['c', 7],
    ];
    const view = new Map<string, number>([
      ['c', 7],
      ['a', 1],
      ['b', 2],
    ]);
    expect(viewDigest(view)).toBe(viewDigest(hall));
    expect(viewDigest(hall.slice(0, 2))).not.toBe(viewDigest(hall));
    view.set('c', 6);
    expect(viewDigest(view)).not.toBe(viewDigest(hall));
  });

  it('every desk goes to exactly one generator', () => {
    const shares = [0, 1, 2, 3].map((k) => shareOf(10, 4, k));
    expect(shares.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shares.map((s) => s.length)).toEqual([3, 3, 2, 2]);
    expect(shareOf(3, 1, 0)).toEqual([0, 1, 2]);
  });

  it("keeps a hall's desks on one generator when there are halls enough", () => {
    // 10 desks over 5 halls (desk i in hall i % 5), 2 generators: halls 0, 2, 4 and 1, 3.
    expect(shareOf(10, 2, 0, 5)).toEqual([0, 2, 4, 5, 7, 9]);
    expect(shareOf(10, 2, 1, 5)).toEqual([1, 3, 6, 8]);
    // Fewer halls than generators: every n-th desk, so that no generator is left without work.
    expect([0, 1, 2].map((k) => shareOf(6, 3, k, 2).length)).toEqual([2, 2, 2]);
  });

  it('merges reports: latencies joined, counts summed, the worst loop kept', () => {
    const m = mergeReports([
      report({
        health: [1, 2],
        healthFresh: [2],
        healthKept: [1],
        pull: [[500, 9, false]],
        timeouts: 1,
        refused: { E_BUSY: 2 },
        pushedChanges: 3,
        loop: { p50Ms: 10, p99Ms: 50, maxMs: 300 },
        cpuMs: 100,
      }),
      report({
        health: [3],
        healthKept: [3],
        pull: [[100, 4, true]],
        refused: { E_BUSY: 1, push_rejected_E_X: 1 },
        pushedChanges: 4,
        firstRefusal: 'why',
        loop: { p50Ms: 11, p99Ms: 40, maxMs: 900 },
        cpuMs: 200,
      }),
    ]);
    expect(m.health).toEqual([1, 2, 3]);
    expect([m.healthFresh, m.healthKept]).toEqual([[2], [1, 3]]);
    expect(m.pull.map(([t]) => t)).toEqual([100, 500]);
    expect(m.timeouts).toBe(1);
    expect(m.refused).toEqual({ E_BUSY: 3, push_rejected_E_X: 1 });
    expect(m.pushedChanges).toBe(7);
    expect(m.firstRefusal).toBe('why');
    expect(m.loop).toEqual({ p50Ms: 11, p99Ms: 50, maxMs: 900 });
    expect(m.cpuMs).toEqual([100, 200]);
  });

  it('reads TcpExt counters by name and their change over a run', () => {
    const text = (overflows: number, retrans: number) =>
      [
        'TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPSynRetrans',
        `TcpExt: 0 ${overflows} ${overflows} ${retrans}`,
        'IpExt: InNoRoutes',
        'IpExt: 0',
      ].join('\n');
    const before = parseTcpExt(text(10, 5));
    expect(before).toMatchObject({ ListenOverflows: 10, TCPSynRetrans: 5 });
    expect(tcpDelta(before, parseTcpExt(text(13, 9)))).toEqual({
      listenOverflows: 3,
      listenDrops: 3,
      synRetrans: 4,
    });
    expect(parseTcpExt('')).toEqual({});
  });
});

describe('the storm CPU split', () => {
  it('reads this machine and reports each side between two snapshots', () => {
    const a = cpuSnapshot([process.pid], []);
    let x = 0;
    for (let i = 0; i < 3e6; i++) x += Math.sqrt(i); // some CPU of this process
    const b = cpuSnapshot([process.pid], []);
    expect(x).toBeGreaterThan(0);
    const d = cpuBetween(a, b);
    expect(d.endpointMs).toBeGreaterThanOrEqual(0);
    expect(d.generatorsMs).toBe(0);
    expect(d.postgresMs).toBeGreaterThanOrEqual(0);
    expect(b.machine.busy).toBeLessThanOrEqual(b.machine.total);
    expect(d.machineBusyPct).toBeGreaterThanOrEqual(0);
    expect(d.machineBusyPct).toBeLessThanOrEqual(100);
  });

  it('works out the busy share from the snapshots', () => {
    const snap = (ep: number, busy: number, total: number) => ({
      endpoint: ep,
      generators: 2 * ep,
      postgres: 3 * ep,
      machine: { busy, total },
    });
    expect(cpuBetween(snap(10, 100, 1000), snap(60, 1600, 3000))).toEqual({
      endpointMs: 50,
      generatorsMs: 100,
      postgresMs: 150,
      machineBusyPct: 75,
    });
  });
});
