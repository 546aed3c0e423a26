// The central endpoint as a Fastify app: buildCentralServer() opens the database, runs the
// migrations, seeds configuration and registers API v1, the console and error handling.
import compress from '@fastify/compress';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_PREFIX, ATTACHMENT_HEADERS, MAX_BODY_BYTES, paths } from '../../shared/protocol';
import type { Db } from '../db/db';
import { openDb } from '../db/db';
import { runMigrations } from '../db/migrations';
import * as admin from './admin';
import type { AdmissionOptions } from './admission';
import { Admission, clientGone } from './admission';
import {
  attachmentContent,
  attachmentStatus,
  contentDisposition,
  putAttachmentChunk,
  servedContentType,
} from './attachments';
import { listAudit, storeAudit } from './audit';
import type { DeviceAuth } from './auth';
import { authenticateDevice, ensureAdminToken } from './auth';
import { DEFAULT_AUTH_CACHE_MS, deviceAuthCacheFor } from './deviceAuthCache';
import { registerConsole } from './console';
import { installCors } from './cors';
import { ApiFailure, installErrorHandling } from './errors';
import { clientErrorHandler, frameworkErrors, installRequestGuards } from './guards';
import { registerHealth } from './health';
import { ProcessMetrics } from './metrics';
import { centralLoggerOptions } from './logging';
import type { PageCache } from './pageCache';
import { PageCompressor } from './pageCompress';
import { registerPull } from './pullRoute';
import { processPush } from './push';
import { deskOnly } from './pushRules';
import { sweepExpiredUploads } from './attachments';
import { operatorHallScope, operatorHook } from './operator';
import { registerStaffAdminRoutes, registerStaffDeviceRoutes } from './staffRoutes';
import type { RateLimits } from './rateLimit';
import { createLimiters, rateLimited } from './rateLimit';
import type { SessionPolicy } from './sessions';
import { DEFAULT_SESSION_POLICY } from './sessions';
import { registerUpdates } from './updates';
import { registerComplaintRoutes } from './complaintsRoutes';
import { startFeedbackWatch, type FeedbackWatch } from './complaintsWatch';
import { startInitialsBackfill, type InitialsBackfill } from './initialsBackfill';
import { registerWorkbench } from './workbench';
import { registerCustomerRoutes } from './customerRoutes';
import { registerWorkbenchStatic } from './workbenchStatic';

export interface CentralServerOptions {
  /** PostgreSQL URL; else PGlite in dataDir (in memory when neither is given). */
  databaseUrl?: string;
  dataDir?: string;
  /** Administrator token (main.ts passes HALLDESK_ADMIN_TOKEN); without it the stored hash is kept or a token is generated once. */
  adminToken?: string;
  /** The built renderer served at /workbench/ (default dist/renderer). */
  rendererDir?: string;
  /**
   * Fastify logger option (false in tests): pino options such as level and stream. Whatever is
   * given, errors, requests and messages pass through logging.ts (codes and ids, never values).
   */
  logger?: boolean | object;
  /**
   * Which proxies may set X-Forwarded-For/-Proto (Fastify's trustProxy: true, a hop count, or
   * addresses/CIDRs). Off by default: a client must not be able to fake its address (rate
   * limits) or the protocol (the console cookie's Secure flag). main.ts: HALLDESK_TRUST_PROXY.
   */
  trustProxy?: boolean | number | string | string[];
  /** Failed attempts per client address (defaults in rateLimit.ts). */
  rateLimits?: Partial<RateLimits>;
  /** Console session lifetime (defaults in sessions.ts). */
  consoleSessions?: Partial<SessionPolicy>;
  /** Where shared/config/<key>.json live (seeding); defaults to the repository's. */
  configDir?: URL | string;
  /** PostgreSQL pool size (DATABASE_POOL_SIZE in main.ts). */
  maxConnections?: number;
  /** PostgreSQL: prepared statements for the hottest queries (HALLDESK_PG_PREPARE; default on). */
  prepare?: boolean;
  /** How long a checked device token is trusted without the database (0: never). */
  authCacheMs?: number;
  /** PostgreSQL: open the whole pool at start and keep it open (main.ts; db.ts warmPool). */
  warmPool?: boolean;
  /** Admission control of heavy work (full-pull pages, large pushes). */
  admission?: AdmissionOptions;
  /** A pull page of at least this many records, or a push of this many changes, is heavy (200 / 100). */
  heavyPullRecords?: number;
  heavyPushChanges?: number;
  /** Bytes of compressed pull pages kept for the hall's other desks (64 MB; 0 = none). */
  pageCacheBytes?: number;
  /** Threads that compress pull pages off the event loop (default 1; pageCompress.ts). */
  compressThreads?: number;
  /** Folder served at /updates/ as the desktop shell's generic update feed (none: not served). */
  updatesDir?: string;
  /** Largest seq jump past a device's highest (DEFAULT_MAX_SEQ_GAP; HALLDESK_MAX_SEQ_GAP). */
  maxSeqGap?: number;
  /** Days after which unfinished uploads and their bytes are removed (DEFAULT_UPLOAD_EXPIRY_DAYS). */
  uploadExpiryDays?: number;
  /** Per-device stored + pending attachment bytes (DEFAULT_DEVICE_QUOTA_BYTES). */
  deviceQuotaBytes?: number;
}

