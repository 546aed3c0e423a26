// The centre's workbench over every hall's applications: keyset-paged search (one box for number,
// serial, name, pinyin initials, ID/credit-code last 4, phone, 户号; address by any part; filters
// for hall, state, business type, dates, due), an
// application's page with stage deadlines and allowed next states, and the due lists per hall and
// stage. Moves go through admin.transitionApplication, the CLI's own path.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addDays, businessDate } from '../../shared/domain/calendar';
import { DEFAULT_HALL_TIME_ZONE, hallInstant } from '../../shared/domain/hallTime';
import { findBusinessType } from '../../shared/domain/catalogue';
import { stageTimeline } from '../../shared/domain/workflow';
import {
  WORKBENCH_COUNT_CAP,
  WorkbenchSearchQuery,
  workbenchPaths,
  type DueSummary,
  type WorkbenchDetail,
  type WorkbenchPage,
  type WorkbenchRow,
} from '../../shared/protocol/workbench';
import type { Db } from '../db/db';
import { iso } from '../db/db';
import * as admin from './admin';
import { fail } from './errors';
import { hallTimeZone, hallToday } from './hallZone';
import type { Operator } from './operator';
import { authorizeWorkbench, requireAppHall, workbenchScope } from './workbenchAccess';
import { registerWorkbenchDocs } from './workbenchDocs';
import { catalogueFrom, isOpenStatus, nextStatesOut, workbenchSettingsFrom } from './workflow';

const OPEN = `a.status NOT IN ('archived', 'cancelled', 'rejected')`;

/** LIKE pattern text with its wildcards taken literally. */
function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
function reversed(s: string): string {
  return [...s].reverse().join('');
}

async function configData(db: Db): Promise<{ catalogue: unknown; settings: unknown }> {
  const { rows } = await db.query<{ key: string; data: unknown }>(
    "SELECT key, data FROM config WHERE key IN ('catalogue', 'settings')",
  );
  return {
    catalogue: rows.find((r) => r.key === 'catalogue')?.data,
    settings: rows.find((r) => r.key === 'settings')?.data,
  };
}

/** The last day that is "due soon": settings.workbench.dueSoonWd working days from today. */
async function soonUntil(db: Db, today: string): Promise<string> {
  const { settings } = await configData(db);
  return admin.nearDeadlineLimit(db, today, workbenchSettingsFrom(settings).dueSoonWd);
}

/** The keyset position a page ends at: its last row's sort key (deadline only for due lists). */
interface Cursor {
  d?: string;
  t: string;
  i: string;
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** Reads a cursor back; anything not made by encodeCursor for this kind of list is refused. */
export function decodeCursor(raw: string, due: boolean): Cursor {
  let c: Partial<Cursor> | null = null;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    c = null;
  }
  const ok =
    c &&
    typeof c.t === 'string' &&
    /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/.test(c.t) &&
    typeof c.i === 'string' &&
    UUID.test(c.i) &&
    (due ? typeof c.d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(c.d) : c.d === undefined);
  if (!ok) fail('E_VALIDATION', '翻页位置无效，请重新查询 (invalid cursor: search again)');
  return c as Cursor;
}

/** The distinct 2-character pieces of a text, as hd_bigrams() stores them (lower-cased). */
export function bigrams(s: string): string[] {
  const chars = [...s.toLowerCase()];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return [...out];
}

/**
 * The WHERE clause and parameters of a search. One search box `q` is read by its shape: an
 * application number or a serial (suffix of the number), 4 characters (serial or ID/credit-code
 * last 4), a phone number or 户号, an ID number, letters (name or pinyin initials), otherwise the
 * start of the customer's name. Each arm is served by its own index (migrations
 * 20261207_workbench_1 and 20261207_workbench_2).
 */
