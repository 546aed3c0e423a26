// A real central endpoint for an end-to-end test: a child process (tsx) on a PGlite folder
// (a copy of the vitest template when there is one), stoppable and restartable on the same port,
// plus the administrator's API calls.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminJson } from '../../support/adminHttp';

const CHILD = path.join(import.meta.dirname, '..', '..', 'support', 'centralChild.ts');

export class TestCentre {
  url = '';
  private port = 0;
  private child: ChildProcess | null = null;
  private readonly dataDir: string;
  constructor(readonly adminToken = 'e2e-admin-token-0123456789abcdef') {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-e2e-centre-'));
    const template = fs
      .readdirSync(os.tmpdir())
      .filter((n) => n.startsWith('halldesk-pglite-template-') && !n.includes('-build-'))
      .map((n) => path.join(os.tmpdir(), n))
      .find((d) => fs.existsSync(path.join(d, 'READY')));
    if (template) {
      fs.cpSync(template, this.dataDir, { recursive: true });
      fs.rmSync(path.join(this.dataDir, 'READY'), { force: true });
    }
  }

  async start(): Promise<void> {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        CENTRAL_DATA_DIR: this.dataDir,
        CENTRAL_PORT: String(this.port),
        CENTRAL_ADMIN_TOKEN: this.adminToken,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`centre did not start: ${stderr}`)), 60_000);
      proc.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"port":(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`centre exited (${code}): ${stderr}`));
      });
    });
    this.url = `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const proc = this.child;
    this.child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  admin<T>(method: string, p: string, body?: unknown): Promise<T> {
    return adminJson<T>(this.url, this.adminToken, method, p, body);
  }

  /** Enrolls a hall queue service's uplink (a `service` device) of `hall`; its token. */
  async enrollService(hall: string, deviceName = '排队叫号服务'): Promise<string> {
    const { code } = await this.admin<{ code: string }>(
      'POST',
      `/api/v1/admin/halls/${hall}/enrollment-codes`,
      { kind: 'service' },
    );
    const res = await fetch(`${this.url}/api/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, deviceName }),
    });
    if (!res.ok) throw new Error(`enroll → ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  }
}
