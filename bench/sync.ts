// `npm run bench:sync`: 1,000 applications pushed by the desk's sync engine (Node, fake-indexeddb)
// through the fault proxy shaped to 256 kbit/s each way and 300 ms round trip, the same at
// loopback speed, then central ingest with 200 concurrent devices × 50 applications on PGlite
// and on PostgreSQL (TEST_DATABASE_URL). The last line printed is one JSON object.
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import type { Application } from '../shared/domain/model';
import { paths } from '../shared/protocol';
import { startFaultProxy } from '../tests/support/faultProxy';
import { startCentralChild, tempDir, type AdminClient } from '../tests/support/syncCentral';
import { createTestDesk, makeApplication, saveWithOutbox } from '../tests/support/syncDesk';

const APPS = 1_000;
const KBPS = 256;
const RTT_MS = 300;
const DEVICES = 200;
const PER_DEVICE = 50;
const DEVICES_PER_HALL = 2;

const log = (...a: unknown[]) => console.log(...a);
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

interface LinkFigures {
  wallMs: number;
  bytesUp: number;
  bytesDown: number;
  requests: number;
}

/** One desk pushes APPS applications through a proxy with the given shaping. */
async function deskPush(
  central: { admin: AdminClient; port: number },
  label: string,
  shaping: { kbps?: number; rttMs?: number },
): Promise<{ push: LinkFigures; pullBack: LinkFigures; jsonBytes: number; ok: boolean }> {
  const hall = `BENCH-${label}-${randomUUID().slice(0, 6)}`;
  await central.admin.createHall(hall);
  const proxy = await startFaultProxy({
    target: { port: central.port },
    ...shaping,
    handshake: true,
  });
  const creds = await central.admin.enrollDesk(hall, `bench-${label}`, proxy.url);
  const desk = createTestDesk(creds, { stages: { push: true, uploads: true, pull: false } });
  try {
    const apps: Application[] = [];
    for (let i = 0; i < APPS; i++) {
      const a = makeApplication(hall, 'D1');
      apps.push(a);
      await saveWithOutbox(desk.db, a);
    }
    const jsonBytes = apps.reduce((n, a) => n + utf8(JSON.stringify(a)), 0);
    proxy.resetStats();
    const t0 = performance.now();
    const r = await desk.engine.syncNow();
    const wallMs = performance.now() - t0;
    const push = { wallMs: Math.round(wallMs), ...pick(proxy.stats) };
    const ok = r.kind === 'ok' && (await desk.db.outbox.count()) === 0;
    // The pull that follows: the centre sends every record back (with serverVersion).
    const puller = createTestDesk(creds, {
      db: desk.db,
      stages: { push: false, uploads: false, pull: true },
    });
    proxy.resetStats();
    const t1 = performance.now();
    await puller.engine.syncNow();
    const pullBack = { wallMs: Math.round(performance.now() - t1), ...pick(proxy.stats) };
    return { push, pullBack, jsonBytes, ok };
  } finally {
    await desk.close();
    await proxy.close();
  }
}

