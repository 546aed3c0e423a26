// The hall host for real: electron/hallHost.ts runs the actual hall queue service in a child
// process (a Node child here; the shell uses an Electron utility process with the same
// messages), the supervisor sees it ready, the child is killed with SIGKILL, and the supervisor
// brings the service back. Then a clean stop. With a central uplink in its settings, the hosted
// service pushes its queue events to the centre with the hall device's token.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseHallCentralUplink,
  parsePushReport,
  startHallProcess,
  type ChildLike,
} from '../../../electron/hallProcess';
import { Supervisor } from '../../../electron/supervisor';
import type { HallPushStatus } from '../../../shared/ipc/contract';
import { paths } from '../../../shared/protocol';

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

/** A stand-in for the centre's push endpoint: records what arrives and acknowledges it. */
function fakeCentre(): Promise<{
  url: string;
  pushes: Array<{ auth: string | undefined; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}> {
  const pushes: Array<{ auth: string | undefined; body: any }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      // The hall service also pulls the key-customer register: an empty page, nothing recorded.
      if (req.method === 'GET' && req.url?.startsWith(paths.pull)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ changes: [], checkpoint: '', hasMore: false }));
        return;
      }
      const body = JSON.parse(text) as { changes: Array<{ seq: number }> };
      pushes.push({ auth: req.headers.authorization, body });
      const ackSeq = Math.max(0, ...body.changes.map((c) => c.seq));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ackSeq, results: [] }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        pushes,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

/** Forks electron/hallHost.ts as a Node child, adapted to what main uses of a utility process. */
function forker() {
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
  return { children, nodeFork };
}

describe('hall central uplink settings', () => {
  it('accepts a complete uplink secret and ignores anything else', () => {
    const ok = { baseUrl: 'http://central:8600', deviceId: 'd1', token: 't1', hallCode: 'H0101' };
    expect(parseHallCentralUplink(JSON.stringify(ok))).toEqual(ok);
    expect(parseHallCentralUplink(null)).toBeNull();
    expect(parseHallCentralUplink('{oops')).toBeNull();
    expect(parseHallCentralUplink(JSON.stringify({ ...ok, token: '' }))).toBeNull();
    expect(parseHallCentralUplink(JSON.stringify({ ...ok, baseUrl: 'file:///x' }))).toBeNull();
  });
});

describe('hall host process under the supervisor', () => {
  it('starts the real hall service, restarts it after SIGKILL, and stops it cleanly', async () => {
    const centre = await fakeCentre();
    const { children, nodeFork } = forker();
    const reports: HallPushStatus[] = [];
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
          central: {
            baseUrl: centre.url,
            deviceId: 'dev-hall-1',
            token: 'tok-hall-1',
            hallCode: 'H0101',
          },
          onPush: (p) => reports.push(p),
          reportMs: 100,
        }),
      { backoff: { initialMs: 100, maxMs: 1000, factor: 2, resetAfterMs: 60_000 } },
    );
    sup.run();
    await until(() => sup.getStatus().state === 'running');
    const firstPort = sup.getStatus().port!;
    expect(await health(firstPort)).toMatchObject({ ok: true, service: 'halldesk-hall' });
    // A kiosk ticket: its event reaches the centre with the hall device's credentials.
    const issued = await fetch(`http://127.0.0.1:${firstPort}/api/queue/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ categoryId: 'A' }),
    });
    expect(issued.status).toBe(201);
    await until(() =>
      centre.pushes.some(
        (p) => p.body.changes.some((c: any) => c.payload.type === 'ticket_issued'), // eslint-disable-line @typescript-eslint/no-explicit-any
      ),
    );
    expect(centre.pushes[0]).toMatchObject({
      auth: 'Bearer tok-hall-1',
      body: { deviceId: 'dev-hall-1', changes: [{ entity: 'queue_event' }] },
    });
    expect(centre.pushes[0]!.body.changes[0].payload.hallCode).toBe('H0101');
    // The service tells the shell its events got through (what the uplink card shows).
    const allSent = (r: HallPushStatus) => r.pending === 0 && r.lastSuccessAt !== null;
    await until(() => reports.some(allSent));
    // That report, not the latest: a later queue event may already be on its way.
    expect(reports.find(allSent)).toMatchObject({ pending: 0, lastError: null });

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
    await centre.close();
  });

  it('reports a backlog and the reason while the centre cannot be reached', async () => {
    // A port nothing listens on: the centre is down.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    const { nodeFork } = forker();
    const reports: HallPushStatus[] = [];
    const service = await startHallProcess({
      entry: path.resolve('electron/hallHost.ts'),
      port: 0,
      host: '127.0.0.1',
      dataDir: path.join(dir, 'hall-offline'),
      staticDir: path.join(dir, 'static'),
      fork: nodeFork,
      log: () => {},
      central: { baseUrl: deadUrl, deviceId: 'dev-hall-2', token: 'tok-hall-2' },
      onPush: (p) => reports.push(p),
      reportMs: 100,
    });
    try {
      for (const categoryId of ['A', 'A']) {
        const res = await fetch(`http://127.0.0.1:${service.port}/api/queue/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ categoryId }),
        });
        expect(res.status).toBe(201);
      }
      await until(() => reports.some((r) => r.pending >= 2 && r.lastError !== null));
      expect(reports.at(-1)).toMatchObject({ lastSuccessAt: null });
    } finally {
      await service.stop();
    }
  });
});

describe('parsePushReport', () => {
  it('reads outbox reports and ignores other messages', () => {
    expect(
      parsePushReport({
        type: 'outbox',
        pending: 3,
        ackSeq: 9,
        lastError: 'ECONNREFUSED',
        lastSuccessAt: null,
        reportedAt: 5,
      }),
    ).toEqual({ pending: 3, lastError: 'ECONNREFUSED', lastSuccessAt: null, reportedAt: 5 });
    expect(parsePushReport({ type: 'ready', port: 8700 })).toBeNull();
    expect(parsePushReport({ type: 'outbox', pending: 'x', reportedAt: 5 })).toBeNull();
    expect(parsePushReport(null)).toBeNull();
  });

  it('carries what the uplink could not send (events the centre cannot store) to the card', () => {
    const r = parsePushReport({
      type: 'outbox',
      pending: 0,
      lastError: null,
      lastSuccessAt: 7,
      unsendable: '1 条排队事件中心无法保存，已以占位记录代替（最近：序号 137）',
      reportedAt: 8,
    });
    expect(r?.unsendable).toContain('序号 137');
  });
});