export function searchWhere(
  q: WorkbenchSearchQuery,
  today: string,
  soon: string,
  scopeHall: number | null = null,
  timeZone: string = DEFAULT_HALL_TIME_ZONE,
): { where: string; params: unknown[] } {
  // A day of the range starts at midnight in the halls' zone.
  const dayStart = (day: string) => new Date(hallInstant(day, '00:00', timeZone)).toISOString();
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds: string[] = [];
  const term = q.q?.trim();
  if (term) {
    const arms: string[] = [];
    const upper = term.toUpperCase();
    const suffix = (s: string) => `reverse(a.app_no) LIKE ${p(`${likeLiteral(reversed(s))}%`)}`;
    const account = () => `a.account_no LIKE ${p(`${likeLiteral(term)}%`)}`;
    if (/^[A-Za-z]/.test(term) && term.includes('-')) {
      arms.push(suffix(term));
    } else if (/^[\d-]+$/.test(term) && term.includes('-')) {
      arms.push(suffix(`-${term}`));
    } else if (/^[0-9Xx]{4}$/.test(term)) {
      if (/^\d{4}$/.test(term)) arms.push(suffix(`-${term}`));
      arms.push(`a.id_last4 = ${p(upper)}`);
      arms.push(`a.credit_last4 = ${p(upper)}`);
    } else if (/^[0-9A-Za-z]{15,18}$/.test(term) && /\d{6}/.test(term)) {
      // A whole ID number or credit code: narrowed by its last 4, then compared in full.
      const last4 = p(upper.slice(-4));
      const full = p(upper);
      arms.push(
        `(a.id_last4 = ${last4} AND upper(a.record->'customer'->>'idNumber') = ${full})`,
        `(a.credit_last4 = ${last4} AND upper(a.record->'customer'->>'creditCode') = ${full})`,
        account(),
      );
    } else if (/^\+?\d{5,20}$/.test(term)) {
      if (term.length <= 15) arms.push(`a.customer_phone LIKE ${p(`${likeLiteral(term)}%`)}`);
      if (/^\d+$/.test(term)) arms.push(suffix(`-${term}`), account());
    } else if (/^[0-9A-Za-z]{5,20}$/.test(term) && /\d/.test(term)) {
      arms.push(account());
    } else if (/^[A-Za-z]{1,12}$/.test(term)) {
      // Letters: a name written in letters, or the pinyin initials of a Chinese name (zsf).
      arms.push(`a.customer_name LIKE ${p(`${likeLiteral(term)}%`)}`);
      arms.push(`a.name_initials LIKE ${p(`${upper}%`)}`);
    } else {
      arms.push(`a.customer_name LIKE ${p(`${likeLiteral(term)}%`)}`);
    }
    conds.push(arms.length === 1 ? arms[0]! : `(${arms.join(' OR ')})`);
  }
  const address = q.address?.trim();
  if (address) {
    const grams = bigrams(address);
    if (grams.length === 0)
      fail('E_VALIDATION', '地址至少输入两个字 (type at least 2 characters of the address)');
    conds.push(
      `a.address_grams @> ${p(grams)}::text[] AND a.address LIKE ${p(`%${likeLiteral(address)}%`)}`,
    );
  }
  if (q.hall) conds.push(`a.hall_id = (SELECT id FROM halls WHERE code = ${p(q.hall)})`);
  // A hall-scoped caller (hall manager) sees their own hall whatever the filters say.
  if (scopeHall !== null) conds.push(`a.hall_id = ${p(scopeHall)}`);
  if (q.status) conds.push(`a.status = ${p(q.status)}`);
  if (q.business) conds.push(`a.business_code = ${p(q.business)}`);
  if (q.from) conds.push(`a.accepted_at >= ${p(dayStart(q.from))}::timestamptz`);
  if (q.to) conds.push(`a.accepted_at < ${p(dayStart(addDays(q.to, 1)))}::timestamptz`);
  if (q.due === 'overdue') conds.push(`${OPEN} AND a.deadline < ${p(today)}::date`);
  if (q.due === 'soon')
    conds.push(`${OPEN} AND a.deadline >= ${p(today)}::date AND a.deadline <= ${p(soon)}::date`);
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

/**
 * A page's SQL, paged by keyset: due lists by deadline (most urgent first), others newest first;
 * the page after `cursor` starts past its row by the same order, so that page 50,000 costs what
 * page 1 does. The count (first page only) stops at WORKBENCH_COUNT_CAP + 1 rows.
 */
export function searchSql(
  q: WorkbenchSearchQuery,
  today: string,
  soon: string,
  scopeHall: number | null = null,
  timeZone: string = DEFAULT_HALL_TIME_ZONE,
) {
  const { where, params } = searchWhere(q, today, soon, scopeHall, timeZone);
  const due = !!q.due;
  const countSql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM applications a ${where}
                     LIMIT ${WORKBENCH_COUNT_CAP + 1}) s`;
  const countParams = [...params];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds = where ? [where.slice('WHERE '.length)] : [];
  if (q.cursor) {
    const c = decodeCursor(q.cursor, due);
    conds.push(
      due
        ? `(a.deadline, a.accepted_at, a.id) > (${p(c.d)}::date, ${p(c.t)}::timestamptz, ${p(c.i)}::uuid)`
        : `(a.accepted_at, a.id) < (${p(c.t)}::timestamptz, ${p(c.i)}::uuid)`,
    );
  }
  const order = (t: string) =>
    due ? `${t}.deadline, ${t}.accepted_at, ${t}.id` : `${t}.accepted_at DESC, ${t}.id DESC`;
  // The page first (the index walk and LIMIT), then each of its rows' account manager when the
  // customer (or the one it was merged into) is a key customer: primary-key look-ups, in the
  // same statement, so the list's badge costs no request per row.
  return {
    sql: `SELECT pg.*, km.staff_no AS km_no, km.name AS km_name, km.phone AS km_phone
            FROM (SELECT a.id, a.app_no, h.code AS hall_code, a.business_code, a.customer_name,
                         a.status, to_char(a.deadline, 'YYYY-MM-DD') AS deadline, a.accepted_at,
                         a.accepted_at::text AS at_key, a.customer_key
                    FROM applications a JOIN halls h ON h.id = a.hall_id
                    ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
                   ORDER BY ${order('a')}
                   LIMIT ${p(q.pageSize + 1)}) pg
            LEFT JOIN LATERAL (
              SELECT s.staff_no, s.name, s.phone
                FROM key_customers k JOIN staff s ON s.id = k.manager_staff_id
               WHERE k.ckey IN (pg.customer_key,
                                (SELECT c.merged_into FROM customers c
                                  WHERE c.ckey = pg.customer_key))
               LIMIT 1) km ON true
           ORDER BY ${order('pg')}`,
    params,
    countSql,
    countParams,
  };
}

export async function searchApplications(
  db: Db,
  query: unknown,
  scopeHall: number | null = null,
): Promise<WorkbenchPage> {
  const q = admin.parse(WorkbenchSearchQuery, query ?? {});
  const timeZone = await hallTimeZone(db);
  const today = businessDate(new Date(), timeZone);
  const soon = q.due === 'soon' ? await soonUntil(db, today) : today;
  const s = searchSql(q, today, soon, scopeHall, timeZone);
  const [page, count] = await Promise.all([
    db.query<{
      id: string;
      app_no: string;
      hall_code: string;
      business_code: string;
      customer_name: string;
      status: string;
      deadline: string;
      accepted_at: unknown;
      at_key: string;
      km_no: string | null;
      km_name: string | null;
      km_phone: string | null;
    }>(s.sql, s.params),
    q.cursor ? null : db.query<{ n: number }>(s.countSql, s.countParams),
  ]);
  // One row past the page says whether there is a next page, without counting.
  const more = page.rows.length > q.pageSize;
  const got = more ? page.rows.slice(0, q.pageSize) : page.rows;
  const rows: WorkbenchRow[] = got.map((r) => ({
    id: r.id,
    appNo: r.app_no,
    hallCode: r.hall_code,
    businessCode: r.business_code,
    customerName: r.customer_name,
    status: r.status,
    deadline: r.deadline,
    acceptedAt: iso(r.accepted_at),
    overdue: isOpenStatus(r.status) && r.deadline < today,
    keyManager:
      r.km_no && r.km_name ? { staffNo: r.km_no, name: r.km_name, phone: r.km_phone } : null,
  }));
  const last = got.at(-1);
  const n = count?.rows[0]?.n ?? null;
  return {
    rows,
    total: n === null ? null : Math.min(n, WORKBENCH_COUNT_CAP),
    totalCapped: n !== null && n > WORKBENCH_COUNT_CAP,
    nextCursor:
      more && last
        ? encodeCursor(
            q.due
              ? { d: last.deadline, t: last.at_key, i: last.id }
              : { t: last.at_key, i: last.id },
          )
        : null,
    pageSize: q.pageSize,
  };
}

export async function applicationDetail(db: Db, idOrNo: string): Promise<WorkbenchDetail> {
  const app = await admin.getApplication(db, idOrNo);
  const { catalogue: catalogueData } = await configData(db);
  const catalogue = catalogueFrom(catalogueData);
  const today = await hallToday(db);
  let stages: WorkbenchDetail['stages'] = null;
  const type = findBusinessType(catalogue, app.businessCode);
  const calendar = await admin.currentCalendar(db);
  if (type && calendar) {
    try {
      stages = stageTimeline(app, type, calendar, today);
    } catch {
      // A stage deadline in a year the calendar does not hold yet: shown without deadlines.
      stages = null;
    }
  }
  return {
    application: app,
    hallCode: app.hallCode,
    overdue: isOpenStatus(app.status) && app.deadline < today,
    stages,
    next: nextStatesOut(app, catalogue),
  };
}

/** Overdue and due-soon open applications counted per hall and current stage. */
export async function dueSummary(db: Db, scopeHall: number | null = null): Promise<DueSummary> {
  const today = await hallToday(db);
  const soon = await soonUntil(db, today);
  const { rows } = await db.query<{
    code: string;
    status: string;
    overdue: number;
    soon: number;
  }>(
    `SELECT h.code, a.status,
            count(*) FILTER (WHERE a.deadline < $1::date)::int AS overdue,
            count(*) FILTER (WHERE a.deadline >= $1::date)::int AS soon
       FROM applications a JOIN halls h ON h.id = a.hall_id
      WHERE ${OPEN} AND a.deadline <= $2::date AND ($3::int IS NULL OR a.hall_id = $3::int)
      GROUP BY h.code, a.status
      ORDER BY overdue DESC, soon DESC, h.code, a.status`,
    [today, soon, scopeHall],
  );
  return {
    today,
    soonUntil: soon,
    groups: rows.map((r) => ({
      hallCode: r.code,
      status: r.status,
      overdue: r.overdue,
      soon: r.soon,
    })),
  };
}

export function registerWorkbench(app: FastifyInstance, db: Db): void {
  const read = async (req: FastifyRequest) => void (await authorizeWorkbench(db, req, 'read'));
  const mover = async (req: FastifyRequest) => void (await authorizeWorkbench(db, req, 'move'));
  const op = (req: FastifyRequest): Operator => req.operator!;
  const inScope = async (req: FastifyRequest, idOrNo: string) => {
    const a = await admin.getApplication(db, idOrNo);
    await requireAppHall(db, op(req), a.hallCode);
  };
  app.get(workbenchPaths.applications, { onRequest: read }, async (req) =>
    searchApplications(db, req.query, workbenchScope(op(req))),
  );
  app.get<{ Params: { id: string } }>(
    `${workbenchPaths.applications}/:id`,
    { onRequest: read },
    async (req) => {
      await inScope(req, req.params.id);
      return applicationDetail(db, req.params.id);
    },
  );
  app.post<{ Params: { id: string } }>(
    `${workbenchPaths.applications}/:id/move`,
    { onRequest: mover },
    async (req) => {
      await inScope(req, req.params.id);
      const o = op(req);
      // A staff member's move is theirs: the actor is their name and number, not typed text.
      const body =
        o.kind === 'staff' && req.body && typeof req.body === 'object'
          ? { ...(req.body as object), actor: `${o.name} (${o.staffNo})` }
          : req.body;
      await admin.transitionApplication(db, req.params.id, body);
      return applicationDetail(db, req.params.id);
    },
  );
  app.get(workbenchPaths.due, { onRequest: read }, async (req) =>
    dueSummary(db, workbenchScope(op(req))),
  );
  app.get(workbenchPaths.reasons, { onRequest: read }, async () => {
    const { settings } = await configData(db);
    return { reasons: workbenchSettingsFrom(settings).returnReasons };
  });
  registerWorkbenchDocs(app, db);
}
