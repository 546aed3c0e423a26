// bench:fleet's health probe: a separate, nearly idle process asking the endpoint's /health
// every INTERVAL_MS, one request at a time, alternately on a kept-alive connection (what a
// desk's round sees) and on a fresh one (what a load balancer's check sees: accept queue and
// all). Its own loop has nothing else to do, so its figures are the endpoint's (plus the
// machine's scheduling, which its loop delay shows). Forked by fleetGenerators.ts; IPC:
// 'start' {url} → begins; 'stop' → answers the latencies and its loop delay.
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const INTERVAL_MS = 100;
const TIMEOUT_MS = 10_000;

export interface ProbeReport {
  keepAlive: number[];
  fresh: number[];
  /**
   * Probes over 1 s: [ms since start, latency, connected after (ms; -1 kept-alive), first
   * byte after (ms)] — where the time went, for the tail.
   */
  slow: Array<[number, number, number, number]>;
  /** Every probe: [ms since start, latency ms, 1 if on a fresh connection] (the run's timeline). */
  timeline: Array<[number, number, number]>;
  failures: number;
  loop: { p50Ms: number; p99Ms: number; maxMs: number };
}

const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const report: ProbeReport = {
  keepAlive: [],
  fresh: [],
  slow: [],
  timeline: [],
  failures: 0,
  loop: { p50Ms: 0, p99Ms: 0, maxMs: 0 },
};
const lag = monitorEventLoopDelay({ resolution: 10 });
let stopped = true;
let t0 = 0;

let connectedAt = -1;
let firstByteAt = -1;

function once(url: URL, fresh: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    connectedAt = firstByteAt = -1;
    const req = http.get(
      {
        host: url.hostname,
        port: url.port,
        path: '/health',
        agent: fresh ? false : keepAliveAgent,
        headers: fresh ? { connection: 'close' } : {},
      },
      (res) => {
        firstByteAt = performance.now() - t;
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          if (res.statusCode === 200) resolve(performance.now() - t);
          else reject(new Error(`HTTP ${res.statusCode}`));
        });
      },
    );
    req.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => (connectedAt = performance.now() - t));
    });
    const timer = setTimeout(() => req.destroy(new Error('timeout')), TIMEOUT_MS);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function loop(url: URL): Promise<void> {
  for (let i = 0; !stopped; i++) {
    const fresh = i % 2 === 1;
    const started = performance.now();
    try {
      const ms = await once(url, fresh);
      (fresh ? report.fresh : report.keepAlive).push(ms);
      report.timeline.push([Math.round(started - t0), Math.round(ms * 10) / 10, fresh ? 1 : 0]);
      if (ms >= 1_000)
        report.slow.push([
          Math.round(started - t0),
          Math.round(ms),
          Math.round(connectedAt),
          Math.round(firstByteAt),
        ]);
    } catch {
      report.failures++;
    }
    const wait = INTERVAL_MS - (performance.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

let running: Promise<void> | null = null;
process.on('message', (m: { type: 'start'; url: string } | { type: 'stop' }) => {
  if (m.type === 'start') {
    stopped = false;
    t0 = performance.now();
    lag.enable();
    running = loop(new URL(m.url));
    return;
  }
  stopped = true;
  void (running ?? Promise.resolve()).then(() => {
    lag.disable();
    const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 1e5) / 10 : 0);
    report.loop = {
      p50Ms: ms(lag.percentile(50)),
      p99Ms: ms(lag.percentile(99)),
      maxMs: ms(lag.max),
    };
    process.send?.(report);
  });
});
process.on('disconnect', () => process.exit(0));
