// Runs the hall queue service in an Electron utility process, so that a crash there never takes
// the shell down; the supervisor restarts it with back-off.
import path from 'node:path';
import { utilityProcess } from 'electron';
import type { RunningService } from './supervisor';

export interface HallProcessConfig {
  entry: string;
  port: number;
  host: string;
  dataDir: string;
  staticDir: string;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

const READY_TIMEOUT_MS = 30_000;

export function startHallProcess(cfg: HallProcessConfig): Promise<RunningService> {
  return new Promise((resolve, reject) => {
    const child = utilityProcess.fork(cfg.entry, [], {
      serviceName: 'HallDesk hall queue',
      stdio: 'pipe',
      env: {
        ...process.env,
        HALLDESK_HALL_CONFIG: JSON.stringify({
          port: cfg.port,
          host: cfg.host,
          dataDir: path.resolve(cfg.dataDir),
          staticDir: path.resolve(cfg.staticDir),
        }),
      },
    });
    child.stdout?.on('data', (d: Buffer) => cfg.log('info', `hall: ${d.toString().trimEnd()}`));
    child.stderr?.on('data', (d: Buffer) => cfg.log('warn', `hall: ${d.toString().trimEnd()}`));

    let settled = false;
    let exitResolve: (reason: string) => void = () => {};
    const exited = new Promise<string>((r) => (exitResolve = r));
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill();
      reject(new Error('hall service did not become ready in time'));
    }, READY_TIMEOUT_MS);

    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reject(new Error(`hall service exited during start (code ${code})`));
      }
      exitResolve(`code ${code}`);
    });
    child.on('message', (message: unknown) => {
      const m = message as { type?: string; port?: number } | null;
      if (m?.type !== 'ready' || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        port: typeof m.port === 'number' ? m.port : cfg.port,
        exited,
        stop: async () => {
          child.postMessage({ type: 'stop' });
          const killer = setTimeout(() => child.kill(), 5_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
