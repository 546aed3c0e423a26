// Runs the hall queue service in a child process (an Electron utility process in the shell, a
// Node child in tests), so that a crash there never takes the shell down; the supervisor
// restarts it with back-off. The fork function is injected: no Electron import here.
import path from 'node:path';
import type { HallPushStatus } from '../shared/ipc/contract';
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

/** The hall service's own device at the central endpoint (its queue events are pushed there). */
export interface HallCentralUplink {
  baseUrl: string;
  deviceId: string;
  token: string;
  /** Written into every queue event (the hall's code at the centre). */
  hallCode?: string;
}

/**
 * Reads the uplink the shell keeps as a secret (JSON `{ baseUrl, deviceId, token, hallCode? }`,
 * e.g. under the name `hall.central`); anything else means "no uplink" (the hall runs offline).
 */
export function parseHallCentralUplink(json: string | null | undefined): HallCentralUplink | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Partial<HallCentralUplink>;
    if (typeof v.baseUrl !== 'string' || !/^https?:\/\//.test(v.baseUrl)) return null;
    if (typeof v.deviceId !== 'string' || typeof v.token !== 'string' || !v.deviceId || !v.token) {
      return null;
    }
    return {
      baseUrl: v.baseUrl,
      deviceId: v.deviceId,
      token: v.token,
      ...(typeof v.hallCode === 'string' && v.hallCode ? { hallCode: v.hallCode } : {}),
    };
  } catch {
    return null;
  }
}

export interface HallProcessConfig {
  entry: string;
  port: number;
  host: string;
  dataDir: string;
  staticDir: string;
  fork: ForkFn;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  readyTimeoutMs?: number;
  /** Push queue events to the centre (from the shell's settings / secrets); omitted = offline. */
  central?: HallCentralUplink | null;
  /** The service's reports on its push to the centre (only with an uplink). */
  onPush?: (status: HallPushStatus) => void;
  /** How often the service reports (ms); tests shorten it. */
  reportMs?: number;
}

/** Reads an `outbox` report from the hall process; null for anything else. */
export function parsePushReport(message: unknown): HallPushStatus | null {
  const m = message as Partial<Record<keyof HallPushStatus | 'type', unknown>> | null;
  if (m?.type !== 'outbox') return null;
  const num = (v: unknown): number | null =>
    typeof v === 'number' && Number.isFinite(v) ? v : null;
  const pending = num(m.pending);
  const reportedAt = num(m.reportedAt);
  if (pending === null || reportedAt === null) return null;
  return {
    pending,
    lastError: typeof m.lastError === 'string' ? m.lastError.slice(0, 300) : null,
    lastSuccessAt: num(m.lastSuccessAt),
    ...(typeof m.unsendable === 'string' ? { unsendable: m.unsendable.slice(0, 500) } : {}),
    reportedAt,
  };
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
        ...(cfg.central ? { central: cfg.central } : {}),
        ...(cfg.reportMs ? { reportMs: cfg.reportMs } : {}),
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
      const push = parsePushReport(message);
      if (push) {
        cfg.onPush?.(push);
        return;
      }
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
