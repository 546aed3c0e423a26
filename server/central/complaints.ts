// Complaints and opinions at the centre (issue 14 §2): every hall's feedback paged on the server
// (filters: hall, kind, state, handler, due soon / overdue), a record's page, and the handler's
// edits (assign, contact, reply, close, link). Each edit is written under the hall lock with a
// new serverVersion and the hall's feed, so that it flows back to the desk through the pull.
import { addDays, businessDate } from '../../shared/domain/calendar';
import { complaintsConfig, type ComplaintsConfig } from '../../shared/domain/complaintsConfig';
import { isFeedbackOverdue } from '../../shared/domain/feedback';
import type { Feedback, FeedbackHandler } from '../../shared/domain/model';
import {
  AssignRequest,
  ComplaintListQuery,
  ContactRequest,
  LinkRequest,
  ReplyRequest,
  type ComplaintDetail,
  type ComplaintEscalation,
  type ComplaintPage,
  type ComplaintRow,
} from '../../shared/protocol/complaints';
import type { Db, Queryable } from '../db/db';
import { iso } from '../db/db';
import { parse } from './admin';
import { fail } from './errors';
import { writeFeed } from './pushWrite';
import { hallTimeZone, hallToday } from './hallZone';
import { repeatOfSql } from './repeatComplaints';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OPEN = `f.fb_status IN ('open', 'contacted')`;

/** Who edits: shown on the record (contacts, reply) and checked for the hall scope. */
export interface Editor {
  name: string;
  staffNo?: string;
  /** null: every hall. */
  hallScope: number | null;
}

/** The WHERE clause and parameters of a list; each filter is served by an index (migration). */
export function complaintWhere(
  q: ComplaintListQuery,
  today: string,
  soonUntil: string,
  hallScope: number | null,
): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds: string[] = [];
  if (hallScope !== null) conds.push(`f.hall_id = ${p(hallScope)}`);
  if (q.hall) conds.push(`f.hall_id = (SELECT id FROM halls WHERE code = ${p(q.hall)})`);
  if (q.kind) conds.push(`f.kind = ${p(q.kind)}`);
  if (q.state) conds.push(`f.fb_status = ${p(q.state)}`);
  if (q.handler === 'none') conds.push('f.handler_no IS NULL');
  else if (q.handler) conds.push(`f.handler_no = ${p(q.handler)}`);
  if (q.due === 'overdue') {
    const t = p(today);
    conds.push(
      `((f.fb_status = 'open' AND f.first_contact_due < ${t}) OR (${OPEN} AND f.reply_due < ${t}))`,
    );
  } else if (q.due === 'soon') {
    conds.push(`${OPEN} AND f.reply_due >= ${p(today)} AND f.reply_due <= ${p(soonUntil)}`);
  }
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

export function complaintListSql(
  q: ComplaintListQuery,
  today: string,
  soonUntil: string,
  hallScope: number | null,
  cfg: Pick<ComplaintsConfig, 'repeatWindowDays' | 'repeatMatch'> = complaintsConfig,
) {
  const { where, params } = complaintWhere(q, today, soonUntil, hallScope);
  const order = q.due ? 'f.reply_due, f.id' : 'f.accepted_text DESC, f.id DESC';
  const n = params.length;
  return {
    sql: `SELECT f.id, f.record, h.code AS hall_code, ${repeatOfSql(`$${n + 3}`, cfg)} AS repeat_of
            FROM feedback f JOIN halls h ON h.id = f.hall_id
            ${where}
           ORDER BY ${order}
           LIMIT $${n + 1} OFFSET $${n + 2}`,
    params: [...params, q.pageSize, (q.page - 1) * q.pageSize, cfg.repeatWindowDays],
    countSql: `SELECT count(*)::int AS n FROM feedback f ${where}`,
    countParams: params,
  };
}

export function soonUntil(today: string, cfg: Pick<ComplaintsConfig, 'dueSoonDays'>): string {
  return addDays(today, cfg.dueSoonDays);
}

