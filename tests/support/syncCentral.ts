// The central endpoint for the sync tests and the bench: in this process (buildCentralServer on
// port 0) or as a child process that can be killed with SIGKILL and restarted on the same data
// folder; plus a small administrator client over real HTTP (halls, enrollment, back office).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Application } from '../../shared/domain/model';
import { allowedTransitions, pathOf } from '../../shared/domain/workflow';
import { paths, type AuditEventOut } from '../../shared/protocol';
import { buildCentralServer, type CentralServer } from '../../server/central/app';
// A copy of an initialised PGlite folder: a first start in an empty folder runs initdb (10-20 s).
import { adminJson } from './adminHttp';
import { pgliteDataDir } from './server';

export { pgliteDataDir };
import type { Credentials } from '../../renderer/src/sync/engine';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `halldesk-${label}-`));
}

export interface RunningCentral {
  url: string;
  port: number;
  admin: AdminClient;
  close(): Promise<void>;
}

/** In-process endpoint on 127.0.0.1:0 (PGlite in `dataDir`, or PostgreSQL at `databaseUrl`). */
export async function startCentral(
  opts: { dataDir?: string; databaseUrl?: string; maxConnections?: number } = {},
): Promise<RunningCentral & { server: CentralServer }> {
  // A folder made here is removed on close; a given one belongs to the caller.
  const ownDir = !opts.databaseUrl && !opts.dataDir ? await pgliteDataDir('sync') : null;
  const server = await buildCentralServer({
    ...(opts.databaseUrl
      ? { databaseUrl: opts.databaseUrl }
      : { dataDir: opts.dataDir ?? ownDir ?? '' }),
    ...(opts.maxConnections ? { maxConnections: opts.maxConnections } : {}),
    adminToken: ADMIN_TOKEN,
    logger: false,
  });
  const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const port = Number(new URL(address).port);
  return {
    url: address,
    port,
    server,
    admin: new AdminClient(address),
    async close() {
      await server.close();
      if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

const CHILD_SCRIPT = fileURLToPath(new URL('./centralChild.ts', import.meta.url));
/** The V8 flags `npm run central` runs the endpoint with (package.json). */
export const CENTRAL_NODE_FLAGS = ['--max-semi-space-size=32'];

/** The endpoint as a child process (tsx), so a test can SIGKILL it mid-push. */
export async function startCentralChild(
  dataDir: string,
  port = 0,
  extraEnv: Record<string, string> = {},
): Promise<RunningCentral & { child: ChildProcess; kill(): Promise<void> }> {
  // Launched like `npm run central` (see the README on --max-semi-space-size).
  const child = spawn(process.execPath, [...CENTRAL_NODE_FLAGS, '--import', 'tsx', CHILD_SCRIPT], {
    env: {
      ...process.env,
      CENTRAL_DATA_DIR: dataDir,
      CENTRAL_PORT: String(port),
      CENTRAL_ADMIN_TOKEN: ADMIN_TOKEN,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const realPort = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`central child did not start: ${stderr}`)),
      60_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`central child exited (${code}): ${stderr}`));
    });
  });
  const url = `http://127.0.0.1:${realPort}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    port: realPort,
    child,
    admin: new AdminClient(url),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** The administrator's side over real HTTP. */
export class AdminClient {
  constructor(readonly url: string) {}

  private call<T>(method: string, p: string, body?: unknown): Promise<T> {
    return adminJson<T>(this.url, ADMIN_TOKEN, method, p, body);
  }

  /** The desks' access logs, newest first (`hall`, `entityId` filters). */
  async audit(
    filter: { hall?: string; entityId?: string; limit?: string } = {},
  ): Promise<AuditEventOut[]> {
    const q = new URLSearchParams(filter as Record<string, string>).toString();
    return (await this.call<{ events: AuditEventOut[] }>('GET', `${paths.adminAudit}?${q}`)).events;
  }

  async createHall(code: string, name = `营业厅 ${code}`): Promise<void> {
    await this.call('POST', paths.adminHalls, { code, name });
  }

  /** Creates a one-time code and enrolls a desk with it (as the desk would), returning its credentials. */
  async enrollDesk(
    hallCode: string,
    deviceName: string,
    endpoint = this.url,
  ): Promise<Credentials> {
    const { code } = await this.call<{ code: string }>(
      'POST',
      paths.adminEnrollmentCodes(hallCode),
      {},
    );
    const res = await fetch(this.url + paths.enroll, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, deviceName }),
    });
    if (!res.ok) throw new Error(`enroll → ${res.status} ${await res.text()}`);
    const e = (await res.json()) as {
      deviceId: string;
      token: string;
      hallCode: string;
      hallName: string;
    };
    return {
      endpoint,
      deviceId: e.deviceId,
      token: e.token,
      hallCode: e.hallCode,
      hallName: e.hallName,
      deviceName,
    };
  }

  async applications(hallCode: string): Promise<Application[]> {
    const r = await this.call<{ applications: { application: Application }[] }>(
      'GET',
      `${paths.adminApplications}?hall=${encodeURIComponent(hallCode)}&limit=1000`,
    );
    return r.applications.map((x) => x.application);
  }

  async application(id: string): Promise<Application> {
    return (await this.call<{ application: Application }>('GET', paths.adminApplication(id)))
      .application;
  }

  /** Moves an application to its next workflow stage (the back office's 勘查 / 装表接电 …). */
  async advance(id: string, actor = '后台张工'): Promise<Application> {
    const app = await this.application(id);
    const next = allowedTransitions(pathOf(app), app.status)[0];
    if (!next) throw new Error(`no next state from ${app.status}`);
    return (
      await this.call<{ application: Application }>('POST', paths.adminTransition(id), {
        to: next,
        actor,
      })
    ).application;
  }

  /** A one-time code for the hall (carrying a newly allocated desk code, or `deskCode`). */
  async enrollmentCode(hallCode: string, deskCode?: string): Promise<string> {
    return (
      await this.call<{ code: string }>(
        'POST',
        paths.adminEnrollmentCodes(hallCode),
        deskCode ? { deskCode } : {},
      )
    ).code;
  }

  async revokeDevice(deviceId: string): Promise<void> {
    await this.call('POST', paths.adminRevokeDevice(deviceId), {});
  }

  async rejected(hallCode: string): Promise<unknown[]> {
    return (
      await this.call<{ rejected: unknown[] }>('GET', `${paths.adminRejected}?hall=${hallCode}`)
    ).rejected;
  }
}
