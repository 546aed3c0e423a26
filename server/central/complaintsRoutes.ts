// The complaints routes of the workbench (issue 14 §2), signed in by the administrator token or a
// staff session holding feedback.reply (complaint handlers, hall managers). A hall manager or a
// handler on a hall's roster sees that hall only; centre staff (no hall), the back office and
// administrators see every hall.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { may } from '../../shared/staff/roles';
import { complaintPaths } from '../../shared/protocol/complaints';
import type { Db } from '../db/db';
import { hallId } from './admin';
import {
  addContact,
  assignHandler,
  closeFeedback,
  complaintDetail,
  escalationsOf,
  linkFeedback,
  listComplaints,
  replyTo,
  type Editor,
} from './complaints';
import { complaintFigures, listHandlers } from './complaintsWatch';
import { authenticateOperator, requirePermission, type Operator } from './operator';

export function complaintScope(op: Operator): number | null {
  if (op.kind === 'admin' || op.roles.includes('admin')) return null;
  if (may(op.roles, 'supervision.all') || op.roles.includes('back_office')) return null;
  if (op.roles.includes('complaint_handler') && op.hallId === null) return null;
  return op.hallId ?? -1;
}

function editorOf(op: Operator): Editor {
  return op.kind === 'admin'
    ? { name: '管理员', hallScope: null }
    : { name: op.name, staffNo: op.staffNo, hallScope: complaintScope(op) };
}

type IdReq = FastifyRequest<{ Params: { id: string } }>;

export function registerComplaintRoutes(app: FastifyInstance, db: Db): void {
  const onRequest = async (req: FastifyRequest) => {
    const op = await authenticateOperator(db, req);
    requirePermission(op, 'feedback.reply');
    req.operator = op;
  };
  const ed = (req: FastifyRequest) => editorOf(req.operator!);
  const detail = async (req: IdReq) => complaintDetail(db, req.params.id, ed(req).hallScope);

  app.get(complaintPaths.list, { onRequest }, async (req) =>
    listComplaints(db, req.query, ed(req).hallScope),
  );
  app.get<{ Params: { id: string } }>(`${complaintPaths.list}/:id`, { onRequest }, detail);
  app.post<{ Params: { id: string } }>(
    `${complaintPaths.list}/:id/assign`,
    { onRequest },
    async (req) => {
      await assignHandler(db, req.params.id, req.body, ed(req));
      return detail(req);
    },
  );
  app.post<{ Params: { id: string } }>(
    `${complaintPaths.list}/:id/contacts`,
    { onRequest },
    async (req) => {
      await addContact(db, req.params.id, req.body, ed(req));
      return detail(req);
    },
  );
  app.post<{ Params: { id: string } }>(
    `${complaintPaths.list}/:id/reply`,
    { onRequest },
    async (req) => {
      await replyTo(db, req.params.id, req.body, ed(req));
      return detail(req);
    },
  );
  app.post<{ Params: { id: string } }>(
    `${complaintPaths.list}/:id/close`,
    { onRequest },
    async (req) => {
      await closeFeedback(db, req.params.id, ed(req));
      return detail(req);
    },
  );
  app.post<{ Params: { id: string } }>(
    `${complaintPaths.list}/:id/link`,
    { onRequest },
    async (req) => {
      await linkFeedback(db, req.params.id, req.body, ed(req));
      return detail(req);
    },
  );
  app.get<{ Querystring: { hall?: string } }>(
    complaintPaths.handlers,
    { onRequest },
    async (req) => ({
      handlers: await listHandlers(db, req.query.hall ? await hallId(db, req.query.hall) : null),
    }),
  );
  app.get<{ Querystring: { manager?: string } }>(
    complaintPaths.escalations,
    { onRequest },
    async (req) => {
      const e = ed(req);
      // A manager's list: what escalated to them; the centre sees all (or one manager's).
      const managerNo = e.hallScope === null ? req.query.manager : e.staffNo;
      return {
        escalations: await escalationsOf(db, {
          ...(managerNo ? { managerNo } : {}),
          hallScope: e.hallScope,
        }),
      };
    },
  );
  app.get(complaintPaths.figures, { onRequest }, async (req) =>
    complaintFigures(db, req.query, ed(req).hallScope),
  );
}
