// Customers across halls at the centre (issue 14 §3): the customers table kept by push (one row
// per customer key, every name the desks recorded under it so a disagreement is shown, never
// merged silently), explicit merges, a customer's page (applications, feedback, ratings, queue
// visits) and the paged customer list. Key customers and account managers: keyCustomers.ts.
import { cleanRef } from '../../shared/domain/customers';
import {
  CustomerListQuery,
  MergeRequest,
  type CustomerDetail,
  type CustomerPage,
  type CustomerRow,
} from '../../shared/protocol/customers';
import type { Db, Queryable } from '../db/db';
import { iso } from '../db/db';
import { parse } from './admin';
import { fail } from './errors';
import { keyCustomerInfo } from './keyCustomers';
import { preparedSql } from '../db/prepared';

/** The advisory lock space of customer keys (refreshCustomerKeys, customerLocksSql). */
const CUSTOMER_LOCK = 860100;

/**
 * The customer key of a record, in SQL: the same expression as the generated column
 * applications.customer_key (migration 20261207b_04), so that a lock taken on a record about to
 * be written is the lock of the key it will be filed under (checked by central-customers.test).
 */
export function customerKeySql(record: string): string {
  return `CASE WHEN coalesce(btrim(${record}->'customer'->>'creditCode'), '') <> ''
         THEN 'C:' || upper(btrim(${record}->'customer'->>'creditCode'))
       WHEN coalesce(btrim(${record}->'customer'->>'idNumber'), '') <> ''
         THEN 'I:' || upper(btrim(${record}->'customer'->>'idNumber'))
  END`;
}

/**
 * A SELECT that takes the customer locks of the records in a jsonb array parameter (elements
 * with a `record` field), in key order: the push takes them in its one write statement (a CTE),
 * so that refreshing the customers after it needs no round trip of its own to lock.
 */
export function customerLocksSql(param: string): string {
  return `SELECT pg_advisory_xact_lock(${CUSTOMER_LOCK}, hashtext(k))
            FROM (SELECT DISTINCT ${customerKeySql('x.record')} AS k
                    FROM jsonb_to_recordset(${param}::jsonb) AS x(record jsonb)) keys
           WHERE k IS NOT NULL ORDER BY k`;
}

/**
 * Recomputes the customers of the given applications from every application filed under their
 * keys, in one statement. Runs in the push's transaction after the records are written, whose
 * statement took the keys' locks (customerLocksSql): a push of another hall filing the same
 * customer waits for this transaction, then sees its applications. Every key here has an
 * application (it comes from one), so no row goes back to zero (refreshCustomerKeys' last step).
 */
export async function refreshCustomers(tx: Queryable, applicationIds: string[]): Promise<void> {
  if (applicationIds.length === 0) return;
  await tx.query(REFRESH_SQL, [applicationIds]);
}

const UPSERT_CUSTOMERS = `INSERT INTO customers AS c (ckey, name, names, phone, account_nos,
                                 hall_ids, app_count, last_at, updated_at)
     SELECT a.customer_key,
            (array_agg(a.customer_name ORDER BY a.accepted_at DESC))[1],
            array_agg(DISTINCT a.customer_name ORDER BY a.customer_name),
            (array_agg(a.customer_phone ORDER BY a.accepted_at DESC))[1],
            coalesce(array_agg(DISTINCT upper(btrim(a.record->'customer'->>'accountNo')))
                       FILTER (WHERE coalesce(btrim(a.record->'customer'->>'accountNo'), '') <> ''),
                     '{}'),
            array_agg(DISTINCT a.hall_id ORDER BY a.hall_id),
            count(*)::int, max(a.accepted_at), now()
       FROM applications a`;

const ON_CUSTOMER_CONFLICT = `ON CONFLICT (ckey) DO UPDATE SET name = excluded.name,
            names = excluded.names, phone = excluded.phone, account_nos = excluded.account_nos,
            hall_ids = excluded.hall_ids, app_count = excluded.app_count,
            last_at = excluded.last_at, updated_at = now()`;

