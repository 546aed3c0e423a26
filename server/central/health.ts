// Liveness and readiness of the central endpoint. `/health` answers from memory (no database,
// no admission control, no await): under a storm it must still answer in milliseconds, or a
// load balancer takes a working endpoint out. `/ready` touches the database on its own
// connection within a small budget, for a balancer that wants to know the database is there.
import type { FastifyInstance } from 'fastify';
import type { HealthResponse } from '../../shared/protocol';
import { paths } from '../../shared/protocol';
import type { Db } from '../db/db';
import type { Admission } from './admission';

/** How long readiness waits for `SELECT 1` (ms). */
export const READY_BUDGET_MS = 1_000;

export function registerHealth(app: FastifyInstance, db: Db, admission: Admission): void {
  const health = (): HealthResponse => ({
    ok: true,
    service: 'halldesk-central',
    apiVersion: 1,
    time: new Date().toISOString(),
    db: db.kind,
  });
  // Synchronous handlers: Fastify sends the object without a trip through the event loop.
  app.get(paths.health, { config: { compress: false } }, (_req, reply) => {
    void reply.header('cache-control', 'no-store').send(health());
  });
  app.get(paths.apiHealth, { config: { compress: false } }, (_req, reply) => {
    void reply.header('cache-control', 'no-store').send(health());
  });
  app.get(paths.ready, { config: { compress: false } }, async (_req, reply) => {
    const dbUp = await db.ping(READY_BUDGET_MS);
    const body = {
      ok: dbUp,
      db: dbUp ? 'up' : 'down',
      poolSize: db.poolSize,
      heavy: { ...admission.stats, maxConcurrent: admission.maxConcurrent },
    };
    return reply
      .status(dbUp ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(
        dbUp
          ? body
          : {
              ...body,
              error: {
                code: 'E_UNAVAILABLE',
                message: '数据库不可用 (database unavailable)',
              },
            },
      );
  });
}