export async function listComplaints(
  db: Db,
  query: unknown,
  hallScope: number | null,
): Promise<ComplaintPage> {
  const q = parse(ComplaintListQuery, query ?? {});
  const today = await hallToday(db);
  const s = complaintListSql(q, today, soonUntil(today, complaintsConfig), hallScope);
  const [page, count] = await Promise.all([
    db.query<{ id: string; record: Feedback; hall_code: string; repeat_of: string | null }>(
      s.sql,
      s.params,
    ),
    db.query<{ n: number }>(s.countSql, s.countParams),
  ]);
  const rows: ComplaintRow[] = page.rows.map(({ record: r, hall_code, repeat_of }) => ({
    id: r.id,
    feedbackNo: r.feedbackNo,
    hallCode: hall_code,
    kind: r.kind,
    status: r.status,
    customerName: r.customerName,
    acceptedAt: r.acceptedAt,
    firstContactDue: r.firstContactDue,
    replyDue: r.replyDue,
    handlerNo: r.handler?.staffNo ?? null,
    handlerName: r.handler?.name ?? null,
    overdue: isFeedbackOverdue(r, today),
    repeatOf: repeat_of,
  }));
  return { rows, total: count.rows[0]?.n ?? 0, page: q.page, pageSize: q.pageSize, today };
}

async function findFeedback(
  db: Queryable,
  idOrNo: string,
  hallScope: number | null,
): Promise<{ id: string; hallId: number }> {
  const { rows } = await db.query<{ id: string; hall_id: number }>(
    UUID_RE.test(idOrNo)
      ? 'SELECT id, hall_id FROM feedback WHERE id = $1'
      : 'SELECT id, hall_id FROM feedback WHERE feedback_no = $1',
    [idOrNo],
  );
  const r = rows[0];
  if (!r || (hallScope !== null && r.hall_id !== hallScope))
    fail('E_NOT_FOUND', `没有这条意见反馈 (no such feedback): ${idOrNo}`);
  return { id: r.id, hallId: r.hall_id };
}

export async function complaintDetail(
  db: Db,
  idOrNo: string,
  hallScope: number | null,
): Promise<ComplaintDetail> {
  const found = await findFeedback(db, idOrNo, hallScope);
  const { rows } = await db.query<{ record: Feedback; repeat_of: string | null }>(
    `SELECT f.record, ${repeatOfSql('$2', complaintsConfig)} AS repeat_of FROM feedback f WHERE f.id = $1`,
    [found.id, complaintsConfig.repeatWindowDays],
  );
  const record = rows[0]!.record;
  const tz = await hallTimeZone(db);
  return {
    feedback: record,
    overdue: isFeedbackOverdue(record, businessDate(new Date(), tz), tz),
    repeatOf: rows[0]!.repeat_of,
    escalations: await escalationsOf(db, { feedbackId: found.id }),
  };
}

export async function escalationsOf(
  db: Queryable,
  where: { feedbackId?: string; managerNo?: string; hallScope?: number | null },
  limit = 200,
): Promise<ComplaintEscalation[]> {
  const params: unknown[] = [];
  const conds: string[] = [];
  if (where.feedbackId) conds.push(`e.feedback_id = $${params.push(where.feedbackId)}`);
  if (where.managerNo) conds.push(`e.manager_no = $${params.push(where.managerNo)}`);
  if (where.hallScope !== undefined && where.hallScope !== null)
    conds.push(`e.hall_id = $${params.push(where.hallScope)}`);
  const { rows } = await db.query<{
    feedback_id: string;
    feedback_no: string;
    code: string;
    deadline: 'first_contact' | 'reply';
    due_date: string;
    handler_no: string | null;
    manager_no: string | null;
    escalated_at: unknown;
  }>(
    `SELECT e.feedback_id, f.feedback_no, h.code, e.deadline, e.due_date, e.handler_no,
            e.manager_no, e.escalated_at
       FROM feedback_escalations e JOIN feedback f ON f.id = e.feedback_id
       JOIN halls h ON h.id = e.hall_id
      ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
      ORDER BY e.escalated_at DESC, e.id DESC LIMIT ${Number(limit)}`,
    params,
  );
  return rows.map((r) => ({
    feedbackId: r.feedback_id,
    feedbackNo: r.feedback_no,
    hallCode: r.code,
    deadline: r.deadline,
    dueDate: r.due_date,
    handlerNo: r.handler_no,
    managerNo: r.manager_no,
    escalatedAt: iso(r.escalated_at),
  }));
}