/** refreshCustomers' statement, built and registered once (prepared.ts). */
const REFRESH_SQL = preparedSql(`${UPSERT_CUSTOMERS}
      WHERE a.customer_key IN (SELECT customer_key FROM applications
                                WHERE id = ANY($1::uuid[]) AND customer_key IS NOT NULL)
      GROUP BY a.customer_key
     ${ON_CUSTOMER_CONFLICT}`);

/**
 * Recomputes the customers rows of these keys. Each key is locked first (sorted: no deadlock
 * between two writers) so that two halls pushing the same customer at once cannot both
 * aggregate without the other's row: the second waits, then sees the first's commit. A key no
 * application is filed under any more (the centre corrected an ID number) keeps its row (the
 * register and merges refer to it) with no applications and no halls.
 */
export async function refreshCustomerKeys(tx: Queryable, keyList: string[]): Promise<void> {
  const keys = [...new Set(keyList)].sort();
  if (keys.length === 0) return;
  await tx.query(
    `SELECT pg_advisory_xact_lock(${CUSTOMER_LOCK}, hashtext(k)) FROM unnest($1::text[]) AS k ORDER BY k`,
    [keys],
  );
  await tx.query(
    `${UPSERT_CUSTOMERS}
      WHERE a.customer_key = ANY($1::text[])
      GROUP BY a.customer_key
     ${ON_CUSTOMER_CONFLICT}`,
    [keys],
  );
  await tx.query(
    `UPDATE customers c SET app_count = 0, hall_ids = '{}', account_nos = '{}', updated_at = now()
      WHERE c.ckey = ANY($1::text[]) AND c.app_count <> 0
        AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.customer_key = c.ckey)`,
    [keys],
  );
}

/** A change of the register (or another centre-side fact shown on the row): the row is newer. */
export async function touchCustomer(tx: Queryable, key: string): Promise<void> {
  await tx.query('UPDATE customers SET updated_at = now() WHERE ckey = $1', [key]);
}

interface CustomerDbRow {
  ckey: string;
  name: string;
  names: string[];
  phone: string | null;
  account_nos: string[];
  hall_codes: string[] | null;
  app_count: number;
  last_at: unknown;
  merged_into: string | null;
  is_key: boolean;
  key_manager: CustomerRow['keyManager'];
}

const CUSTOMER_COLS = `c.ckey, c.name, c.names, c.phone, c.account_nos, c.app_count, c.last_at,
       c.merged_into,
       (SELECT array_agg(h.code ORDER BY h.code) FROM halls h WHERE h.id = ANY(c.hall_ids))
         AS hall_codes,
       EXISTS (SELECT 1 FROM key_customers k WHERE k.ckey = c.ckey) AS is_key,
       (SELECT json_build_object('staffNo', s.staff_no, 'name', s.name, 'phone', s.phone)
          FROM key_customers k JOIN staff s ON s.id = k.manager_staff_id
         WHERE k.ckey = c.ckey) AS key_manager`;

function rowOut(r: CustomerDbRow): CustomerRow {
  return {
    key: r.ckey,
    name: r.name,
    names: r.names,
    phone: r.phone,
    accountNos: r.account_nos,
    hallCodes: r.hall_codes ?? [],
    applications: r.app_count,
    lastAt: iso(r.last_at),
    mergedInto: r.merged_into,
    keyCustomer: r.is_key,
    keyManager: r.key_manager ?? null,
  };
}

function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The list's SQL. `q` by shape: an ID number or credit code (15-18 letters/digits with a run of
 * digits) is a key looked up exactly; other digits a 户号 (GIN on account_nos); otherwise a name
 * prefix. Merged customers are left out (their survivor shows). Each arm has its index.
 */
