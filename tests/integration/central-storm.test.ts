// Issue 16, pushes in a storm: the device token of a request checked a few seconds ago is not
// looked up again (deviceAuthCache.ts), yet a revoke in this process is seen by the very next
// request; while many pushes are in flight, heavy work (pages) runs one at a time
// (admission.ts writePressure), and gets its slots back when they are done; a push's queries are
// handed a pooled connection before the reads already waiting (db.ts `urgent`); the first pushes
// of a storm share one read of the push context (catalogue version, zone, parsed catalogue), and
// the device token lookups of one event-loop turn are one query, and so are the pull heads
// (pullHeads.ts), whose touch of the device's last contact never waits for a push's lock.
import { describe, expect, it } from 'vitest';
import { encodeCheckpoint, paths } from '../../shared/protocol';
import { Admission } from '../../server/central/admission';
import type { FastifyRequest } from 'fastify';
import type { DeviceAuth } from '../../server/central/auth';
import { authenticateDevice } from '../../server/central/auth';
import { DeviceAuthCache } from '../../server/central/deviceAuthCache';
import { forgetPushContext, pushContext } from '../../server/central/pushRules';
import type { Db } from '../../server/db/db';
import { appFor, change, countRows, device, push, type TestDevice } from '../support/serverClient';
import { parsePullQuery } from '../../server/central/pull';
import { pullHead } from '../../server/central/pullHeads';
import {
  call,
  createHall,
  enrollDevice,
  forEachDb,
  gate,
  startCentral,
  testStorage,
  withCentral,
} from '../support/server';

