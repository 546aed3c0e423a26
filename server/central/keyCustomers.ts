// The key-customer register at the centre (issue 14 §3): why a customer is key (reasons from
// shared/config/customerRules.json), their account manager from the staff directory, since
// when; every change rewrites the `keyCustomers` configuration document in the same
// transaction, so desks and hall services receive the register with the configuration. Also:
// the suggested key customers (the rules applied to the customer records) and the account
// manager's page (their customers, open applications and next deadline, open feedback, and the
// moves since they last looked: the workbench's notifications).
import { shanghaiDate } from '../../shared/domain/calendar';
import { customerRules } from '../../shared/domain/customerRules';
import {
  cleanRef,
  type KeyReason,
  type KeyRegisterDoc,
  type KeyRegisterEntry,
} from '../../shared/domain/customers';
import type { Application } from '../../shared/domain/model';
import {
  KeyCustomerListQuery,
  KeyCustomerRequest,
  type KeyCustomerInfo,
  type KeyCustomerPage,
  type ManagerChange,
  type ManagerCustomer,
  type ManagerNotifications,
  type ManagerPage,
  type SuggestedPage,
} from '../../shared/protocol/customers';
import type { Db, Queryable } from '../db/db';
import { iso, isoOrNull } from '../db/db';
import { parse } from './admin';
import { touchCustomer } from './customers';
import { fail } from './errors';
import { findStaff, type StaffRow } from './staff';

/** admin.ts's configuration lock: versions are global and handed out in commit order. */
const CONFIG_LOCK = 860_002;
const OPEN = `a.status NOT IN ('archived', 'cancelled', 'rejected')`;

interface RegisterDbRow {
  ckey: string;
  name: string;
  reasons: KeyReason[];
  staff_no: string;
  manager_name: string;
  manager_phone: string | null;
  manager_hall: string | null;
  since: string;
  note: string | null;
  updated_at: unknown;
}

const REGISTER_SELECT = `SELECT k.ckey, c.name, k.reasons, s.staff_no, s.name AS manager_name,
       s.phone AS manager_phone, h.code AS manager_hall, to_char(k.since, 'YYYY-MM-DD') AS since,
       k.note, k.updated_at
  FROM key_customers k JOIN customers c ON c.ckey = k.ckey
  JOIN staff s ON s.id = k.manager_staff_id LEFT JOIN halls h ON h.id = s.hall_id`;

function infoOut(r: RegisterDbRow): KeyCustomerInfo {
  return {
    key: r.ckey,
    name: r.name,
    reasons: r.reasons,
    managerStaffNo: r.staff_no,
    managerName: r.manager_name,
    managerPhone: r.manager_phone,
    managerHallCode: r.manager_hall,
    since: r.since,
    note: r.note,
    updatedAt: iso(r.updated_at),
  };
}

export async function keyCustomerInfo(db: Queryable, key: string): Promise<KeyCustomerInfo | null> {
  const { rows } = await db.query<RegisterDbRow>(`${REGISTER_SELECT} WHERE k.ckey = $1`, [key]);
  return rows[0] ? infoOut(rows[0]) : null;
}

/** The register list, paged; `manager` narrows to one account manager's customers. */
export function registerListSql(q: KeyCustomerListQuery) {
  const params: unknown[] = [];
  let where = '';
  if (q.manager) {
    params.push(q.manager);
    where = 'WHERE k.manager_staff_id = (SELECT id FROM staff WHERE staff_no = $1)';
  }
  const n = params.length;
  return {
    sql: `${REGISTER_SELECT} ${where} ORDER BY k.ckey LIMIT $${n + 1} OFFSET $${n + 2}`,
    params: [...params, q.pageSize, (q.page - 1) * q.pageSize],
    countSql: `SELECT count(*)::int AS n FROM key_customers k ${where}`,
    countParams: params,
  };
}

