// `npm run bench:township`: a township outlet after days offline (issue 17). The desk's real
// engine and store (Node, fake-indexeddb) with 60 applications and 120 incompressible scans of
// 150–400 KB, against a real centre (its own child process) through the shaping proxy at
// 512 kbit/s up, 1 Mbit/s down, 200 ms round trip. Three runs in parallel, each with its own
// centre and link (they wait on the link, not on the CPU): clean, a reset-drop of every
// connection every 60 s, and a silent drop (every open connection black-holed) every 60 s.
// During each run a new application is submitted every 30 s; its time to the centre is
// measured. The last line printed is one JSON object.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { setActiveDb } from '../renderer/src/db/db';
import { addAttachment } from '../renderer/src/db/repo';
import { createDexieSyncStore } from '../renderer/src/sync/store';
import { paths, type PullChange } from '../shared/protocol';
import { seededRandom, startFaultProxy } from '../tests/support/faultProxy';
import { pgliteDataDir, startCentralChild } from '../tests/support/syncCentral';
import { createTestDesk, makeApplication, saveWithOutbox } from '../tests/support/syncDesk';
import { TownshipTrace, type TraceFigures } from './support/townshipTrace';

const APPS = Number(process.env.TOWNSHIP_APPS ?? 60);
const SCANS_PER_APP = 2;
const KBPS_UP = 512;
const KBPS_DOWN = 1_000;
const RTT_MS = 200;
const NEW_APP_EVERY_MS = 30_000;
const DROP_EVERY_MS = 60_000;
const BACKLOG_SEED = 17;

type Mode = 'clean' | 'drops' | 'silent';

interface RunFigures {
  mode: Mode;
  scanBytes: number;
  wallMs: number;
  floorMs: number;
  newApps: number;
  newAppToCentreP95Ms: number;
  newAppToCentreMaxMs: number;
  stallMaxMs: number;
  resentPct: number;
  drops: number;
  bytesUp: number;
  requests: number;
  ok: boolean;
  problems: string[];
  /** Where the link's time went (bench/support/townshipTrace.ts). */
  trace: TraceFigures;
}

const log = (...a: unknown[]) => console.log(...a);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

