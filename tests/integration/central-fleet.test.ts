// Central endpoint under load (issue 16; the pull pages themselves: central-fleet-pages.test.ts):
// admission control answers 429 + Retry-After beyond its limit
// (and drops a desk that hung up while queued), /health answers while the database is blocked
// and /ready says so within its budget, the pool size is configurable, pushes decided outside
// the hall lock stay exactly-once under concurrency, a batch the database refuses falls back to
// one change per transaction, and the hall list's counts come from the counter table.
import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { allowedTransitions, pathOf } from '../../shared/domain/workflow';
import type { PullResponse } from '../../shared/protocol';
import { paths } from '../../shared/protocol';
import { poolSizeFromEnv } from '../../server/db/db';
import { appFor, change, countRows, device, push } from '../support/serverClient';
import {
  call,
  createHall,
  enrollDevice,
  forEachDb,
  gate,
  holdEveryConnection,
  withCentral,
} from '../support/server';

describe('DATABASE_POOL_SIZE', () => {
  it('parses a whole number and refuses anything else with a clear message', () => {
    expect(poolSizeFromEnv(undefined)).toBeUndefined();
    expect(poolSizeFromEnv('')).toBeUndefined();
    expect(poolSizeFromEnv('25')).toBe(25);
    for (const bad of ['0', '-3', '2.5', 'ten', '5000']) {
      expect(() => poolSizeFromEnv(bad)).toThrow(/DATABASE_POOL_SIZE/);
    }
  });
});

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason) console.warn(`[central-fleet] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`central endpoint under load (${variant})`, () => {
    it('admission control: 429 E_BUSY / E_RATE_LIMITED with Retry-After, light work still served, nothing written by a refused push', async () => {
      await withCentral(
        variant,
        'fleet-admission',
        {
          admission: { maxConcurrent: 1, maxQueue: 1, maxWaitMs: 400 },
          heavyPullRecords: 5,
          heavyPushChanges: 5,
          pageCacheBytes: 0,
        },
        async (c) => {
          await createHall(c, 'FA');
          const a = device(await enrollDevice(c, 'FA', 'A'));
          const b = device(await enrollDevice(c, 'FA', 'B'));
          const d = device(await enrollDevice(c, 'FA', 'D'));
          const apps = Array.from({ length: 6 }, () => appFor(a));
          expect(
            (
              await push(
                c,
                a,
                apps.map((x) => change(a, 'application', x)),
              )
            ).status,
          ).toBe(200);
          const adm = c.server.admission;
          // The only slot is taken by heavy work of device A.
          const hold = gate();
          const holding = adm.run(
            a.deviceId,
            () => false,
            () => hold.wait,
          );
          try {
            // A's own heavy pull: one heavy request per device.
            const own = await call(c.url, 'GET', `${paths.pull}?limit=1000`, { token: a.token });
            expect(own.status).toBe(429);
            expect(own.body).toMatchObject({ error: { code: 'E_RATE_LIMITED' } });
            expect(Number(own.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
            // A desk in a browser (another origin) can read it.
            expect(own.headers.get('access-control-expose-headers')).toMatch(/retry-after/);
            // B queues (one place), times out after maxWaitMs: 429 E_BUSY + Retry-After.
            const queued = call(c.url, 'GET', `${paths.pull}?limit=1000`, { token: b.token });
            await new Promise((r) => setTimeout(r, 100));
            // D finds the queue full: refused at once (another page: not B's build to share).
            const full = await call(c.url, 'GET', `${paths.pull}?limit=999`, { token: d.token });
            expect(full.status).toBe(429);
            expect(full.body).toMatchObject({ error: { code: 'E_BUSY' } });
            expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
            const q = await queued;
            expect(q.status).toBe(429);
            expect(q.body).toMatchObject({ error: { code: 'E_BUSY' } });
            // Light work is not behind the heavy limit: a small page, a small push, health.
            const small = await call<PullResponse>(c.url, 'GET', `${paths.pull}?limit=2`, {
              token: d.token,
            });
            expect(small.status).toBe(200);
            expect(small.body.changes.length).toBeGreaterThan(0);
            expect((await push(c, d, [change(d, 'application', appFor(d))])).status).toBe(200);
            expect((await call(c.url, 'GET', paths.health)).status).toBe(200);
            // A large push is refused whole; nothing of it is written.
            const before = await countRows(c, 'changes');
            const big = await push(
              c,
              b,
              Array.from({ length: 6 }, () => change(b, 'application', appFor(b))),
            );
            expect(big.status).toBe(429);
            expect(big.headers.get('retry-after')).toMatch(/^\d+$/);
            expect(await countRows(c, 'changes')).toBe(before);
          } finally {
            hold.open();
            await holding;
          }
          // Slot free again: the same requests succeed.
          const ok = await call<PullResponse>(c.url, 'GET', `${paths.pull}?limit=1000`, {
            token: b.token,
          });
          expect(ok.status).toBe(200);
          expect(adm.stats.refusedBusy).toBeGreaterThanOrEqual(3);
          expect(adm.stats.refusedDevice).toBe(1);
        },
      );
    });

    it('a desk that hangs up while queued costs no page', async () => {
      await withCentral(
        variant,
        'fleet-gone',
        {
          admission: { maxConcurrent: 1, maxQueue: 4, maxWaitMs: 10_000 },
          heavyPullRecords: 1,
          pageCacheBytes: 0,
        },
        async (c) => {
          await createHall(c, 'FG');
          const a = device(await enrollDevice(c, 'FG', 'A'));
          const b = device(await enrollDevice(c, 'FG', 'B'));
          expect((await push(c, a, [change(a, 'application', appFor(a))])).status).toBe(200);
          const adm = c.server.admission;
          const hold = gate();
          const holding = adm.run(
            'someone-else',
            () => false,
            () => hold.wait,
          );
          // A desk's request over its own connection, which it closes while queued (its timeout).
          const u = new URL(c.url);
          const sock = net.connect(Number(u.port), u.hostname);
          await new Promise<void>((r) => sock.once('connect', () => r()));
          sock.write(
            `GET ${paths.pull}?limit=100 HTTP/1.1\r\nHost: ${u.host}\r\n` +
              `Authorization: Bearer ${b.token}\r\n\r\n`,
          );
          for (let i = 0; i < 100 && adm.stats.queued === 0; i++) {
            await new Promise((r) => setTimeout(r, 20));
          }
          expect(adm.stats.queued).toBe(1);
          sock.destroy();
          await new Promise((r) => setTimeout(r, 100));
          const admitted = adm.stats.admitted;
          hold.open();
          await holding;
          for (let i = 0; i < 100 && adm.stats.abandoned === 0; i++) {
            await new Promise((r) => setTimeout(r, 20));
          }
          expect(adm.stats.abandoned).toBe(1);
          expect(adm.stats.admitted).toBe(admitted);
        },
      );
    });

    it('/health answers from memory while the database is blocked; /ready tells within its budget', async () => {
      await withCentral(variant, 'fleet-health', { maxConnections: 2 }, async (c) => {
        const release = await holdEveryConnection(c, variant);
        try {
          // A desk-side timeout far shorter than the database wait: the old health route
          // (SELECT 1 through the pool) could not answer here at all.
          for (const p of [paths.health, paths.apiHealth]) {
            const res = await fetch(c.url + p, { signal: AbortSignal.timeout(2_000) });
            expect(res.status).toBe(200);
            expect(await res.json()).toMatchObject({ ok: true, service: 'halldesk-central' });
          }
          const ready = await fetch(c.url + paths.ready, { signal: AbortSignal.timeout(5_000) });
          const body = (await ready.json()) as { ok: boolean; db: string; poolSize: number };
          if (variant === 'postgres') {
            // Readiness has its own connection: the database is there, the pool is just busy.
            expect(ready.status).toBe(200);
            expect(body).toMatchObject({ ok: true, db: 'up', poolSize: 2 });
          } else {
            // One connection, held: readiness gives up within its budget and says so.
            expect(ready.status).toBe(503);
            expect(body).toMatchObject({ ok: false, db: 'down', error: { code: 'E_UNAVAILABLE' } });
          }
        } finally {
          await release();
        }
        const ready = await call(c.url, 'GET', paths.ready);
        expect(ready.status).toBe(200);
      });
    });

    if (variant === 'postgres') {
      it('the pool holds at most the configured number of connections', async () => {
        await withCentral(variant, 'fleet-pool', { maxConnections: 3 }, async (c, storage) => {
          expect(c.server.db.poolSize).toBe(3);
          const sleepers = Array.from({ length: 10 }, () =>
            c.server.db.query('SELECT pg_sleep(0.4)'),
          );
          await new Promise((r) => setTimeout(r, 200));
          const client = new pg.Client({ connectionString: storage.options.databaseUrl });
          await client.connect();
          let sleeping: number;
          try {
            const { rows } = await client.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND query = 'SELECT pg_sleep(0.4)'
                  AND state = 'active'`,
            );
            sleeping = rows[0]!.n;
          } finally {
            await client.end();
          }
          await Promise.all(sleepers);
          expect(sleeping).toBe(3);
        });
      });
    }

    it('concurrent pushes to one hall are decided outside the lock and still land exactly once', async () => {
      await withCentral(variant, 'fleet-push', {}, async (c) => {
        await createHall(c, 'FP');
        const devs = await Promise.all(
          Array.from({ length: 6 }, async (_, i) => device(await enrollDevice(c, 'FP', `P${i}`))),
        );
        const sent = devs.map((d) =>
          Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => appFor(d))),
        );
        // Every device sends its 4 batches, each batch twice at once (a resend racing itself).
        await Promise.all(
          devs.map(async (d, i) => {
            for (const batch of sent[i]!) {
              const changes = batch.map((x) => change(d, 'application', x));
              const [r1, r2] = await Promise.all([push(c, d, changes), push(c, d, changes)]);
              expect(r1.status).toBe(200);
              expect(r2.status).toBe(200);
              const statuses = [...r1.body.results, ...r2.body.results].map((x) => x.status);
              expect(statuses.filter((s) => s === 'applied')).toHaveLength(5);
              expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(5);
            }
          }),
        );
        expect(await countRows(c, 'applications')).toBe(6 * 4 * 5);
        expect(await countRows(c, 'changes')).toBe(6 * 4 * 5);
        // Feed positions are unique and contiguous; every device acknowledged all 20.
        const feed = await c.server.db.query<{ seq: number }>(
          'SELECT seq FROM hall_feed ORDER BY seq',
        );
        expect(feed.rows.map((r) => r.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
        const acks = await c.server.db.query<{ ack_seq: number }>('SELECT ack_seq FROM devices');
        expect(acks.rows.every((r) => r.ack_seq === 20)).toBe(true);
      });
    });

    it('a batch the database refuses is applied change by change; the refused one is rejected', async () => {
      await withCentral(variant, 'fleet-fallback', {}, async (c) => {
        await createHall(c, 'FF');
        const a = device(await enrollDevice(c, 'FF', 'A'));
        const good1 = appFor(a);
        // jsonb cannot store U+0000: the database refuses the statement, not the schema.
        const bad = appFor(a, { notes: 'before\u0000after' });
        const good2 = appFor(a);
        const r = await push(c, a, [
          change(a, 'application', good1),
          change(a, 'application', bad),
          change(a, 'application', good2),
        ]);
        expect(r.status).toBe(200);
        expect(r.body.results.map((x) => x.status)).toEqual(['applied', 'rejected', 'applied']);
        expect(r.body.ackSeq).toBe(3);
        expect(await countRows(c, 'applications')).toBe(2);
        expect(await countRows(c, 'changes', "status = 'rejected'")).toBe(1);
      });
    });

    it("pushes of one hall that queue together are written in one transaction; one refused value fails no other's", async () => {
      await withCentral(variant, 'fleet-group', {}, async (c) => {
        await createHall(c, 'FG');
        const devs = await Promise.all(
          Array.from({ length: 8 }, async (_, i) => device(await enrollDevice(c, 'FG', `G${i}`))),
        );
        const metrics = async () =>
          (
            await call<{ server: Record<string, { count: number }> }>(
              c.url,
              'GET',
              '/api/v1/admin/metrics?reset=1',
              { token: c.adminToken },
            )
          ).body.server;
        await metrics();
        // Every desk pushes at once, twice; desk 3's second push holds a value the database
        // refuses (jsonb cannot store U+0000).
        for (let round = 0; round < 2; round++) {
          const sent = devs.map((d, i) =>
            round === 1 && i === 3
              ? [appFor(d), appFor(d, { notes: 'before\u0000after' })]
              : [appFor(d), appFor(d)],
          );
          const answers = await Promise.all(
            devs.map((d, i) =>
              push(
                c,
                d,
                sent[i]!.map((x) => change(d, 'application', x)),
              ),
            ),
          );
          answers.forEach((r, i) => {
            expect(r.status, JSON.stringify(r.body)).toBe(200);
            const want = round === 1 && i === 3 ? ['applied', 'rejected'] : ['applied', 'applied'];
            expect(r.body.results.map((x) => x.status)).toEqual(want);
          });
        }
        const m = await metrics();
        expect(m['push: written in a group']?.count ?? 0).toBeGreaterThan(0);
        expect(await countRows(c, 'applications')).toBe(8 * 4 - 1);
        const feed = await c.server.db.query<{ seq: number }>(
          'SELECT seq FROM hall_feed ORDER BY seq',
        );
        expect(feed.rows.map((r) => r.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
        const acks = await c.server.db.query<{ ack_seq: number }>('SELECT ack_seq FROM devices');
        expect(acks.rows.every((r) => r.ack_seq === 4)).toBe(true);
      });
    });

    it('pushes of one group that update the same record are never both applied on the same version', async () => {
      await withCentral(variant, 'fleet-group-same', {}, async (c) => {
        await createHall(c, 'FS');
        const devs = await Promise.all(
          Array.from({ length: 6 }, async (_, i) => device(await enrollDevice(c, 'FS', `S${i}`))),
        );
        const app = appFor(devs[0]!);
        const first = await push(c, devs[0]!, [change(devs[0]!, 'application', app)]);
        expect(first.body.results[0]).toMatchObject({ status: 'applied', serverVersion: 1 });
        // Every desk edits the same application at once, from serverVersion 1.
        const answers = await Promise.all(
          devs.map((d, i) =>
            push(c, d, [
              change(d, 'application', { ...app, notes: `第 ${i} 台的说明` }, { op: 'update' }),
            ]),
          ),
        );
        const results = answers.map((r) => r.body.results[0]!);
        const applied = results.filter((r) => r.status === 'applied');
        expect(applied.length).toBeGreaterThanOrEqual(1);
        const versions = applied.map((r) => (r.status === 'applied' ? r.serverVersion : 0));
        const seen = JSON.stringify(
          results.map((r) => [r.status, r.status === 'applied' ? r.serverVersion : null]),
        );
        expect(new Set(versions).size, seen).toBe(versions.length);
        const stored = await c.server.db.query<{ server_version: number }>(
          'SELECT server_version FROM applications WHERE id = $1',
          [app.id],
        );
        expect(stored.rows[0]!.server_version, seen).toBe(1 + applied.length);
      });
    });

    // PostgreSQL only: PGlite has one connection, so no other writer can hold the hall's lock
    // while a push waits for it.
    it.skipIf(variant !== 'postgres')(
      "a push that waited for another writer's lock checks what that writer committed",
      async () => {
        await withCentral(variant, 'fleet-stale-check', {}, async (c) => {
          await createHall(c, 'FW');
          const d = device(await enrollDevice(c, 'FW', 'W'));
          const app = appFor(d);
          await push(c, d, [change(d, 'application', app)]);
          // Another writer (another endpoint process, the back office) holds the hall's lock
          // and moves the application to serverVersion 2 before it commits.
          const hold = gate();
          const locked = gate();
          const holder = c.server.db.transaction(async (tx) => {
            await tx.query("SELECT 1 FROM halls WHERE code = 'FW' FOR UPDATE");
            await tx.query(
              `UPDATE applications SET server_version = 2,
                      record = jsonb_set(record, '{serverVersion}', '2')
                WHERE id = $1`,
              [app.id],
            );
            locked.open();
            await hold.wait;
          });
          await locked.wait;
          // The desk edits from serverVersion 1: decided on what was committed (version 1),
          // then waits for the hall's lock.
          const pending = push(c, d, [
            change(d, 'application', { ...app, notes: '等锁的修改' }, { op: 'update' }),
          ]);
          await new Promise((r) => setTimeout(r, 300));
          hold.open();
          await holder;
          const r = await pending;
          expect(r.status).toBe(200);
          const res = r.body.results[0]!;
          const stored = await c.server.db.query<{ server_version: number }>(
            'SELECT server_version FROM applications WHERE id = $1',
            [app.id],
          );
          // Never written over version 2 as if it were still version 1.
          if (res.status === 'applied') {
            expect(res.serverVersion).toBe(3);
            expect(stored.rows[0]!.server_version).toBe(3);
          } else {
            expect(res.status).toBe('conflict');
            expect(stored.rows[0]!.server_version).toBe(2);
          }
        });
      },
    );

    it("the hall list's application counts come from the counter table and follow moves", async () => {
      await withCentral(variant, 'fleet-counts', {}, async (c) => {
        await createHall(c, 'FC');
        await createHall(c, 'FD');
        const a = device(await enrollDevice(c, 'FC', 'A'));
        const apps = Array.from({ length: 7 }, () => appFor(a));
        await push(
          c,
          a,
          apps.map((x) => change(a, 'application', x)),
        );
        // Updates of the same records do not count them twice.
        await push(
          c,
          a,
          apps
            .slice(0, 3)
            .map((x) => change(a, 'application', { ...x, notes: 'changed' }, { op: 'update' })),
        );
        const to = allowedTransitions(pathOf(apps[0]!), apps[0]!.status)[0]!;
        const next = await call(c.url, 'POST', paths.adminTransition(apps[0]!.id), {
          token: c.adminToken,
          body: { to, actor: '后台' },
        });
        expect(next.status).toBe(200);
        const halls = await call<{ halls: Array<{ code: string; applications: number }> }>(
          c.url,
          'GET',
          paths.adminHalls,
          { token: c.adminToken },
        );
        expect(halls.body.halls.find((h) => h.code === 'FC')?.applications).toBe(7);
        expect(halls.body.halls.find((h) => h.code === 'FD')?.applications).toBe(0);
        const counts = await c.server.db.query<{ status: string; n: number }>(
          'SELECT status, n FROM hall_app_counts WHERE n > 0 ORDER BY status',
        );
        const truth = await c.server.db.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM applications GROUP BY status ORDER BY status',
        );
        expect(counts.rows).toEqual(truth.rows);
        expect(truth.rows).toHaveLength(2);
      });
    });
  });
}
