// The hall host for real: electron/hallHost.ts runs the actual hall queue service in a child
// process (a Node child here; the shell uses an Electron utility process with the same
// messages), the supervisor sees it ready, the child is killed with SIGKILL, and the supervisor
// brings the service back. Then a clean stop.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHallProcess, type ChildLike } from '../../../electron/hallProcess';
import { Supervisor } from '../../../electron/supervisor';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-hallhost-'));
  fs.mkdirSync(path.join(dir, 'static'));
  fs.writeFileSync(path.join(dir, 'static', 'index.html'), '<!doctype html><title>hall</title>');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function health(port: number): Promise<{ ok?: boolean; service?: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/queue/health`);
  return (await res.json()) as { ok?: boolean; service?: string };
}

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('hall host process under the supervisor', () => {
  it('starts the real hall service, restarts it after SIGKILL, and stops it cleanly', async () => {
    const children: ReturnType<typeof fork>[] = [];
    const nodeFork = (entry: string, env: NodeJS.ProcessEnv): ChildLike => {
      const cp = fork(entry, [], {
        env,
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      children.push(cp);
      return {
        get pid() {
          return cp.pid;
        },
        on: (event: string, listener: (arg: never) => void) =>
          cp.on(event, listener as (...args: unknown[]) => void),
        postMessage: (m) => cp.send(m as object),
        kill: () => cp.kill(),
        stdout: cp.stdout,
        stderr: cp.stderr,
      } as ChildLike;
    };
    const sup = new Supervisor(
      () =>
        startHallProcess({
          entry: path.resolve('electron/hallHost.ts'),
          port: 0,
          host: '127.0.0.1',
          dataDir: path.join(dir, 'hall'),
          staticDir: path.join(dir, 'static'),
          fork: nodeFork,
          log: () => {},
        }),
      { backoff: { initialMs: 100, maxMs: 1000, factor: 2, resetAfterMs: 60_000 } },
    );
    sup.run();
    await until(() => sup.getStatus().state === 'running');
    const firstPort = sup.getStatus().port!;
    expect(await health(firstPort)).toMatchObject({ ok: true, service: 'halldesk-hall' });

    children[0]!.kill('SIGKILL');
    await until(() => sup.getStatus().restarts === 1 && sup.getStatus().state === 'running');
    expect(children).toHaveLength(2);
    const secondPort = sup.getStatus().port!;
    expect(await health(secondPort)).toMatchObject({ ok: true });
    // The journal survived the kill: the same data folder is reused.
    expect(fs.existsSync(path.join(dir, 'hall'))).toBe(true);

    await sup.stop();
    expect(children[1]!.exitCode ?? children[1]!.signalCode).toBe(0);
    await expect(fetch(`http://127.0.0.1:${secondPort}/api/queue/health`)).rejects.toThrow();
  });
});
