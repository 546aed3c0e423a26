// The endpoint's own figures (GET /api/v1/admin/metrics, issue 16): administrators only; the
// event-loop delay sees a stall of the endpoint's loop; `reset=1` starts a new window; the time
// inside the endpoint is kept per route; the loop thread's CPU is counted (Linux); on PostgreSQL
// the pool's waiting queries are counted.
import { describe, expect, it } from 'vitest';
import { paths } from '../../shared/protocol';
import type { MetricsSnapshot } from '../../server/central/metrics';
import { preparedSql } from '../../server/db/prepared';
import { call, enrollDevice, createHall, forEachDb, withCentral } from '../support/server';

const METRICS = '/api/v1/admin/metrics';

/** Blocks this process's event loop (the endpoint runs in it) for `ms`. */
function blockLoop(ms: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        // busy: nothing else runs on this loop meanwhile
      }
      resolve();
    }, 20),
  );
}

for (const { variant, skipReason } of forEachDb()) {
  describe.skipIf(!!skipReason)(`endpoint metrics (${variant})`, () => {
    it('administrators only; loop delay sees a stall, reset starts a new window, time per route', async () => {
      await withCentral(variant, 'metrics', {}, async (c) => {
        expect((await call(c.url, 'GET', METRICS)).status).toBe(401);
        await createHall(c, 'MT01');
        const dev = await enrollDevice(c, 'MT01');
        const asDevice = await call(c.url, 'GET', METRICS, { token: dev.token });
        expect(asDevice.status).toBe(403);

        await call(c.url, 'GET', `${METRICS}?reset=1`, { token: c.adminToken });
        await blockLoop(600);
        for (let i = 0; i < 3; i++)
          expect((await call(c.url, 'GET', paths.health)).status).toBe(200);
        const r = await call<MetricsSnapshot>(c.url, 'GET', `${METRICS}?reset=1`, {
          token: c.adminToken,
        });
        expect(r.status).toBe(200);
        expect(r.body.eventLoop.maxMs).toBeGreaterThanOrEqual(500);
        expect(r.body.windowMs).toBeGreaterThanOrEqual(600);
        expect(r.body.server[`GET ${paths.health}`]?.count).toBe(3);
        expect(r.body.pool.size).toBe(c.server.db.poolSize);
        // The loop thread's own CPU (Linux): the 600 ms stall was spent on a core.
        if (process.platform === 'linux') {
          expect(r.body.loopThread?.cpuMs).toBeGreaterThanOrEqual(400);
          expect(r.body.loopThread?.runQueueWaitMs).toBeGreaterThanOrEqual(0);
        }

        // The new window starts after the stall: neither it nor the health checks are in it.
        const next = await call<MetricsSnapshot>(c.url, 'GET', METRICS, { token: c.adminToken });
        expect(next.body.windowMs).toBeLessThan(r.body.windowMs);
        expect(next.body.eventLoop.maxMs).toBeLessThan(500);
        expect(next.body.server[`GET ${paths.health}`]?.count ?? 0).toBe(0);
      });
    });

    if (variant === 'postgres') {
      it('counts queries waiting for a pooled connection', async () => {
        await withCentral(variant, 'metrics', { maxConnections: 2 }, async (c) => {
          await call(c.url, 'GET', `${METRICS}?reset=1`, { token: c.adminToken });
          await Promise.all(
            Array.from({ length: 6 }, () => c.server.db.query('SELECT pg_sleep(0.3)')),
          );
          const r = await call<MetricsSnapshot>(c.url, 'GET', METRICS, { token: c.adminToken });
          expect(r.body.pool.size).toBe(2);
          expect(r.body.pool.waitingMax).toBeGreaterThanOrEqual(2);
          // A registered statement switched its connection to generic plans (prepared.ts).
          await c.server.db.query(preparedSql('SELECT $1::int AS n /* metrics-test */'), [1]);
          const m = await call<MetricsSnapshot>(c.url, 'GET', METRICS, { token: c.adminToken });
          expect(m.body.pool.planModeSwitches).toBeGreaterThanOrEqual(1);
        });
      });
    }
  });
}
