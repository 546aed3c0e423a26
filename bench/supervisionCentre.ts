// bench:supervision — the centre's supervision figures (server/central/supervision.ts, counted in
// SQL) on PostgreSQL: BENCH_HALLS halls (default 100) and BENCH_APPS applications (default
// 2,000,000) over a year, 10 clerks a hall, made in SQL in a fresh database of BENCH_DATABASE_URL
// (or TEST_DATABASE_URL); then a month of one hall and a month of every hall, timed. Last line:
// one JSON object. The bench:centre of the centre-search branch calls the same API. A quicker run
// with a hall's real density: BENCH_HALLS=10 BENCH_APPS=200000 (20,000 a hall, as 2,000,000 / 100).
import pg from 'pg';
import { openDb } from '../server/db/db';
import { runMigrations } from '../server/db/migrations';
import { hallSupervision } from '../server/central/supervision';

const HALLS = Number(process.env.BENCH_HALLS ?? 100);
const APPS = Number(process.env.BENCH_APPS ?? 2_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

function percentile(v: number[], p: number): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  if (!base) throw new Error('set BENCH_DATABASE_URL or TEST_DATABASE_URL (PostgreSQL)');
  const name = `bench_supervision_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString(), maxConnections: 4 });
  try {
    await runMigrations(db);
    await db.query(
      `INSERT INTO halls (code, name) SELECT 'B' || lpad(g::text, 4, '0'), '厅' || g
         FROM generate_series(1, $1) g`,
      [HALLS],
    );
    const seed = new pg.Client({ connectionString: url.toString() });
    await seed.connect();
    const t0 = Date.now();
    // A year back from now; 10 clerks a hall (1 in 20 without a number: 未记录), a few returns,
    // overrides, promised documents and ratings. In slices of 25,000 (one statement each, under the pool's statement timeout).
    const slice = 25_000;
    for (let from = 0; from < APPS; from += slice) {
      // Through the bench's own connection: no pool statement timeout for the bulk inserts.
      await seed.query(
        `INSERT INTO applications (id, hall_id, app_no, status, deadline, accepted_at,
                server_version, record)
         SELECT gen_random_uuid(), h, 'B' || g, st, (at + interval '20 days')::date, at, 1,
                jsonb_build_object(
                  'businessCode', (ARRAY['101','102','201','301','401'])[1 + g % 5],
                  'acceptedByStaffNo', CASE WHEN g % 20 = 0 THEN NULL ELSE 'S' || h || '-' || (g % 10) END,
                  'overriddenWarnings', CASE WHEN g % 37 = 0 THEN '["W1"]'::jsonb ELSE '[]'::jsonb END,
                  'documents', CASE WHEN g % 23 = 0
                    THEN '[{"code":"ID","status":"to_follow","attachmentIds":[]}]'::jsonb
                    ELSE '[{"code":"ID","status":"received","attachmentIds":[]}]'::jsonb END,
                  'history', CASE WHEN g % 29 = 0
                    THEN '[{"from":null,"to":"accepted"},{"from":"construction","to":"accepted","reasonCode":"missing_documents"}]'::jsonb
                    ELSE '[{"from":null,"to":"accepted"}]'::jsonb END,
                  'customerRating', CASE WHEN g % 7 = 0
                    THEN jsonb_build_object('bad', g % 49 = 0, 'reason', '等太久') ELSE NULL END,
                  'customer', jsonb_build_object('name', '客户' || g, 'idNumber', '11010119900101' || lpad((g % 10000)::text, 4, '0'), 'phone', '138' || lpad(g::text, 8, '0')),
                  'padding', repeat('x', 600))
           FROM (SELECT g, 1 + g % $3 AS h,
                        now() - (g % 365) * interval '1 day' - (g % 480) * interval '1 minute' AS at,
                        (ARRAY['accepted','construction','archived'])[1 + g % 3] AS st
                   FROM generate_series($1::int, $2::int) g) s`,
        [from, Math.min(APPS, from + slice) - 1, HALLS],
      );
      console.log(
        `  ${Math.min(APPS, from + slice)} applications (${Math.round((Date.now() - t0) / 1000)} s)`,
      );
    }
    await seed.query('VACUUM ANALYZE applications');
    await seed.end();
    const month = { from: new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10) };
    const time = async (q: { hall?: string; from: string }) => {
      const ms: number[] = [];
      for (let i = 0; i < RUNS + 2; i++) {
        const s = performance.now();
        const r = await hallSupervision(db, q, null);
        if (i >= 2) ms.push(performance.now() - s);
        if (i === 0)
          console.log(
            `  ${q.hall ?? 'every hall'}: ${r.halls.reduce((n, h) => n + h.hall.accepted, 0)} applications counted`,
          );
      }
      return ms;
    };
    const middle = `B${String(Math.ceil(HALLS / 2)).padStart(4, '0')}`;
    const one = await time({ ...month, hall: middle });
    const all = await time(month);
    const result = {
      halls: HALLS,
      applications: APPS,
      supervisionP95Ms: r1(percentile(one, 95)),
      supervisionP50Ms: r1(percentile(one, 50)),
      supervisionAllHallsP95Ms: r1(percentile(all, 95)),
    };
    console.log(
      `  one hall, 30 days: p50 ${result.supervisionP50Ms} ms, p95 ${result.supervisionP95Ms} ms (target ≤ 500); every hall: p95 ${result.supervisionAllHallsP95Ms} ms`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