/**
 * Runs `change` on a feedback record under the hall lock and writes it with a new serverVersion
 * and a feed position (version_device_id NULL: every desk of the hall receives it). Centre edits
 * leave `updatedAt` alone: it dates the hall's own fields, which the merge takes from the later
 * hall edit (shared/protocol/feedbackMerge.ts).
 */
export async function changeFeedback(
  db: Db,
  found: { id: string; hallId: number },
  change: (current: Feedback, tx: Queryable) => Promise<Feedback | null> | Feedback | null,
): Promise<Feedback> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT feed_seq FROM halls WHERE id = $1 FOR UPDATE', [found.hallId]);
    const { rows } = await tx.query<{ record: Feedback }>(
      'SELECT record FROM feedback WHERE id = $1 FOR UPDATE',
      [found.id],
    );
    const current = rows[0]!.record;
    const next = await change(current, tx);
    if (!next) return current; // nothing to change (e.g. assigned meanwhile by another process)
    const record: Feedback = { ...next, serverVersion: (current.serverVersion ?? 0) + 1 };
    await tx.query(
      `UPDATE feedback SET record = $2::jsonb, version_device_id = NULL, updated_at = now()
        WHERE id = $1`,
      [found.id, JSON.stringify(record)],
    );
    await writeFeed(tx, found.hallId, [{ entity: 'feedback', id: found.id }]);
    return record;
  });
}

interface HandlerRow {
  staff_no: string;
  name: string;
  hall_id: number | null;
  hall_code: string | null;
  roles: string[];
  state: string;
}

/**
 * The handler named for a record: an active complaint handler from the directory, on the
 * record's hall roster unless the rules allow another hall (or the person holds a role that
 * may work across halls); staff without a hall (the centre's own) may handle any hall's.
 */
export async function eligibleHandler(
  db: Queryable,
  staffNo: string,
  hallId: number,
  cfg: Pick<ComplaintsConfig, 'allowCrossHallHandler' | 'crossHallHandlerRoles'> = complaintsConfig,
): Promise<HandlerRow> {
  const { rows } = await db.query<HandlerRow>(
    `SELECT s.staff_no, s.name, s.hall_id, h.code AS hall_code, s.roles, s.state
       FROM staff s LEFT JOIN halls h ON h.id = s.hall_id WHERE s.staff_no = $1`,
    [staffNo],
  );
  const s = rows[0];
  if (!s || s.state !== 'active' || !s.roles.includes('complaint_handler'))
    fail(
      'E_HANDLER_UNKNOWN',
      `工号 ${staffNo} 不是在岗的投诉处理人员 (not an active complaint handler)`,
    );
  const crossOk =
    cfg.allowCrossHallHandler ||
    s.roles.some((r) => cfg.crossHallHandlerRoles.includes(r as never));
  if (s.hall_id !== null && s.hall_id !== hallId && !crossOk)
    fail(
      'E_HANDLER_HALL',
      `${s.name}（${staffNo}）属于营业厅 ${s.hall_code ?? ''}，按规定不能处理其他营业厅的意见反馈 (handler from another hall's roster)`,
    );
  return s;
}

function handlerOf(s: HandlerRow, auto: boolean, at: string): FeedbackHandler {
  return {
    staffNo: s.staff_no,
    name: s.name,
    ...(s.hall_code ? { hallCode: s.hall_code } : {}),
    assignedAt: at,
    auto,
  };
}

export async function assignHandler(
  db: Db,
  idOrNo: string,
  body: unknown,
  by: Editor,
): Promise<Feedback> {
  const req = parse(AssignRequest, body);
  const found = await findFeedback(db, idOrNo, by.hallScope);
  return changeFeedback(db, found, async (current, tx) => {
    const s = await eligibleHandler(tx, req.staffNo, found.hallId);
    const now = new Date().toISOString();
    return { ...current, handler: handlerOf(s, false, now) };
  });
}

