// `npm run bench:centre`: the centre's workbench at province scale. Seeds PostgreSQL
// (TEST_DATABASE_URL: a fresh database, dropped afterwards; PGlite when absent, said so in the
// output) with 2,000,000 applications in 100 halls and 5 staff per hall by set-based SQL
// (INSERT … SELECT FROM generate_series, in chunks, with the search indexes dropped during the
// load and rebuilt after), then starts the real endpoint on it and measures through its HTTP API:
//   searchP95Ms       mixed searches (number, serial, name, pinyin initials, ID last 4, phone)
//   overdueListMs     the first page of the overdue list (median of 5)
//   supervisionP95Ms  GET /api/v1/admin/supervision for one hall for one month
// and then, in Chromium, the workbench's list over all of it scrolled down (bench/workbenchScroll.ts:
// rows loaded, rows in the DOM, longest frame gap, long tasks, heap per 10,000 rows).
// Flags: --apps N, --halls N, --searches N, --scroll-rows N (20,000), --scroll-seconds N (60),
// --no-browser. The last line printed is one JSON object.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDb, type Queryable } from '../server/db/db';
import { runMigrations } from '../server/db/migrations';
import { nameInitials } from '../server/central/nameInitials';
import { BACKFILL_KEY } from '../server/central/initialsBackfill';
import { addDays, shanghaiDate } from '../shared/domain/calendar';
import { makeVerifier } from '../shared/staff/password';
import { workbenchPaths } from '../shared/protocol/workbench';
import { makeApplication } from '../tests/unit/domain/factories';
import { freshDatabase } from '../tests/support/postgres';
import { ADMIN_TOKEN, startEndpoint, type Endpoint } from './support/fleetEndpoint';
import { measureWorkbenchScroll } from './workbenchScroll';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}
const APPS = flag('apps', 2_000_000);
const HALLS = flag('halls', 100);
const SEARCHES = flag('searches', 300);
const SCROLL_ROWS = flag('scroll-rows', 20_000);
const SCROLL_SECONDS = flag('scroll-seconds', 60);
const BROWSER = !process.argv.includes('--no-browser');
const STAFF_PER_HALL = 5;
const CHUNK = 50_000;
const log = (...a: unknown[]) => console.log(...a);

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红玲芬燕彬鹏辉波斌宇浩凯健俊帆';
const ROADS = ['人民路', '解放路', '建设路', '中山路', '和平路', '新华街', '幸福路', '胜利路'];

/** 1,000s of distinct names with their pinyin initials (computed here, as push does). */
function namePool(): { names: string[]; initials: string[] } {
  const names: string[] = [];
  for (const s of SURNAMES)
    for (const g of GIVEN) for (const h of ['', '明', '华']) names.push(s + g + h);
  return { names, initials: names.map((n) => nameInitials(n) ?? '') };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0);
}

/**
 * The seed, straight into the tables (this is the bench's setup, not what it measures): each
 * application is the factory's valid record with its own id, number, customer, address, dates,
 * state and clerk. Row g (1…APPS) is in hall g % HALLS, accepted g minutes × 13 before now.
 */
