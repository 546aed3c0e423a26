// Searching the local store: every key (application number, name prefix, ID whole / last 4,
// phone whole / last 4, 户号, address), the filters, newest-first order and paging.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../../shared/domain/model';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import * as repo from '../../../renderer/src/db/repo';
import { addressKeyValues, deriveApplicationKeys } from '../../../renderer/src/db/keys';
import { addressKeyFor, TOTAL_SCAN_CAP } from '../../../renderer/src/db/search';
import { freshDb, makeApp } from './factory';

let db: HallDeskDB;
const apps: Application[] = [];
const at = (day: number, hour: number) => new Date(Date.UTC(2026, 10, day, hour)).toISOString();

beforeAll(async () => {
  db = await freshDb();
  const specs: [Partial<Application>, Partial<Application['customer']>][] = [
    [
      {
        acceptedAt: at(2, 1),
        status: 'accepted',
        businessCode: 'LV_NEW',
        deadline: '2026-11-05',
        address: '南京市鼓楼区中山路1号',
      },
      {
        name: '王小明',
        idNumber: '11010519491231002X',
        phone: '138 0013 1234',
        accountNo: '3201000001',
      },
    ],
    [
      {
        acceptedAt: at(3, 1),
        status: 'site_survey',
        businessCode: 'HV_NEW',
        deadline: '2026-11-20',
        address: '苏州市工业园区星湖街88号',
      },
      { name: '王小红', idNumber: '110105194912310037', phone: '13900005678' },
    ],
    [
      {
        acceptedAt: at(4, 1),
        status: 'archived',
        businessCode: 'LV_NEW',
        deadline: '2026-11-06',
        address: '南京市玄武区北京东路9号',
      },
      { name: '李雷', idNumber: '320102198001011234', phone: '025-84561234' },
    ],
    [
      {
        acceptedAt: at(5, 1),
        status: 'accepted',
        businessCode: 'PV',
        deadline: '2026-11-06',
        address: '无锡市梁溪区人民路5号',
        keyCustomer: { managerName: '赵经理' },
      },
      {
        name: '国网江苏省电力有限公司',
        idType: 'credit_code',
        idNumber: '91320000134754938Q',
        phone: '02585550000',
        accountNo: '3201000099',
      },
    ],
  ];
  for (const [over, cust] of specs) {
    const app = makeApp(over, cust);
    apps.push(app);
    await repo.submitApplication(app);
  }
  // Filler: 30 more, all older, so paging and totals have something to count.
  for (let i = 0; i < 30; i++) {
    await repo.submitApplication(
      makeApp(
        {
          acceptedAt: new Date(Date.UTC(2026, 9, 31, i % 24, i)).toISOString(),
          status: 'accepted',
          deadline: '2026-12-30',
          address: '扬州市广陵区文昌中路2号',
        },
        { name: '赵六' },
      ),
    );
  }
});
afterAll(() => db.close());

const ids = (r: { rows: Application[] }) => r.rows.map((a) => a.id);
const A = (i: number) => apps[i]!.id;