export async function listKeyCustomers(db: Db, query: unknown): Promise<KeyCustomerPage> {
  const q = parse(KeyCustomerListQuery, query ?? {});
  const s = registerListSql(q);
  const [page, count] = await Promise.all([
    db.query<RegisterDbRow>(s.sql, s.params),
    db.query<{ n: number }>(s.countSql, s.countParams),
  ]);
  return {
    rows: page.rows.map(infoOut),
    total: count.rows[0]?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** The document the desks and hall services receive (config key `keyCustomers`). */
async function registerDoc(tx: Queryable): Promise<KeyRegisterDoc> {
  const { rows } = await tx.query<RegisterDbRow & { account_nos: string[]; phone: string | null }>(
    `SELECT k.ckey, c.name, c.account_nos, c.phone, k.reasons, s.staff_no,
            s.name AS manager_name, s.phone AS manager_phone,
            to_char(k.since, 'YYYY-MM-DD') AS since
       FROM key_customers k JOIN customers c ON c.ckey = k.ckey
       JOIN staff s ON s.id = k.manager_staff_id
      ORDER BY k.ckey`,
  );
  const entries: KeyRegisterEntry[] = rows.map((r) => ({
    customerKey: r.ckey,
    name: r.name,
    accountNos: r.account_nos.map(cleanRef),
    ...(r.phone ? { phone: cleanRef(r.phone) } : {}),
    managerStaffNo: r.staff_no,
    managerName: r.manager_name,
    ...(r.manager_phone ? { managerPhone: r.manager_phone } : {}),
    reasons: r.reasons,
    since: r.since,
  }));
  return { entries };
}

async function publishRegister(tx: Queryable): Promise<void> {
  const doc = await registerDoc(tx);
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CONFIG_LOCK]);
  await tx.query(
    `INSERT INTO config (key, version, data, updated_at)
     VALUES ('keyCustomers', (SELECT coalesce(max(version), 0) + 1 FROM config), $1::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET version = excluded.version, data = excluded.data,
            updated_at = now()`,
    [JSON.stringify(doc)],
  );
}

/** The account manager checks: the role, active, and (per the rules) from the customer's halls. */
function checkManager(s: StaffRow | null, staffNo: string, customerHalls: number[]): StaffRow {
  if (!s || s.state === 'removed')
    fail('E_NOT_FOUND', `没有工号 ${staffNo} (no such staff member)`);
  if (s.state !== 'active') fail('E_STAFF_DISABLED', `${s.name} 的账号已停用 (account disabled)`);
  if (!s.roles.includes('account_manager'))
    fail('E_STAFF_ROLE', `${s.name} 不是客户经理 (not an account manager)`);
  if (
    !customerRules.managerFromOtherHall &&
    s.hall_id !== null &&
    !customerHalls.includes(s.hall_id)
  )
    fail(
      'E_STAFF_HALL',
      `${s.name} 属于 ${s.hall_code ?? '其他'} 营业厅，不在该客户办理过业务的营业厅名单中 (account manager from another hall's roster)`,
    );
  return s;
}

/** Registers a customer as key (or changes the entry): reasons, manager, since, note. */
export async function putKeyCustomer(
  db: Db,
  key: string,
  body: unknown,
  actor: string,
): Promise<KeyCustomerInfo> {
  const req = parse(KeyCustomerRequest, body);
  await db.transaction(async (tx) => {
    const c = await tx.query<{ merged_into: string | null; hall_ids: number[] }>(
      'SELECT merged_into, hall_ids FROM customers WHERE ckey = $1 FOR UPDATE',
      [key],
    );
    const cust = c.rows[0];
    if (!cust) fail('E_NOT_FOUND', `没有客户 ${key} (no such customer)`);
    if (cust.merged_into)
      fail(
        'E_CUSTOMER_MERGED',
        `该客户已合并到 ${cust.merged_into}，请登记该客户 (merged into ${cust.merged_into})`,
      );
    const s = checkManager(
      await findStaff(tx, req.managerStaffNo),
      req.managerStaffNo,
      cust.hall_ids,
    );
    await tx.query(
      `INSERT INTO key_customers (ckey, reasons, manager_staff_id, since, note, updated_by)
       VALUES ($1, $2::text[], $3, $4::date, $5, $6)
       ON CONFLICT (ckey) DO UPDATE SET reasons = excluded.reasons,
              manager_staff_id = excluded.manager_staff_id, since = excluded.since,
              note = excluded.note, updated_by = excluded.updated_by, updated_at = now()`,
      [key, req.reasons, s.id, req.since ?? shanghaiDate(), req.note ?? null, actor],
    );
    await touchCustomer(tx, key);
    await publishRegister(tx);
  });
  return (await keyCustomerInfo(db, key))!;
}

export async function removeKeyCustomer(db: Db, key: string): Promise<{ removed: string }> {
  await db.transaction(async (tx) => {
    const r = await tx.query('DELETE FROM key_customers WHERE ckey = $1 RETURNING ckey', [key]);
    if (r.rows.length === 0) fail('E_NOT_FOUND', `${key} 不在重点客户名册中 (not registered)`);
    await touchCustomer(tx, key);
    await publishRegister(tx);
  });
  return { removed: key };
}