async function seed(q: Pick<Queryable, 'query'>, today: string): Promise<void> {
  const hallCodes = Array.from({ length: HALLS }, (_, i) => `B${String(i + 1).padStart(3, '0')}`);
  await q.query(
    `INSERT INTO halls (code, name) SELECT c, c || ' 营业厅' FROM unnest($1::text[]) c`,
    [hallCodes],
  );
  const verifier = JSON.stringify(await makeVerifier(crypto.randomBytes(12).toString('hex')));
  await q.query(
    `INSERT INTO staff (staff_no, name, hall_id, roles, verifier, must_change)
     SELECT h.code || '-' || s, '员工' || h.code || s, h.id, ARRAY['clerk'], $1::jsonb, false
       FROM halls h, generate_series(1, $2::int) s`,
    [verifier, STAFF_PER_HALL],
  );
  // Indexes other than the primary key are dropped for the load and rebuilt once after.
  const { rows: defs } = await q.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
      WHERE tablename = 'applications' AND indexname <> 'applications_pkey'`,
  );
  for (const d of defs) await q.query(`DROP INDEX ${d.name}`);
  const template = makeApplication({ hallCode: 'B001', deskCode: 'D01' });
  const pool = namePool();
  const t0 = Date.now();
  for (let lo = 1; lo <= APPS; lo += CHUNK) {
    const hi = Math.min(APPS, lo + CHUNK - 1);
    await q.query(
      `WITH x AS (
         SELECT g, h.id AS hall_id, h.code AS hall_code,
                date_trunc('minute', now()) - make_interval(mins => g * 13 % 525600) AS at,
                $3::text[] AS names, $4::text[] AS inis
           FROM generate_series($1::int, $2::int) g
           JOIN halls h ON h.code = 'B' || lpad((g % $5 + 1)::text, 3, '0')
       ), y AS (
         SELECT x.*, (x.at AT TIME ZONE 'Asia/Shanghai')::date AS day,
                1 + g % array_length(names, 1) AS ni,
                CASE WHEN g % 10 < 7 THEN 'archived' WHEN g % 10 < 9 THEN 'accepted'
                     ELSE 'construction' END AS status
           FROM x
       )
       INSERT INTO applications (id, hall_id, app_no, status, deadline, accepted_at,
                                 server_version, record, name_initials)
       SELECT gen_random_uuid(), hall_id,
              hall_code || '-D01-' || to_char(day, 'YYYYMMDD') || '-' || lpad(g::text, 7, '0'),
              status, day + 15, at, 1,
              $6::jsonb || jsonb_build_object(
                'hallCode', hall_code, 'status', status,
                'appNo', hall_code || '-D01-' || to_char(day, 'YYYYMMDD') || '-' || lpad(g::text, 7, '0'),
                'acceptedAt', to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
                'deadline', to_char(day + 15, 'YYYY-MM-DD'),
                'acceptedByStaffNo', hall_code || '-' || (1 + g % ${STAFF_PER_HALL}),
                'address', '某市' || ($7::text[])[1 + g % ${ROADS.length}] || (g % 999) || '号',
                'customer', ($6::jsonb->'customer') || jsonb_build_object(
                  'name', names[ni],
                  'phone', '13' || lpad((g::bigint * 7919 % 1000000000)::text, 9, '0'),
                  'idNumber', '110101198001' || lpad((g % 1000000)::text, 6, '0'),
                  'accountNo', '32' || lpad(g::text, 10, '0'))),
              inis[ni]
         FROM y`,
      [lo, hi, pool.names, pool.initials, HALLS, JSON.stringify(template), ROADS],
    );
    if ((hi / CHUNK) % 4 === 0 || hi === APPS)
      log(`seeded ${hi} applications (${Math.round((Date.now() - t0) / 1000)} s)`);
  }
  for (const d of defs) {
    const t = Date.now();
    await q.query(d.def);
    log(`index ${d.name} rebuilt (${Math.round((Date.now() - t) / 1000)} s)`);
  }
  await q.query('ANALYZE applications');
  // The seed wrote every row's initials (as push does): the endpoint's background backfill of
  // older rows (server/central/initialsBackfill.ts) has nothing to do and must not scan 2M rows
  // while the searches are timed.
  await q.query(
    `INSERT INTO settings (key, value) VALUES ($1, 'done')
     ON CONFLICT (key) DO UPDATE SET value = 'done'`,
    [BACKFILL_KEY],
  );
  void today;
}

async function timed(url: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${url}: ${body.slice(0, 300)}`);
  return performance.now() - t;
}

