// HTTP routes of the staff directory: the device side (directory pull, lockout / password
// reports), the console's staff sign-in, and the admin API's staff management (a hall manager
// manages their own hall's staff only).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { staffPaths } from '../../shared/staff/directory';
import type { Db } from '../db/db';
import { hallId } from './admin';
import { verifyHallChains } from './auditChain';
import type { DeviceAuth } from './auth';
import { fail } from './errors';
import { createStaffSession, operatorHallScope, requireHall, type Operator } from './operator';
import { hallSupervision, supervisionRecords } from './supervision';
import { createNote, updateNote } from './supervisionNotes';
import {
  createStaff,
  findStaff,
  importStaff,
  listStaff,
  resetStaffPassword,
  updateStaff,
} from './staff';
import { staffDirectory, storeStaffEvents } from './staff';

export function registerStaffDeviceRoutes(
  app: FastifyInstance,
  db: Db,
  device: (req: FastifyRequest) => Promise<void>,
  /** Password guessing is limited per address like the console's sign-in (rateLimit.ts). */
  signInLimit: {
    blockedFor(ip: string): number;
    failed(ip: string): void;
    retry(ms: number): Error;
  },
): void {
  const dev = (req: FastifyRequest): DeviceAuth => req.device!;
  app.get(staffPaths.directory, { onRequest: device }, async (req) => staffDirectory(db, dev(req)));
  app.post(staffPaths.events, { onRequest: device }, async (req) =>
    storeStaffEvents(db, dev(req), req.body),
  );
  app.post(staffPaths.session, async (req) => {
    const wait = signInLimit.blockedFor(req.ip);
    if (wait > 0) throw signInLimit.retry(wait);
    try {
      return await createStaffSession(db, req.body);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'E_STAFF_PASSWORD') signInLimit.failed(req.ip);
      throw err;
    }
  });
}

const op = (req: FastifyRequest): Operator => req.operator!;

async function hallOfBody(db: Db, body: unknown): Promise<number | null> {
  const code = (body as { hallCode?: unknown } | null)?.hallCode;
  return typeof code === 'string' && code ? hallId(db, code) : null;
}

async function hallOfStaff(db: Db, staffNo: string): Promise<number | null> {
  const s = await findStaff(db, staffNo);
  if (!s) fail('E_NOT_FOUND', `没有工号 ${staffNo} (no such staff member)`);
  return s.hall_id;
}

/** Inside the admin plugin (prefix /api/v1/admin; operatorHook has run). */
export function registerStaffAdminRoutes(a: FastifyInstance, db: Db): void {
  a.get<{ Querystring: { hall?: string; from?: string; to?: string } }>(
    '/supervision',
    async (req) => hallSupervision(db, req.query, operatorHallScope(op(req))),
  );
  // The notes come with GET /supervision (per hall); written by a hall manager only.
  a.post('/supervision/notes', async (req, reply) =>
    reply.status(201).send({ note: await createNote(db, op(req), req.body) }),
  );
  // Edit or withdraw (body { action: 'edit', body: {...} } | { action: 'withdraw', reason? }).
  a.patch<{ Params: { id: string } }>('/supervision/notes/:id', async (req) => ({
    note: await updateNote(db, op(req), req.params.id, req.body),
  }));
  a.get<{ Querystring: Record<string, string | undefined> }>('/supervision/records', async (req) =>
    supervisionRecords(db, req.query, operatorHallScope(op(req))),
  );
  a.get<{ Querystring: { hall?: string } }>('/audit/verify', async (req) => {
    if (!req.query.hall) fail('E_BAD_REQUEST', '需要 hall 参数 (hall required)');
    requireHall(op(req), await hallId(db, req.query.hall));
    return verifyHallChains(db, req.query.hall);
  });
  a.get<{ Querystring: { hall?: string; all?: string } }>('/staff', async (req) => {
    if (req.query.hall) requireHall(op(req), await hallId(db, req.query.hall));
    else requireHall(op(req), null);
    return { staff: await listStaff(db, req.query) };
  });
  a.post('/staff', async (req, reply) => {
    requireHall(op(req), await hallOfBody(db, req.body));
    return reply.status(201).send(await createStaff(db, req.body));
  });
  a.patch<{ Params: { no: string } }>('/staff/:no', async (req) => {
    requireHall(op(req), await hallOfStaff(db, req.params.no));
    return { staff: await updateStaff(db, req.params.no, req.body) };
  });
  a.post<{ Params: { no: string } }>('/staff/:no/reset-password', async (req) => {
    requireHall(op(req), await hallOfStaff(db, req.params.no));
    return resetStaffPassword(db, req.params.no);
  });
  a.post<{ Querystring: { hall?: string } }>('/staff/import', async (req, reply) => {
    if (req.query.hall) requireHall(op(req), await hallId(db, req.query.hall));
    return reply.status(201).send(await importStaff(db, req.query, req.body));
  });
}
