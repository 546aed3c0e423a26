// Prepared statements (server/db/prepared.ts): a registered statement runs named on PostgreSQL,
// in and out of transactions, with the same rows; an unregistered one stays unnamed (nothing
// inlined stays prepared on a connection); HALLDESK_PG_PREPARE=0 turns it off. PGlite runs the
// same SQL unnamed.
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../server/db/db';
import { prepareFromEnv, preparedName, preparedSql } from '../../server/db/prepared';
import { forEachDb, testStorage } from '../support/server';

const HOT = preparedSql('SELECT $1::int + 1 AS n /* prepared-test hot */');
const COLD = 'SELECT $1::int + 2 AS n /* prepared-test cold */';

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
  });
}