async function main(): Promise<void> {
  const today = shanghaiDate();
  const fresh = await freshDatabase('centre');
  const database = fresh.url ? 'postgres' : 'pglite';
  let dataDir: string | null = null;
  let endpointEnv: Record<string, string>;
  let sample: Array<{
    app_no: string;
    customer_name: string;
    name_initials: string;
    id_last4: string;
    customer_phone: string;
  }>;
  if (fresh.url) {
    log(`PostgreSQL: ${new URL(fresh.url).pathname.slice(1)}`);
    const db = await openDb({ databaseUrl: fresh.url });
    await runMigrations(db);
    await db.close();
    // The seed on a connection of its own, without the endpoint pool's statement timeout.
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    await client.query('SET statement_timeout = 0');
    await client.query("SET maintenance_work_mem = '256MB'");
    const viaClient: Pick<Queryable, 'query'> = {
      query: async <T>(sql: string, params?: unknown[]) => {
        const r = await client.query(sql, params);
        return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
      },
    };
    await seed(viaClient, today);
    ({ rows: sample } = await client.query(
      `SELECT app_no, customer_name, name_initials, id_last4, customer_phone
         FROM applications TABLESAMPLE SYSTEM (1) LIMIT 200`,
    ));
    await client.end();
    endpointEnv = { DATABASE_URL: fresh.url };
  } else {
    log(`PGlite (no TEST_DATABASE_URL: ${fresh.reason}); the figures are PGlite's`);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-bench-centre-'));
    const db = await openDb({ dataDir });
    await runMigrations(db);
    await seed(db, today);
    ({ rows: sample } = await db.query(
      `SELECT app_no, customer_name, name_initials, id_last4, customer_phone
         FROM applications ORDER BY random() LIMIT 200`,
    ));
    await db.close();
    endpointEnv = { HALLDESK_CENTRAL_DATA: dataDir };
  }
  const hallForSupervision = Array.from(
    { length: Math.min(HALLS, 20) },
    (_, i) => `B${String(1 + ((i * 7) % HALLS)).padStart(3, '0')}`,
  );
  let ep: Endpoint | null = null;
  try {
    // A 2,000,000-row database takes longer to open than the fleet's.
    ep = await startEndpoint(ROOT, endpointEnv, 300_000);
    const base = `${ep.url}${workbenchPaths.applications}`;
    const kinds = [
      (s: (typeof sample)[number]) => s.app_no,
      (s: (typeof sample)[number]) => s.app_no.split('-').slice(-2).join('-'),
      (s: (typeof sample)[number]) => s.customer_name.slice(0, 2),
      (s: (typeof sample)[number]) => s.name_initials.toLowerCase(),
      (s: (typeof sample)[number]) => s.id_last4,
      (s: (typeof sample)[number]) => s.customer_phone,
    ];
    const search = (i: number) => {
      const s = sample[i % sample.length]!;
      const q = kinds[i % kinds.length]!(s);
      return timed(`${base}?${new URLSearchParams({ q, pageSize: '50' })}`);
    };
    for (let i = 0; i < 12; i++) await search(i); // warm-up: connections, plans, caches
    const times: number[] = [];
    for (let i = 0; i < SEARCHES; i++) times.push(await search(i + 12));
    const byKind = kinds.map((_, k) =>
      pct(
        times.filter((_, i) => (i + 12) % kinds.length === k),
        95,
      ),
    );
    log(
      `search p95 by kind (number, serial, name, initials, ID last 4, phone): ${byKind.join(', ')} ms`,
    );

    const overdue: number[] = [];
    for (let i = 0; i < 5; i++) overdue.push(await timed(`${base}?due=overdue&pageSize=50`));
    log(`overdue first page: ${overdue.map(Math.round).join(', ')} ms`);

    const month = today.slice(0, 7);
    const from = `${addDays(`${month}-01`, -1).slice(0, 7)}-01`;
    const to = addDays(`${month}-01`, -1);
    const sup: number[] = [];
    for (const h of hallForSupervision)
      sup.push(
        await timed(
          `${ep.url}/api/v1/admin/supervision?${new URLSearchParams({ hall: h, from, to })}`,
        ),
      );
    log(`supervision ${from}…${to}: ${sup.map(Math.round).join(', ')} ms`);

    const scroll = BROWSER
      ? await measureWorkbenchScroll(ep.url, ADMIN_TOKEN, {
          rows: SCROLL_ROWS,
          budgetMs: SCROLL_SECONDS * 1000,
        })
      : null;
    if (scroll) log(`workbench list scrolled in Chromium: ${JSON.stringify(scroll)}`);

    const out = {
      applications: APPS,
      halls: HALLS,
      searchP95Ms: pct(times, 95),
      overdueListMs: pct(overdue, 50),
      supervisionP95Ms: pct(sup, 95),
      ...(scroll ?? {}),
      database,
      loadavg1: Number(os.loadavg()[0]!.toFixed(1)),
    };
    console.log(JSON.stringify(out));
  } finally {
    await ep?.stop();
    await fresh.drop?.();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
