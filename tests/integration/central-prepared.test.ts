// Prepared statements (server/db/prepared.ts): a registered statement runs named on PostgreSQL,
// in and out of transactions, with the same rows; an unregistered one stays unnamed (nothing
// inlined stays prepared on a connection); HALLDESK_PG_PREPARE=0 turns it off. PGlite runs the
// same SQL unnamed. On PostgreSQL the registered statements keep one generic plan.
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../server/db/db';
import { prepareFromEnv, preparedName, preparedSql } from '../../server/db/prepared';
import { forEachDb, testStorage } from '../support/server';

const HOT = preparedSql('SELECT $1::int + 1 AS n /* prepared-test hot */');
const COLD = 'SELECT $1::int + 2 AS n /* prepared-test cold */';
// A key lookup by an array, as the push path's reads are: PostgreSQL re-plans it on every run
// unless told to keep the generic plan.
const BY_ARRAY = preparedSql(
  'SELECT count(*)::int AS n FROM pg_class WHERE oid = ANY($1::oid[]) /* prepared-test generic */',
);

async function preparedHere(q: Pick<Db, 'query'>, marker: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE $1`,
    [`%${marker}%`],
  );
  return rows[0]!.n;
}

describe('HALLDESK_PG_PREPARE', () => {
  it('is on unless "0"', () => {
    expect(prepareFromEnv(undefined)).toBe(true);
    expect(prepareFromEnv('1')).toBe(true);
    expect(prepareFromEnv(' 0 ')).toBe(false);
  });

  it('names a registered text once, the same name for the same text', () => {
    expect(preparedName(HOT)).toMatch(/^hd_[0-9a-f]{24}$/);
    expect(preparedName(preparedSql(HOT))).toBe(preparedName(HOT));
    expect(preparedName(COLD)).toBeUndefined();
  });
});

for (const { variant, skipReason } of forEachDb()) {
  describe.skipIf(!!skipReason)(`prepared statements (${variant})`, () => {
    it('run named on PostgreSQL (one connection: the one asked), same rows; off when told', async () => {
      const s = await testStorage(variant, 'prepared');
      if (typeof s === 'string') throw new Error(s);
      const dbs: Db[] = [];
      try {
        const db = await openDb({ ...s.options, maxConnections: 1 });
        dbs.push(db);
        expect((await db.query<{ n: number }>(HOT, [1])).rows[0]!.n).toBe(2);
        expect((await db.query<{ n: number }>(HOT, [5])).rows[0]!.n).toBe(6);
        expect((await db.query<{ n: number }>(COLD, [1])).rows[0]!.n).toBe(3);
        const named = variant === 'postgres' ? 1 : 0;
        expect(await preparedHere(db, 'prepared-test hot')).toBe(named);
        expect(await preparedHere(db, 'prepared-test cold')).toBe(0);
        await db.transaction(async (tx) => {
          expect((await tx.query<{ n: number }>(HOT, [7])).rows[0]!.n).toBe(8);
          expect(await preparedHere(tx, 'prepared-test hot')).toBe(named);
        });
        if (variant === 'postgres') {
          const off = await openDb({ ...s.options, maxConnections: 1, prepare: false });
          dbs.push(off);
          expect((await off.query<{ n: number }>(HOT, [1])).rows[0]!.n).toBe(2);
          expect(await preparedHere(off, 'prepared-test hot')).toBe(0);
        }
      } finally {
        for (const d of dbs) await d.close();
        await s.cleanup();
      }
    });

    // PGlite has no plan cache modes to speak of (one connection, statements unnamed).
    it.runIf(variant === 'postgres')(
      'registered statements run with a generic plan, planned once; the others in the server mode, rollbacks included',
      async () => {
        const s = await testStorage(variant, 'generic');
        if (typeof s === 'string') throw new Error(s);
        const db = await openDb({ ...s.options, maxConnections: 1 });
        try {
          const mode = async (q: Pick<Db, 'query'>) =>
            (await q.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]!
              .plan_cache_mode;
          for (let i = 0; i < 10; i++) {
            expect((await db.query<{ n: number }>(BY_ARRAY, [[1259, 1249]])).rows[0]!.n).toBe(2);
          }
          expect(await mode(db)).toBe('force_generic_plan');
          const { rows } = await db.query<{ generic_plans: string; custom_plans: string }>(
            'SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE $1',
            ['%prepared-test generic%'],
          );
          expect(rows.map((r) => [Number(r.generic_plans), Number(r.custom_plans)])).toEqual([
            [10, 0],
          ]);
          // That statement had parameters and is not registered: it ran in the server's mode.
          expect(await mode(db)).toBe('auto');
          expect((await db.query<{ n: number }>(COLD, [1])).rows[0]!.n).toBe(3);
          expect(await mode(db)).toBe('auto');

          // A transaction that switched and was rolled back leaves the server's mode, and the
          // next registered statement switches again.
          await expect(
            db.transaction(async (tx) => {
              await tx.query(BY_ARRAY, [[1259]]);
              expect(await mode(tx)).toBe('force_generic_plan');
              throw new Error('undo');
            }),
          ).rejects.toThrow('undo');
          expect(await mode(db)).toBe('auto');
          await db.query(COLD, [2]);
          expect(await mode(db)).toBe('auto');
          await db.query(BY_ARRAY, [[1259]]);
          expect(await mode(db)).toBe('force_generic_plan');
          // A committed one keeps its switch.
          await db.query(COLD, [3]);
          await db.transaction(async (tx) => {
            await tx.query(BY_ARRAY, [[1259]]);
          });
          expect(await mode(db)).toBe('force_generic_plan');
          // A switch per change of kind, not per statement.
          expect(db.poolCounts()?.planSwitches).toBe(6);
        } finally {
          await db.close();
          await s.cleanup();
        }
      },
    );
  });
}