export function customerListSql(q: CustomerListQuery) {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds = ['c.merged_into IS NULL'];
  const term = q.q?.trim();
  if (term) {
    const clean = cleanRef(term);
    if (/^[0-9A-Z]{15,18}$/.test(clean) && /\d{6}/.test(clean)) {
      conds.push(`c.ckey IN (${p(`I:${clean}`)}, ${p(`C:${clean}`)})`);
    } else if (/^[0-9A-Z]{4,30}$/.test(clean) && /\d/.test(clean)) {
      conds.push(`c.account_nos @> ARRAY[${p(clean)}]::text[]`);
    } else {
      conds.push(`c.name LIKE ${p(`${likeLiteral(term)}%`)}`);
    }
  }
  if (q.conflict === '1') conds.push('cardinality(c.names) > 1');
  const where = `WHERE ${conds.join(' AND ')}`;
  const n = params.length;
  return {
    sql: `SELECT ${CUSTOMER_COLS} FROM customers c ${where}
           ORDER BY c.name, c.ckey LIMIT $${n + 1} OFFSET $${n + 2}`,
    params: [...params, q.pageSize, (q.page - 1) * q.pageSize],
    countSql: `SELECT count(*)::int AS n FROM customers c ${where}`,
    countParams: params,
  };
}

