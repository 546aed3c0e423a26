// Who may use the centre's workbench, and for which halls: the administrator token (everything)
// or a staff session (POST /api/v1/staff/session, as the console signs in). Reading needs the
// back office's move permission or a hall manager's supervision; moves need
// application.transition; document scans need scan.view. A hall manager sees their own hall only.
import type { FastifyRequest } from 'fastify';
import { may, type Permission } from '../../shared/staff/roles';
import type { WorkbenchMe } from '../../shared/protocol/workbench';
import type { Db } from '../db/db';
import { hallId } from './admin';
import { fail } from './errors';
import { authenticateOperator, operatorHallScope, requireHall, type Operator } from './operator';
import { hallTimeZone } from './hallZone';

/** customers: the customer records and the key-customer register (account managers read too). */
export type WorkbenchNeed = 'read' | 'move' | 'documents' | 'customers';

function allows(op: Operator, need: WorkbenchNeed): boolean {
  if (op.kind === 'admin' || op.roles.includes('admin')) return true;
  const has = (p: Permission) => may(op.roles, p);
  const read = has('application.transition') || has('supervision.hall');
  if (need === 'read') return read;
  if (need === 'move') return has('application.transition');
  if (need === 'customers') return read || op.roles.includes('account_manager');
  return read && has('scan.view');
}

const NEED_TEXT: Record<WorkbenchNeed, string> = {
  read: '后台或营业厅负责人 (back office or hall manager)',
  move: '后台 (back office)',
  documents: '后台 (back office, scan.view)',
  customers: '后台、营业厅负责人或客户经理 (back office, hall manager or account manager)',
};

/** Authenticates the caller and refuses what their roles do not allow (E_STAFF_ROLE). */
export async function authorizeWorkbench(
  db: Db,
  req: FastifyRequest,
  need: WorkbenchNeed = 'read',
): Promise<Operator> {
  const op = await authenticateOperator(db, req);
  req.operator = op;
  if (!allows(op, need)) fail('E_STAFF_ROLE', `此操作需要角色：${NEED_TEXT[need]}`);
  return op;
}

/** The hall id a caller is limited to (null: every hall). */
export function workbenchScope(op: Operator): number | null {
  return operatorHallScope(op);
}

/** Refuses an application of another hall for a hall-scoped caller (E_STAFF_HALL). */
export async function requireAppHall(db: Db, op: Operator, hallCode: string): Promise<void> {
  if (workbenchScope(op) === null) return;
  requireHall(op, await hallId(db, hallCode));
}

export async function workbenchMe(db: Db, op: Operator): Promise<WorkbenchMe> {
  let hallCode: string | null = null;
  if (op.kind === 'staff' && op.hallId !== null) {
    const { rows } = await db.query<{ code: string }>('SELECT code FROM halls WHERE id = $1', [
      op.hallId,
    ]);
    hallCode = rows[0]?.code ?? null;
  }
  return {
    kind: op.kind,
    staffNo: op.kind === 'staff' ? op.staffNo : null,
    name: op.kind === 'staff' ? op.name : null,
    hallCode,
    can: {
      move: allows(op, 'move'),
      documents: allows(op, 'documents'),
      allHalls: workbenchScope(op) === null,
    },
    timeZone: await hallTimeZone(db),
  };
}
