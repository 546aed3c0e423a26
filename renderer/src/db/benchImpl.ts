// Benchmark driver run inside the page (loaded by benchHook.ts only with ?bench=1): seeds
// synthetic applications into the real store and times the real repo functions.
import { makeApplicationNo } from '../../../shared/domain/appNumber';
import { defaultCatalogue } from '../../../shared/domain/catalogue';
import { Application } from '../../../shared/domain/model';
import { activeDb, DEFAULT_DB_NAME, HallDeskDB, type StoredApplication } from './db';
import { deriveApplicationKeys } from './keys';
import { openDatabase } from './open';
import * as repo from './repo';
import type { SearchKind } from './search';
import { Dexie } from 'dexie';
import { makeVerifier } from '../../../shared/staff/password';
import { applyDirectory, signIn } from '../staff/local';
import { deskSupervision } from '../staff/supervisionData';

declare global {
  interface Window {
    __halldeskBench?: BenchApi;
  }
}

export interface SeedSamples {
  idLast4: string[];
  phones: string[];
  namePrefixes: string[];
  appNos: string[];
}

export interface BenchApi {
  /** Resolves once the store is open (the app's connection, or our own). */
  ready(): Promise<{ dbName: string; count: number }>;
  /**
   * Adds synthetic applications `from`..`to` (default all) of a run of `n` (batches of `batch`,
   * one transaction each); returns samples to search for.
   */
  seed(
    n: number,
    batch?: number,
    from?: number,
    to?: number,
  ): Promise<{ ms: number; count: number; samples: SeedSamples }>;
  /** Submits one new application through repo.submitApplication (strict); returns its time. */
  submitOne(): Promise<number>;
  /** One search through repo.searchApplications; returns its time and what it found. */
  search(kind: SearchKind, q: string): Promise<{ ms: number; rows: number; total: number | null }>;
  /** The list's first page (newest 50) through the repo. */
  firstPage(): Promise<{ ms: number; rows: number }>;
  count(): Promise<number>;
  heapMB(): number | null;
  /** What the desk's start-up costs the store: a new connection opened, then the first page. */
  openTiming(): Promise<{ openMs: number; firstPageMs: number }>;
  /** The supervision figures of the last `days` days (staff/supervisionData.ts), timed. */
  supervision(days: number): Promise<{ ms: number; clerks: number; accepted: number }>;
  /**
   * Offline sign-ins (staff/local.ts signIn, the configured slow hash) against a directory in a
   * separate database (the bench's desk stays without staff); the time of each.
   */
  signIns(n: number): Promise<number[]>;
}

