// `npm run bench:sync`: 1,000 applications pushed by the desk's sync engine (Node, fake-indexeddb)
// through the fault proxy shaped to 256 kbit/s each way and 300 ms round trip, the same at
// loopback speed, then central ingest with 200 concurrent devices × 50 applications on PGlite
// and on PostgreSQL (TEST_DATABASE_URL). The last line printed is one JSON object.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import type { Application } from '../shared/domain/model';
import { paths } from '../shared/protocol';
import { startFaultProxy } from '../tests/support/faultProxy';
import { pgliteDataDir, startCentralChild, type AdminClient } from '../tests/support/syncCentral';
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

/**
 * The lossy run (issue 11 §6): the same push on the weak link with every open connection
 * dropped at the given moments (ms after the start). The engine runs as in the app (started,
 * its own retries and back-off); the clock stops when the outbox is empty. Every application
 * must be at the centre exactly once.
 */
async function lossyPush(
  central: { admin: AdminClient; port: number },
  shaping: { kbps?: number; rttMs?: number },
  dropsAtMs: number[],
): Promise<{ drops: number; wallMs: number; bytesUp: number; requests: number; ok: boolean }> {
  const hall = `BENCH-lossy-${randomUUID().slice(0, 6)}`;
  await central.admin.createHall(hall);
  const proxy = await startFaultProxy({
    target: { port: central.port },
    ...shaping,
    handshake: true,
  });
  const creds = await central.admin.enrollDesk(hall, 'bench-lossy', proxy.url);
  const desk = createTestDesk(creds, {
    stages: { push: true, uploads: true, pull: false },
    backoffBaseMs: 1_000,
    backoffCapMs: 300_000,
    firstRoundJitterMs: 0,
  });
  try {
    const first = createTestDesk(creds, {
      db: desk.db,
      stages: { push: false, uploads: false, pull: true },
    });
    await first.engine.syncNow();
    const ids: string[] = [];
    for (let i = 0; i < APPS; i++) {
      const a = makeApplication(hall, 'D1');
      ids.push(a.id);
      await saveWithOutbox(desk.db, a);
    }
    proxy.resetStats();
    const t0 = performance.now();
    let drops = 0;
    const timers = dropsAtMs.map((at) =>
      setTimeout(() => {
        drops += 1;
        proxy.cutAll();
      }, at),
    );
    desk.engine.start();
    const limit = t0 + 20 * 60_000;
    while ((await desk.db.outbox.count()) > 0 && performance.now() < limit) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const wallMs = Math.round(performance.now() - t0);
    for (const t of timers) clearTimeout(t);
    desk.engine.stop();
    const onCentre = (await central.admin.applications(hall)).map((a) => a.id);
    const ok =
      onCentre.length === APPS &&
      new Set(onCentre).size === APPS &&
      ids.every((id) => onCentre.includes(id)) &&
      (await desk.db.outbox.count()) === 0;
    return { drops, wallMs, bytesUp: proxy.stats.bytesUp, requests: proxy.stats.requests, ok };
  } finally {
    await desk.close();
    await proxy.close();
  }
}