describe('search keys', () => {
  it('finds by application number, exact and case-insensitive', async () => {
    expect(ids(await repo.searchApplications(apps[1]!.appNo))).toEqual([A(1)]);
    expect(
      ids(await repo.searchApplications({ text: apps[1]!.appNo.toLowerCase(), kind: 'appNo' })),
    ).toEqual([A(1)]);
    expect((await repo.findByAppNo(apps[2]!.appNo))?.id).toBe(A(2));
  });

  it('finds by name prefix of 1, 2, 3 and more characters, newest first', async () => {
    expect(ids(await repo.searchApplications('王'))).toEqual([A(1), A(0)]);
    expect(ids(await repo.searchApplications('王小'))).toEqual([A(1), A(0)]);
    expect(ids(await repo.searchApplications('王小明'))).toEqual([A(0)]);
    expect(ids(await repo.searchApplications({ text: '国网江苏省', kind: 'name' }))).toEqual([
      A(3),
    ]);
    expect(ids(await repo.searchApplications('国网江苏省电力有限公司'))).toEqual([A(3)]);
    expect((await repo.searchApplications('赵六')).total).toBe(30);
  });

  it('finds by ID number whole or last 4 (X either case) and credit code', async () => {
    expect(ids(await repo.searchApplications('11010519491231002x'))).toEqual([A(0)]);
    expect(ids(await repo.searchApplications('002x'))).toEqual([A(0)]);
    expect(ids(await repo.searchApplications({ text: '0037', kind: 'idLast4' }))).toEqual([A(1)]);
    expect(ids(await repo.searchApplications('91320000134754938Q'))).toEqual([A(3)]);
  });

  it('finds by phone whole (any punctuation) or last 4; 4 digits match ID or phone', async () => {
    expect(ids(await repo.searchApplications('13800131234'))).toEqual([A(0)]);
    expect(ids(await repo.searchApplications({ text: '025-8456-1234', kind: 'phone' }))).toEqual([
      A(2),
    ]);
    // "1234" is the last 4 of A0's phone, A2's phone and A2's ID: each once, newest first.
    expect(ids(await repo.searchApplications('1234'))).toEqual([A(2), A(0)]);
    expect(ids(await repo.searchApplications({ text: '5678', kind: 'phoneLast4' }))).toEqual([
      A(1),
    ]);
  });

  it('finds by 户号 and by address text', async () => {
    expect(ids(await repo.searchApplications('3201000099'))).toEqual([A(3)]);
    expect(ids(await repo.searchApplications({ text: '3201000001', kind: 'accountNo' }))).toEqual([
      A(0),
    ]);
    expect(ids(await repo.searchApplications({ text: '北京东路', kind: 'address' }))).toEqual([
      A(2),
    ]);
    // Auto: text that names nobody falls back to the address.
    expect(ids(await repo.searchApplications('星湖街'))).toEqual([A(1)]);
    expect(ids(await repo.searchApplications({ text: '南京市', kind: 'address' }))).toEqual([
      A(2),
      A(0),
    ]);
  });

  it('uses address words, stems and road + number, and falls back to a scan for fragments', async () => {
    const addr = (text: string) => repo.searchApplications({ text, kind: 'address' });
    expect(ids(await addr('鼓楼区'))).toEqual([A(0)]);
    expect(ids(await addr('鼓楼'))).toEqual([A(0)]); // stem
    expect(ids(await addr('中山路1号'))).toEqual([A(0)]);
    expect(ids(await addr('南京市玄武区北京东路'))).toEqual([A(2)]);
    expect(ids(await addr('梁溪区人民路5'))).toEqual([A(3)]); // trailing fragment
    expect(ids(await addr('山路1'))).toEqual([A(0)]); // across words: scan
    expect(ids(await addr('北京西路'))).toEqual([]);
    expect(ids(await addr('广陵区'))).toHaveLength(30);
    expect((await addr('广陵区')).total).toBe(30);
  });

  it('cuts addresses into words the same way for keys and queries', () => {
    expect(addressKeyValues('南京市鼓楼区中山路1号3栋502室')).toEqual([
      '南京市',
      '南京',
      '鼓楼区',
      '鼓楼',
      '中山路',
      '中山',
      '中山路1号',
    ]);
    expect(addressKeyFor('中山路1号')).toBe('中山路1号');
    expect(addressKeyFor('鼓楼区中山')).toBe('中山');
    expect(addressKeyFor('南京市鼓楼区')).toBe('鼓楼区');
    expect(addressKeyFor('1号')).toBeUndefined();
  });

  it('finds nothing for unknown text', async () => {
    expect(await repo.searchApplications('不存在的人')).toMatchObject({ rows: [], hasMore: false });
    expect((await repo.searchApplications('99999999999')).rows).toEqual([]);
  });
});

