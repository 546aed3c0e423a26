// Finding an application by what the customer has at hand: the serial part of the number on the
// receipt (0002, 20261207-0002) and the pinyin initials of the name (wjg for 王建国); an older
// database gets these keys when it is upgraded.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../../shared/domain/model';
import { type HallDeskDB, LegacyHallDeskDB, setActiveDb } from '../../../renderer/src/db/db';

import { deriveApplicationKeys, setNameInitials } from '../../../renderer/src/db/keys';
import * as opener from '../../../renderer/src/db/open';
import * as repo from '../../../renderer/src/db/repo';
import { freshDb, makeApp, makeFeedback } from './factory';

let db: HallDeskDB;
const apps: Application[] = [];

beforeAll(async () => {
  db = await freshDb();
  const specs: [string, string][] = [
    ['H0101-D02-20261207-0002', '王建国'],
    ['H0101-D02-20261208-0002', '李四'],
    ['H0101-D02-20261207-0013', '吴佳怡'],
  ];
  for (const [appNo, name] of specs) {
    const app = makeApp({ appNo }, { name });
    apps.push(app);
    await repo.submitApplication(app);
  }
});
afterAll(() => db.close());

const ids = (r: { rows: Application[] }) => r.rows.map((a) => a.id).sort();
const A = (...i: number[]) => i.map((n) => apps[n]!.id).sort();

describe('search by the serial part of the number', () => {
  it('finds every number with that serial, or the one of that day', async () => {
    expect(ids(await repo.searchApplications('0002'))).toEqual(A(0, 1));
    expect(ids(await repo.searchApplications('20261207-0002'))).toEqual(A(0));
    expect(ids(await repo.searchApplications({ text: '0013', kind: 'serial' }))).toEqual(A(2));
  });
});

describe('search by pinyin initials', () => {
  it('finds a name by its initials, whole or prefix, any case', async () => {
    expect(ids(await repo.searchApplications('wjg'))).toEqual(A(0));
    expect(ids(await repo.searchApplications('WJG'))).toEqual(A(0));
    expect(ids(await repo.searchApplications({ text: 'wj', kind: 'pinyin' }))).toEqual(A(0, 2));
    expect(ids(await repo.searchApplications('ls'))).toEqual(A(1));
  });

  it('an upgraded older database has the new keys', async () => {
    const name = `legacy-${Date.now()}`;
    const factory = new IDBFactory();
    const old = new LegacyHallDeskDB(name, 4, { indexedDB: factory, IDBKeyRange });
    const app = makeApp({ appNo: 'H0101-D02-20261201-0042' }, { name: '王建国' });
    const keys = deriveApplicationKeys(app);
    // As v4 stored it: without the serial and pinyin keys.
    const v4Keys = keys.searchKeys.filter((k) => !k.startsWith('ns:') && !k.startsWith('py:'));
    await old.table('applications').put({ ...app, t: keys.t, searchKeys: v4Keys });
    old.close();
    const opened = await opener.openDatabase({ name, indexedDB: factory, IDBKeyRange });
    expect(opened.ok).toBe(true);
    // The pinyin keys of stored records are added right after the upgrade, in the background.
    await opener.pinyinBackfill;
    try {
      expect(ids(await repo.searchApplications('0042'))).toEqual([app.id]);
      expect(ids(await repo.searchApplications('wjg'))).toEqual([app.id]);
    } finally {
      if (opened.ok) opened.db.close();
    }
  });
});

describe('records saved before the pinyin module loaded', () => {
  it('get their pinyin keys afterwards, also after a restart', async () => {
    const name = `early-${Date.now()}`;
    const factory = new IDBFactory();
    const first = await opener.openDatabase({ name, indexedDB: factory, IDBKeyRange });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    setActiveDb(first.db);
    // The pinyin module has not loaded (or its chunk failed): the feedback is saved without
    // initials, and the backfill can only wait.
    // (The module was loaded by the tests above, so loading it again installs nothing.)
    setNameInitials(undefined);
    const fb = await repo.saveFeedback(makeFeedback({ customerName: '王建国' }));
    const stored = await first.db.feedback.get(fb.id);
    expect(stored?.searchKeys.some((k) => k.startsWith('py:'))).toBe(false);
    await opener.pinyinBackfill;
    expect((await first.db.meta.get(opener.PINYIN_BACKFILL_META))?.value).toBe(true);
    first.db.close();

    // Next start, the module loads: the mark makes the opener add the keys.
    const { pinyin } = await import('pinyin-pro');
    setNameInitials((n) =>
      pinyin(n, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed' }).join(''),
    );
    const second = await opener.openDatabase({ name, indexedDB: factory, IDBKeyRange });
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    setActiveDb(second.db);
    await opener.pinyinBackfill;
    try {
      const row = await second.db.feedback.get(fb.id);
      expect(row?.searchKeys.some((k) => k.startsWith('py:'))).toBe(true);
      expect(await second.db.meta.get(opener.PINYIN_BACKFILL_META)).toBeUndefined();
    } finally {
      second.db.close();
      setActiveDb(db);
    }
  });
});
