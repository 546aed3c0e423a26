// bench:fleet's endpoint processes: started from a checkout (`--server-dir`), stopped, their
// CPU time read from /proc, the administrator API called, and the endpoint's own figures
// (GET /api/v1/admin/metrics: event-loop delay, GC, pool waits) read.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { adminJson } from '../../tests/support/adminHttp';

export const ADMIN_TOKEN = 'bench-fleet-admin-token-0123456789';

/** CPU milliseconds (user, system) a process used so far, from /proc. */
export function cpuSplitMs(pid: number): { user: number; sys: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // USER_HZ is 100 on Linux
  return { user: Number(fields[11]) * 10, sys: Number(fields[12]) * 10 };
}
/**
 * A process's CPU time in ms to the nanosecond: the scheduler's run time of each of its threads
 * (/proc/<pid>/task/<tid>/schedstat). /proc/<pid>/stat counts 10 ms ticks, too coarse for a few
 * milliseconds per page. Falls back to the ticks where schedstat is missing.
 */
export function runMs(pid: number): number {
  let ns = 0;
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended meanwhile.
      }
    }
  } catch {
    return cpuMs(pid);
  }
  return Number.isFinite(ns) && ns > 0 ? ns / 1e6 : cpuMs(pid);
}

/**
 * Waits (at most `maxMs`) until the machine has been nearly idle for half a second: what a seed
 * leaves behind (PostgreSQL writing back its buffers) would otherwise be measured with the page.
 * Returns the busy share of the last half second.
 */
export async function waitQuiet(maxPct = 15, maxMs = 20_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const a = machineCpuMs();
    await new Promise((r) => setTimeout(r, 500));
    const b = machineCpuMs();
    const pct = (100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total);
    if (pct <= maxPct || performance.now() - t0 > maxMs) return Math.round(pct);
  }
}

export function cpuMs(pid: number): number {
  const c = cpuSplitMs(pid);
  return c.user + c.sys;
}

/** CPU ms of every process named `postgres` on this machine (a local server; 0 when remote). */
export function localPostgresCpuMs(): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      total += cpuMs(Number(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

/** The machine's busy and total CPU time (ms, all cores) from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const f = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = f.reduce((a, b) => a + b, 0) * 10;
  // idle and iowait are not busy.
  return { busy: total - ((f[3] ?? 0) + (f[4] ?? 0)) * 10, total };
}

/** Who used the CPU between two snapshots: the endpoint(s), the generators, a local PostgreSQL. */
export interface CpuSnapshot {
  endpoint: number;
  generators: number;
  postgres: number;
  machine: { busy: number; total: number };
}

export function cpuSnapshot(endpointPids: number[], generatorPids: number[]): CpuSnapshot {
  const sum = (pids: number[]) =>
    pids.reduce((n, p) => {
      try {
        return n + cpuMs(p);
      } catch {
        return n;
      }
    }, 0);
  return {
    endpoint: sum(endpointPids),
    generators: sum(generatorPids),
    postgres: localPostgresCpuMs(),
    machine: machineCpuMs(),
  };
}

/** CPU ms per side between `a` and `b`, and how busy the machine's cores were (%). */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot) {
  const total = b.machine.total - a.machine.total;
  return {
    endpointMs: b.endpoint - a.endpoint,
    generatorsMs: b.generators - a.generators,
    postgresMs: b.postgres - a.postgres,
    machineBusyPct: total > 0 ? Math.round((100 * (b.machine.busy - a.machine.busy)) / total) : 0,
  };
}

export interface Endpoint {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `server/central/main.ts` in `serverDir` (bench:fleet's and bench:centre's endpoint). */
export async function startEndpoint(
  serverDir: string,
  env: Record<string, string>,
  startTimeoutMs = 120_000,
): Promise<Endpoint> {
  const child = spawn(
    process.execPath,
    [
      '--max-semi-space-size=32',
      // FLEET_CPU_PROF=<dir>: a V8 CPU profile of each endpoint process (written when it stops).
      ...(process.env.FLEET_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.FLEET_CPU_PROF)}`]
        : []),
      '--import',
      'tsx',
      'server/central/main.ts',
    ],
    {
      cwd: serverDir,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: '0',
        HALLDESK_ADMIN_TOKEN: ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 20_000) err = err.slice(-10_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`endpoint did not start: ${err}`)),
      startTimeoutMs,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
      if (out.length > 20_000) out = out.slice(-10_000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`endpoint exited (${code}): ${err}`));
    });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

export async function admin<T>(
  base: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<T> {
  return adminJson<T>(base, ADMIN_TOKEN, method, p, body);
}

/** The endpoint's figures since its last reset (`reset`: start a new window after reading). */
export interface EndpointMetrics {
  windowMs: number;
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number; meanMs: number };
  gc: { count: number; totalMs: number; maxMs: number };
  pool: { size: number; waitingMax: number; waitingMean: number; busyMean: number };
  cpu: { userMs: number; systemMs: number };
  /** The loop thread's CPU and run-queue wait (ms); absent from an older checkout, null off Linux. */
  loopThread?: { cpuMs: number; runQueueWaitMs: number } | null;
  /** Absent from an endpoint of an older checkout. */
  memory?: { rssMb: number; heapUsedMb: number; externalMb: number };
}

export async function endpointMetrics(base: string, reset = false): Promise<EndpointMetrics> {
  try {
    return await admin<EndpointMetrics>(
      base,
      'GET',
      `/api/v1/admin/metrics${reset ? '?reset=1' : ''}`,
    );
  } catch {
    // An endpoint from an older checkout (--server-dir) has no metrics: figures say -1.
    const none = { p50Ms: -1, p99Ms: -1, maxMs: -1 };
    return {
      windowMs: -1,
      eventLoop: { ...none, meanMs: -1 },
      gc: { count: -1, totalMs: -1, maxMs: -1 },
      pool: { size: -1, waitingMax: -1, waitingMean: -1, busyMean: -1 },
      cpu: { userMs: -1, systemMs: -1 },
    };
  }
}
