// `npm run bench:fleet`: a province on Monday morning. 50 halls, 200,000 applications (seeded by
// a fast path straight into the tables), 500 enrolled desks started at once by load generators
// that follow the desk engine's protocol (bench/support/fleetDevice.ts; the desks are spread
// over `--generators` processes, fleetGen.ts, so that no generator's busy loop is counted as
// the endpoint's latency), 120 s, then a drain and a verification against the database: every
// change exactly once, every desk's view equal to its hall's records. /health is probed from
// one more, idle process (fleetProbe.ts); each side's event-loop delay is reported (the
// endpoint's from GET /api/v1/admin/metrics). PostgreSQL at TEST_DATABASE_URL (a fresh
// database, dropped afterwards), else PGlite (said so). `--processes 2`: two endpoint processes
// on one database.
// Loopback only; bounded by a watchdog. The last line printed is one JSON object.
//
// Flags (defaults as the issue asks): --processes N, --generators N (4), --devices N, --halls N, --apps N,
// --seconds N, --first-jitter-ms N (the engine's first-round jitter, 5,000), --server-dir DIR (run the endpoint from another checkout, for before/after),
// --calibrate-only (stop after measuring the CPU per page; prints {pullPageCpuMs}), --keep-db (leave
// the seeded PostgreSQL database in place and print its URL, to study a query afterwards).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../server/db/db';
import { runMigrations } from '../server/db/migrations';
import syncConfig from '../shared/config/sync.json';
import { paths } from '../shared/protocol';
import { makeApplication } from '../tests/unit/domain/factories';
import { freshDatabase } from '../tests/support/postgres';
import { pgliteDataDir } from '../tests/support/server';
import { seedApplications } from './support/fleetData';
import type { DeskCreds } from './support/fleetDevice';
import {
  admin,
  cpuMs,
  cpuBetween,
  cpuSnapshot,
  endpointMetrics,
  startEndpoint,
  type Endpoint,
  type EndpointMetrics,
} from './support/fleetEndpoint';
import type { GenDesk, GenProgress } from './support/fleetGen';
import { calibratePageCpu } from './support/fleetCalibrate';
import { Generators, Probe } from './support/fleetGenerators';
import {
  mergeReports,
  parseTcpExt,
  pct,
  shareOf,
  tcpDelta,
  viewDigest,
} from './support/fleetStats';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
function flagStr(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const DEVICES = flag('devices', 500);
const HALLS = flag('halls', 50);
const APPS = flag('apps', 200_000);
const SECONDS = flag('seconds', 120);
let PROCESSES = flag('processes', 1);
/** Load generator processes the desks are spread over (fleetGen.ts); 1 = all in one loop. */
const GENERATORS = flag('generators', 4);
/** The window whose CPU split is reported: the desks' start (first round and first pull). */
const STORM_MS = 10_000;
const SERVER_DIR = path.resolve(flagStr('server-dir') ?? ROOT);
/** Steady state: a round every ~5 s, a new application per desk every ~30 s. */
const INTERVAL_MS = 5_000;
const ACCEPT_EVERY_MS = 30_000;
/**
 * The engine's first round is jittered (sync-link) over syncConfig.firstRoundJitterMs (5 s);
 * `--first-jitter-ms N` draws it over N ms instead (1,000: the harsher storm the earlier runs of
 * this bench used).
 */
const FIRST_JITTER_MS = flag('first-jitter-ms', syncConfig.firstRoundJitterMs);
/** Everything after the run (drain, verification, shutdown) must end within this. */
const WATCHDOG_MS = (SECONDS + 600) * 1000;

const log = (...a: unknown[]) => console.log(...a);

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error('[fleet] watchdog: the bench did not finish in time');
    process.exit(2);
  }, WATCHDOG_MS);
  watchdog.unref();

  // ------------------------------------------------------------ storage
  const fresh = await freshDatabase('fleet');
  let dataDir: string | null = null;
  let endpointEnv: Record<string, string>;
  if (fresh.url) {
    log(`[fleet] PostgreSQL (fresh database on TEST_DATABASE_URL)`);
    endpointEnv = { DATABASE_URL: fresh.url };
  } else {
    log(`[fleet] PGlite: ${fresh.reason}; one endpoint process (PGlite is single-process)`);
    PROCESSES = 1;
    dataDir = await pgliteDataDir('fleet');
    endpointEnv = { HALLDESK_CENTRAL_DATA: dataDir };
  }
  // Pool per process: the README's rule ("Pool size"); 2 processes × 20 + probes fit easily.
  endpointEnv.DATABASE_POOL_SIZE = String(process.env.DATABASE_POOL_SIZE ?? 20);

  const endpoints: Endpoint[] = [];
  const desks: GenDesk[] = [];
  let gens: Generators | null = null;
  let probe: Probe | null = null;
  try {
    // Halls and the fast-path seed. PGlite: before the endpoint opens the folder (one process).
    const hallCodes = Array.from(
      { length: HALLS },
      (_, i) => `FL${String(i + 1).padStart(2, '0')}`,
    );
    const seed = async (q: Db) => {
      const t = performance.now();
      const halls: Array<{ id: number; code: string }> = [];
      for (const code of hallCodes) {
        const r = await q.query<{ id: number }>(
          'INSERT INTO halls (code, name) VALUES ($1, $2) RETURNING id',
          [code, `营业厅 ${code}`],
        );
        halls.push({ id: r.rows[0]!.id, code });
      }
      let last = 0;
      await seedApplications(q, halls, APPS, (n) => {
        if (n - last >= 50_000) {
          last = n;
          log(`[fleet] seeded ${n} applications`);
        }
      });
      log(
        `[fleet] seeded ${HALLS} halls, ${APPS} applications by the fast path (direct INSERTs with their feed rows, no push logic) in ${Math.round(performance.now() - t)} ms`,
      );
      // A province's data at rest has been vacuumed: without this the first reads of the fresh
      // rows set their hint bits and autovacuum starts mid-measurement (both load the machine
      // the endpoint shares, and the figures jump).
      const tv = performance.now();
      await q.exec('VACUUM (ANALYZE) applications, hall_feed, halls');
      log(`[fleet] VACUUM ANALYZE after the seed: ${Math.round(performance.now() - tv)} ms`);
    };
    if (dataDir) {
      const sdb = await openDb({ dataDir });
      await runMigrations(sdb);
      await seed(sdb);
      await sdb.close();
      endpoints.push(await startEndpoint(SERVER_DIR, endpointEnv));
    } else {
      // The endpoint runs its own migrations (also those of --server-dir), then the seed.
      endpoints.push(await startEndpoint(SERVER_DIR, endpointEnv));
      const sdb = await openDb({ databaseUrl: fresh.url!, maxConnections: 2 });
      await seed(sdb);
      await sdb.exec('ANALYZE');
      await sdb.close();
      for (let i = 1; i < PROCESSES; i++)
        endpoints.push(await startEndpoint(SERVER_DIR, endpointEnv));
    }
    log(
      `[fleet] ${endpoints.length} endpoint process(es): ${endpoints.map((e) => e.url).join(' ')}`,
    );

    // ------------------------------------------------------------ enrollment
    const template = makeApplication({ hallCode: 'FL01', deskCode: 'D01' });
    const tEnroll = performance.now();
    const enrollOne = async (i: number): Promise<GenDesk> => {
      const hallCode = hallCodes[i % HALLS]!;
      const base = endpoints[i % endpoints.length]!.url;
      const { code } = await admin<{ code: string }>(
        base,
        'POST',
        paths.adminEnrollmentCodes(hallCode),
        {},
      );
      const e = await admin<{
        deviceId: string;
        token: string;
        hallCode: string;
        deskCode?: string;
      }>(base, 'POST', paths.enroll, { code, deviceName: `fleet-${i}` });
      const creds: DeskCreds = { deviceId: e.deviceId, token: e.token, hallCode, endpoint: base };
      return { creds, deskCode: e.deskCode ?? `D${(Math.floor(i / HALLS) + 1) % 100}` };
    };
    for (let i = 0; i < DEVICES; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, DEVICES - i) }, (_, k) => enrollOne(i + k)),
      );
      desks.push(...batch);
    }
    log(`[fleet] enrolled ${DEVICES} devices in ${Math.round(performance.now() - tEnroll)} ms`);

    // ------------------------------------------------------------ CPU per 1,000-record page
    const pullPageCpuMs = await calibratePageCpu(endpoints[0]!, desks, fresh.url ?? null, log);
    if (process.argv.includes('--calibrate-only')) {
      console.log(JSON.stringify({ serverDir: SERVER_DIR, pullPageCpuMs }));
      return;
    }

    // ------------------------------------------------------------ the storm
    // The desks spread over GENERATORS processes, a health probe in one more: each measures its
    // own event-loop delay, the endpoint measures its own (metrics.ts); a latency is the
    // endpoint's only when the generator's loop was not the one that stalled.
    gens = Generators.start(GENERATORS);
    await gens.each((k) => ({
      type: 'init',
      desks: shareOf(DEVICES, GENERATORS, k, HALLS).map((i) => desks[i]!),
      template,
      backlog: 3, // offline over the weekend
    }));
    probe = new Probe();
    const readTcp = () => {
      try {
        return parseTcpExt(fs.readFileSync('/proc/net/netstat', 'utf8'));
      } catch {
        return {};
      }
    };
    const tcp0 = readTcp();
    for (const e of endpoints) await endpointMetrics(e.url, true);
    const cpuStart = endpoints.map((e) => cpuMs(e.child.pid!));
    // Who has the CPU while the desks start (the first STORM_MS): the endpoint, the generators,
    // a local PostgreSQL, and how busy the machine's cores are. Latencies in that window are
    // scheduling as much as work when the cores are saturated.
    const sides = () =>
      cpuSnapshot(
        endpoints.map((e) => e.child.pid!),
        [...gens!.pids, ...(probe?.pid ? [probe.pid] : [])],
      );
    const storm0 = sides();
    let stormCpu: (ReturnType<typeof cpuBetween> & { endpointLoopThread?: unknown }) | null = null;
    const stormTimer = setTimeout(() => {
      const cpu = cpuBetween(storm0, sides());
      // The endpoint's loop thread: its CPU, and how long it was ready but waited for a core.
      void endpointMetrics(endpoints[0]!.url).then((m) => {
        stormCpu = { ...cpu, endpointLoopThread: m.loopThread ?? null };
        log(`[fleet] CPU in the first ${STORM_MS / 1000} s: ${JSON.stringify(stormCpu)}`);
      });
    }, STORM_MS + 300);
    // A common start on the wall clock, a moment ahead so that every generator has it.
    const t0 = Date.now() + 300;
    const stopAt = t0 + SECONDS * 1000;
    log(
      `[fleet] ${DEVICES} desks start now (first round jittered over ${FIRST_JITTER_MS} ms) over ${GENERATORS} generator process(es), for ${SECONDS} s`,
    );
    probe.start(endpoints[0]!.url);
    const loads: number[] = [];
    const progress = setInterval(() => {
      loads.push(os.loadavg()[0]!);
      void Promise.all([gens!.progress(), ...endpoints.map((e) => endpointMetrics(e.url))]).then(
        ([ps, ...ms]) => {
          const p = ps as GenProgress[];
          const sum = (f: (x: GenProgress) => number) => p.reduce((n, x) => n + f(x), 0);
          const genLoop = Math.max(...p.map((x) => x.loop.p99Ms));
          const genMax = Math.max(...p.map((x) => x.loop.maxMs));
          const ep = (ms as EndpointMetrics[])
            .map((m) => `${m.eventLoop.p99Ms}/${m.eventLoop.maxMs}`)
            .join(' ');
          log(
            `[fleet] t=${Math.round((Date.now() - t0) / 1000)} s: ${sum((x) => x.done)}/${DEVICES} desks have their hall; pulls ${sum((x) => x.pulls)}, pushes ${sum((x) => x.pushes)}, 429 ${sum((x) => x.status429)}, timeouts ${sum((x) => x.timeouts)}, 5xx ${sum((x) => x.errors5xx)}; loop delay p99/max ms: generators ${genLoop}/${genMax} (last 10 s), endpoint ${ep} (since start); load ${os.loadavg()[0]!.toFixed(1)}`,
          );
        },
        (e: unknown) => console.error('[fleet] progress:', e),
      );
    }, 10_000);
    await gens.each(() => ({
      type: 'run',
      t0,
      stopAt,
      firstJitterMs: FIRST_JITTER_MS,
      intervalMs: INTERVAL_MS,
      acceptEveryMs: ACCEPT_EVERY_MS,
    }));
    clearInterval(progress);
    clearTimeout(stormTimer);
    // Set by the timer (TypeScript cannot see the assignment inside the callback).
    const storm = stormCpu as ReturnType<typeof cpuBetween> | null;
    const runMs = Date.now() - t0;
    const cpuRun = endpoints.map((e, i) => Math.round(cpuMs(e.child.pid!) - cpuStart[i]!));
    const epMetrics = await Promise.all(endpoints.map((e) => endpointMetrics(e.url)));
    const probed = await probe.stop();
    const tcp = tcpDelta(tcp0, readTcp());
    loads.push(os.loadavg()[0]!);

    // ------------------------------------------------------------ drain, then verification
    const tDrain = performance.now();
    const drainDeadline = Date.now() + 240_000;
    const drainPass = async () =>
      (await gens!.each<{ ok: number }>(() => ({ type: 'drain', deadline: drainDeadline }))).reduce(
        (n, r) => n + r.ok,
        0,
      );
    let drained = await drainPass();
    // Desks drained early have not seen what desks drained after them pushed: one more pull
    // round for everyone once every outbox is empty.
    drained = Math.min(drained, await drainPass());
    log(
      `[fleet] drain: ${drained}/${DEVICES} desks synced (and pulled again after the others) in ${Math.round(performance.now() - tDrain)} ms`,
    );
    const { reports, desks: deskReports } = await gens.report();
    const stats = mergeReports(reports);
    for (const e of endpoints) await e.stop();
    endpoints.length = 0;

    const vdb: Db = fresh.url
      ? await openDb({ databaseUrl: fresh.url })
      : await openDb({ dataDir: dataDir! });
    let exactlyOnce = drained === DEVICES;
    let viewsComplete = drained === DEVICES;
    try {
      // Every acknowledged change once in `changes`, nothing else of the bench's devices there,
      // and its application stored once in its hall.
      const ch = await vdb.query<{
        device_id: string;
        change_id: string;
        entity_id: string;
        hall: string;
      }>(
        `SELECT c.device_id, c.change_id, c.entity_id, h.code AS hall
           FROM changes c JOIN halls h ON h.id = c.hall_id`,
      );
      const byChange = new Map<
        string,
        { device: string; entity: string; hall: string; n: number }
      >();
      for (const r of ch.rows) {
        const e = byChange.get(r.change_id);
        if (e) e.n++;
        else
          byChange.set(r.change_id, {
            device: r.device_id,
            entity: r.entity_id,
            hall: r.hall,
            n: 1,
          });
      }
      let acked = 0;
      for (const d of deskReports) {
        for (const [changeId, appId] of d.acked) {
          acked++;
          const e = byChange.get(changeId);
          if (
            !e ||
            e.n !== 1 ||
            e.device !== d.deviceId ||
            e.entity !== appId ||
            e.hall !== d.hallCode
          ) {
            exactlyOnce = false;
          }
        }
      }
      if (byChange.size !== acked) exactlyOnce = false;
      const apps = await vdb.query<{ hall: string; id: string; v: number }>(
        `SELECT h.code AS hall, a.id, a.server_version AS v FROM applications a JOIN halls h ON h.id = a.hall_id`,
      );
      if (apps.rows.length !== APPS - (APPS % HALLS) + acked) exactlyOnce = false;
      const byHall = new Map<string, Array<[string, number]>>();
      for (const r of apps.rows) {
        if (!byHall.has(r.hall)) byHall.set(r.hall, []);
        byHall.get(r.hall)!.push([r.id, r.v]);
      }
      // Each desk's view came back as a digest (fleetStats.ts): equal digests, equal sets.
      const hallDigest = new Map([...byHall].map(([h, list]) => [h, viewDigest(list)]));
      let incompleteViews = 0;
      for (const d of deskReports) {
        const want = hallDigest.get(d.hallCode) ?? viewDigest([]);
        if (d.viewSize !== (byHall.get(d.hallCode)?.length ?? 0) || d.viewDigest !== want)
          incompleteViews++;
      }
      if (incompleteViews > 0 || deskReports.length !== DEVICES) viewsComplete = false;
      log(
        `[fleet] verification: ${acked} acknowledged changes, ${byChange.size} in the database, ${apps.rows.length} applications; ${incompleteViews} desk views differ from their hall`,
      );
    } finally {
      await vdb.close();
    }

    // ------------------------------------------------------------ figures
    const firstPulls = deskReports.map((d) => d.firstPullDoneMs ?? Number.POSITIVE_INFINITY);
    const firstPullAllMs = firstPulls.every(Number.isFinite)
      ? Math.round(Math.max(...firstPulls))
      : -1;
    const firstPullP50Ms = pct(firstPulls.filter(Number.isFinite), 50);
    // Steady state: once every desk holds its hall, desks pull from their checkpoint every few
    // seconds. Measured over the pulls STARTED after the last desk's first full pull, during the
    // run; with too few of them (the storm never ended) the figure is null, not a made-up 0.
    const steady = stats.pull
      .filter(([t]) => firstPullAllMs >= 0 && t > firstPullAllMs)
      .map(([, ms]) => ms);
    const steadyPullP99Ms = steady.length >= 20 ? pct(steady, 99) : null;
    if (steadyPullP99Ms === null)
      console.error(
        `[fleet] WARNING: no steady state measured (${steady.length} pulls started after the last desk had its hall)`,
      );
    // Pulls of desks that already held their hall, while others may still be in their first
    // pull (information: the steady load as the storm's tail sees it).
    const deskSteady = stats.pull.filter(([, , s]) => s).map(([, ms]) => ms);
    const refusedPushes = Object.entries(stats.refused)
      .filter(([k]) => k.startsWith('push_'))
      .reduce((n, [, v]) => n + v, 0);
    // The bench fails loudly when what it measures is not what a desk does: pushes refused, no
    // change acknowledged, a change lost or stored twice, a desk's view incomplete.
    const problems: string[] = [];
    if (refusedPushes > 0)
      problems.push(`${refusedPushes} pushed changes refused: ${JSON.stringify(stats.refused)}`);
    if (stats.pushedChanges === 0) problems.push('no change was acknowledged');
    if (!exactlyOnce) problems.push('exactlyOnce is false');
    if (!viewsComplete) problems.push('viewsComplete is false');
    for (const p of problems) console.error(`[fleet] FAILED: ${p}`);
    failed = problems.length > 0;
    const worst = (f: (m: EndpointMetrics) => number) => Math.max(...epMetrics.map(f));
    const loadAvg = Math.round((loads.reduce((a, b) => a + b, 0) / loads.length) * 10) / 10;
    // When the health tail happens: the probe's worst answer in each of the run's first seconds.
    const probeWorst = new Map<number, [number, number]>();
    for (const [t, ms, fr] of probed.timeline) {
      const sec = Math.floor(t / 1000);
      if (sec >= 20) continue;
      const w = probeWorst.get(sec) ?? [0, 0];
      w[fr] = Math.max(w[fr]!, Math.round(ms));
      probeWorst.set(sec, w);
    }
    log(
      `[fleet] probe's worst /health per second of the first 20 s [kept-alive ms, fresh ms]: ${JSON.stringify([...probeWorst].sort((a, b) => a[0] - b[0]).map(([, w]) => w))}`,
    );
    if (probed.slow.length > 0)
      log(
        `[fleet] probe answers over 1 s [s into the run, ms, connected after ms (-1 kept alive), first byte after ms]: ${JSON.stringify(probed.slow.slice(0, 20).map(([t, ...rest]) => [Math.round(t / 100) / 10, ...rest]))}`,
      );
    log(
      `[fleet] detail: ${JSON.stringify({
        processes: PROCESSES,
        generators: GENERATORS,
        db: fresh.url ? 'postgres' : 'pglite',
        runMs: Math.round(runMs),
        requests: {
          pulls: stats.pull.length,
          pushes: stats.push.length,
          health: stats.health.length,
        },
        pushedChanges: stats.pushedChanges,
        status429: stats.status429,
        networkErrors: stats.networkErrors,
        refused: stats.refused,
        steadyPulls: steady.length,
        steadyDeskPulls: deskSteady.length,
        steadyDeskPullP99Ms: pct(deskSteady, 99),
        firstRefusal: stats.firstRefusal,
        pullP50Ms: pct(
          stats.pull.map(([, ms]) => ms),
          50,
        ),
        pullP99Ms: pct(
          stats.pull.map(([, ms]) => ms),
          99,
        ),
        pushP50Ms: pct(stats.push, 50),
        healthP50Ms: pct(stats.health, 50),
        // Each desk's first health check opens a new connection (the accept and the first read
        // wait for event-loop turns); the others reuse one.
        healthFresh: stats.healthFresh.length,
        healthFreshP50Ms: pct(stats.healthFresh, 50),
        healthFreshP99Ms: pct(stats.healthFresh, 99),
        healthMaxMs: pct(stats.health, 100),
        // New TCP connections of the desks: ≥ 1 s is a dropped SYN sent again.
        connects: stats.connect.length,
        connectP99Ms: pct(stats.connect, 99),
        connectsOver1s: stats.connect.filter((x) => x >= 1_000).length,
        tcp, // kernel counters over the run (the whole network namespace, not only the bench)
        probe: {
          keepAliveP50Ms: pct(probed.keepAlive, 50),
          keepAliveP99Ms: pct(probed.keepAlive, 99),
          keepAliveMaxMs: pct(probed.keepAlive, 100),
          freshP99Ms: pct(probed.fresh, 99),
          freshMaxMs: pct(probed.fresh, 100),
          failures: probed.failures,
          loop: probed.loop,
        },
        generatorLoops: stats.loops,
        generatorCpuMs: stats.cpuMs,
        endpoints: epMetrics,
        endpointCpuMsDuringRun: cpuRun,
        // Generators include the probe; PostgreSQL only when it runs on this machine.
        stormCpu: storm ? { windowMs: STORM_MS, ...storm } : null,
        loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
        cores: os.cpus().length,
      })}`,
    );
    console.log(
      JSON.stringify({
        devices: DEVICES,
        halls: HALLS,
        applications: APPS,
        firstPullAllMs,
        firstPullP50Ms,
        timeouts: stats.timeouts,
        errors5xx: stats.errors5xx,
        pullPageCpuMs,
        pushP99Ms: pct(stats.push, 99),
        healthP99Ms: pct(stats.health, 99),
        steadyPullP99Ms,
        exactlyOnce,
        viewsComplete,
        ok: problems.length === 0,
        // Which side stalled: the worst generator's and the endpoint's event-loop delay (ms),
        // /health from a separate idle process, the machine's mean 1-minute load during the run.
        probeHealthP99Ms: pct(probed.keepAlive, 99),
        generatorLoopP99Ms: stats.loop.p99Ms,
        generatorLoopMaxMs: stats.loop.maxMs,
        endpointLoopP99Ms: worst((m) => m.eventLoop.p99Ms),
        endpointLoopMaxMs: worst((m) => m.eventLoop.maxMs),
        loadAvg,
        firstJitterMs: FIRST_JITTER_MS,
        healthKeptP99Ms: pct(stats.healthKept, 99),
        healthFreshP99Ms: pct(stats.healthFresh, 99),
      }),
    );
  } finally {
    probe?.close();
    await gens?.close();
    for (const e of endpoints) await e.stop().catch(() => undefined);
    if (fresh.url && process.argv.includes('--keep-db')) log(`[fleet] database kept: ${fresh.url}`);
    else if (fresh.url) await fresh.drop().catch((e: unknown) => console.error('[fleet] drop:', e));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
}

/** Set when the run's own checks failed: the process then exits 1 after printing its figures. */
let failed = false;

main().then(
  () => process.exit(failed ? 1 : 0),
  (err: unknown) => {
    console.error('[fleet] failed:', err);
    process.exit(1);
  },
);