/** One desk pushes APPS applications through a proxy with the given shaping. */
async function deskPush(
  central: { admin: AdminClient; port: number },
  label: string,
  shaping: { kbps?: number; rttMs?: number },
): Promise<{
  push: LinkFigures;
  pullBack: LinkFigures;
  fullPull: LinkFigures;
  jsonBytes: number;
  ok: boolean;
}> {
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
    // A desk in service has synced before (configuration, checkpoint): not measured.
    const first = createTestDesk(creds, {
      db: desk.db,
      stages: { push: false, uploads: false, pull: true },
    });
    await first.engine.syncNow();
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
    // The pull that follows: the desk's own records are not echoed back (skipOwn; the push
    // results carried their serverVersion), only what changed elsewhere.
    proxy.resetStats();
    const t1 = performance.now();
    await first.engine.syncNow();
    const pullBack = { wallMs: Math.round(performance.now() - t1), ...pick(proxy.stats) };
    // A desk whose database was rebuilt (no checkpoint) pulls everything, its own records too.
    const rebuilt = createTestDesk(creds, { stages: { push: false, uploads: false, pull: true } });
    proxy.resetStats();
    const t2 = performance.now();
    await rebuilt.engine.syncNow();
    const fullPull = { wallMs: Math.round(performance.now() - t2), ...pick(proxy.stats) };
    const rebuiltCount = await rebuilt.db.applications.count();
    await rebuilt.close();
    return { push, pullBack, fullPull, jsonBytes, ok: ok && rebuiltCount === APPS };
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

interface IngestFigures {
  /** Burst: every device sends its 50 at once; applications per second over the whole burst. */
  appsPerSec: number;
  /** Push latency in the paced run (offered min(3,000, 80% of burst capacity) apps/s, 50 per push). */
  p50Ms: number;
  p99Ms: number;
  burst: { wallMs: number; p50Ms: number; p99Ms: number };
  paced: PacedFigures;
  /** The same offered rate in pushes of 10. */
  pacedSmallPushes: PacedFigures;
  errors: number;
}

interface PacedFigures {
  offeredAppsPerSec: number;
  achievedAppsPerSec: number;
  pushes: number;
  perPush: number;
  p50Ms: number;
  p99Ms: number;
}

const PACED_APPS_PER_SEC = 3_000;
const PACED_BATCH = 10;
const PACED_PUSHES_PER_DEVICE = 5;

function pushBody(deviceId: string, hall: string, desk: string, firstSeq: number, n: number) {
  const changes = Array.from({ length: n }, (_, i) => {
    const app = makeApplication(hall, desk);
    return {
      changeId: randomUUID(),
      seq: firstSeq + i,
      entity: 'application',
      entityId: app.id,
      op: 'create',
      payload: app,
    };
  });
  return new Uint8Array(gzipSync(JSON.stringify({ deviceId, changes })));
}

async function timedPush(
  url: string,
  token: string,
  body: Uint8Array<ArrayBuffer>,
): Promise<{ ms: number; ok: boolean; detail: string }> {
  const s = performance.now();
  let res: Response;
  let text: string;
  try {
    res = await fetch(url + paths.push, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'accept-encoding': 'gzip',
      },
      body,
    });
    text = await res.text();
  } catch (e) {
    return { ms: performance.now() - s, ok: false, detail: String(e) };
  }
  const ms = performance.now() - s;
  if (!res.ok) return { ms, ok: false, detail: `${res.status} ${text.slice(0, 200)}` };
  const r = JSON.parse(text) as { results: { status: string }[] };
  const bad = r.results.filter((x) => x.status !== 'applied');
  return { ms, ok: bad.length === 0, detail: bad[0]?.status ?? '' };
}

/**
 * 200 devices (two per hall). Burst: each sends its 50 applications in one gzip request (what
 * the engine sends for a 50-item backlog), all at the same moment: capacity. Paced: the same
 * devices send another 50 each, one push per device, the pushes spread evenly so that
 * 3,000 applications per second are offered (80% of capacity if the burst showed less): the latency a desk sees at
 * that rate. Then the same with 10 per push (desks that sync as they go). Bodies are built
 * before the clock starts.
 */
