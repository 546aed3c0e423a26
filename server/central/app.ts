// The central endpoint as a Fastify app: buildCentralServer() opens the database, runs the
// migrations, seeds configuration and registers API v1, the console and error handling.
import compress from '@fastify/compress';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HealthResponse } from '../../shared/protocol';
import { API_PREFIX, ATTACHMENT_HEADERS, MAX_BODY_BYTES, paths } from '../../shared/protocol';
import type { Db } from '../db/db';
import { openDb } from '../db/db';
import { runMigrations } from '../db/migrations';
import * as admin from './admin';
import { attachmentContent, attachmentStatus, putAttachmentChunk } from './attachments';
import { listAudit, storeAudit } from './audit';
import type { DeviceAuth } from './auth';
import { authenticateDevice, ensureAdminToken } from './auth';
import { registerConsole } from './console';
import { installCors } from './cors';
import { fail, installErrorHandling } from './errors';
import { clientErrorHandler, frameworkErrors, installRequestGuards } from './guards';
import { processPull } from './pull';
import { processPush } from './push';
import { deskOnly, serviceView } from './pushRules';
import { sweepExpiredUploads } from './attachments';
import { operatorHook } from './operator';
import { registerStaffAdminRoutes, registerStaffDeviceRoutes } from './staffRoutes';
import { registerUpdates } from './updates';
import { registerWorkbench } from './workbench';
import { registerWorkbenchStatic } from './workbenchStatic';

export interface CentralServerOptions {
  /** PostgreSQL URL; else PGlite in dataDir (in memory when neither is given). */
  databaseUrl?: string;
  dataDir?: string;
  /** Administrator token (main.ts passes HALLDESK_ADMIN_TOKEN); without it the stored hash is kept or a token is generated once. */
  adminToken?: string;
  /** The built renderer served at /workbench/ (default dist/renderer). */
  rendererDir?: string;
  /** Fastify logger option (false in tests). */
  logger?: boolean | object;
  /** Where shared/config/<key>.json live (seeding); defaults to the repository's. */
  configDir?: URL | string;
  /** PostgreSQL pool size. */
  maxConnections?: number;
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
  /** The admin token generated on the very first start (null when it already existed or was given). */
  generatedAdminToken: string | null;
  /** Removes unfinished uploads older than the expiry (also run hourly); returns how many. */
  sweepUploads(): Promise<number>;
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

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: MAX_BODY_BYTES,
    // Proxies and load balancers in front of several endpoint processes.
    trustProxy: true,
    return503OnClosing: true,
    clientErrorHandler,
    frameworkErrors,
  });
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

  const device = async (req: FastifyRequest) => {
    req.device = await authenticateDevice(db, req);
  };
  // The admin token, or a staff member's session with the route's permission (operator.ts).
  const adminOnly = operatorHook(db);
  const dev = (req: FastifyRequest): DeviceAuth => req.device!;
  // Routes a `service` device (the hall queue service's uplink) may not use (pushRules.ts).
  const deskDevice = [device, async (req: FastifyRequest) => deskOnly(dev(req))];
  const attachmentLimits = {
    ...(opts.deviceQuotaBytes !== undefined ? { quotaBytes: opts.deviceQuotaBytes } : {}),
  };

  // Reachability for desks and readiness for a load balancer: answers only if the database does.
  const health = async (): Promise<HealthResponse> => {
    try {
      await db.query('SELECT 1');
    } catch {
      fail('E_UNAVAILABLE', '数据库不可用 (database unavailable)');
    }
    return {
      ok: true,
      service: 'halldesk-central',
      apiVersion: 1,
      time: new Date().toISOString(),
      db: db.kind,
    };
  };
  app.get(paths.health, health);
  app.get(paths.apiHealth, health);

  // ---------------------------------------------------------------- device API
  app.post(paths.enroll, async (req) => admin.enroll(db, req.body));
  app.get(paths.device, { onRequest: device }, async (req) =>
    admin.deviceInfo(db, dev(req).deviceId),
  );
  app.delete(paths.device, { onRequest: device }, async (req) =>
    admin.revokeSelf(db, dev(req).deviceId),
  );
  const pushOpts = opts.maxSeqGap !== undefined ? { maxSeqGap: opts.maxSeqGap } : {};
  app.post(paths.push, { onRequest: device }, async (req) =>
    processPush(db, dev(req), req.body, pushOpts),
  );
  app.post(paths.audit, { onRequest: deskDevice }, async (req) =>
    storeAudit(db, dev(req), req.body),
  );
  app.get(paths.pull, { onRequest: device }, async (req) =>
    serviceView(dev(req), await processPull(db, dev(req), req.query)),
  );
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
      const { bytes, mimeType } = await attachmentContent(db, dev(req), req.params.sha);
      return reply
        .type(mimeType)
        .header('cache-control', 'private, max-age=31536000, immutable')
        .send(bytes);
    },
  );

  registerStaffDeviceRoutes(app, db, device);

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
        async (req) => ({ events: await listAudit(db, req.query) }),
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
      registerStaffAdminRoutes(a, db);
    },
    { prefix: `${API_PREFIX}/admin` },
  );

  await registerConsole(app, db);
  registerWorkbench(app, db);
  registerWorkbenchStatic(app, opts.rendererDir);
  registerUpdates(app, opts.updatesDir);

  // Unfinished uploads expire: swept at start and hourly (a failed sweep is retried next hour).
  const sweepUploads = () => sweepExpiredUploads(db, opts.uploadExpiryDays);
  const sweepTimer = setInterval(() => void sweepUploads().catch(() => undefined), 3600_000);
  sweepTimer.unref();
  await sweepUploads().catch(() => undefined);

  let closed = false;
  return {
    app,
    db,
    generatedAdminToken,
    sweepUploads,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweepTimer);
      await app.close();
      await db.close();
    },
  };
}
