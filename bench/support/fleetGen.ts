// One bench:fleet load generator, as its own process (forked by fleetGenerators.ts): it runs
// its share of the virtual desks (fleetDevice.ts), measures their latencies and its own event-
// loop delay, and answers the bench's requests over IPC. Several of them, not 500 desks in one
// process: one busy loop (parsing answers, gzipping pushes, collecting garbage) delays every
// desk it hosts, and that delay would be counted as the endpoint's.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Application } from '../../shared/domain/model';
import { PageDecoder, VirtualDesk, newStats, setTemplate, type DeskCreds } from './fleetDevice';
import { viewDigest, type GeneratorReport, type LoopDelay } from './fleetStats';

export interface GenDesk {
  creds: DeskCreds;
  deskCode: string;
}

export type GenRequest =
  | {
      type: 'init';
      desks: GenDesk[];
      template: Application;
      /** Changes each desk holds before the run (offline over the weekend). */
      backlog: number;
    }
  | {
      type: 'run';
      /** Wall-clock times (ms since the epoch) shared by every generator. */
      t0: number;
      stopAt: number;
      firstJitterMs: number;
      intervalMs: number;
      acceptEveryMs: number;
    }
  | { type: 'progress' }
  | { type: 'drain'; deadline: number }
  | { type: 'report' };

export interface GenProgress {
  done: number;
  pulls: number;
  pushes: number;
  status429: number;
  timeouts: number;
  errors5xx: number;
  /** Loop delay since the previous progress request. */
  loop: LoopDelay;
}

export interface GenDeskReport {
  deviceId: string;
  hallCode: string;
  firstPullDoneMs: number | null;
  acked: Array<[string, string]>;
  viewSize: number;
  viewDigest: string;
}

/** Wall-clock ms (epoch) → this process's performance.now() scale. */
const local = (epochMs: number) => epochMs - performance.timeOrigin;
const ms = (ns: number) => (Number.isFinite(ns) ? Math.round(ns / 1e5) / 10 : 0);
const loopOf = (h: IntervalHistogram): LoopDelay => ({
  p50Ms: ms(h.percentile(50)),
  p99Ms: ms(h.percentile(99)),
  maxMs: ms(h.max),
});

const stats = newStats();
const decoder = new PageDecoder(1);
let desks: VirtualDesk[] = [];
const runLoop = monitorEventLoopDelay({ resolution: 10 });
const windowLoop = monitorEventLoopDelay({ resolution: 10 });
let cpuAtRun: NodeJS.CpuUsage | null = null;
let cpuRun = 0;
let running: Promise<unknown> | null = null;

async function handle(msg: GenRequest): Promise<unknown> {
  switch (msg.type) {
    case 'init': {
      setTemplate(msg.template);
      desks = msg.desks.map((d) => new VirtualDesk(d.creds, d.deskCode, stats, decoder));
      for (const d of desks) for (let k = 0; k < msg.backlog; k++) d.accept();
      return { desks: desks.length };
    }
    case 'run': {
      stats.t0 = local(msg.t0);
      stats.recording = true;
      runLoop.reset();
      runLoop.enable();
      windowLoop.reset();
      windowLoop.enable();
      cpuAtRun = process.cpuUsage();
      const stopAt = local(msg.stopAt);
      running = Promise.all(
        desks.map((d) =>
          d.run({
            firstJitterMs: msg.firstJitterMs,
            intervalMs: msg.intervalMs,
            stopAt,
            acceptEveryMs: msg.acceptEveryMs,
          }),
        ),
      );
      await running;
      stats.recording = false;
      runLoop.disable();
      windowLoop.disable();
      const c = process.cpuUsage(cpuAtRun);
      cpuRun = Math.round((c.user + c.system) / 1000);
      return { ok: true };
    }
    case 'progress': {
      const p: GenProgress = {
        done: desks.filter((d) => d.fullPullDone).length,
        pulls: stats.pull.length,
        pushes: stats.push.length,
        status429: stats.status429,
        timeouts: stats.timeouts,
        errors5xx: stats.errors5xx,
        loop: loopOf(windowLoop),
      };
      windowLoop.reset();
      return p;
    }
    case 'drain': {
      // 50 desks at a time, as the bench did with one process.
      const deadline = local(msg.deadline);
      let ok = 0;
      for (let i = 0; i < desks.length; i += 50) {
        const r = await Promise.all(desks.slice(i, i + 50).map((d) => d.drain(deadline)));
        ok += r.filter(Boolean).length;
      }
      return { ok };
    }
    case 'report': {
      const report: GeneratorReport = {
        health: stats.health,
        healthFresh: stats.healthFresh,
        healthKept: stats.healthKept,
        push: stats.push,
        pull: stats.pull,
        connect: stats.connect,
        timeouts: stats.timeouts,
        errors5xx: stats.errors5xx,
        status429: stats.status429,
        networkErrors: stats.networkErrors,
        refused: stats.refused,
        pushedChanges: stats.pushedChanges,
        ...(stats.firstRefusal ? { firstRefusal: stats.firstRefusal } : {}),
        loop: loopOf(runLoop),
        cpuMs: cpuRun,
      };
      const perDesk: GenDeskReport[] = desks.map((d) => {
        const view = d.view; // built from what the desk applied (VirtualDesk.view)
        return {
          deviceId: d.creds.deviceId,
          hallCode: d.creds.hallCode,
          firstPullDoneMs: d.firstPullDoneMs,
          acked: [...d.acked],
          viewSize: view.size,
          viewDigest: viewDigest(view),
        };
      });
      return { report, desks: perDesk };
    }
  }
}

process.on('message', (m: { id: number; msg: GenRequest }) => {
  handle(m.msg).then(
    (result) => process.send?.({ id: m.id, ok: true, result }),
    (err: unknown) => process.send?.({ id: m.id, ok: false, error: String(err) }),
  );
});
process.on('disconnect', () => {
  for (const d of desks) d.close();
  void decoder.close().finally(() => process.exit(0));
});