export interface CentralServer {
  app: FastifyInstance;
  db: Db;
  admission: Admission;
  pageCache: PageCache;
  /** Event-loop delay, GC pauses, pool waits of this process (GET /api/v1/admin/metrics). */
  metrics: ProcessMetrics;
  /** The admin token generated on the very first start (null when it already existed or was given). */
  generatedAdminToken: string | null;
  /** Removes unfinished uploads older than the expiry (also run hourly); returns how many. */
  sweepUploads(): Promise<number>;
  /** The complaints watch (assignment, escalation): kick() runs a pass now. */
  feedbackWatch: FeedbackWatch;
  /** The background fill of pinyin initials of rows older than that column (initialsBackfill.ts). */
  initialsBackfill: InitialsBackfill;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    device?: DeviceAuth;
  }
}

export async function buildCentralServer(opts: CentralServerOptions = {}): Promise<CentralServer> {
  const db = await openDb({
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.maxConnections ? { maxConnections: opts.maxConnections } : {}),
    ...(opts.prepare !== undefined ? { prepare: opts.prepare } : {}),
    ...(opts.warmPool ? { warmPool: true } : {}),
  });
  let generatedAdminToken: string | null = null;
  try {
    await runMigrations(db);
    generatedAdminToken = (await ensureAdminToken(db, opts.adminToken)).generated;
    await admin.seedConfig(db, opts.configDir ?? new URL('../../shared/config/', import.meta.url));
  } catch (err) {
    await db.close();
    throw err;
  }

  const trust = opts.trustProxy ?? false;
  const app = Fastify({
    logger: centralLoggerOptions(opts.logger),
    bodyLimit: MAX_BODY_BYTES,
    // A hop count in proxy-addr's function form (Fastify's typings only name the others).
    trustProxy: typeof trust === 'number' ? (_addr: string, hop: number) => hop < trust : trust,
    return503OnClosing: true,
    clientErrorHandler,
    frameworkErrors,
  });
  const limiters = createLimiters(opts.rateLimits);
  installErrorHandling(app);
  installRequestGuards(app);
  installCors(app);
  // Responses gzip/br when asked; request bodies with Content-Encoding gzip/deflate/br are
  // decompressed before parsing, and the body limit applies to the decompressed size too
  // (Fastify counts the bytes coming out of the decompressing stream).
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
    requestEncodings: ['gzip', 'deflate', 'br'],
    // br level 11 costs far too much CPU for an API; 4 is close in size and fast.
    brotliOptions: { params: { [(await import('node:zlib')).constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  // JSON or octet-stream only: a text/plain body is a client bug, refused with 415.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES },
    (_req, body, done) => done(null, body),
  );

  const metrics = new ProcessMetrics(db.poolSize, () => db.poolCounts());
  // Device tokens checked in the last few seconds are not looked up again (deviceAuthCache.ts).
  const authCache = deviceAuthCacheFor(db, opts.authCacheMs ?? DEFAULT_AUTH_CACHE_MS);
  const deviceOn = (d: Db) => async (req: FastifyRequest) => {
    const t = performance.now();
    req.device = await authenticateDevice(d, req, authCache);
    metrics.observe('(device token check)', performance.now() - t);
  };
  const device = deviceOn(db);
  // A push's database work goes ahead of everything else waiting for a connection (db.ts
  // `urgent`): in a storm a desk's push must not queue behind the pages of the whole province.
  const pushDevice = deviceOn(db.urgent);
  // The admin token, or a staff member's session with the route's permission (operator.ts). A
  // failed authentication counts against the address; past the limit the address is refused
  // before its token is even looked at. A refusal for a missing role is not a guess: not counted.
  const operator = operatorHook(db);
  const adminOnly = async (req: FastifyRequest) => {
    const wait = limiters.adminAuth.blockedFor(req.ip);
    if (wait > 0) throw rateLimited(wait);
    try {
      await operator(req);
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'E_AUTH') limiters.adminAuth.failed(req.ip);
      throw err;
    }
  };
  const dev = (req: FastifyRequest): DeviceAuth => req.device!;
  // Routes a `service` device (the hall queue service's uplink) may not use (pushRules.ts).
  const deskDevice = [device, async (req: FastifyRequest) => deskOnly(dev(req))];
  const attachmentLimits = {
    ...(opts.deviceQuotaBytes !== undefined ? { quotaBytes: opts.deviceQuotaBytes } : {}),
  };

  // Liveness from memory (fast whatever the load) and readiness with the database's answer.
  const admission = new Admission(opts.admission);
  registerHealth(app, db, admission);
  // From a connection's accept to its first request: the part of a client's wait that happens
  // before any route (reading and parsing the request on a busy loop).
  const acceptedAt = new WeakMap<object, number>();
  app.server.on('connection', (socket: object) => acceptedAt.set(socket, performance.now()));
  app.addHook('onRequest', (req, _reply, done) => {
    const t = acceptedAt.get(req.raw.socket);
    if (t !== undefined) {
      acceptedAt.delete(req.raw.socket);
      metrics.observe('(accepted → first request)', performance.now() - t);
    }
    done();
  });
  // Time inside the endpoint per route (metrics.ts); a synchronous hook, nothing awaited.
  app.addHook('onResponse', (req, reply, done) => {
    metrics.observe(`${req.method} ${req.routeOptions.url ?? '(none)'}`, reply.elapsedTime);
    done();
  });
  const heavyPushChanges = opts.heavyPushChanges ?? 100;

  // ---------------------------------------------------------------- device API
  // Enrollment-code guesses: every refused attempt counts against the address.
  app.post(paths.enroll, async (req) => {
    const wait = limiters.enroll.blockedFor(req.ip);
    if (wait > 0) throw rateLimited(wait);
    try {
      return await admin.enroll(db, req.body);
    } catch (err) {
      if (err instanceof ApiFailure) limiters.enroll.failed(req.ip);
      throw err;
    }
  });
  app.get(paths.device, { onRequest: device }, async (req) =>
    admin.deviceInfo(db, dev(req).deviceId),
  );
  app.delete(paths.device, { onRequest: device }, async (req) =>
    admin.revokeSelf(db, dev(req).deviceId),
  );
  const feedbackWatch = startFeedbackWatch(db);
  const pushOpts = {
    ...(opts.maxSeqGap !== undefined ? { maxSeqGap: opts.maxSeqGap } : {}),
    observe: (phase: string, ms: number) => metrics.observe(phase, ms),
  };
  app.post(paths.push, { onRequest: pushDevice }, async (req, reply) => {
    const changes = (req.body as { changes?: unknown } | null)?.changes;
    const n = Array.isArray(changes) ? changes.length : 0;
    // New or changed feedback: the complaints watch assigns it soon (complaintsWatch.ts).
    if (
      Array.isArray(changes) &&
      changes.some((c) => (c as { entity?: unknown })?.entity === 'feedback')
    )
      reply.raw.once('finish', feedbackWatch.kick);
    // Every push counts as write pressure: while many are in flight, pages wait (admission.ts).
    if (n < heavyPushChanges) {
      return admission.write(() => processPush(db.urgent, dev(req), req.body, pushOpts));
    }
    // A large push is heavy work; the engine sends up to three in a window.
    return admission.run(
      dev(req).deviceId,
      () => clientGone(req, reply),
      () => admission.write(() => processPush(db.urgent, dev(req), req.body, pushOpts)),
      3,
    );
  });
  app.post(paths.audit, { onRequest: deskDevice }, async (req) =>
    storeAudit(db, dev(req), req.body),
  );
  // A service device's pages carry configuration only (pull.ts; pushRules.ts serviceView).
  const compressor = new PageCompressor(opts.compressThreads ?? 1);
  const pageCache = registerPull(app, db, admission, device, compressor, {
    ...(opts.heavyPullRecords !== undefined ? { heavyRecords: opts.heavyPullRecords } : {}),
    ...(opts.pageCacheBytes !== undefined ? { cacheBytes: opts.pageCacheBytes } : {}),
  });
  app.get<{ Params: { appNo: string }; Querystring: { phone?: string } }>(
    `${API_PREFIX}/applications/by-number/:appNo`,
    { onRequest: deskDevice },
    async (req) => ({
      application: await admin.getHallApplicationByNumber(
        db,
        dev(req),
        req.params.appNo,
        req.query.phone,
      ),
    }),
  );
  app.get<{ Params: { id: string } }>(
    `${API_PREFIX}/applications/:id`,
    { onRequest: deskDevice },
    async (req) => ({
      application: await admin.getHallApplication(db, dev(req).hallId, req.params.id),
    }),
  );
  app.get<{ Params: { sha: string } }>(
    `${API_PREFIX}/attachments/:sha`,
    { onRequest: deskDevice },
    async (req, reply) => {
      const st = await attachmentStatus(db, dev(req), req.params.sha);
      if (st.size !== null) reply.header(ATTACHMENT_HEADERS.size, String(st.size));
      reply.header(ATTACHMENT_HEADERS.received, String(st.received));
      reply.header(ATTACHMENT_HEADERS.complete, String(st.complete));
      reply.header('cache-control', 'no-store');
      return st;
    },
  );
  app.put<{ Params: { sha: string } }>(
    `${API_PREFIX}/attachments/:sha`,
    { onRequest: deskDevice },
    async (req) => {
      const body = req.body;
      if (!(body instanceof Uint8Array)) {
        return Promise.reject(
          Object.assign(
            new Error('需要 application/octet-stream 分块 (octet-stream chunk required)'),
            {
              statusCode: 415,
            },
          ),
        );
      }
      return putAttachmentChunk(db, dev(req), req.params.sha, req.query, body, attachmentLimits);
    },
  );
  app.get<{ Params: { sha: string } }>(
    `${API_PREFIX}/attachments/:sha/content`,
    { onRequest: deskDevice },
    async (req, reply) => {
      const { bytes, mimeType, fileName } = await attachmentContent(db, dev(req), req.params.sha);
      // The recorded type only when it is a raster image or a PDF (a desk-chosen text/html or
      // image/svg+xml would run as a page); never sniffed; always a download.
      return reply
        .type(servedContentType(mimeType))
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', contentDisposition(fileName, req.params.sha))
        .header('cache-control', 'private, max-age=31536000, immutable')
        .send(bytes);
    },
  );

  registerStaffDeviceRoutes(app, db, device, {
    blockedFor: (ip) => limiters.consoleLogin.blockedFor(ip),
    failed: (ip) => limiters.consoleLogin.failed(ip),
    retry: (ms) => rateLimited(ms),
  });

  // ---------------------------------------------------------------- administrator API
  await app.register(
    async (a) => {
      a.addHook('onRequest', adminOnly);
      a.post('/halls', async (req, reply) =>
        reply.status(201).send({ hall: await admin.createHall(db, req.body) }),
      );
      a.get('/halls', async () => ({ halls: await admin.listHalls(db) }));
      a.post<{ Params: { hall: string } }>('/halls/:hall/enrollment-codes', async (req, reply) =>
        reply.status(201).send(await admin.createEnrollmentCode(db, req.params.hall, req.body)),
      );
      a.get('/enrollment-codes', async () => ({ codes: await admin.listEnrollmentCodes(db) }));
      a.get<{ Querystring: { hall?: string } }>('/devices', async (req) => ({
        devices: await admin.listDevices(db, req.query.hall),
      }));
      a.post<{ Params: { id: string } }>('/devices/:id/revoke', async (req) => ({
        device: await admin.revokeDevice(db, req.params.id),
      }));
      a.get<{ Querystring: { hall?: string; entityId?: string; limit?: string } }>(
        '/audit',
        // A hall manager reads their own hall's log only (issue 13 §2).
        async (req) => ({
          events: await listAudit(db, req.query, operatorHallScope(req.operator!)),
        }),
      );
      a.get('/applications', async (req) => ({
        applications: await admin.listApplications(db, req.query),
      }));
      a.get<{ Params: { id: string }; Querystring: { hall?: string; phone?: string } }>(
        '/applications/:id',
        async (req) => ({
          application: await admin.getApplication(db, req.params.id, {
            ...(req.query.hall ? { hallCode: req.query.hall } : {}),
            ...(req.query.phone ? { phoneLast4: req.query.phone } : {}),
          }),
        }),
      );
      a.post<{ Params: { id: string } }>('/applications/:id/transition', async (req) => ({
        application: await admin.transitionApplication(db, req.params.id, req.body),
      }));
      a.patch<{ Params: { id: string } }>('/applications/:id', async (req) => ({
        application: await admin.editApplication(db, req.params.id, req.body),
      }));
      a.get('/config', async () => ({ config: await admin.listConfig(db) }));
      a.put<{ Params: { key: string } }>('/config/:key', async (req) =>
        admin.putConfig(db, req.params.key, req.body),
      );
      a.put<{ Params: { year: string } }>('/config/calendar/years/:year', async (req) =>
        admin.putCalendarYear(db, req.params.year, req.body),
      );
      a.get<{ Querystring: { hall?: string } }>('/rejected', async (req) => ({
        rejected: await admin.listRejected(db, req.query.hall),
      }));
      // This process's own figures (metrics.ts); `reset=1` starts a new window after reading.
      a.get<{ Querystring: { reset?: string } }>('/metrics', async (req) => {
        const snap = {
          ...metrics.snapshot(),
          heavy: { ...admission.stats, maxConcurrent: admission.maxConcurrent },
        };
        if (req.query.reset === '1') metrics.reset();
        return snap;
      });
      registerStaffAdminRoutes(a, db);
    },
    { prefix: `${API_PREFIX}/admin` },
  );

  await registerConsole(app, db, {
    sessions: { ...DEFAULT_SESSION_POLICY, ...(opts.consoleSessions ?? {}) },
    loginLimiter: limiters.consoleLogin,
  });
  registerWorkbench(app, db);
  registerComplaintRoutes(app, db);
  registerCustomerRoutes(app, db);
  registerWorkbenchStatic(app, opts.rendererDir);
  registerUpdates(app, opts.updatesDir);

  // Unfinished uploads expire: swept at start and hourly (a failed sweep is retried next hour).
  const sweepUploads = () => sweepExpiredUploads(db, opts.uploadExpiryDays);
  const sweepTimer = setInterval(() => void sweepUploads().catch(() => undefined), 3600_000);
  sweepTimer.unref();
  await sweepUploads().catch(() => undefined);
  // Applications stored before the initials column: filled in bounded batches in the background.
  const initialsBackfill = startInitialsBackfill(db);

  let closed = false;
  return {
    feedbackWatch,
    initialsBackfill,
    app,
    db,
    admission,
    pageCache,
    metrics,
    generatedAdminToken,
    sweepUploads,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweepTimer);
      metrics.close();
      await feedbackWatch.stop();
      await initialsBackfill.stop();
      await app.close();
      await compressor.close();
      await db.close();
    },
  };
}