export async function addContact(
  db: Db,
  idOrNo: string,
  body: unknown,
  by: Editor,
): Promise<Feedback> {
  const req = parse(ContactRequest, body);
  if (!req.note) fail('E_VALIDATION', '联系记录不能为空 (a contact needs a note)');
  const found = await findFeedback(db, idOrNo, by.hallScope);
  return changeFeedback(db, found, (current) => {
    if (current.status === 'closed')
      fail('E_FEEDBACK_STATE', '已办结的意见反馈不能再记录联系 (already closed)');
    const now = new Date().toISOString();
    const at = req.at ?? now;
    const contacts = [
      ...(current.contacts ?? []),
      {
        id: crypto.randomUUID(),
        at,
        channel: req.channel,
        note: req.note,
        by: by.name,
        ...(by.staffNo ? { staffNo: by.staffNo } : {}),
        source: 'centre' as const,
      },
    ];
    if (contacts.length > 200) fail('E_VALIDATION', '联系记录过多 (too many contacts)');
    return {
      ...current,
      contacts,
      firstContactAt: current.firstContactAt ?? at,
      status: current.status === 'open' ? 'contacted' : current.status,
    };
  });
}

export async function replyTo(
  db: Db,
  idOrNo: string,
  body: unknown,
  by: Editor,
): Promise<Feedback> {
  const req = parse(ReplyRequest, body);
  if (!req.reply) fail('E_REPLY_REQUIRED', '回复内容不能为空 (the reply needs text)');
  const found = await findFeedback(db, idOrNo, by.hallScope);
  return changeFeedback(db, found, (current) => {
    if (current.status === 'closed')
      fail('E_FEEDBACK_STATE', '已办结的意见反馈不能再答复 (already closed)');
    const now = new Date().toISOString();
    return {
      ...current,
      reply: req.reply,
      repliedAt: now,
      repliedBy: by.name,
      ...(by.staffNo ? { repliedByStaffNo: by.staffNo } : {}),
      firstContactAt: current.firstContactAt ?? now,
      status: req.close ? 'closed' : 'replied',
    };
  });
}

export async function closeFeedback(db: Db, idOrNo: string, by: Editor): Promise<Feedback> {
  const found = await findFeedback(db, idOrNo, by.hallScope);
  return changeFeedback(db, found, (current) => {
    if (current.status === 'closed') fail('E_FEEDBACK_STATE', '已经办结 (already closed)');
    if (!current.reply?.trim() || !current.repliedAt)
      fail('E_REPLY_REQUIRED', '回复内容不能为空：办结前须先答复客户 (closing needs a reply)');
    return { ...current, status: 'closed' };
  });
}

export async function linkFeedback(
  db: Db,
  idOrNo: string,
  body: unknown,
  by: Editor,
): Promise<Feedback> {
  const req = parse(LinkRequest, body);
  const found = await findFeedback(db, idOrNo, by.hallScope);
  return changeFeedback(db, found, async (current, tx) => {
    if (req.applicationNo) {
      const { rows } = await tx.query('SELECT 1 FROM applications WHERE app_no = $1', [
        req.applicationNo,
      ]);
      if (!rows[0]) fail('E_NOT_FOUND', `没有申请 ${req.applicationNo} (no such application)`);
    }
    if (req.concernsStaffNo) {
      const { rows } = await tx.query('SELECT 1 FROM staff WHERE staff_no = $1', [
        req.concernsStaffNo,
      ]);
      if (!rows[0]) fail('E_NOT_FOUND', `没有工号 ${req.concernsStaffNo} (no such staff member)`);
    }
    const now = new Date().toISOString();
    const next: Feedback = { ...current, linksAt: now };
    for (const k of ['applicationNo', 'concernsStaffNo', 'concernsCounter'] as const) {
      if (req[k]) next[k] = req[k];
      else delete next[k];
    }
    return next;
  });
}
