// Back office on the central database: applications across halls (list, find, workflow
// transitions, edits), with the writes that flow back to the desks through the hall feed.
import type { Application } from '../../shared/domain/model';
import {
  loadCalendarData,
  WorkCalendar,
  addDays,
  defaultCalendar,
} from '../../shared/domain/calendar';
import {
  AdminApplicationsQuery,
  BackOfficeEditRequest,
  centreMayEdit,
} from '../../shared/protocol';
import { WorkbenchMoveRequest } from '../../shared/protocol/workbench';
import type { Db, Queryable } from '../db/db';
import { iso } from '../db/db';
import { refreshCustomerKeys } from './customers';
import { fail } from './errors';
import { hallTimeZone, hallToday } from './hallZone';
import { nameInitials } from './nameInitials';
import { parse } from './parse';
import { UUID_RE } from './adminDevices';
import { writeFeed } from './push';
import { applyBackOfficeTransition, isOpenStatus } from './workflow';

// ------------------------------------------------------------------ applications

export interface AdminApplicationRow {
  application: Application;
  hallCode: string;
  overdue: boolean;
}

export async function listApplications(db: Db, query: unknown): Promise<AdminApplicationRow[]> {
  const q = parse(AdminApplicationsQuery, query ?? {});
  const today = await hallToday(db);
  let dueBefore: string | null = null;
  if (q.due === 'overdue') dueBefore = addDays(today, -1);
  if (q.due === 'near') dueBefore = await nearDeadlineLimit(db, today, q.days ?? 2);
  const { rows } = await db.query<{ record: Application; code: string; deadline: unknown }>(
    `SELECT a.record, h.code, to_char(a.deadline, 'YYYY-MM-DD') AS deadline
       FROM applications a JOIN halls h ON h.id = a.hall_id
      WHERE ($1::text IS NULL OR h.code = $1)
        AND ($2::text IS NULL OR a.status = $2)
        AND ($3::text IS NULL OR a.app_no = $3)
        AND ($4::date IS NULL OR (a.deadline <= $4::date
             AND a.status NOT IN ('archived', 'cancelled', 'rejected')))
      ORDER BY a.deadline, a.accepted_at
      LIMIT $5`,
    [q.hall ?? null, q.status ?? null, q.appNo ?? null, dueBefore, q.limit ?? 500],
  );
  return rows
    .filter((r) => !q.due || isOpenStatus(r.record.status))
    .map((r) => ({
      application: r.record,
      hallCode: r.code,
      overdue: isOpenStatus(r.record.status) && String(r.deadline) < today,
    }));
}

/** The last date that counts as "near the deadline": `days` working days from today. */
export async function nearDeadlineLimit(db: Db, today: string, days: number): Promise<string> {
  const cal = await currentCalendar(db);
  try {
    return cal ? cal.addWorkingDays(today, days) : addDays(today, days);
  } catch {
    // The year's holiday schedule is missing: calendar days are the conservative answer here.
    return addDays(today, days);
  }
}

export async function currentCalendar(db: Queryable): Promise<WorkCalendar | null> {
  const { rows } = await db.query<{ data: unknown }>(
    "SELECT data FROM config WHERE key = 'calendar'",
  );
  if (!rows[0]) return null;
  try {
    return new WorkCalendar(loadCalendarData(rows[0].data), await hallTimeZone(db));
  } catch {
    return null;
  }
}

/** What narrows a printed number down to one application (see findApplication). */
export interface NumberScope {
  /** The hall the customer is asking in (a hall code). */
  hallCode?: string;
  /** The device asking (its own issues first). */
  deviceId?: string;
  /** The last 4 digits of the phone printed (masked) on the receipt. */
  phoneLast4?: string;
}

/**
 * Finds an application by id or by the number printed on its receipt; locks nothing. Numbers
 * are unique since desks number only under the codes of their enrollment code, but desks of
 * older builds numbered under the placeholder H0001-D01 before enrollment, so one printed
 * number may belong to several applications. The centre keeps each with the device that issued
 * it (its `create` change) and resolves the printed number by what the asker knows: the hall,
 * the asking device, or the phone's last 4 digits on the receipt. Still several: 409
 * E_APP_NO_SHARED naming the candidates (hall, desk, acceptance day), never a guess.
 */
