// Workbench routes for customers, the key-customer register and account managers (issue 14 §3),
// under /api/v1/admin/workbench, authorised like the rest of the workbench.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { customerRules } from '../../shared/domain/customerRules';
import { customerPaths } from '../../shared/protocol/customers';
import type { Db } from '../db/db';
import { customerDetail, listCustomers, mergeCustomers } from './customers';
import {
  listKeyCustomers,
  managerNotifications,
  managerPage,
  markManagerSeen,
  putKeyCustomer,
  removeKeyCustomer,
  suggestedKeyCustomers,
} from './keyCustomers';
import { authorizeWorkbench } from './workbenchAccess';

/** Who made a change: the signed-in staff member, else the administrator token. */
function actorOf(req: FastifyRequest): string {
  const op = req.operator;
  return op?.kind === 'staff' ? op.staffNo : 'admin';
}

type Key = { Params: { key: string } };
type No = { Params: { no: string } };

export function registerCustomerRoutes(app: FastifyInstance, db: Db): void {
  // Reading: back office, hall managers and account managers; writing the register or merging
  // customers: the back office (or the administrator token).
  const onRequest = async (req: FastifyRequest) =>
    void (await authorizeWorkbench(db, req, 'customers'));
  const writer = async (req: FastifyRequest) => void (await authorizeWorkbench(db, req, 'move'));
  app.get(customerPaths.customers, { onRequest }, async (req) => listCustomers(db, req.query));
  app.get<Key>(`${customerPaths.customers}/:key`, { onRequest }, async (req) =>
    customerDetail(db, req.params.key),
  );
  app.post<Key>(`${customerPaths.customers}/:key/merge`, { onRequest: writer }, async (req) =>
    mergeCustomers(db, req.params.key, req.body, actorOf(req)),
  );
  app.get(customerPaths.keyCustomers, { onRequest }, async (req) =>
    listKeyCustomers(db, req.query),
  );
  app.put<Key>(`${customerPaths.keyCustomers}/:key`, { onRequest: writer }, async (req) =>
    putKeyCustomer(db, req.params.key, req.body, actorOf(req)),
  );
  app.delete<Key>(`${customerPaths.keyCustomers}/:key`, { onRequest: writer }, async (req) =>
    removeKeyCustomer(db, req.params.key),
  );
  app.get(customerPaths.suggested, { onRequest }, async (req) =>
    suggestedKeyCustomers(db, req.query),
  );
  app.get(`${customerPaths.keyCustomers}-rules`, { onRequest }, async () => ({
    reasons: customerRules.reasons,
  }));
  const managers = customerPaths.manager(':no').replace('%3Ano', ':no');
  app.get<No>(managers, { onRequest }, async (req) => managerPage(db, req.params.no));
  app.post<No>(`${managers}/seen`, { onRequest }, async (req) =>
    markManagerSeen(db, req.params.no),
  );
  app.get<No>(`${managers}/notifications`, { onRequest }, async (req) =>
    managerNotifications(db, req.params.no),
  );
}