describe('filters, order and paging', () => {
  it('lists everything newest first with an exact total, page by page', async () => {
    const first = await repo.searchApplications('', {}, { limit: 10 });
    expect(first.total).toBe(34);
    expect(first.hasMore).toBe(true);
    expect(ids(first).slice(0, 4)).toEqual([A(3), A(2), A(1), A(0)]);
    const times = first.rows.map((r) => Date.parse(r.acceptedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const last = await repo.searchApplications(undefined, {}, { limit: 10, offset: 30 });
    expect(last.rows).toHaveLength(4);
    expect(last.hasMore).toBe(false);
    const all = new Set<string>();
    for (let o = 0; o < 34; o += 10) {
      for (const id of ids(await repo.searchApplications('', {}, { limit: 10, offset: o })))
        all.add(id);
    }
    expect(all.size).toBe(34);
    expect(await repo.countApplications()).toBe(34);
  });

  it('filters by status, type, date range, overdue and key customer', async () => {
    expect(ids(await repo.searchApplications('', { status: 'site_survey' }))).toEqual([A(1)]);
    expect(ids(await repo.searchApplications('', { status: ['archived', 'site_survey'] }))).toEqual(
      [A(2), A(1)],
    );
    expect(
      ids(await repo.searchApplications('', { businessCode: 'LV_NEW', from: '2026-11-02' })),
    ).toEqual([A(2), A(0)]);
    expect(ids(await repo.searchApplications('', { from: at(3, 0), to: at(4, 12) }))).toEqual([
      A(2),
      A(1),
    ]);
    // Archived A2 is past its deadline but closed; A0 and A3 are open and late.
    const overdue = await repo.searchApplications('', { overdue: true, today: '2026-11-07' });
    expect(ids(overdue)).toEqual([A(3), A(0)]);
    expect(overdue.total).toBe(2);
    expect(await repo.countApplications({ overdue: true, today: '2026-11-07' })).toBe(2);
    expect(
      ids(
        await repo.searchApplications('', {
          overdue: true,
          today: '2026-11-07',
          businessCode: 'PV',
        }),
      ),
    ).toEqual([A(3)]);
    expect(ids(await repo.searchApplications('', { keyCustomer: true }))).toEqual([A(3)]);
    expect(await repo.countApplications({ status: 'accepted' })).toBe(32);
  });

  it('combines search text with filters', async () => {
    expect(ids(await repo.searchApplications('王', { status: 'accepted' }))).toEqual([A(0)]);
    expect(ids(await repo.searchApplications('王', { from: '2026-11-03' }))).toEqual([A(1)]);
    expect(ids(await repo.searchApplications('1234', { status: 'archived' }))).toEqual([A(2)]);
    const page = await repo.searchApplications(
      '赵六',
      { status: 'accepted' },
      { limit: 7, offset: 7 },
    );
    expect(page.rows).toHaveLength(7);
    expect(page.total).toBe(30);
  });

  it('follows status changes from the centre (overdue index and status filter)', async () => {
    const a0 = (await repo.getApplication(A(0)))!;
    await repo.applyRemoteApplication({ ...a0, status: 'cancelled', serverVersion: 5 });
    expect(ids(await repo.searchApplications('', { overdue: true, today: '2026-11-07' }))).toEqual([
      A(3),
    ]);
    expect(ids(await repo.searchApplications('', { status: 'cancelled' }))).toEqual([A(0)]);
    expect(ids(await repo.searchApplications('王小明'))).toEqual([A(0)]);
  });
});

describe('large ranges', () => {
  it('pages a filtered search over more than TOTAL_SCAN_CAP keys without a total', async () => {
    const big = await freshDb();
    const rows = Array.from({ length: TOTAL_SCAN_CAP + 50 }, (_, i) => {
      const app = makeApp(
        {
          acceptedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
          status: i % 2 ? 'accepted' : 'site_survey',
        },
        { name: `钱${i}` },
      );
      const d = deriveApplicationKeys(app);
      return { ...app, t: d.t, searchKeys: d.searchKeys };
    });
    await big.applications.bulkAdd(rows);
    const r = await repo.searchApplications('钱', { status: 'site_survey' }, { limit: 20 });
    expect(r.total).toBeUndefined();
    expect(r.hasMore).toBe(true);
    expect(r.rows).toHaveLength(20);
    expect(r.rows.every((a) => a.status === 'site_survey')).toBe(true);
    const expected = rows
      .filter((a) => a.status === 'site_survey')
      .sort((a, b) => (a.acceptedAt < b.acceptedAt ? 1 : -1))
      .slice(20, 40)
      .map((a) => a.id);
    const page2 = await repo.searchApplications(
      '钱',
      { status: 'site_survey' },
      { limit: 20, offset: 20 },
    );
    expect(ids(page2)).toEqual(expected);
    // Without a row test the index count is exact.
    expect((await repo.searchApplications('钱')).total).toBe(TOTAL_SCAN_CAP + 50);
    big.close();
  });
});
