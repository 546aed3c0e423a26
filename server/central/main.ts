// `npm run central`: the central endpoint as a process. PostgreSQL when DATABASE_URL is set,
// else PGlite persisted in HALLDESK_CENTRAL_DATA (default .data/central). PORT/HOST env;
// HALLDESK_TRUST_PROXY, HALLDESK_RATE_LIMIT_* (see README, "Running the central endpoint").
import path from 'node:path';
import { poolSizeFromEnv } from '../db/db';
import { prepareFromEnv } from '../db/prepared';
import { addAcceptHandles } from './acceptHandles';
import { buildCentralServer } from './app';
import { safeError, startupMessage } from './logging';
import { rateLimitsFromEnv } from './rateLimit';
import { trustProxyFromEnv } from './proxy';

/** `{ [key]: n }` when the variable holds a positive number, else nothing (the default applies). */
function numberEnv<K extends string>(name: string, key: K): Partial<Record<K, number>> {
  const v = Number(process.env[name]);
  if (!process.env[name] || !Number.isFinite(v) || v <= 0) return {};
  return { [key]: v } as Partial<Record<K, number>>;
}

/** A whole number from the environment, or undefined when unset (a bad value stops the start). */
function envInt(name: string, min: number): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}`);
  return n;
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = path.resolve(process.env.HALLDESK_CENTRAL_DATA || '.data/central');
  const port = Number(process.env.PORT || 8600);
  const host = process.env.HOST || '127.0.0.1';
  const poolSize = poolSizeFromEnv(process.env.DATABASE_POOL_SIZE);
  const authCacheMs = envInt('HALLDESK_AUTH_CACHE_MS', 0);
  const heavy = envInt('HALLDESK_HEAVY_CONCURRENCY', 1);
  const queue = envInt('HALLDESK_HEAVY_QUEUE', 0);
  const cacheMb = envInt('HALLDESK_PULL_CACHE_MB', 0);
  const compressThreads = envInt('HALLDESK_COMPRESS_THREADS', 1);
  const server = await buildCentralServer({
    ...(poolSize ? { maxConnections: poolSize } : {}),
    prepare: prepareFromEnv(process.env.HALLDESK_PG_PREPARE),
    ...(authCacheMs !== undefined ? { authCacheMs } : {}),
    // The endpoint keeps its whole pool open (db.ts warmPool): no backends started mid-storm.
    warmPool: true,
    admission: {
      ...(heavy !== undefined ? { maxConcurrent: heavy } : {}),
      ...(queue !== undefined ? { maxQueue: queue } : {}),
    },
    ...(cacheMb !== undefined ? { pageCacheBytes: cacheMb * 1024 * 1024 } : {}),
    ...(compressThreads !== undefined ? { compressThreads } : {}),
    ...(databaseUrl ? { databaseUrl } : { dataDir }),
    ...(process.env.HALLDESK_ADMIN_TOKEN ? { adminToken: process.env.HALLDESK_ADMIN_TOKEN } : {}),
    // The shell's update feed (electron-builder's release folder by default, when it exists).
    updatesDir: process.env.HALLDESK_UPDATES_DIR ?? 'release',
    logger: { level: process.env.LOG_LEVEL || 'info' },
    // The centre's rules (shared/protocol/API.md, "What the centre accepts"); defaults in limits.ts.
    ...numberEnv('HALLDESK_MAX_SEQ_GAP', 'maxSeqGap'),
    ...numberEnv('HALLDESK_UPLOAD_EXPIRY_DAYS', 'uploadExpiryDays'),
    ...numberEnv('HALLDESK_DEVICE_QUOTA_BYTES', 'deviceQuotaBytes'),
    trustProxy: trustProxyFromEnv(process.env.HALLDESK_TRUST_PROXY),
    rateLimits: rateLimitsFromEnv(process.env),
  });
  if (server.generatedAdminToken) {
    // Printed once: only its hash is stored. Set HALLDESK_ADMIN_TOKEN to choose your own.
    console.log(
      `\n[central] 管理员令牌 (admin token, shown once): ${server.generatedAdminToken}\n`,
    );
  }
  // Listen backlog: 500 desks switched on together open ~1,000 connections within a second.
  // Node's default (511) overflows while the loop is busy, the kernel drops SYNs and the
  // clients retry after 1 s, 3 s, 7 s — seconds of "slow health" with an idle handler. The
  // kernel caps it at net.core.somaxconn (4096 on current Linux).
  const backlog = envInt('HALLDESK_LISTEN_BACKLOG', 1) ?? 4096;
  const address = await server.app.listen({ port, host, backlog });
  // Accepts per event-loop turn (acceptHandles.ts): a storm of new connections must not wait
  // in the accept queue one loop iteration each. Before the address is announced.
  const acceptHandles = envInt('HALLDESK_ACCEPT_HANDLES', 1) ?? 32;
  const extraHandles = await addAcceptHandles(server.app.server, acceptHandles - 1, backlog).catch(
    (err: unknown) => {
      console.error('[central] one accepting handle only:', JSON.stringify(safeError(err)));
      return [];
    },
  );
  console.log(
    `[central] listening on ${address} (${databaseUrl ? 'PostgreSQL' : `PGlite at ${dataDir}`}); console: ${address}/console`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[central] ${signal}: closing`);
    for (const h of extraHandles) h.close();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('[central] close failed:', JSON.stringify(safeError(err)));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  // A start-up error may be a database error quoting a statement: codes and frames only.
  console.error('[central] failed to start:', startupMessage(err));
  process.exit(1);
});
