// `npm start` prints where the enrollment code goes (issue 12 §4): the real start script, spawned
// on embedded defaults (PGlite in a temporary data folder, free ports, browser mode, the renderer
// build left as it is), prints the centre's address, a one-time enrollment code and where the
// desk takes it (同步 → 登记本机, and the first-start address with the centre prefilled); the
// printed code then enrolls a desk at the printed address.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../../shared/protocol/paths';

const root = path.resolve(__dirname, '../..');
let child: ChildProcess | null = null;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-start-'));

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `npm start`'s script until it printed the browser-mode lines; returns its output. */
function startAndRead(): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/start.ts', '--browser', '--no-build'],
      {
        cwd: root,
        env: {
          ...process.env,
          HALLDESK_DATA_DIR: dataDir,
          CENTRAL_PORT: '0',
          HALL_PORT: '0',
          HOST: '127.0.0.1',
          HALLDESK_DEMO_HALL: 'H0101',
          DATABASE_URL: '',
          HALLDESK_ADMIN_TOKEN: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = c;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no start banner in 60 s:\n${out}`)), 60_000);
    const take = (b: Buffer) => {
      out += b.toString('utf8');
      if (/首次使用先登记[^\n]*\n/.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    c.stdout!.on('data', take);
    c.stderr!.on('data', take);
    c.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}):\n${out}`));
    });
  });
}

describe('npm start banner', () => {
  it('prints the centre address, the enrollment code and where the desk enters it', async () => {
    const out = await startAndRead();
    const centre = /中心端 \/ central endpoint: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(centre, out).toBeTruthy();
    const code = /营业厅 H0101 登记码 \/ enrollment code: (\S+)/.exec(out)?.[1];
    expect(code, out).toBeTruthy();
    // Where the code goes, with the same centre address.
    expect(out).toContain(`填到受理台「同步 → 登记本机」，中心地址 ${centre}`);
    const enrollUrl = /首次使用先登记 \/ first start, enroll: (\S+)/.exec(out)?.[1];
    const hash = new URL(enrollUrl!).hash;
    expect(hash.startsWith('#/sync?')).toBe(true);
    const q = new URLSearchParams(hash.slice('#/sync?'.length));
    expect(q.get('centre')).toBe(centre);
    expect(q.get('hall')).toBe('H0101');

    // The printed address is the real centre and the printed code enrolls a desk there.
    const res = await fetch(`${centre}${paths.enroll}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, deviceName: 'start-banner test' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { hallCode: string }).hallCode).toBe('H0101');
  }, 90_000);
});
