// The centre's backfill of pinyin initials (server/central/initialsBackfill.ts) on PGlite and
// PostgreSQL (TEST_DATABASE_URL): applications stored before the initials column are missed by a
// pinyin search; the backfill, in bounded batches, resumable from its stored position, with two
// runs at once as two endpoint processes would, fills them and the search finds them; at start-up
// the endpoint runs it in the background by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../shared/domain/model';
import type { WorkbenchPage } from '../../shared/protocol/workbench';
import { workbenchPaths } from '../../shared/protocol/workbench';
import { BACKFILL_KEY, backfillAll, backfillBatch } from '../../server/central/initialsBackfill';
import type { TestCentral, TestStorage } from '../support/server';
import {
  call,
  createHall,
  enrollDevice,
  forEachDb,
  startCentral,
  testStorage,
} from '../support/server';
import { appFor, change, device, push } from '../support/serverClient';

const NAMES = ['张三丰', '李四光', '王小二', '赵钱孙', '周吴郑', '冯陈楚', 'Alice Smith'];

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason)
    console.warn(`[central-initials-backfill] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`pinyin initials backfill (${variant})`, () => {
    let storage: TestStorage;
    let c: TestCentral;
    const apps: Application[] = [];

    const search = async (q: string) => {
      const r = await call<WorkbenchPage>(
        c.url,
        'GET',
        `${workbenchPaths.applications}?${new URLSearchParams({ q })}`,
        { token: c.adminToken },
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.rows.map((x) => x.id).sort();
    };
    const initials = async () => {
      const { rows } = await c.server.db.query<{ name: string; ini: string | null }>(
        'SELECT customer_name AS name, name_initials AS ini FROM applications ORDER BY 1',
      );
      return Object.fromEntries(rows.map((r) => [r.name, r.ini]));
    };
    /** The database as an endpoint from before the column left it: no initials, no position. */
    const forgetInitials = async () => {
      await c.server.db.query('UPDATE applications SET name_initials = NULL');
      await c.server.db.query('DELETE FROM settings WHERE key = $1', [BACKFILL_KEY]);
    };

    beforeAll(async () => {
      const s = await testStorage(variant, 'initials');
      if (typeof s === 'string') throw new Error(s);
      storage = s;
      c = await startCentral(storage);
      await createHall(c, 'PY');
      const d = device(await enrollDevice(c, 'PY'));
      for (const name of NAMES) apps.push(appFor(d, { customer: { name } }));
      const r = await push(
        c,
        d,
        apps.map((a) => change(d, 'application', a)),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await c.server.initialsBackfill.finished;
    });
    afterAll(async () => {
      await c?.close();
      await storage?.cleanup();
    });

    it('fills rows without initials in resumable batches; two runs at once; then found', async () => {
      const zsf = apps[0]!.id;
      expect(await search('zsf')).toEqual([zsf]); // pushed now: initials stored at push
      await forgetInitials();
      expect(await search('zsf')).toEqual([]); // the miss the backfill is for

      // One batch of 3: three rows looked at, the position stored, the rest untouched.
      const first = await backfillBatch(c.server.db, 3);
      expect(first.state).toBe('more');
      const pos = await c.server.db.query<{ value: string }>(
        'SELECT value FROM settings WHERE key = $1',
        [BACKFILL_KEY],
      );
      expect(pos.rows[0]?.value).toMatch(/^[0-9a-f-]{36}$/);
      const afterFirst = Object.values(await initials()).filter((v) => v !== null).length;
      expect(afterFirst).toBeGreaterThan(0);
      expect(afterFirst).toBeLessThanOrEqual(3);

      // The rest by two runners at once (two endpoint processes): they take turns, resuming
      // from the stored position, and both finish.
      await Promise.all([backfillAll(c.server.db, 2, 10), backfillAll(c.server.db, 2, 10)]);
      expect(await initials()).toEqual({
        'Alice Smith': null,
        冯陈楚: 'FCC',
        周吴郑: 'ZWZ',
        张三丰: 'ZSF',
        李四光: 'LSG',
        王小二: 'WXE',
        赵钱孙: 'ZQS',
      });
      expect(await search('zsf')).toEqual([zsf]);
      expect(await search('LS')).toEqual([apps[1]!.id]);

      // Done is done: another run looks at nothing and changes nothing.
      expect(await backfillBatch(c.server.db, 2)).toEqual({ state: 'done' });
    });

    it('runs by itself in the background when the endpoint starts', async () => {
      await forgetInitials();
      expect(await search('wxe')).toEqual([]);
      await c.close();
      c = await startCentral(storage);
      await c.server.initialsBackfill.finished;
      expect(await search('wxe')).toEqual([apps[2]!.id]);
      expect((await initials())['赵钱孙']).toBe('ZQS');
    });
  });
}