async function ingest(central: { url: string; admin: AdminClient }): Promise<IngestFigures> {
  const tag = randomUUID().slice(0, 6);
  const devices: {
    token: string;
    burst: Uint8Array<ArrayBuffer>;
    paced: Uint8Array<ArrayBuffer>;
    small: Uint8Array<ArrayBuffer>[];
  }[] = [];
  for (let h = 0; h < DEVICES / DEVICES_PER_HALL; h++) {
    const hall = `ING-${tag}-${h}`;
    await central.admin.createHall(hall);
    for (let d = 0; d < DEVICES_PER_HALL; d++) {
      const creds = await central.admin.enrollDesk(hall, `ing-${h}-${d}`);
      const desk = `D${d}`;
      const burst = pushBody(creds.deviceId, hall, desk, 1, PER_DEVICE);
      const paced = pushBody(creds.deviceId, hall, desk, PER_DEVICE + 1, PER_DEVICE);
      const small = Array.from({ length: PACED_PUSHES_PER_DEVICE }, (_, k) =>
        pushBody(creds.deviceId, hall, desk, 2 * PER_DEVICE + 1 + k * PACED_BATCH, PACED_BATCH),
      );
      devices.push({ token: creds.token, burst, paced, small });
    }
  }
  let errors = 0;
  const note = (r: { ok: boolean; detail: string }) => {
    if (r.ok) return;
    errors += 1;
    if (errors <= 3) log(`  push failed: ${r.detail}`);
  };

  const burstLat: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    devices.map(async (d) => {
      const r = await timedPush(central.url, d.token, d.burst);
      burstLat.push(r.ms);
      note(r);
    }),
  );
  const burstWall = performance.now() - t0;
  burstLat.sort((a, b) => a - b);

  const capacity = (DEVICES * PER_DEVICE) / (burstWall / 1000);
  // The offered rate is the target itself (3,000 applications/s) whenever the burst showed the
  // capacity for it: the latency at exactly that rate is what the target is about. Only a
  // server below the target is offered 80% of its capacity instead (at 100% it would only
  // measure its own queue).
  const offered =
    capacity >= PACED_APPS_PER_SEC ? PACED_APPS_PER_SEC : Math.max(100, Math.floor(capacity * 0.8));

  /** Push j starts at j / rate; returns sorted latencies and the achieved rate. */
  async function paced(bodies: { token: string; body: Uint8Array<ArrayBuffer> }[], per: number) {
    const pushesPerSec = offered / per;
    const lat: number[] = [];
    const t1 = performance.now();
    await Promise.all(
      bodies.map(async (b, j) => {
        const wait = t1 + (j * 1000) / pushesPerSec - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const r = await timedPush(central.url, b.token, b.body);
        lat.push(r.ms);
        note(r);
      }),
    );
    const wall = performance.now() - t1;
    lat.sort((a, b) => a - b);
    return {
      offeredAppsPerSec: offered,
      achievedAppsPerSec: Math.round((bodies.length * per) / (wall / 1000)),
      pushes: bodies.length,
      perPush: per,
      p50Ms: Math.round(percentile(lat, 50)),
      p99Ms: Math.round(percentile(lat, 99)),
    };
  }
  const big = await paced(
    devices.map((d) => ({ token: d.token, body: d.paced })),
    PER_DEVICE,
  );
  const smallBodies: { token: string; body: Uint8Array<ArrayBuffer> }[] = [];
  for (let k = 0; k < PACED_PUSHES_PER_DEVICE; k++) {
    for (const d of devices) smallBodies.push({ token: d.token, body: d.small[k]! });
  }
  const small = await paced(smallBodies, PACED_BATCH);
  return {
    appsPerSec: Math.round(capacity),
    p50Ms: big.p50Ms,
    p99Ms: big.p99Ms,
    burst: {
      wallMs: Math.round(burstWall),
      p50Ms: Math.round(percentile(burstLat, 50)),
      p99Ms: Math.round(percentile(burstLat, 99)),
    },
    paced: big,
    pacedSmallPushes: small,
    errors,
  };
}

function ingestLine(label: string, f: IngestFigures): string {
  const p = (x: PacedFigures) =>
    `paced ${x.perPush}/push at ${x.offeredAppsPerSec} apps/s offered → ${x.achievedAppsPerSec} achieved, push p50 ${x.p50Ms} ms, p99 ${x.p99Ms} ms`;
  return `ingest ${label}: burst ${f.appsPerSec} apps/s (${DEVICES} devices × ${PER_DEVICE} at once, push p50 ${f.burst.p50Ms} ms, p99 ${f.burst.p99Ms} ms); ${p(f.paced)}; ${p(f.pacedSmallPushes)}; errors ${f.errors}`;
}

