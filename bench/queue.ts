// `npm run bench:queue`: one hall's busy day on loopback. The hall service runs as its own Node
// process (so its memory is its own); 20 counters serve 3,000 tickets while 5 screens listen on
// SSE. Measures call-to-screen latency (POST call-next sent → `called` event parsed on each
// screen), the service's RSS, and the restart after kill -9 with the full day in its journal.
// Last line: one JSON object.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueueConfigInput } from '../shared/queue';
import { readManagerSecret } from '../server/hall/auth';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COUNTERS = 20;
const SCREENS = 5;
const TICKETS = Number(process.env.BENCH_TICKETS ?? 3000);
const WAVES = 30; // tickets arrive in waves over the "day"

const CATS = ['A', 'B', 'C', 'D', 'E'];
const config: QueueConfigInput = {
  hallName: '基准测试营业厅',
  categories: CATS.map((id, i) => ({ id, name: `类别${id}`, keyLane: i === 0 })),
  counters: Array.from({ length: COUNTERS }, (_, i) => ({
    no: i + 1,
    name: `${i + 1}号窗口`,
    // Each counter serves three categories in its own order.
    categories: [CATS[i % 5]!, CATS[(i + 1) % 5]!, CATS[(i + 2) % 5]!],
  })),
};

interface Child {
  proc: ChildProcess;
  base: string;
  spawnedAt: number;
  readyAt: number;
}

async function startService(dataDir: string): Promise<Child> {
  const spawnedAt = performance.now();
  // node --import tsx: the service is this very process (no npx wrapper), so its pid is its RSS.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/hall/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      HALLDESK_HALL_DATA: dataDir,
      HALLDESK_HALL_STATIC: path.join(dataDir, 'none'),
    },
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /on port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`hall service exited (${code}): ${out}`)));
  });
  return { proc, base: `http://127.0.0.1:${port}`, spawnedAt, readyAt: performance.now() };
}

/**
 * The bench drives kiosks and counters as the hall manager (the secret the service generated in
 * its data folder): anonymous kiosks are rate-limited per address, and this is all one address.
 */
let authHeader: Record<string, string> = {};
function useManagerSecretOf(dataDir: string): void {
  const secret = readManagerSecret(dataDir);
  if (!secret) throw new Error('the hall service wrote no manager secret');
  authHeader = { authorization: `Bearer ${secret}` };
}

// node:http with keep-alive (cheaper per request than fetch): the bench process must not be the
// bottleneck of what it measures on a small machine.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(
  url: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const payload = JSON.stringify(body ?? {});
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          ...authHeader,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
            });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A screen: an SSE connection; records when each call reaches it. */
