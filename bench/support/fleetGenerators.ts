// The bench's side of its helper processes: N load generators (fleetGen.ts) sharing the desks,
// and one health probe (fleetProbe.ts). Each is forked with tsx and spoken to over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenDeskReport, GenProgress, GenRequest } from './fleetGen';
import type { ProbeReport } from './fleetProbe';
import type { GeneratorReport } from './fleetStats';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function forkTs(file: string): ChildProcess {
  return fork(path.join(HERE, file), [], {
    execArgv: [
      '--import',
      'tsx',
      '--max-semi-space-size=16',
      // FLEET_GEN_PROF=<dir>: a V8 CPU profile of each generator and the probe.
      ...(process.env.FLEET_GEN_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.FLEET_GEN_PROF)}`]
        : []),
    ],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** One generator process and its request/answer channel. */
class Generator {
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`generator ${child.pid}: ${m.error}`));
    });
    this.exited = new Promise((r) =>
      child.once('exit', (code) => {
        for (const p of this.pending.values())
          p.reject(new Error(`generator ${child.pid} exited (${code})`));
        this.pending.clear();
        r();
      }),
    );
  }

  ask<T>(msg: GenRequest): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, msg });
    });
  }
}

export class Generators {
  private constructor(private readonly gens: Generator[]) {}

  static start(n: number): Generators {
    return new Generators(Array.from({ length: n }, () => new Generator(forkTs('fleetGen.ts'))));
  }

  get pids(): number[] {
    return this.gens.map((g) => g.child.pid!);
  }

  /** Sends generator k its message (e.g. its share of the desks). */
  each<T>(msg: (k: number) => GenRequest): Promise<T[]> {
    return Promise.all(this.gens.map((g, k) => g.ask<T>(msg(k))));
  }

  progress(): Promise<GenProgress[]> {
    return this.each<GenProgress>(() => ({ type: 'progress' }));
  }

  async report(): Promise<{ reports: GeneratorReport[]; desks: GenDeskReport[] }> {
    const parts = await this.each<{ report: GeneratorReport; desks: GenDeskReport[] }>(() => ({
      type: 'report',
    }));
    return { reports: parts.map((p) => p.report), desks: parts.flatMap((p) => p.desks) };
  }

  async close(): Promise<void> {
    for (const g of this.gens) if (g.child.connected) g.child.disconnect();
    const t = setTimeout(() => {
      for (const g of this.gens) if (g.child.exitCode === null) g.child.kill('SIGKILL');
    }, 10_000);
    await Promise.all(this.gens.map((g) => g.exited));
    clearTimeout(t);
  }
}

export class Probe {
  private readonly child = forkTs('fleetProbe.ts');

  get pid(): number | undefined {
    return this.child.pid;
  }

  start(url: string): void {
    this.child.send({ type: 'start', url });
  }

  stop(): Promise<ProbeReport> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (r: ProbeReport) => resolve(r));
      this.child.once('exit', () => reject(new Error('probe exited')));
      this.child.send({ type: 'stop' });
    });
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}