/** The database with its `query` calls counted. */
function counted(db: Db): { db: Db; queries: () => number } {
  let n = 0;
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (...args: Parameters<Db['query']>) => {
          n++;
          return target.query(...args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { db: proxy, queries: () => n };
}

const auth = (deviceId: string): DeviceAuth => ({
  deviceId,
  deviceName: 'd',
  hallId: 1,
  hallCode: 'H',
  hallName: 'H',
  kind: 'desk',
});

describe('DeviceAuthCache', () => {
  it('trusts a checked token for its TTL only, forgets a revoked device, stays bounded', async () => {
    const c = new DeviceAuthCache(40, 3);
    c.set('t1', auth('a'));
    c.set('t2', auth('a'));
    c.set('t3', auth('b'));
    expect(c.get('t1')?.deviceId).toBe('a');
    c.forgetDevice('a');
    expect(c.get('t1')).toBeUndefined();
    expect(c.get('t2')).toBeUndefined();
    expect(c.get('t3')?.deviceId).toBe('b');
    c.set('t4', auth('c'));
    c.set('t5', auth('d'));
    c.set('t6', auth('e'));
    expect(c.size).toBe(3);
    expect(c.get('t3')).toBeUndefined(); // the oldest went first
    await new Promise((r) => setTimeout(r, 60));
    expect(c.get('t6')).toBeUndefined(); // past its TTL
    const off = new DeviceAuthCache(0);
    off.set('x', auth('x'));
    expect(off.get('x')).toBeUndefined();
  });
});

describe('Admission under write pressure', () => {
  it('runs heavy work one at a time while pushes are in flight, then up to its limit again', async () => {
    const a = new Admission({ maxConcurrent: 3, writePressure: 1 });
    let running = 0;
    let most = 0;
    const gates: Array<() => void> = [];
    const heavy = (i: number) =>
      a.run(
        `d${i}`,
        () => false,
        async () => {
          running++;
          most = Math.max(most, running);
          await new Promise<void>((r) => gates.push(r));
          running--;
        },
      );
    const settle = () => new Promise((r) => setTimeout(r, 10));
    // Two pushes in flight (more than writePressure 1): pages run one at a time.
    const pushGates: Array<() => void> = [];
    const pushes = [0, 1].map(() => a.write(() => new Promise<void>((r) => pushGates.push(r))));
    const pages = [0, 1, 2, 3].map((i) => heavy(i));
    await settle();
    expect(running).toBe(1);
    gates.shift()!();
    await settle();
    expect(running).toBe(1);
    expect(most).toBe(1);
    // The pushes end: the waiting pages start, up to maxConcurrent.
    for (const g of pushGates) g();
    await Promise.all(pushes);
    await settle();
    expect(running).toBe(3); // the three pages left, at once (maxConcurrent)
    while (gates.length > 0) {
      gates.shift()!();
      await settle();
    }
    await Promise.all(pages);
    expect(a.stats.running).toBe(0);
    expect(a.stats.queued).toBe(0);
  });
});

for (const { variant, skipReason } of forEachDb()) {
  describe.skipIf(!!skipReason)(`device requests in a storm (${variant})`, () => {
    it('a revoke is seen by the next request although the token was just checked', async () => {
      await withCentral(variant, 'lanes-revoke', { authCacheMs: 60_000 }, async (c) => {
        await createHall(c, 'LR');
        const d = device(await enrollDevice(c, 'LR'));
        expect((await call(c.url, 'GET', paths.pull, { token: d.token })).status).toBe(200);
        const r = await call(c.url, 'POST', `/api/v1/admin/devices/${d.deviceId}/revoke`, {
          token: c.adminToken,
        });
        expect(r.status).toBe(200);
        const after = await call<{ error: { code: string } }>(c.url, 'GET', paths.pull, {
          token: d.token,
        });
        expect(after.status).toBe(401);
        expect(after.body.error.code).toBe('E_TOKEN_REVOKED');
        const p = await push(c, d, [change(d, 'application', appFor(d))]);
        expect(p.status).toBe(401);
      });
    });

    it('the first pushes of a storm share one read of the push context', async () => {
      await withCentral(variant, 'storm-context', {}, async (c) => {
        const { db: counting, queries: count } = counted(c.server.db);
        forgetPushContext(counting);
        const all = await Promise.all(Array.from({ length: 30 }, () => pushContext(counting)));
        // One read of the version and zone, one of the catalogue (parsed once).
        expect(count()).toBe(2);
        expect(new Set(all.map((x) => x.catalogue)).size).toBe(1);
        expect(all[0]!.catalogue).not.toBeNull();
        await pushContext(counting);
        expect(count()).toBe(2); // within the second: from memory
      });
    });

    it('the token lookups of one turn are one query, each request getting its own answer', async () => {
      await withCentral(variant, 'storm-tokens', {}, async (c) => {
        await createHall(c, 'TK');
        const devs = [];
        for (let i = 0; i < 6; i++) devs.push(device(await enrollDevice(c, 'TK', `T${i}`)));
        const gone = devs[5]!;
        const r = await call(c.url, 'POST', `/api/v1/admin/devices/${gone.deviceId}/revoke`, {
          token: c.adminToken,
        });
        expect(r.status).toBe(200);
        const { db, queries } = counted(c.server.db);
        const req = (token: string) =>
          ({ headers: { authorization: `Bearer ${token}` } }) as unknown as FastifyRequest;
        const tokens = [...devs.map((d) => d.token), devs[0]!.token, 'hd_dev_no_such_token'];
        const got = await Promise.allSettled(tokens.map((t) => authenticateDevice(db, req(t))));
        expect(queries()).toBe(1);
        for (let i = 0; i < 5; i++) {
          expect(got[i]).toMatchObject({
            status: 'fulfilled',
            value: { deviceId: devs[i]!.deviceId },
          });
        }
        expect(got[5]).toMatchObject({ status: 'rejected', reason: { code: 'E_TOKEN_REVOKED' } });
        expect(got[6]).toMatchObject({
          status: 'fulfilled',
          value: { deviceId: devs[0]!.deviceId },
        });
        expect(got[7]).toMatchObject({ status: 'rejected', reason: { code: 'E_AUTH' } });
      });
    });

    it('the pull heads of one turn are one query, each asker getting its own hall and documents', async () => {
      await withCentral(variant, 'storm-heads', {}, async (c) => {
        await createHall(c, 'PA');
        await createHall(c, 'PB');
        const a = device(await enrollDevice(c, 'PA', 'A1'));
        const b = device(await enrollDevice(c, 'PB', 'B1'));
        const pushed = await push(c, a, [change(a, 'application', appFor(a))]);
        expect(pushed.status).toBe(200);
        const { rows } = await c.server.db.query<{ code: string; id: number; feed: number }>(
          `SELECT code, id, feed_seq::int AS feed FROM halls WHERE code IN ('PA', 'PB')`,
        );
        const hall = new Map(rows.map((r) => [r.code, r]));
        const { rows: cfg } = await c.server.db.query<{ v: number }>(
          'SELECT max(version)::int AS v FROM config',
        );
        const top = cfg[0]!.v;
        const ask = (dev: TestDevice, code: string, configVersion: number) =>
          pullHead(
            db,
            { ...auth(dev.deviceId), hallId: hall.get(code)!.id, hallCode: code },
            parsePullQuery({ checkpoint: encodeCheckpoint({ hallSeq: 0, configVersion }) }),
          );
        const { db, queries } = counted(c.server.db);
        const [ha, hb, hb2] = await Promise.all([
          ask(a, 'PA', 0),
          ask(b, 'PB', top),
          ask(b, 'PB', 0),
        ]);
        // The heads, and (the first time this process meets the documents) one read of them.
        expect(queries()).toBe(2);
        expect(ha.feedSeq).toBe(hall.get('PA')!.feed);
        expect(ha.feedSeq).toBeGreaterThan(0);
        expect(hb.feedSeq).toBe(hall.get('PB')!.feed);
        expect([ha.configMax, hb.configMax]).toEqual([top, top]);
        // Documents newer than each asker's own checkpoint.
        expect(ha.config.map((d) => d.key).sort()).toEqual(['calendar', 'catalogue', 'settings']);
        expect(hb.config).toEqual([]);
        expect(hb2.config.length).toBe(3);
        // A checkpoint's configuration version may have up to 15 digits: one far past the
        // database's integers fails nobody's head, neither its own nor the turn's others.
        const [big, other] = await Promise.all([
          ask(a, 'PA', 999_999_999_999_999),
          ask(b, 'PB', 0),
        ]);
        expect(big.config).toEqual([]);
        expect(big.feedSeq).toBe(ha.feedSeq);
        expect(other.config.length).toBe(3);
        // The documents came from this process's cache: the turn was one query.
        expect(queries()).toBe(3);
        expect(other.config).toEqual(hb2.config);
        // Both devices' last contact was recorded by the one query.
        const seen = await countRows(
          c,
          'devices',
          'id = ANY($1::uuid[]) AND last_seen_at IS NOT NULL',
          [[a.deviceId, b.deviceId]],
        );
        expect(seen).toBe(2);
      });
    });

    // Skipped in the PGlite variant: PGlite has one connection, which the holding transaction
    // would take from the pull itself.
    it.skipIf(variant !== 'postgres')(
      'a pull does not wait for a push holding its device row: the touch skips it',
      async () => {
        await withCentral(variant, 'storm-head-lock', {}, async (c) => {
          await createHall(c, 'PL');
          const d = device(await enrollDevice(c, 'PL', 'L1'));
          await c.server.db.query('UPDATE devices SET last_seen_at = NULL WHERE id = $1', [
            d.deviceId,
          ]);
          const hold = gate();
          const locked = gate();
          const holder = c.server.db.transaction(async (tx) => {
            await tx.query('SELECT 1 FROM devices WHERE id = $1 FOR UPDATE', [d.deviceId]);
            locked.open();
            await hold.wait;
          });
          const pull = () => call(c.url, 'GET', `${paths.pull}?limit=10`, { token: d.token });
          try {
            await locked.wait;
            const answer = await Promise.race([
              pull(),
              new Promise<'waited'>((r) => setTimeout(() => r('waited'), 5_000)),
            ]);
            expect(answer).toMatchObject({ status: 200 });
          } finally {
            hold.open();
            await holder;
          }
          expect(
            await countRows(c, 'devices', 'id = $1 AND last_seen_at IS NULL', [d.deviceId]),
          ).toBe(1);
          // Once the row is free, the next pull records the contact.
          expect((await pull()).status).toBe(200);
          expect(
            await countRows(c, 'devices', 'id = $1 AND last_seen_at IS NOT NULL', [d.deviceId]),
          ).toBe(1);
        });
      },
    );

    // Skipped in the PGlite variant: PGlite has one connection, served in order, so there is no
    // waiting work to put an urgent query ahead of.
    it.skipIf(variant !== 'postgres')(
      'with every connection busy, urgent work (a push) gets the next one before the waiting reads',
      async () => {
        const s = await testStorage(variant, 'storm-urgent');
        if (typeof s === 'string') throw new Error(s);
        // One connection: what runs next is exactly who was handed the connection next.
        const c = await startCentral(s, { maxConnections: 1 });
        const order: string[] = [];
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        const holders: Array<Promise<unknown>> = [];
        try {
          const db = c.server.db;
          let enter!: () => void;
          const entered = new Promise<void>((r) => (enter = r));
          holders.push(
            db.transaction(async (tx) => {
              await tx.query('SELECT 1');
              enter();
              await held;
            }),
          );
          await entered;
          // Five reads wait first, then one urgent query.
          const reads = Array.from({ length: 5 }, (_, i) =>
            db.query('SELECT 1').then(() => order.push(`read${i}`)),
          );
          const urgent = db.urgent.query('SELECT 1').then(() => order.push('urgent'));
          expect(db.poolCounts()?.waiting).toBe(6);
          release();
          await Promise.all([...reads, urgent, ...holders]);
          // The freed connection went first to the urgent query, then to the reads in order.
          expect(order).toEqual(['urgent', 'read0', 'read1', 'read2', 'read3', 'read4']);
          // The urgent Db is the same database: closing the server closes both.
          expect(db.urgent.urgent).toBe(db.urgent);
        } finally {
          release();
          await Promise.all(holders);
          await c.close();
          await s.cleanup();
        }
      },
    );
  });
}