async function run(mode: Mode, seed: number): Promise<RunFigures> {
  const dir = await pgliteDataDir(`bench-township-${mode}`);
  const central = await startCentralChild(dir);
  const proxy = await startFaultProxy({
    target: { port: central.port },
    kbpsUp: KBPS_UP,
    kbpsDown: KBPS_DOWN,
    rttMs: RTT_MS,
    handshake: true,
    seed,
  });
  const hall = `TOWN-${mode.toUpperCase()}`;
  await central.admin.createHall(hall);
  const creds = await central.admin.enrollDesk(hall, `乡镇供电所-${mode}`, proxy.url);
  let t0 = performance.now();
  const tracer = new TownshipTrace(mode, () => t0, process.env.TOWNSHIP_TRACE === mode);
  // The engine as the app runs it: real back-off, stall time and intervals from the config.
  const desk = createTestDesk(creds, {
    fetch: tracer.fetch,
    backoffBaseMs: 1_000,
    backoffCapMs: 300_000,
    firstRoundJitterMs: 0,
  });
  const problems: string[] = [];
  try {
    // The backlog, saved while offline: applications and their scans.
    // The same backlog (sizes) in every run, so the three walls share one floor.
    const rnd = seededRandom(BACKLOG_SEED);
    const backlog: { id: string; scans: { id: string; sha256: string; size: number }[] }[] = [];
    let scanBytes = 0;
    for (let i = 0; i < APPS; i++) {
      const app = makeApplication(hall, 'D1');
      await saveWithOutbox(desk.db, app);
      const scans = [];
      for (let k = 0; k < SCANS_PER_APP; k++) {
        const size = Math.floor(150 * 1024 + rnd() * 250 * 1024);
        const bytes = randomBytes(size);
        setActiveDb(desk.db);
        const meta = await addAttachment(
          {
            applicationId: app.id,
            documentCode: k === 0 ? 'id_card' : 'property_cert',
            fileName: `扫描件-${i}-${k}.jpg`,
            mimeType: 'image/jpeg',
          },
          new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }),
        );
        scans.push({ id: meta.id, sha256: meta.sha256, size });
        scanBytes += size;
      }
      backlog.push({ id: app.id, scans });
    }
    const floorMs = Math.round((scanBytes * 8) / KBPS_UP);
    proxy.resetStats();

    // Progress: every change of the bytes the centre acknowledged.
    t0 = performance.now();
    tracer.startSampling(() => desk.engine.status.getState().uploadsWaiting > 0);
    let lastProgress = t0;
    let stallMaxMs = 0;
    let lastBytes = -1;
    let lastFiles = -1;
    const trace = process.env.TOWNSHIP_TRACE === mode;
    let lastState = '';
    const unsubscribe = desk.engine.status.subscribe((s) => {
      const u = s.uploads;
      const st = `${s.phase}/${s.lastErrorCode ?? '-'}/${u.state}/${s.pending}`;
      if (trace && st !== lastState) {
        lastState = st;
        log(
          `  [${mode} ${Math.round(performance.now() - t0)} ms] ${st} files ${u.filesDone}/${u.filesTotal} bytes ${u.bytesDone}`,
        );
      }
      if (u.bytesDone !== lastBytes || u.filesDone !== lastFiles) {
        const now = performance.now();
        if (trace && now - lastProgress > 5_000) {
          log(
            `  [${mode} ${Math.round(now - t0)} ms] no progress for ${Math.round(now - lastProgress)} ms`,
          );
        }
        stallMaxMs = Math.max(stallMaxMs, now - lastProgress);
        lastProgress = now;
        lastBytes = u.bytesDone;
        lastFiles = u.filesDone;
      }
    });
    desk.engine.start();

    // New applications every 30 s, each watched until the centre has it (asked directly).
    const latencies: number[] = [];
    const newIds: string[] = [];
    const watching = new Set<Promise<void>>();
    let stop = false;
    const submitter = (async () => {
      for (let n = 1; !stop; n++) {
        const due = t0 + n * NEW_APP_EVERY_MS;
        while (!stop && performance.now() < due) await sleep(200);
        if (stop) break;
        const app = makeApplication(hall, 'D1');
        await saveWithOutbox(desk.db, app);
        // What the app's runtime does for a new outbox row (runtime.ts).
        desk.engine.requestSoon(2_000);
        const at = performance.now();
        newIds.push(app.id);
        const w = (async () => {
          for (;;) {
            const there = await central.admin.application(app.id).then(
              () => true,
              () => false,
            );
            if (there) {
              latencies.push(performance.now() - at);
              return;
            }
            await sleep(250);
          }
        })();
        watching.add(w);
        void w.finally(() => watching.delete(w));
      }
    })();
    let drops = 0;
    const dropper =
      mode === 'clean'
        ? null
        : setInterval(() => {
            drops += 1;
            tracer.dropped();
            if (mode === 'drops') proxy.cutAll();
            else proxy.blackholeAll();
          }, DROP_EVERY_MS);

    // Done when every scan of the backlog is at the centre and nothing waits.
    const limit = t0 + 4 * floorMs;
    let wallMs = 0;
    const store = createDexieSyncStore(desk.db);
    for (;;) {
      const c = await store.counts();
      // The upload queue fills when the first round's push is acknowledged.
      const pushed = desk.engine.status.getState().lastSuccessAt !== null;
      if (pushed && c.uploads === 0 && c.pending === 0) {
        wallMs = lastProgress - t0;
        break;
      }
      if (performance.now() > limit) {
        problems.push(`not finished after ${Math.round(limit - t0)} ms`);
        wallMs = performance.now() - t0;
        break;
      }
      await sleep(250);
    }
    if (dropper) clearInterval(dropper);
    stop = true;
    await submitter;
    await Promise.race([Promise.all([...watching]), sleep(60_000)]);
    unsubscribe();
    desk.engine.stop();

    // Verification against the centre: every application once, every attachment once, whole,
    // with its hash (a full pull as a fresh device of the hall sees, then the bytes).
    const changes: PullChange[] = [];
    let checkpoint: string | undefined;
    for (;;) {
      const q = new URLSearchParams({ limit: '1000' });
      if (checkpoint) q.set('checkpoint', checkpoint);
      const res = await fetch(`${central.url}${paths.pull}?${q.toString()}`, {
        headers: { authorization: `Bearer ${creds.token}` },
      });
      const page = (await res.json()) as {
        changes: PullChange[];
        checkpoint: string;
        hasMore: boolean;
      };
      changes.push(...page.changes);
      if (!page.hasMore || page.checkpoint === checkpoint) break;
      checkpoint = page.checkpoint;
    }
    const appIds = changes.filter((c) => c.kind === 'application').map((c) => c.record.id);
    const attIds = changes.filter((c) => c.kind === 'attachment').map((c) => c.record.id);
    const expectedApps = [...backlog.map((b) => b.id), ...newIds];
    if (new Set(appIds).size !== appIds.length) problems.push('an application twice');
    if (appIds.length !== expectedApps.length) {
      problems.push(`applications at the centre ${appIds.length} ≠ ${expectedApps.length}`);
    }
    const expectedScans = backlog.flatMap((b) => b.scans);
    if (new Set(attIds).size !== attIds.length) problems.push('an attachment twice');
    if (attIds.length !== expectedScans.length) {
      problems.push(`attachments at the centre ${attIds.length} ≠ ${expectedScans.length}`);
    }
    for (const scan of expectedScans) {
      const res = await fetch(`${central.url}${paths.attachment(scan.sha256)}/content`, {
        headers: { authorization: `Bearer ${creds.token}` },
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (!res.ok || sha !== scan.sha256 || bytes.length !== scan.size) {
        problems.push(`scan ${scan.id} missing or wrong at the centre`);
        break;
      }
    }
    if (latencies.length !== newIds.length) problems.push('a new application never arrived');
    latencies.sort((a, b) => a - b);
    const resentPct = ((desk.engine.uploader.sentBytes - scanBytes) / scanBytes) * 100;
    return {
      mode,
      scanBytes,
      wallMs: Math.round(wallMs),
      floorMs,
      newApps: newIds.length,
      newAppToCentreP95Ms: Math.round(percentile(latencies, 95)),
      newAppToCentreMaxMs: Math.round(latencies.at(-1) ?? 0),
      stallMaxMs: Math.round(stallMaxMs),
      resentPct: Math.round(resentPct * 10) / 10,
      drops,
      bytesUp: proxy.stats.bytesUp,
      requests: proxy.stats.requests,
      ok: problems.length === 0,
      problems,
      trace: tracer.figures(),
    };
  } finally {
    await desk.close();
    await proxy.close();
    await central.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function main(): Promise<void> {
  const only = process.env.TOWNSHIP_MODES?.split(',') as Mode[] | undefined;
  const modes: Mode[] = only ?? ['clean', 'drops', 'silent'];
  log(
    `bench:township — ${APPS} applications, ${APPS * SCANS_PER_APP} scans of 150–400 KB, ${KBPS_UP}/${KBPS_DOWN} kbit/s, ${RTT_MS} ms; runs: ${modes.join(', ')} (in parallel)`,
  );
  const runs = await Promise.all(modes.map((m, i) => run(m, 17 + i)));
  for (const r of runs) {
    log(
      `${r.mode.padEnd(6)}: wall ${r.wallMs} ms (floor ${r.floorMs} ms, ratio ${(r.wallMs / r.floorMs).toFixed(2)}), ${r.drops} drops, new application → centre p95 ${r.newAppToCentreP95Ms} ms (max ${r.newAppToCentreMaxMs}, ${r.newApps} apps), longest stall ${r.stallMaxMs} ms, resent ${r.resentPct}%, up ${r.bytesUp} B in ${r.requests} requests${r.ok ? '' : `; PROBLEMS: ${r.problems.join('; ')}`}`,
    );
    log(`  ${r.mode} trace: ${JSON.stringify(r.trace)}`);
  }
  const by = (m: Mode) => runs.find((r) => r.mode === m);
  const clean = by('clean');
  const scanBytes = runs[0]?.scanBytes ?? 0;
  const floorMs = runs[0]?.floorMs ?? 0;
  const township = {
    scansMB: Math.round((scanBytes / 1e6) * 10) / 10,
    // The floor is the scans' bytes alone at the link's rate (HTTP heads, status checks and
    // record traffic are not in it: they are the engine's overhead and count against it).
    floorMs,
    cleanWallMs: clean?.wallMs ?? null,
    dropsWallMs: by('drops')?.wallMs ?? null,
    silentWallMs: by('silent')?.wallMs ?? null,
    newAppToCentreP95Ms: Math.max(...runs.map((r) => r.newAppToCentreP95Ms)),
    stallMaxMs: Math.max(...runs.map((r) => r.stallMaxMs)),
    resentPct: Math.max(...runs.map((r) => r.resentPct)),
    ok: runs.every((r) => r.ok),
  };
  if (runs.some((r) => r.floorMs !== floorMs)) throw new Error('the runs have different floors');
  const targets = {
    clean: township.cleanWallMs === null || township.cleanWallMs <= 1.15 * floorMs,
    drops: township.dropsWallMs === null || township.dropsWallMs <= 1.4 * floorMs,
    silent: township.silentWallMs === null || township.silentWallMs <= 1.4 * floorMs,
    newApp: township.newAppToCentreP95Ms <= 15_000,
    stall: township.stallMaxMs <= 20_000,
    resent: township.resentPct <= 10,
  };
  log(`targets met: ${JSON.stringify(targets)}`);
  console.log(JSON.stringify({ township, runs, targets }));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