async function findApplication(
  db: Queryable,
  idOrNo: string,
  scope: NumberScope = {},
): Promise<{ id: string; hallId: number }> {
  const byId = UUID_RE.test(idOrNo);
  const { rows } = await db.query<{
    id: string;
    hall_id: number;
    hall_code: string;
    desk_code: string | null;
    accepted_at: unknown;
    phone: string | null;
    issuer: string | null;
  }>(
    `SELECT a.id, a.hall_id, h.code AS hall_code, a.record->>'deskCode' AS desk_code,
            a.accepted_at, a.record->'customer'->>'phone' AS phone,
            (SELECT c.device_id::text FROM changes c
              WHERE c.entity = 'application' AND c.entity_id = a.id::text AND c.op = 'create'
                AND c.status = 'applied' LIMIT 1) AS issuer
       FROM applications a JOIN halls h ON h.id = a.hall_id
      WHERE ${byId ? 'a.id = $1' : 'a.app_no = $1'}
      LIMIT 50`,
    [byId ? idOrNo : idOrNo.trim().toUpperCase()],
  );
  if (rows.length === 0) fail('E_NOT_FOUND', `没有申请 ${idOrNo} (no such application)`);
  let candidates = rows;
  const narrow = (keep: (r: (typeof rows)[number]) => boolean) => {
    const next = candidates.filter(keep);
    if (next.length > 0) candidates = next;
  };
  if (candidates.length > 1 && scope.hallCode) {
    const want = scope.hallCode.trim().toUpperCase();
    candidates = candidates.filter((r) => r.hall_code === want);
    if (candidates.length === 0)
      fail('E_NOT_FOUND', `营业厅 ${want} 没有申请 ${idOrNo} (no such application in that hall)`);
  }
  if (candidates.length > 1 && scope.deviceId) narrow((r) => r.issuer === scope.deviceId);
  if (candidates.length > 1 && scope.phoneLast4) {
    const last4 = scope.phoneLast4.replace(/\D/g, '').slice(-4);
    narrow((r) => (r.phone ?? '').replace(/\D/g, '').endsWith(last4));
  }
  if (candidates.length > 1) {
    const list = candidates
      .map(
        (r) =>
          `${r.hall_code}${r.desk_code ? `-${r.desk_code}` : ''} ${iso(r.accepted_at).slice(0, 10)}`,
      )
      .join('；');
    fail(
      'E_APP_NO_SHARED',
      `编号 ${idOrNo} 是登记前的占位编号，${candidates.length} 个受理台各编过一次（${list}）：请加营业厅（hall）或回执上电话的后四位（phone）查询 (a placeholder number issued by ${candidates.length} desks: add hall or phone)`,
      {
        candidates: candidates.map((r) => ({
          id: r.id,
          hallCode: r.hall_code,
          deskCode: r.desk_code,
          acceptedAt: iso(r.accepted_at),
        })),
      },
    );
  }
  return { id: candidates[0]!.id, hallId: candidates[0]!.hall_id };
}

export async function getApplication(
  db: Db,
  idOrNo: string,
  scope: NumberScope = {},
): Promise<Application> {
  const { id } = await findApplication(db, idOrNo, scope);
  const { rows } = await db.query<{ record: Application }>(
    'SELECT record FROM applications WHERE id = $1',
    [id],
  );
  return rows[0]!.record;
}

/** The device-side read by printed number: this hall's, the asking device's own first. */
export async function getHallApplicationByNumber(
  db: Db,
  auth: { hallId: number; hallCode: string; deviceId: string },
  appNo: string,
  phoneLast4?: string,
): Promise<Application> {
  const { id, hallId } = await findApplication(db, appNo, {
    hallCode: auth.hallCode,
    deviceId: auth.deviceId,
    ...(phoneLast4 ? { phoneLast4 } : {}),
  });
  if (hallId !== auth.hallId) fail('E_NOT_FOUND', '没有这个申请 (no such application)');
  return getHallApplication(db, auth.hallId, id);
}

