// bench:fleet's CPU per uncached 1,000-record page (`pullPageCpuMs`): pages pulled one at a time
// from a quiet endpoint, its CPU (the scheduler's run time of all its threads) divided by the
// pages. Distinct checkpoints, so neither the page cache nor single-flight helps.
import { openDb } from '../../server/db/db';
import { paths } from '../../shared/protocol';
import {
  cpuSplitMs,
  endpointMetrics,
  runMs as processRunMs,
  waitQuiet,
  type Endpoint,
} from './fleetEndpoint';
import type { GenDesk } from './fleetGen';

/**
 * The machine is first let settle (a CHECKPOINT writes back what the seed left in PostgreSQL's
 * buffers; then until it is nearly idle), and the first pages only warm the code up.
 * `databaseUrl` null: PGlite (no CHECKPOINT from outside the endpoint).
 */
export async function calibratePageCpu(
  endpoint: Endpoint,
  desks: GenDesk[],
  databaseUrl: string | null,
  log: (...a: unknown[]) => void,
): Promise<number> {
  if (databaseUrl) {
    const q = await openDb({ databaseUrl, maxConnections: 1 });
    await q.exec('CHECKPOINT');
    await q.close();
  }
  const quietPct = await waitQuiet();
  const cal = desks.slice(0, Math.min(20, desks.length));
  // A desk's pages after its first carry no configuration (its checkpoint holds the current
  // configuration version): so do these, else every page would carry the whole catalogue.
  const first = await fetch(`${cal[0]!.creds.endpoint}${paths.pull}?limit=1`, {
    headers: { authorization: `Bearer ${cal[0]!.creds.token}` },
  });
  const cfg = /"checkpoint":"v1\.\d+\.(\d+)"/.exec(await first.text())?.[1] ?? '0';
  const pagePull = async (d: GenDesk, k: number) => {
    const res = await fetch(
      `${d.creds.endpoint}${paths.pull}?limit=1000&checkpoint=v1.${k}.${cfg}`,
      {
        headers: {
          authorization: `Bearer ${d.creds.token}`,
          'accept-encoding': 'gzip, deflate, br',
        },
      },
    );
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`calibration pull → ${res.status}`);
  };
  for (let k = 0; k < 30; k++) await pagePull(cal[k % cal.length]!, 500 + k);
  const pid = endpoint.child.pid!;
  // Eight batches of ten pages; the figure is the median batch (a shared machine makes single
  // batches jump: other processes' bursts inflate CPU time through caches and a busy sibling
  // core). User and system time come from /proc's ticks, for their split only.
  const BATCHES = 8;
  const PER_BATCH = 10;
  const calDesks = desks.filter((x) => x.creds.endpoint === endpoint.url).slice(0, 20);
  const batches: Array<{ ms: number; user: number; sys: number }> = [];
  for (let b = 0; b < BATCHES; b++) {
    const r0 = processRunMs(pid);
    const c0 = cpuSplitMs(pid);
    for (let k = 0; k < PER_BATCH; k++) {
      const i = b * PER_BATCH + k;
      await pagePull(calDesks[i % calDesks.length]!, 7 + i * 13);
    }
    const c1 = cpuSplitMs(pid);
    batches.push({
      ms: (processRunMs(pid) - r0) / PER_BATCH,
      user: (c1.user - c0.user) / PER_BATCH,
      sys: (c1.sys - c0.sys) / PER_BATCH,
    });
  }
  batches.sort((x, y) => x.ms - y.ms);
  const after = await endpointMetrics(endpoint.url);
  if (after.memory) {
    log(
      `[fleet] endpoint after calibration: memory ${JSON.stringify(after.memory)}, GC since start ${JSON.stringify(after.gc)}`,
    );
  }
  const mid = (batches[BATCHES / 2 - 1]!.ms + batches[BATCHES / 2]!.ms) / 2;
  const pullPageCpuMs = Math.round(mid * 10) / 10;
  const split = batches.reduce((a, x) => ({ user: a.user + x.user, sys: a.sys + x.sys }), {
    user: 0,
    sys: 0,
  });
  log(
    `[fleet] endpoint CPU per uncached 1,000-record page: ${pullPageCpuMs} ms (median of ${BATCHES} batches of ${PER_BATCH}: ${batches.map((x) => x.ms.toFixed(1)).join(' ')}; user/system ${(split.user / BATCHES).toFixed(1)}/${(split.sys / BATCHES).toFixed(1)} by ticks; machine ${quietPct} % busy before)`,
  );
  return pullPageCpuMs;
}
