// The list's fast paths: a page read without a full-range count (countTotal: false) and the
// total counted in small time slices; both must agree exactly with the plain count.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import { deriveApplicationKeys } from '../../../renderer/src/db/keys';
import * as repo from '../../../renderer/src/db/repo';
import type { ApplicationFilters } from '../../../renderer/src/db/repo';
import { countApplicationsIn, countApplicationsSliced } from '../../../renderer/src/db/searchCount';
import { freshDb, makeApp } from './factory';

let db: HallDeskDB;
const N = 733;

beforeAll(async () => {
  db = await freshDb();
  // Uneven density: a burst of 400 in one hour, the rest spread over two years.
  const rows = Array.from({ length: N - 3 }, (_, i) => {
    const ms =
      i < 400
        ? Date.UTC(2026, 10, 3, 2) + i * 7_000
        : Date.UTC(2024, 10, 1) + (i - 400) * 2 * 86_400_000;
    const app = makeApp(
      {
        acceptedAt: new Date(ms).toISOString(),
        status: i % 3 === 0 ? 'site_survey' : 'accepted',
        businessCode: i % 5 === 0 ? 'PV' : 'LV_NEW',
      },
      { name: `周${i}` },
    );
    const d = deriveApplicationKeys(app);
    return { ...app, t: d.t, searchKeys: d.searchKeys };
  });
  // Ids that are not lowercase UUIDs land in the open-ended first and last id ranges.
  const odd = ['A-UPPER', 'zz-last', '00'].map((id, i) => {
    const app = makeApp({ id, acceptedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() });
    const d = deriveApplicationKeys(app);
    return { ...app, t: d.t, searchKeys: d.searchKeys };
  });
  await db.applications.bulkAdd([...rows, ...odd]);
});

describe('first page without a count', () => {
  it('returns the same newest rows with hasMore and no total', async () => {
    const counted = await repo.searchApplications('', {}, { limit: 20 });
    const fast = await repo.searchApplications('', {}, { limit: 20, countTotal: false });
    expect(fast.rows.map((r) => r.id)).toEqual(counted.rows.map((r) => r.id));
    expect(counted.total).toBe(N);
    expect(fast.total).toBeUndefined();
    expect(fast.hasMore).toBe(true);
  });

  it('knows the total when the page reaches the end', async () => {
    const last = await repo.searchApplications(
      '',
      {},
      { limit: 50, offset: N - 10, countTotal: false },
    );
    expect(last.rows).toHaveLength(10);
    expect(last.hasMore).toBe(false);
    expect(last.total).toBe(N);
    const none = await repo.searchApplications('nobody-here', {}, { countTotal: false });
    expect(none).toMatchObject({ rows: [], total: 0, hasMore: false });
  });

  it('pages filtered and searched lists the same way as the counted path', async () => {
    const cases: [string, ApplicationFilters][] = [
      ['', { status: 'site_survey' }],
      ['', { status: ['site_survey', 'archived'] }],
      ['', { keyCustomer: false, businessCode: 'PV', from: '2026-01-01' }],
      ['周1', {}],
      ['周1', { status: 'accepted' }],
    ];
    for (const [q, f] of cases) {
      const a = await repo.searchApplications(q, f, { limit: 15, offset: 5 });
      const b = await repo.searchApplications(q, f, { limit: 15, offset: 5, countTotal: false });
      expect(
        b.rows.map((r) => r.id),
        `${q} ${JSON.stringify(f)}`,
      ).toEqual(a.rows.map((r) => r.id));
      expect(b.hasMore).toBe(a.hasMore);
    }
  });
});

describe('sliced count', () => {
  it('equals the plain count for every index-only filter, whatever the slice size', async () => {
    const filters = [
      {},
      { status: 'site_survey' },
      { businessCode: 'PV' },
      { from: '2025-06-01' },
      { from: '2026-11-03', to: '2026-11-03' },
      { status: 'accepted', to: '2025-12-31' },
    ];
    for (const f of filters) {
      const plain = await countApplicationsIn(db, f);
      for (const perSlice of [100, 2_000]) {
        expect(await countApplicationsSliced(db, f, { perSlice }), JSON.stringify(f)).toBe(plain);
      }
    }
    expect(await repo.countApplicationsInSlices()).toBe(N);
  });

  it('declines filters that need a row test, and stops when aborted', async () => {
    expect(await countApplicationsSliced(db, { keyCustomer: true })).toBeUndefined();
    expect(await countApplicationsSliced(db, { status: ['accepted', 'archived'] })).toBeUndefined();
    const ctrl = new AbortController();
    ctrl.abort();
    expect(await countApplicationsSliced(db, {}, { signal: ctrl.signal })).toBeUndefined();
  });

  it('counts an empty store as 0', async () => {
    const empty = await freshDb();
    expect(await countApplicationsSliced(empty, {})).toBe(0);
    empty.close();
  });
});