function pick(s: { bytesUp: number; bytesDown: number; requests: number }) {
  return { bytesUp: s.bytesUp, bytesDown: s.bytesDown, requests: s.requests };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

/**
 * 200 devices (two per hall) each push their 50 applications in one gzip request (what the
 * engine sends for a 50-item backlog), all at once. Bodies are built before the clock starts.
 */
async function ingest(central: {
  url: string;
  admin: AdminClient;
}): Promise<{ appsPerSec: number; p50Ms: number; p99Ms: number; errors: number }> {
  const tag = randomUUID().slice(0, 6);
  const devices: { token: string; body: Buffer }[] = [];
  for (let h = 0; h < DEVICES / DEVICES_PER_HALL; h++) {
    const hall = `ING-${tag}-${h}`;
    await central.admin.createHall(hall);
    for (let d = 0; d < DEVICES_PER_HALL; d++) {
      const creds = await central.admin.enrollDesk(hall, `ing-${h}-${d}`);
      const changes = Array.from({ length: PER_DEVICE }, (_, i) => {
        const app = makeApplication(hall, `D${d}`);
        return {
          changeId: randomUUID(),
          seq: i + 1,
          entity: 'application',
          entityId: app.id,
          op: 'create',
          payload: app,
        };
      });
      const body = gzipSync(JSON.stringify({ deviceId: creds.deviceId, changes }));
      devices.push({ token: creds.token, body });
    }
  }
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    devices.map(async (d) => {
      const s = performance.now();
      const res = await fetch(central.url + paths.push, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${d.token}`,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'accept-encoding': 'gzip',
        },
        body: new Uint8Array(d.body),
      });
      const text = await res.text();
      latencies.push(performance.now() - s);
      if (!res.ok) {
        errors += 1;
        if (errors <= 3) log(`  push failed: ${res.status} ${text.slice(0, 200)}`);
      } else {
        const r = JSON.parse(text) as { results: { status: string }[] };
        errors += r.results.filter((x) => x.status !== 'applied').length > 0 ? 1 : 0;
      }
    }),
  );
  const wall = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  return {
    appsPerSec: Math.round((DEVICES * PER_DEVICE) / (wall / 1000)),
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    errors,
  };
}

async function main(): Promise<void> {
  log(`bench:sync — ${APPS} applications, weak link ${KBPS} kbit/s each way, ${RTT_MS} ms RTT`);
  // The endpoint runs as its own process (as in production), so the desk and the load
  // generator do not share its event loop.
  const pgliteDir = tempDir('bench-sync');
  let central = await startCentralChild(pgliteDir);
  const out: Record<string, unknown> = { applications: APPS };
  try {
    const weak = await deskPush(central, 'weak', { kbps: KBPS, rttMs: RTT_MS });
    const floorMs = Math.round(
      (Math.max(weak.push.bytesUp, weak.push.bytesDown) * 8) / KBPS + RTT_MS,
    );
    out.jsonBytes = weak.jsonBytes;
    out.weakLink = { kbps: KBPS, rttMs: RTT_MS, ...weak.push, floorMs, ok: weak.ok };
    out.weakLinkPullBack = weak.pullBack;
    log(
      `weak link: push ${weak.push.wallMs} ms (floor ${floorMs} ms, ratio ${(weak.push.wallMs / floorMs).toFixed(2)}), up ${weak.push.bytesUp} B (${((100 * weak.push.bytesUp) / weak.jsonBytes).toFixed(1)}% of ${weak.jsonBytes} B JSON), down ${weak.push.bytesDown} B, ${weak.push.requests} requests, all acked: ${weak.ok}`,
    );
    log(
      `           pull-back of the same records: ${weak.pullBack.wallMs} ms, down ${weak.pullBack.bytesDown} B, ${weak.pullBack.requests} requests`,
    );

    const loop = await deskPush(central, 'loop', {});
    out.loopback = { ...loop.push, ok: loop.ok };
    out.loopbackPullBack = loop.pullBack;
    log(
      `loopback:  push ${loop.push.wallMs} ms, up ${loop.push.bytesUp} B, down ${loop.push.bytesDown} B, ${loop.push.requests} requests; pull-back ${loop.pullBack.wallMs} ms`,
    );

    if (process.env.BENCH_SYNC_LINKS_ONLY) {
      console.log(JSON.stringify(out));
      return;
    }
    const pg = await ingest(central);
    log(
      `ingest PGlite: ${pg.appsPerSec} apps/s, p50 ${pg.p50Ms} ms, p99 ${pg.p99Ms} ms (${DEVICES} devices × ${PER_DEVICE}, errors ${pg.errors})`,
    );
    const ingestOut: Record<string, unknown> = { pglite: pg };
    await central.close();

    const url = process.env.TEST_DATABASE_URL;
    if (url) {
      central = await startCentralChild(tempDir('bench-pg'), 0, {
        CENTRAL_DATABASE_URL: url,
        CENTRAL_MAX_CONNECTIONS: '20',
      });
      const p = await ingest(central);
      log(
        `ingest PostgreSQL: ${p.appsPerSec} apps/s, p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms (errors ${p.errors})`,
      );
      ingestOut.postgres = p;
    } else {
      console.warn('ingest PostgreSQL: skipped (TEST_DATABASE_URL is not set)');
      ingestOut.postgres = { skipped: 'TEST_DATABASE_URL is not set' };
    }
    out.ingest = ingestOut;
  } finally {
    await central.close();
  }
  console.log(JSON.stringify(out));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