export async function listCustomers(db: Db, query: unknown): Promise<CustomerPage> {
  const q = parse(CustomerListQuery, query ?? {});
  const s = customerListSql(q);
  const [page, count] = await Promise.all([
    db.query<CustomerDbRow>(s.sql, s.params),
    db.query<{ n: number }>(s.countSql, s.countParams),
  ]);
  return {
    rows: page.rows.map(rowOut),
    total: count.rows[0]?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function findCustomer(db: Queryable, key: string): Promise<CustomerDbRow | null> {
  const { rows } = await db.query<CustomerDbRow>(
    `SELECT ${CUSTOMER_COLS} FROM customers c WHERE c.ckey = $1`,
    [key],
  );
  return rows[0] ?? null;
}

export async function mustFindCustomer(db: Queryable, key: string): Promise<CustomerDbRow> {
  const c = await findCustomer(db, key);
  if (!c) fail('E_NOT_FOUND', `没有客户 ${key} (no such customer)`);
  return c;
}

/** A customer's key and every key merged into it (directly or through another merge). */
export async function keysOf(db: Queryable, key: string): Promise<string[]> {
  const { rows } = await db.query<{ ckey: string }>(
    `WITH RECURSIVE m(ckey) AS (
       SELECT $1::text
       UNION SELECT c.ckey FROM customers c JOIN m ON c.merged_into = m.ckey
     ) SELECT ckey FROM m`,
    [key],
  );
  return rows.map((r) => r.ckey);
}

const LIST_MAX = 200;

export async function customerDetail(db: Db, key: string): Promise<CustomerDetail> {
  const c = await mustFindCustomer(db, key);
  // A merged customer's page is its survivor's.
  if (c.merged_into) return customerDetail(db, c.merged_into);
  const keys = await keysOf(db, key);
  const apps = await db.query<{
    id: string;
    app_no: string;
    hall_code: string;
    status: string;
    deadline: string;
    accepted_at: unknown;
    record: {
      businessCode: string;
      customer: { name: string };
      ticketNo?: string;
      customerRating?: { level: string; bad: boolean; at: string };
    };
  }>(
    `SELECT a.id, a.app_no, h.code AS hall_code, a.status,
            to_char(a.deadline, 'YYYY-MM-DD') AS deadline, a.accepted_at, a.record
       FROM applications a JOIN halls h ON h.id = a.hall_id
      WHERE a.customer_key = ANY($1::text[])
      ORDER BY a.accepted_at DESC LIMIT ${LIST_MAX}`,
    [keys],
  );
  const merged = await db.query<{ account_nos: string[]; phone: string | null; name: string }>(
    'SELECT account_nos, phone, name FROM customers WHERE ckey = ANY($1::text[])',
    [keys],
  );
  const accountNos = [...new Set(merged.rows.flatMap((r) => r.account_nos))];
  // Feedback carries a 户号 where the customer gave one, otherwise name and phone (the
  // complaints migration's account_no / phone columns and indexes).
  const withPhone = merged.rows.filter((r) => r.phone);
  const fb = await db.query<{
    record: {
      id: string;
      feedbackNo: string;
      kind: CustomerDetail['feedback'][number]['kind'];
      status: CustomerDetail['feedback'][number]['status'];
      acceptedAt: string;
      content: string;
    };
  }>(
    `SELECT record FROM feedback
      WHERE account_no = ANY($1::text[])
         OR (phone = ANY($3::text[]) AND (record->>'customerName', phone)
            IN (SELECT * FROM unnest($2::text[], $3::text[])))
      ORDER BY accepted_text DESC LIMIT ${LIST_MAX}`,
    [accountNos, withPhone.map((r) => r.name), withPhone.map((r) => r.phone)],
  );
  const applications = apps.rows.map((a) => ({
    id: a.id,
    appNo: a.app_no,
    hallCode: a.hall_code,
    businessCode: a.record.businessCode,
    customerName: a.record.customer.name,
    status: a.status,
    deadline: a.deadline,
    acceptedAt: iso(a.accepted_at),
  }));
  return {
    customer: rowOut(c),
    mergedKeys: keys.filter((k) => k !== key),
    keyCustomer: await keyCustomerInfo(db, key),
    applications,
    feedback: fb.rows.map(({ record: f }) => ({
      id: f.id,
      feedbackNo: f.feedbackNo,
      kind: f.kind,
      status: f.status,
      acceptedAt: f.acceptedAt,
      content: f.content,
    })),
    ratings: apps.rows
      .filter((a) => a.record.customerRating)
      .map((a) => ({
        appNo: a.app_no,
        level: a.record.customerRating!.level,
        bad: a.record.customerRating!.bad,
        at: a.record.customerRating!.at,
      })),
    visits: apps.rows
      .filter((a) => a.record.ticketNo)
      .map((a) => ({
        appNo: a.app_no,
        ticketNo: a.record.ticketNo!,
        hallCode: a.hall_code,
        at: iso(a.accepted_at),
      })),
  };
}

/**
 * Merges customer `key` into `body.into` (the desks recorded one person under two keys, e.g. an
 * ID number typed wrong once). Refused, with nothing written: into itself, either one unknown,
 * `key` already merged (E_CUSTOMER_MERGED: a duplicate merge), or `into` merged elsewhere.
 */
export async function mergeCustomers(
  db: Db,
  key: string,
  body: unknown,
  actor: string,
): Promise<CustomerDetail> {
  const req = parse(MergeRequest, body);
  await db.transaction(async (tx) => {
    if (req.into === key)
      fail('E_CUSTOMER_MERGED', '不能把客户合并到其自身 (cannot merge a customer into itself)');
    const rows = await tx.query<{ ckey: string; merged_into: string | null }>(
      'SELECT ckey, merged_into FROM customers WHERE ckey IN ($1, $2) ORDER BY ckey FOR UPDATE',
      [key, req.into],
    );
    const from = rows.rows.find((r) => r.ckey === key);
    const into = rows.rows.find((r) => r.ckey === req.into);
    if (!from) fail('E_NOT_FOUND', `没有客户 ${key} (no such customer)`);
    if (!into) fail('E_NOT_FOUND', `没有客户 ${req.into} (no such customer)`);
    if (from.merged_into)
      fail(
        'E_CUSTOMER_MERGED',
        `该客户已合并到 ${from.merged_into}，不能重复合并 (already merged into ${from.merged_into})`,
        { mergedInto: from.merged_into },
      );
    if (into.merged_into)
      fail(
        'E_CUSTOMER_MERGED',
        `目标客户已合并到 ${into.merged_into}，请合并到该客户 (target already merged)`,
        { mergedInto: into.merged_into },
      );
    const keyed = await tx.query('SELECT 1 FROM key_customers WHERE ckey = $1', [key]);
    if (keyed.rows.length > 0)
      fail(
        'E_VALIDATION',
        '该客户在重点客户名册中，请先在名册中移除或改登记到目标客户 (key customer: move the register entry first)',
      );
    await tx.query('UPDATE customers SET merged_into = $2, updated_at = now() WHERE ckey = $1', [
      key,
      req.into,
    ]);
    // Anything already merged into `key` now points at the survivor too (one level deep).
    await tx.query('UPDATE customers SET merged_into = $2 WHERE merged_into = $1', [key, req.into]);
    await tx.query(
      `INSERT INTO customer_merges (from_key, into_key, note, merged_by) VALUES ($1, $2, $3, $4)`,
      [key, req.into, req.note ?? null, actor],
    );
  });
  return customerDetail(db, req.into);
}