/**
 * Customers the rules (customerRules.json) make key who are not in the register yet, with the
 * reasons that hold. A report over every application of unregistered customers: paged, but a
 * scan by nature (the rules read fields of the record).
 */
export async function suggestedKeyCustomers(db: Db, query: unknown): Promise<SuggestedPage> {
  const q = parse(KeyCustomerListQuery, query ?? {});
  const r = customerRules.suggest;
  const num = (expr: string) =>
    `(CASE WHEN ${expr} ~ '^[0-9]+(\\.[0-9]+)?$' THEN (${expr})::numeric END)`;
  const { rows } = await db.query<{
    ckey: string;
    name: string;
    n: number;
    cap: boolean;
    volt: boolean;
    cons: boolean;
    cat: boolean;
  }>(
    `SELECT c.ckey, c.name, count(*)::int AS n,
            coalesce(bool_or(${num(`a.record->'fields'->>'capacity'`)} >= $1), false) AS cap,
            coalesce(bool_or(a.record->'fields'->>'voltageLevel' = ANY($2::text[])), false) AS volt,
            coalesce(bool_or(EXISTS (SELECT 1 FROM unnest($3::text[]) f
                     WHERE ${num(`a.record->'fields'->>f`)} >= $4)), false) AS cons,
            coalesce(bool_or(a.business_code = ANY($5::text[])), false) AS cat
       FROM customers c JOIN applications a ON a.customer_key = c.ckey
      WHERE c.merged_into IS NULL
        AND NOT EXISTS (SELECT 1 FROM key_customers k WHERE k.ckey = c.ckey)
      GROUP BY c.ckey, c.name
     HAVING bool_or(${num(`a.record->'fields'->>'capacity'`)} >= $1)
         OR bool_or(a.record->'fields'->>'voltageLevel' = ANY($2::text[]))
         OR bool_or(EXISTS (SELECT 1 FROM unnest($3::text[]) f
                    WHERE ${num(`a.record->'fields'->>f`)} >= $4))
         OR bool_or(a.business_code = ANY($5::text[]))
      ORDER BY c.name, c.ckey LIMIT $6 OFFSET $7`,
    [
      r.minCapacity,
      r.voltageLevels,
      r.consumptionFieldKeys,
      r.minConsumptionKwh,
      r.businessCodes,
      q.pageSize,
      (q.page - 1) * q.pageSize,
    ],
  );
  return {
    rows: rows.map((x) => ({
      key: x.ckey,
      name: x.name,
      applications: x.n,
      reasons: (
        [
          ['capacity', x.cap],
          ['voltage', x.volt],
          ['consumption', x.cons],
          ['category', x.cat],
        ] as const
      )
        .filter(([, on]) => on)
        .map(([code]) => code),
    })),
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function mustFindManager(db: Queryable, staffNo: string): Promise<StaffRow> {
  const s = await findStaff(db, staffNo);
  if (!s) fail('E_NOT_FOUND', `没有工号 ${staffNo} (no such staff member)`);
  if (!s.roles.includes('account_manager'))
    fail('E_STAFF_ROLE', `${s.name} 不是客户经理 (not an account manager)`);
  return s;
}

/** The manager's register keys and every key merged into them → the register key. */
async function managerKeys(
  db: Queryable,
  staffId: number,
): Promise<{
  owners: Map<string, string>;
  names: Map<string, string>;
  accountNos: Map<string, string>;
}> {
  const reg = await db.query<{ ckey: string; name: string; account_nos: string[] }>(
    `SELECT k.ckey, c.name, c.account_nos FROM key_customers k JOIN customers c ON c.ckey = k.ckey
      WHERE k.manager_staff_id = $1 ORDER BY c.name, k.ckey`,
    [staffId],
  );
  const owners = new Map<string, string>();
  const names = new Map<string, string>();
  const accountNos = new Map<string, string>();
  for (const r of reg.rows) {
    owners.set(r.ckey, r.ckey);
    names.set(r.ckey, r.name);
    for (const a of r.account_nos) accountNos.set(a, r.ckey);
  }
  if (owners.size > 0) {
    const merged = await db.query<{ ckey: string; merged_into: string }>(
      'SELECT ckey, merged_into FROM customers WHERE merged_into = ANY($1::text[])',
      [[...owners.keys()]],
    );
    for (const m of merged.rows) owners.set(m.ckey, m.merged_into);
  }
  return { owners, names, accountNos };
}

async function seenAt(db: Queryable, staffId: number): Promise<string | null> {
  const { rows } = await db.query<{ seen_at: unknown }>(
    'SELECT seen_at FROM account_manager_seen WHERE staff_id = $1',
    [staffId],
  );
  return isoOrNull(rows[0]?.seen_at);
}

/** Applications of the manager's customers changed after `since` (never looked: the last 30 days). */
async function changesSince(
  db: Queryable,
  owners: Map<string, string>,
  names: Map<string, string>,
  since: string | null,
): Promise<ManagerChange[]> {
  if (owners.size === 0) return [];
  const from = since ?? new Date(Date.now() - 30 * 86_400_000).toISOString();
  const { rows } = await db.query<{
    id: string;
    app_no: string;
    customer_key: string;
    status: string;
    updated_at: unknown;
    record: Application;
  }>(
    `SELECT a.id, a.app_no, a.customer_key, a.status, a.updated_at, a.record
       FROM applications a
      WHERE a.customer_key = ANY($1::text[]) AND a.updated_at > $2::timestamptz
      ORDER BY a.updated_at DESC LIMIT 200`,
    [[...owners.keys()], from],
  );
  const fromMs = Date.parse(from);
  return rows.map((r) => {
    const owner = owners.get(r.customer_key) ?? r.customer_key;
    return {
      applicationId: r.id,
      appNo: r.app_no,
      customerKey: owner,
      customerName: names.get(owner) ?? r.record.customer.name,
      status: r.status,
      moves: (r.record.history ?? [])
        .filter((h) => Date.parse(h.at) > fromMs)
        .map((h) => ({ from: h.from, to: h.to, at: h.at, actor: h.actor })),
      updatedAt: iso(r.updated_at),
    };
  });
}

export async function managerPage(db: Db, staffNo: string): Promise<ManagerPage> {
  const s = await mustFindManager(db, staffNo);
  const { owners, names, accountNos } = await managerKeys(db, s.id);
  const seen = await seenAt(db, s.id);
  const customers = new Map<string, ManagerCustomer>();
  for (const [key, name] of names) {
    customers.set(key, { key, name, openApplications: [], nextDeadline: null, openFeedback: 0 });
  }
  if (owners.size > 0) {
    const open = await db.query<{
      id: string;
      app_no: string;
      customer_key: string;
      status: string;
      deadline: string;
    }>(
      `SELECT a.id, a.app_no, a.customer_key, a.status,
              to_char(a.deadline, 'YYYY-MM-DD') AS deadline
         FROM applications a
        WHERE a.customer_key = ANY($1::text[]) AND ${OPEN}
        ORDER BY a.deadline, a.app_no`,
      [[...owners.keys()]],
    );
    for (const a of open.rows) {
      const c = customers.get(owners.get(a.customer_key) ?? '');
      if (!c) continue;
      c.openApplications.push({
        id: a.id,
        appNo: a.app_no,
        status: a.status,
        deadline: a.deadline,
      });
      if (c.nextDeadline === null || a.deadline < c.nextDeadline) c.nextDeadline = a.deadline;
    }
    const fb = await db.query<{ acct: string; n: number }>(
      `SELECT account_no AS acct, count(*)::int AS n FROM feedback
        WHERE account_no = ANY($1::text[]) AND fb_status <> 'closed'
        GROUP BY 1`,
      [[...accountNos.keys()]],
    );
    for (const f of fb.rows) {
      const c = customers.get(accountNos.get(f.acct) ?? '');
      if (c) c.openFeedback += f.n;
    }
  }
  return {
    staffNo: s.staff_no,
    name: s.name,
    phone: s.phone,
    seenAt: seen,
    customers: [...customers.values()],
    changes: await changesSince(db, owners, names, seen),
  };
}

/** The workbench's notification badge: moves of the manager's customers' applications. */
export async function managerNotifications(db: Db, staffNo: string): Promise<ManagerNotifications> {
  const s = await mustFindManager(db, staffNo);
  const { owners, names } = await managerKeys(db, s.id);
  const seen = await seenAt(db, s.id);
  const changes = await changesSince(db, owners, names, seen);
  return { seenAt: seen, count: changes.length, changes };
}

/** The manager has looked: later moves are new. */
export async function markManagerSeen(db: Db, staffNo: string): Promise<{ seenAt: string }> {
  const s = await mustFindManager(db, staffNo);
  const { rows } = await db.query<{ seen_at: unknown }>(
    `INSERT INTO account_manager_seen (staff_id, seen_at) VALUES ($1, now())
     ON CONFLICT (staff_id) DO UPDATE SET seen_at = now() RETURNING seen_at`,
    [s.id],
  );
  return { seenAt: iso(rows[0]!.seen_at) };
}
