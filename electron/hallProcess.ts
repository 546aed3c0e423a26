// Runs the hall queue service in a child process (an Electron utility process in the shell, a
// Node child in tests), so that a crash there never takes the shell down; the supervisor
// restarts it with back-off. The fork function is injected: no Electron import here.
import path from 'node:path';
import type { RunningService } from './supervisor';

/** What we use of Electron's UtilityProcess (and of an adapted Node ChildProcess). */
export interface ChildLike {
  readonly pid?: number | undefined;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  postMessage(message: unknown): void;
  kill(): unknown;
  stdout?: NodeJS.ReadableStream | null;
  stderr?: NodeJS.ReadableStream | null;
}

export type ForkFn = (entry: string, env: NodeJS.ProcessEnv) => ChildLike;

export interface HallProcessConfig {
  entry: string;
  port: number;
  host: string;
  dataDir: string;
  staticDir: string;
  fork: ForkFn;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  readyTimeoutMs?: number;
}

export function startHallProcess(cfg: HallProcessConfig): Promise<RunningService> {
  return new Promise((resolve, reject) => {
    const child = cfg.fork(cfg.entry, {
      ...process.env,
      HALLDESK_HALL_CONFIG: JSON.stringify({
        port: cfg.port,
        host: cfg.host,
        dataDir: path.resolve(cfg.dataDir),
        staticDir: path.resolve(cfg.staticDir),
      }),
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
    }, cfg.readyTimeoutMs ?? 30_000);

    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reject(new Error(`hall service exited during start (code ${code})`));
      }
      exitResolve(`code ${code}`);
    });
    child.on('message', (message) => {
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
