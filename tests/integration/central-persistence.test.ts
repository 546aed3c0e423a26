// Central endpoint: data survives a restart on the same PGlite folder; the migration runner
// refuses a database whose applied migrations are not a prefix of the known list; several
// endpoint processes on one PostgreSQL stay exactly-once.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/db';
import { openDb } from '../../server/db/db';
import { TERMINAL_STATES } from '../../shared/domain/paths';
import { MigrationMismatchError, migrations, runMigrations } from '../../server/db/migrations';
import { paths } from '../../shared/protocol';
import { appFor, change, countRows, device, push } from '../support/serverClient';
import {
  call,
  createHall,
  enrollDevice,
  pgliteDataDir,
  startCentral,
  testStorage,
} from '../support/server';
import { freshDatabase } from '../support/postgres';

async function migrationRunnerChecks(db: Db): Promise<void> {
  const a = { id: '0001_a', sql: 'CREATE TABLE ta (x int);' };
  const b = { id: '0002_b', sql: 'CREATE TABLE tb (x int);' };
  const c = { id: '0002_c', sql: 'CREATE TABLE tc (x int);' };
  expect(await runMigrations(db, [a])).toEqual(['0001_a']);
  expect(await runMigrations(db, [a, b])).toEqual(['0002_b']);
  expect(await runMigrations(db, [a, b])).toEqual([]);
  // A build that knows a different second migration, or fewer migrations, must not run.
  await expect(runMigrations(db, [a, c])).rejects.toBeInstanceOf(MigrationMismatchError);
  await expect(runMigrations(db, [a])).rejects.toBeInstanceOf(MigrationMismatchError);
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM schema_migrations ORDER BY position',
  );
  expect(rows.map((r) => r.id)).toEqual(['0001_a', '0002_b']);
  // A failing migration leaves nothing behind (one transaction).
  const broken = { id: '0003_broken', sql: 'CREATE TABLE td (x int); SELECT nonsense_fn();' };
  await expect(runMigrations(db, [a, b, broken])).rejects.toThrow();
  const td = await db.query("SELECT to_regclass('td') AS t");
  expect(td.rows[0]).toEqual({ t: null });
  expect(migrations.map((m) => m.id)).toEqual([...migrations.map((m) => m.id)].sort());
  // The open-deadline index names the workflow's terminal states: keep them in step.
  for (const t of TERMINAL_STATES) expect(migrations[1]!.sql).toContain(`'${t}'`);
}

describe('central persistence (pglite)', () => {
  it('the migration runner records ids and refuses an applied list that is not a prefix', async () => {
    const dir = await pgliteDataDir('migr');
    const db = await openDb({ dataDir: dir });
    try {
      await migrationRunnerChecks(db);
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps halls, devices, applications and the feed across a restart on the same folder', async () => {
    const storage = await testStorage('pglite', 'restart');
    if (typeof storage === 'string') throw new Error(storage);
    try {
      let c = await startCentral(storage);
      await createHall(c, 'HA');
      const dev = device(await enrollDevice(c, 'HA'));
      const app = appFor(dev);
      const ch = change(dev, 'application', app);
      expect((await push(c, dev, [ch])).body.results[0]!.status).toBe('applied');
      await c.close();

      c = await startCentral(storage);
      try {
        // Same token, same record, and the resend is still recognised.
        const again = await push(c, dev, [ch]);
        expect(again.status).toBe(200);
        expect(again.body.results[0]).toMatchObject({ status: 'duplicate' });
        const rec = await call(c.url, 'GET', paths.application(app.id), { token: dev.token });
        expect(rec.body.application).toMatchObject({ id: app.id, serverVersion: 1 });
        expect(await countRows(c, 'applications')).toBe(1);
        const health = await call(c.url, 'GET', paths.health);
        expect(health.body).toMatchObject({ ok: true, db: 'pglite' });
      } finally {
        await c.close();
      }
    } finally {
      await storage.cleanup();
    }
  });
});

const pgReason = process.env.TEST_DATABASE_URL ? null : 'TEST_DATABASE_URL is not set';
if (pgReason) console.warn(`[central-persistence] skipping the postgres variant: ${pgReason}`);
describe.skipIf(!!pgReason)('central persistence (postgres)', () => {
  it('the migration runner records ids and refuses an applied list that is not a prefix', async () => {
    const fresh = await freshDatabase('migr');
    if (fresh.url === null) throw new Error(fresh.reason);
    const db = await openDb({ databaseUrl: fresh.url });
    try {
      await migrationRunnerChecks(db);
    } finally {
      await db.close();
      await fresh.drop();
    }
  });

  it('two endpoint processes on one database: concurrent resends are applied once', async () => {
    const fresh = await freshDatabase('multi');
    if (fresh.url === null) throw new Error(fresh.reason);
    const storage = {
      variant: 'postgres' as const,
      options: { databaseUrl: fresh.url },
      cleanup: fresh.drop,
    };
    // Both start at once: migrations and seeding must happen exactly once.
    const [c1, c2] = await Promise.all([startCentral(storage), startCentral(storage)]);
    try {
      await createHall(c1, 'HA');
      const d1 = device(await enrollDevice(c1, 'HA', 'D1'));
      const d2 = device(await enrollDevice(c2, 'HA', 'D2'));
      const batch1 = Array.from({ length: 40 }, () => change(d1, 'application', appFor(d1)));
      const batch2 = Array.from({ length: 40 }, () => change(d2, 'application', appFor(d2)));
      // Each device's batch sent to both processes at the same time (a retry through another
      // endpoint behind the load balancer), both devices in the same hall at once.
      const answers = await Promise.all([
        push(c1, d1, batch1),
        push(c2, d1, batch1),
        push(c1, d2, batch2),
        push(c2, d2, batch2),
      ]);
      for (const r of answers) expect(r.status).toBe(200);
      for (const [x, y] of [
        [answers[0]!, answers[1]!],
        [answers[2]!, answers[3]!],
      ] as const) {
        const statuses = x.body.results.map((r, i) =>
          [r.status, y.body.results[i]!.status].sort().join('+'),
        );
        expect(new Set(statuses)).toEqual(new Set(['applied+duplicate']));
      }
      expect(await countRows(c1, 'applications')).toBe(80);
      expect(await countRows(c1, 'changes')).toBe(80);
      expect(await countRows(c1, 'config')).toBe(3);
      // Feed positions are unique and dense: no reader can skip one.
      const { rows } = await c1.server.db.query<{ n: number; max: number; distinct: number }>(
        'SELECT count(*)::int AS n, max(seq) AS max, count(DISTINCT seq)::int AS distinct FROM hall_feed',
      );
      expect(rows[0]).toEqual({ n: 80, max: 80, distinct: 80 });
    } finally {
      await c1.close();
      await c2.close();
      await storage.cleanup();
    }
  });
});