/** One ingest run against a fresh endpoint child on PGlite or on TEST_DATABASE_URL. */
async function ingestOnly(kind: 'pglite' | 'postgres'): Promise<IngestFigures> {
  const dir = await pgliteDataDir(`bench-ingest-${kind}`);
  const url = process.env.TEST_DATABASE_URL;
  const central = await startCentralChild(
    dir,
    0,
    kind === 'postgres' && url ? { CENTRAL_DATABASE_URL: url, CENTRAL_MAX_CONNECTIONS: '20' } : {},
  );
  try {
    return await ingest(central);
  } finally {
    await central.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs ingestOnly in a fresh copy of this script; its last stdout line is the figures. */
function ingestInChild(kind: 'pglite' | 'postgres'): Promise<IngestFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_SYNC_INGEST_ONLY: kind },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const lines = out.trim().split('\n');
      for (const l of lines.slice(0, -1)) log(l);
      if (code !== 0) return reject(new Error(`ingest ${kind} exited with ${code}`));
      try {
        resolve(JSON.parse(lines.at(-1) ?? '') as IngestFigures);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

async function main(): Promise<void> {
  const only = process.env.BENCH_SYNC_INGEST_ONLY;
  if (only === 'pglite' || only === 'postgres') {
    console.log(JSON.stringify(await ingestOnly(only)));
    return;
  }
  log(`bench:sync — ${APPS} applications, weak link ${KBPS} kbit/s each way, ${RTT_MS} ms RTT`);
  // The endpoint runs as its own process (as in production), so the desk and the load
  // generator do not share its event loop.
  const pgliteDir = await pgliteDataDir('bench-sync');
  const central = await startCentralChild(pgliteDir);
  const out: Record<string, unknown> = { applications: APPS };
  try {
    const weak = await deskPush(central, 'weak', { kbps: KBPS, rttMs: RTT_MS });
    const floorMs = Math.round(
      (Math.max(weak.push.bytesUp, weak.push.bytesDown) * 8) / KBPS + RTT_MS,
    );
    out.jsonBytes = weak.jsonBytes;
    out.weakLink = { kbps: KBPS, rttMs: RTT_MS, ...weak.push, floorMs, ok: weak.ok };
    out.weakLinkPullBack = weak.pullBack;
    out.weakLinkFullPull = weak.fullPull;
    log(
      `weak link: push ${weak.push.wallMs} ms (floor ${floorMs} ms, ratio ${(weak.push.wallMs / floorMs).toFixed(2)}), up ${weak.push.bytesUp} B (${((100 * weak.push.bytesUp) / weak.jsonBytes).toFixed(1)}% of ${weak.jsonBytes} B JSON), down ${weak.push.bytesDown} B, ${weak.push.requests} requests, all acked: ${weak.ok}`,
    );
    log(
      `           pull after the push (own records not echoed): ${weak.pullBack.wallMs} ms, down ${weak.pullBack.bytesDown} B, ${weak.pullBack.requests} requests`,
    );
    log(
      `           full pull of a rebuilt desk (all ${APPS} back): ${weak.fullPull.wallMs} ms, down ${weak.fullPull.bytesDown} B, ${weak.fullPull.requests} requests`,
    );
    // Every open connection dropped at 25 %, 50 % and 75 % of the clean run's time.
    const at = [0.25, 0.5, 0.75].map((f) => Math.round(f * weak.push.wallMs));
    const lossy = await lossyPush(central, { kbps: KBPS, rttMs: RTT_MS }, at);
    out.lossy = lossy;
    log(
      `lossy:     push ${lossy.wallMs} ms (${(lossy.wallMs / weak.push.wallMs).toFixed(2)} × clean, target ≤ 1.5), up ${lossy.bytesUp} B (${(lossy.bytesUp / weak.push.bytesUp).toFixed(2)} × clean, target ≤ 1.4), ${lossy.requests} requests, ${lossy.drops} drops, every application once: ${lossy.ok}`,
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
    await central.close();
    // Each ingest runs in a fresh process: the 200-device load generator shares the 2 cores
    // with the endpoint, and after the desk runs above its heap (fake-indexeddb desks) made
    // it the bottleneck: it measured the generator's GC instead of the endpoint.
    const pg = await ingestInChild('pglite');
    log(ingestLine('PGlite', pg));
    const ingestOut: Record<string, unknown> = { pglite: pg };
    if (process.env.TEST_DATABASE_URL) {
      const p = await ingestInChild('postgres');
      log(ingestLine('PostgreSQL', p));
      ingestOut.postgres = p;
    } else {
      console.warn('ingest PostgreSQL: skipped (TEST_DATABASE_URL is not set)');
      ingestOut.postgres = { skipped: 'TEST_DATABASE_URL is not set' };
    }
    out.ingest = ingestOut;
  } finally {
    await central.close();
    fs.rmSync(pgliteDir, { recursive: true, force: true });
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