/** Deterministic PRNG (mulberry32) so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Common surnames, most frequent first (a skewed pick below mimics the real distribution).
const SURNAMES = Array.from(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
);
const GIVEN = Array.from(
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞建国志文斌宇浩凯俊峰波辉健晨雪梅琳婷欣怡子涵轩博然思雨佳琪嘉鑫宏亮',
);
const REGIONS = [
  '110101',
  '110105',
  '320102',
  '320106',
  '320205',
  '320505',
  '330106',
  '440305',
  '510104',
  '420106',
];
const CITIES = [
  '南京市鼓楼区',
  '南京市玄武区',
  '苏州市姑苏区',
  '无锡市梁溪区',
  '常州市天宁区',
  '扬州市广陵区',
];
const ROADS = [
  '中山路',
  '北京东路',
  '人民路',
  '解放路',
  '建设路',
  '长江路',
  '新华路',
  '文昌路',
  '湖滨路',
  '汉中路',
];
const MOBILE = [
  '133',
  '135',
  '136',
  '138',
  '139',
  '150',
  '151',
  '152',
  '158',
  '159',
  '177',
  '180',
  '186',
  '187',
  '188',
  '189',
  '199',
];
const STATUSES = ['accepted', 'site_survey', 'scheme_reply', 'meter_install', 'archived'];

function gbCheck(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * w[i]!;
  return '10X98765432'[sum % 11]!;
}

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function digits(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
  return s;
}

const DAY_MS = 86_400_000;
const HALL = 'H0101';
const BUSINESS_CODES = defaultCatalogue.types.map((t) => t.code);

/** The i-th synthetic application of a seed run (dates run up to yesterday, ~200 per day). */
function synthetic(i: number, n: number, r: () => number, perDay: number): Application {
  const days = Math.ceil(n / perDay);
  const dayIndex = Math.floor(i / perDay);
  const seq = (i % perDay) + 1;
  const today0 = Math.floor((Date.now() + 8 * 3_600_000) / DAY_MS) * DAY_MS - 8 * 3_600_000;
  const dayStart = today0 - (days - dayIndex) * DAY_MS;
  const acceptedMs = dayStart + 8.5 * 3_600_000 + (seq / perDay) * 9 * 3_600_000;
  const acceptedAt = new Date(acceptedMs).toISOString();
  // Skewed surname choice: the first few surnames take a large share, as in real life.
  const sIdx = Math.floor(Math.pow(r(), 2.2) * SURNAMES.length);
  const name = SURNAMES[sIdx]! + pick(r, GIVEN) + (r() < 0.7 ? pick(r, GIVEN) : '');
  const year = 1950 + Math.floor(r() * 56);
  const birth = `${year}${String(1 + Math.floor(r() * 12)).padStart(2, '0')}${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  const body = pick(r, REGIONS) + birth + digits(r, 3);
  const idNumber = body + gbCheck(body);
  const phone = pick(r, MOBILE) + digits(r, 8);
  const age = (Date.now() - acceptedMs) / DAY_MS;
  const status = age > 60 ? 'archived' : pick(r, STATUSES);
  const deadline = new Date(acceptedMs + (5 + Math.floor(r() * 20)) * DAY_MS + 8 * 3_600_000)
    .toISOString()
    .slice(0, 10);
  const app: Application = {
    id: crypto.randomUUID(),
    appNo: makeApplicationNo({ hallCode: HALL, deskCode: 'D09', date: acceptedAt, seq }),
    hallCode: HALL,
    deskCode: 'D09',
    businessCode: BUSINESS_CODES[Math.floor(r() * BUSINESS_CODES.length)] ?? 'LV_NEW',
    customerKind: 'resident',
    customer: {
      name,
      idType: 'resident_id',
      idNumber,
      phone,
      ...(r() < 0.5 ? { accountNo: '32' + digits(r, 8) } : {}),
    },
    address: `${pick(r, CITIES)}${pick(r, ROADS)}${1 + Math.floor(r() * 300)}号`,
    fields: { capacityKw: Math.floor(r() * 50) + 1 },
    documents: [{ code: 'ID_CARD', status: 'received', attachmentIds: [] }],
    commitmentSigned: false,
    acceptedAt,
    acceptedBy: 'bench',
    // 50 clerks (the supervision bench); a few accepted past warnings.
    acceptedByStaffNo: `S${String(i % 50).padStart(3, '0')}`,
    ...(i % 41 === 0 ? { overriddenWarnings: ['W_BENCH'] } : {}),
    deadline,
    status,
    history: [{ from: null, to: 'accepted', at: acceptedAt, actor: 'bench' }],
    updatedAt: acceptedAt,
    serverVersion: status === 'accepted' ? 0 : 1,
  };
  return app;
}

async function ensureDb(): Promise<HallDeskDB> {
  // The app opens the store at start-up; wait briefly for it, else open it ourselves.
  for (let i = 0; i < 60; i++) {
    try {
      return activeDb();
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const r = await openDatabase();
  if (!r.ok) throw new Error(`open failed: ${r.reason} ${r.message}`);
  return r.db;
}

let submitCounter = 0;

export function installBenchHook(): void {
  const api: BenchApi = {
    async ready() {
      const db = await ensureDb();
      return { dbName: db.name, count: await db.applications.count() };
    },

    async seed(n, batch = 1000, from = 0, to = n) {
      const db = await ensureDb();
      // Bulk history is written through a second, relaxed-durability connection: it stands for
      // data that already existed, and this is not what the clerk is told is saved.
      const bulk = new HallDeskDB(db.name || DEFAULT_DB_NAME, { durability: 'relaxed' });
      await bulk.open();
      const r = rng(20261126 + from);
      const perDay = 200;
      const samples: SeedSamples = { idLast4: [], phones: [], namePrefixes: [], appNos: [] };
      const t0 = performance.now();
      const first = synthetic(0, n, rng(1), perDay);
      Application.parse(first); // the synthetic shape must be a valid application
      for (let start = from; start < to; start += batch) {
        const rows: StoredApplication[] = [];
        for (let i = start; i < Math.min(to, start + batch); i++) {
          const app = synthetic(i, n, r, perDay);
          const d = deriveApplicationKeys(app);
          const row: StoredApplication = { ...app, t: d.t, searchKeys: d.searchKeys };
          if (d.openDeadline !== undefined) row.openDeadline = d.openDeadline;
          rows.push(row);
          if (i % 997 === 0) {
            samples.idLast4.push(app.customer.idNumber.slice(-4));
            samples.phones.push(app.customer.phone);
            samples.namePrefixes.push(Array.from(app.customer.name).slice(0, 2).join(''));
            samples.appNos.push(app.appNo);
          }
        }
        await bulk.transaction('rw', bulk.applications, () => bulk.applications.bulkAdd(rows));
      }
      bulk.close();
      return { ms: performance.now() - t0, count: await db.applications.count(), samples };
    },

    async submitOne() {
      await ensureDb();
      submitCounter += 1;
      const base = synthetic(submitCounter, 1, rng(submitCounter * 7919), 1);
      const now = new Date().toISOString();
      const app: Application = {
        ...base,
        id: crypto.randomUUID(),
        deskCode: 'D01',
        acceptedAt: now,
        updatedAt: now,
        status: 'accepted',
        serverVersion: 0,
        history: [{ from: null, to: 'accepted', at: now, actor: 'bench' }],
      };
      const t0 = performance.now();
      await repo.submitApplication(app, {
        assignAppNo: (seq, date) =>
          makeApplicationNo({ hallCode: HALL, deskCode: 'D01', date, seq }),
      });
      return performance.now() - t0;
    },

    async search(kind, q) {
      await ensureDb();
      const t0 = performance.now();
      const res = await repo.searchApplications({ text: q, kind }, {}, { limit: 50 });
      return { ms: performance.now() - t0, rows: res.rows.length, total: res.total ?? null };
    },

    async firstPage() {
      await ensureDb();
      const t0 = performance.now();
      const res = await repo.searchApplications('', {}, { limit: 50 });
      return { ms: performance.now() - t0, rows: res.rows.length };
    },

    async count() {
      return (await ensureDb()).applications.count();
    },

    async openTiming() {
      const db = await ensureDb();
      const t0 = performance.now();
      const fresh = new HallDeskDB(db.name);
      await fresh.open();
      const t1 = performance.now();
      await fresh.applications.orderBy('t').reverse().limit(50).toArray();
      await fresh.applications.count();
      const t2 = performance.now();
      fresh.close();
      return { openMs: t1 - t0, firstPageMs: t2 - t1 };
    },

    async supervision(days) {
      const db = await ensureDb();
      const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
      const today = day(Date.now());
      const t0 = performance.now();
      const d = await deskSupervision(db, day(Date.now() - (days - 1) * DAY_MS), today, today);
      return { ms: performance.now() - t0, clerks: d.clerks.length, accepted: d.hall.accepted };
    },

    async signIns(n) {
      const db = new HallDeskDB('halldesk-bench-signin');
      await db.open();
      const password = 'Bench2026pass';
      const verifier = await makeVerifier(password);
      await applyDirectory(db, {
        hallCode: HALL,
        serverTime: new Date().toISOString(),
        staff: [
          {
            staffNo: 'S001',
            name: '试一',
            roles: ['clerk'],
            state: 'active',
            mustChange: false,
            pwVersion: 1,
            verifier,
          },
        ],
      });
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const r = await signIn(db, 'S001', password);
        out.push(performance.now() - t0);
        if (!r.ok) throw new Error(`bench sign-in refused: ${r.message}`);
      }
      db.close();
      await Dexie.delete('halldesk-bench-signin');
      return out;
    },

    heapMB() {
      const mem = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
      return mem ? mem.usedJSHeapSize / 1048576 : null;
    },
  };
  window.__halldeskBench = api;
}