/** The device-side read: only this hall's applications exist for it. */
export async function getHallApplication(
  db: Db,
  hallIdValue: number,
  id: string,
): Promise<Application> {
  if (!UUID_RE.test(id)) fail('E_NOT_FOUND', '没有这个申请 (no such application)');
  const { rows } = await db.query<{ record: Application }>(
    'SELECT record FROM applications WHERE id = $1 AND hall_id = $2',
    [id, hallIdValue],
  );
  if (!rows[0]) fail('E_NOT_FOUND', '没有这个申请 (no such application)');
  return rows[0].record;
}

/**
 * Runs `change` on an application under the hall lock and writes the result with a new
 * serverVersion into the record and the hall's feed, so that it flows back to the desks.
 */
async function changeApplication(
  db: Db,
  idOrNo: string,
  change: (current: Application, tx: Queryable) => Promise<Application> | Application,
): Promise<Application> {
  const found = await findApplication(db, idOrNo);
  return db.transaction(async (tx) => {
    await tx.query('SELECT feed_seq FROM halls WHERE id = $1 FOR UPDATE', [found.hallId]);
    const { rows } = await tx.query<{ record: Application; customer_key: string | null }>(
      'SELECT record, customer_key FROM applications WHERE id = $1 FOR UPDATE',
      [found.id],
    );
    const current = rows[0]!.record;
    const oldKey = rows[0]!.customer_key;
    const next = await change(current, tx);
    const record: Application = { ...next, serverVersion: current.serverVersion + 1 };
    await tx.query(
      `UPDATE applications SET record = $2::jsonb, status = $3, deadline = $4::date,
              server_version = $5, version_device_id = NULL, updated_at = now(),
              name_initials = $6
        WHERE id = $1`,
      [
        found.id,
        JSON.stringify(record),
        record.status,
        record.deadline,
        record.serverVersion,
        nameInitials(record.customer.name),
      ],
    );
    // The customer record follows the centre's edit as it follows a push: the new key's row and,
    // when the edit moved the application to another customer (a corrected ID), the old one's.
    const after = await tx.query<{ customer_key: string | null }>(
      'SELECT customer_key FROM applications WHERE id = $1',
      [found.id],
    );
    await refreshCustomerKeys(
      tx,
      [oldKey, after.rows[0]?.customer_key ?? null].filter((k): k is string => !!k),
    );
    await writeFeed(tx, found.hallId, [{ entity: 'application', id: found.id }]);
    return record;
  });
}

/**
 * A back-office move (CLI transition and workbench move alike): forward, end, or a return with a
 * reason code (server/central/workflow.ts); written with the feed so that it flows to the desk.
 */
export async function transitionApplication(
  db: Db,
  idOrNo: string,
  body: unknown,
): Promise<Application> {
  const req = parse(WorkbenchMoveRequest, body);
  return changeApplication(db, idOrNo, async (current, tx) => {
    const config = await tx.query<{ key: string; data: unknown }>(
      "SELECT key, data FROM config WHERE key IN ('catalogue', 'settings')",
    );
    const data = (key: string) => config.rows.find((r) => r.key === key)?.data;
    const settings = data('settings') as
      { wholeProcessLimitsWd?: { byBusinessCode?: Record<string, number> } } | undefined;
    return applyBackOfficeTransition(
      current,
      req,
      new Date().toISOString(),
      data('catalogue'),
      (await currentCalendar(tx)) ?? defaultCalendar,
      settings?.wholeProcessLimitsWd?.byBusinessCode ?? {},
      settings,
    );
  });
}

export async function editApplication(db: Db, idOrNo: string, body: unknown): Promise<Application> {
  const req = parse(BackOfficeEditRequest, body);
  return changeApplication(db, idOrNo, (current) => {
    if (!centreMayEdit(current.status)) {
      fail(
        'E_HALL_OWNED',
        '申请尚未进入后台流程，客户资料仍归营业厅 (the hall owns this application until it is taken up)',
      );
    }
    return { ...current, ...req.changes, updatedAt: new Date().toISOString() };
  });
}