function openScreen(base: string, onCall: (ticketNo: string, at: number) => void) {
  let request: http.ClientRequest | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    request = http.get(`${base}/api/queue/events`, (res) => {
      res.setEncoding('utf8');
      let buf = '';
      let first = true;
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (first && frame.includes('event: snapshot')) {
            first = false;
            resolve();
          }
          if (!frame.includes('event: queue') || !frame.includes('"type":"called"')) continue;
          const msg = JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as {
            event: { ticketNo: string };
          };
          onCall(msg.event.ticketNo, performance.now());
        }
      });
      res.on('error', () => undefined);
    });
    request.on('error', reject);
  });
  return { ready, close: () => request?.destroy() };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function rssOf(pid: number | undefined): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hall-'));
  let svc = await startService(dataDir);
  useManagerSecretOf(dataDir);
  try {
    const cfg = await fetch(`${svc.base}/api/queue/config`, {
      method: 'PUT',
      headers: { ...authHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ config }),
    });
    if (!cfg.ok) throw new Error(`config: ${await cfg.text()}`);

    // ticketNo → when its call was sent; per screen arrival times.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const pendingArrivals = new Map<string, number[]>();
    const screens = Array.from({ length: SCREENS }, () =>
      openScreen(svc.base, (ticketNo, at) => {
        const t0 = sentAt.get(ticketNo);
        if (t0 !== undefined) latencies.push(at - t0);
        else pendingArrivals.set(ticketNo, [...(pendingArrivals.get(ticketNo) ?? []), at]);
      }),
    );
    await Promise.all(screens.map((s) => s.ready));

    const started = performance.now();
    let issued = 0;
    let calls = 0;
    let actions = 0;
    let rnd = 42;
    const random = () => {
      rnd = (rnd * 1103515245 + 12345) % 2147483648;
      return rnd / 2147483648;
    };

    for (let wave = 0; wave < WAVES; wave++) {
      const n = Math.round(TICKETS / WAVES);
      // Kiosk: a wave of customers (4 kiosks in parallel).
      const want = Math.min(n, TICKETS - issued);
      let k = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (k < want) {
            k++;
            const r = random();
            const body = {
              categoryId: CATS[Math.floor(r * CATS.length)]!,
              ...(r < 0.05 ? { green: true } : {}),
            };
            const res = await post(`${svc.base}/api/queue/tickets`, body);
            if (res.status !== 201) throw new Error(`issue: ${JSON.stringify(res.json)}`);
            issued++;
          }
        }),
      );
      // Counters: call until nobody they serve waits; some no-shows, recalls, holds, ratings.
      await Promise.all(
        Array.from({ length: COUNTERS }, async (_, i) => {
          const no = i + 1;
          for (;;) {
            const t0 = performance.now();
            const res = await post(`${svc.base}/api/queue/counters/${no}/call-next`);
            if (res.status === 409) break;
            if (res.status !== 200) throw new Error(`call: ${JSON.stringify(res.json)}`);
            const ticketNo = res.json.current as string;
            sentAt.set(ticketNo, t0);
            for (const at of pendingArrivals.get(ticketNo) ?? []) latencies.push(at - t0);
            pendingArrivals.delete(ticketNo);
            calls++;
            const r = random();
            if (r < 0.05) {
              await post(`${svc.base}/api/queue/counters/${no}/recall`);
              await post(`${svc.base}/api/queue/counters/${no}/no-show`);
              actions += 2;
            } else if (r < 0.08) {
              await post(`${svc.base}/api/queue/counters/${no}/hold`);
              await post(`${svc.base}/api/queue/counters/${no}/call-back`, { ticketNo });
              await post(`${svc.base}/api/queue/counters/${no}/finish`);
              actions += 3;
            } else {
              await post(`${svc.base}/api/queue/counters/${no}/finish`);
              actions++;
              if (r < 0.5) {
                await post(`${svc.base}/api/queue/ratings`, { counterNo: no, level: 3 });
                actions++;
              }
            }
          }
        }),
      );
    }
    const dayMs = performance.now() - started;
    // Let the last frames land.
    await new Promise((r) => setTimeout(r, 300));
    const health = (await (
      await fetch(`${svc.base}/api/queue/health`, { headers: authHeader })
    ).json()) as {
      seq: number;
      tickets: number;
      rssMB: number;
    };
    const rssMB = rssOf(svc.proc.pid) ?? health.rssMB;
    const stats = (await (
      await fetch(`${svc.base}/api/queue/stats`, { headers: authHeader })
    ).json()) as {
      today: { total: { tickets: number; served: number; noShows: number } };
    };
    for (const s of screens) s.close();
    const journalBytes = fs
      .readdirSync(dataDir)
      .filter((f) => f.endsWith('.jsonl') || f === 'snapshot.json')
      .reduce((a, f) => a + fs.statSync(path.join(dataDir, f)).size, 0);

    // Power cut: kill -9, then restart on the same folder.
    svc.proc.kill('SIGKILL');
    await new Promise((r) => svc.proc.once('exit', r));
    svc = await startService(dataDir);
    const after = (await (
      await fetch(`${svc.base}/api/queue/health`, { headers: authHeader })
    ).json()) as {
      seq: number;
      tickets: number;
      startupMs: number;
    };
    if (after.tickets !== health.tickets || after.seq < health.seq) {
      throw new Error(`restart lost data: ${JSON.stringify({ health, after })}`);
    }
    const restartProcessMs = svc.readyAt - svc.spawnedAt;

    latencies.sort((a, b) => a - b);
    const result = {
      counters: COUNTERS,
      screens: SCREENS,
      tickets: issued,
      calls,
      otherActions: actions,
      journalEvents: health.seq,
      served: stats.today.total.served,
      noShows: stats.today.total.noShows,
      latencySamples: latencies.length,
      callToScreenP50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      callToScreenP99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
      callToScreenMaxMs: Math.round((latencies[latencies.length - 1] ?? NaN) * 10) / 10,
      rssMB: Math.round(rssMB * 10) / 10,
      restartMs: after.startupMs,
      restartProcessMs: Math.round(restartProcessMs),
      journalKB: Math.round(journalBytes / 1024),
      dayWallMs: Math.round(dayMs),
    };
    console.log(
      `${issued} tickets, ${calls} calls on ${COUNTERS} counters, ${SCREENS} screens: ` +
        `call→screen p50 ${result.callToScreenP50Ms} ms, p99 ${result.callToScreenP99Ms} ms; ` +
        `service RSS ${result.rssMB} MB; restart ${result.restartMs} ms in-process ` +
        `(${result.restartProcessMs} ms including Node/tsx start)`,
    );
    console.log(JSON.stringify(result));
  } finally {
    svc.proc.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
