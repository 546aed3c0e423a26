// What the centre does with feedback on its own (issue 14 §2): assigns new records to a handler
// by the configured rules (marking a customer's repeat complaint), escalates a missed deadline to
// the handler's manager, and counts (per hall, per handler; complaints naming a clerk for
// supervision). The watch runs on a timer in every endpoint process and after pushes; it is
// idempotent across processes: an assignment only fills an empty handler under the hall lock,
// and an escalation is one row per record and deadline (unique, ON CONFLICT DO NOTHING).
import { addDays, businessDate } from '../../shared/domain/calendar';
import { hallInstant } from '../../shared/domain/hallTime';
import {
  complaintsConfig,
  rulesFor,
  type ComplaintsConfig,
} from '../../shared/domain/complaintsConfig';
import type { Feedback } from '../../shared/domain/model';
import {
  FiguresQuery,
  type ComplaintFigure,
  type ComplaintFigures,
  type ComplaintHandlerOut,
} from '../../shared/protocol/complaints';
import type { Db, Queryable } from '../db/db';
import { parse } from './admin';
import { changeFeedback, eligibleHandler } from './complaints';
import { ApiFailure } from './errors';
import { hallTimeZone, hallToday } from './hallZone';
import { repeatOfSql } from './repeatComplaints';

/** The handler the rules choose for a record, or null (no rule yields an eligible person). */
export async function chooseHandler(
  db: Queryable,
  record: Pick<Feedback, 'hallCode' | 'kind'>,
  hallId: number,
  cfg: ComplaintsConfig = complaintsConfig,
): Promise<string | null> {
  for (const rule of rulesFor(cfg, record.hallCode, record.kind)) {
    let staffNo = rule.staffNo ?? null;
    if (!staffNo && rule.role) {
      const { rows } = await db.query<{ staff_no: string }>(
        `SELECT staff_no FROM staff
          WHERE state = 'active' AND hall_id = $1 AND $2 = ANY(roles)
            AND 'complaint_handler' = ANY(roles)
          ORDER BY staff_no LIMIT 1`,
        [hallId, rule.role],
      );
      staffNo = rows[0]?.staff_no ?? null;
    }
    if (!staffNo) continue;
    try {
      await eligibleHandler(db, staffNo, hallId, cfg);
      return staffNo;
    } catch (err) {
      // A rule naming someone who left or another hall's person: the next rule is tried.
      if (err instanceof ApiFailure) continue;
      throw err;
    }
  }
  return null;
}

/** Assigns unassigned records (oldest first, a bounded batch); returns how many it assigned. */
export async function autoAssign(
  db: Db,
  cfg: ComplaintsConfig = complaintsConfig,
  batch = 200,
): Promise<number> {
  const { rows } = await db.query<{ id: string; hall_id: number }>(
    `SELECT id, hall_id FROM feedback WHERE handler_no IS NULL
      ORDER BY accepted_text LIMIT $1`,
    [batch],
  );
  const done = { n: 0 };
  for (const r of rows) {
    await changeFeedback(db, { id: r.id, hallId: r.hall_id }, async (current, tx) => {
      if (current.handler) return null; // another process got there first
      const staffNo = await chooseHandler(tx, current, r.hall_id, cfg);
      if (!staffNo) return null;
      const s = await eligibleHandler(tx, staffNo, r.hall_id, cfg);
      const repeat = await repeatOf(tx, r.id, cfg);
      const now = new Date().toISOString();
      done.n++;
      return {
        ...current,
        handler: {
          staffNo: s.staff_no,
          name: s.name,
          ...(s.hall_code ? { hallCode: s.hall_code } : {}),
          assignedAt: now,
          auto: true,
        },
        ...(repeat ? { repeatOf: repeat } : {}),
      };
    });
  }
  return done.n;
}

async function repeatOf(db: Queryable, id: string, cfg: ComplaintsConfig): Promise<string | null> {
  const { rows } = await db.query<{ feedback_no: string | null }>(
    `SELECT ${repeatOfSql('$2', cfg)} AS feedback_no FROM feedback f WHERE f.id = $1`,
    [id, cfg.repeatWindowDays],
  );
  return rows[0]?.feedback_no ?? null;
}

/**
 * Records an escalation for every open record past its first-contact or reply date, to the
 * first active holder of an escalation role in the handler's hall (the record's hall when the
 * handler has none). One statement; a record and deadline escalate once, whoever runs it. Runs
 * of several endpoint processes take turns (an advisory lock): two concurrent inserts of the
 * same unique rows in different orders deadlock on PostgreSQL.
 */
export async function escalateOverdue(
  db: Db,
  today?: string,
  cfg: ComplaintsConfig = complaintsConfig,
): Promise<number> {
  today ??= await hallToday(db);
  const day = today;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ESCALATE_LOCK]);
    return escalateIn(tx, day, cfg);
  });
}

/** Arbitrary constant: the advisory lock that serialises escalation passes across processes. */
const ESCALATE_LOCK = 860_201;

async function escalateIn(db: Queryable, today: string, cfg: ComplaintsConfig): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH due AS (
       SELECT f.id, f.hall_id, 'first_contact' AS deadline, f.first_contact_due AS due_date,
              f.handler_no
         FROM feedback f WHERE f.fb_status = 'open' AND f.first_contact_due < $1
       UNION ALL
       SELECT f.id, f.hall_id, 'reply', f.reply_due, f.handler_no
         FROM feedback f WHERE f.fb_status IN ('open', 'contacted') AND f.reply_due < $1
     ), ins AS (
       INSERT INTO feedback_escalations (feedback_id, hall_id, deadline, due_date, handler_no,
                                         manager_no)
       SELECT d.id, d.hall_id, d.deadline, d.due_date, d.handler_no,
              (SELECT m.staff_no FROM staff m
                WHERE m.state = 'active' AND m.roles && $2::text[]
                  AND m.hall_id = coalesce(
                        (SELECT hs.hall_id FROM staff hs WHERE hs.staff_no = d.handler_no),
                        d.hall_id)
                ORDER BY m.staff_no LIMIT 1)
         FROM due d
       ON CONFLICT (feedback_id, deadline) DO NOTHING
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM ins`,
    [today, cfg.escalateToRoles],
  );
  return rows[0]?.n ?? 0;
}

/** One pass of the watch: assign, then escalate. */
export async function watchFeedback(
  db: Db,
  cfg: ComplaintsConfig = complaintsConfig,
): Promise<{ assigned: number; escalated: number }> {
  const assigned = await autoAssign(db, cfg);
  const escalated = await escalateOverdue(db, await hallToday(db), cfg);
  return { assigned, escalated };
}

/**
 * The watch in an endpoint process: every escalationCheckSeconds, and soon after a push that
 * carried feedback (kick); one pass at a time, failures retried on the next tick.
 */
export interface FeedbackWatch {
  kick(): void;
  stop(): Promise<void>;
}

export function startFeedbackWatch(
  db: Db,
  cfg: ComplaintsConfig = complaintsConfig,
): FeedbackWatch {
  let running: Promise<unknown> | null = null;
  let again = false;
  let stopped = false;
  const run = () => {
    // A request finishing while the endpoint closes must not start a pass on a closing database.
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = watchFeedback(db, cfg)
      .catch((err: unknown) => console.warn('[complaints] watch failed:', err))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(run, cfg.escalationCheckSeconds * 1000);
  timer.unref();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      again = false;
      await running;
    },
  };
}

// ------------------------------------------------------------------ figures

/** The business day of an ISO time column in the halls' zone ($2 of the figures query). */
const DAY = (col: string) => `((${col})::timestamptz AT TIME ZONE $2::text)::date::text`;

/** Midnight of a business day in the halls' zone, as an ISO instant. */
function dayStart(day: string, timeZone: string): string {
  return new Date(hallInstant(day, '00:00', timeZone)).toISOString();
}

/**
 * Per hall and per handler, for records accepted in the range: answered in time (reply on or
 * before the reply date), late, still open, and open past a date.
 */
export async function complaintFigures(
  db: Db,
  query: unknown,
  hallScope: number | null,
): Promise<ComplaintFigures> {
  const q = parse(FiguresQuery, query ?? {});
  const timeZone = await hallTimeZone(db);
  const today = businessDate(new Date(), timeZone);
  const params: unknown[] = [today, timeZone];
  const conds: string[] = [];
  if (hallScope !== null) conds.push(`f.hall_id = $${params.push(hallScope)}`);
  if (q.from)
    conds.push(`f.accepted_text::timestamptz >= $${params.push(dayStart(q.from, timeZone))}`);
  if (q.to)
    conds.push(
      `f.accepted_text::timestamptz < $${params.push(dayStart(addDays(q.to, 1), timeZone))}`,
    );
  const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
  const figures = (key: string, name: string, join: string) => `
    SELECT ${key} AS key, ${name} AS name,
           count(*) FILTER (WHERE f.record->>'repliedAt' IS NOT NULL
                              AND ${DAY("f.record->>'repliedAt'")} <= f.reply_due)::int AS in_time,
           count(*) FILTER (WHERE f.record->>'repliedAt' IS NOT NULL
                              AND ${DAY("f.record->>'repliedAt'")} > f.reply_due)::int AS late,
           count(*) FILTER (WHERE f.fb_status IN ('open', 'contacted'))::int AS open,
           count(*) FILTER (WHERE f.fb_status IN ('open', 'contacted')
                              AND (f.reply_due < $1 OR (f.fb_status = 'open'
                                   AND f.first_contact_due < $1)))::int AS open_overdue
      FROM feedback f ${join} ${where}
     GROUP BY 1, 2 ORDER BY 1`;
  type Row = {
    key: string | null;
    name: string | null;
    in_time: number;
    late: number;
    open: number;
    open_overdue: number;
  };
  const out = (rows: Row[]): ComplaintFigure[] =>
    rows.map((r) => ({
      key: r.key ?? '',
      name: r.name,
      answeredInTime: r.in_time,
      answeredLate: r.late,
      open: r.open,
      openOverdue: r.open_overdue,
    }));
  const [byHall, byHandler] = await Promise.all([
    db.query<Row>(figures('h.code', 'h.name', 'JOIN halls h ON h.id = f.hall_id'), params),
    db.query<Row>(figures('f.handler_no', `f.record->'handler'->>'name'`, ''), params),
  ]);
  return { byHall: out(byHall.rows), byHandler: out(byHandler.rows) };
}

/**
 * For supervision: how many complaints name clerk `staffNo` (concernsStaffNo), accepted in
 * [from, to] (business days in the halls' zone, inclusive). Served by the feedback_c_concerns index.
 */
export async function complaintsNamingClerk(
  db: Queryable,
  staffNo: string,
  from: string,
  to: string,
): Promise<number> {
  const timeZone = await hallTimeZone(db);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM feedback f
      WHERE f.concerns_staff_no = $1 AND f.kind = 'complaint'
        AND f.accepted_text::timestamptz >= $2::timestamptz
        AND f.accepted_text::timestamptz < $3::timestamptz`,
    [staffNo, dayStart(from, timeZone), dayStart(addDays(to, 1), timeZone)],
  );
  return rows[0]?.n ?? 0;
}

/** Active complaint handlers a record of `hallId` may be given (the picker). */
export async function listHandlers(
  db: Queryable,
  hallId: number | null,
  cfg: ComplaintsConfig = complaintsConfig,
): Promise<ComplaintHandlerOut[]> {
  const { rows } = await db.query<{ staff_no: string; name: string; hall_code: string | null }>(
    `SELECT s.staff_no, s.name, h.code AS hall_code
       FROM staff s LEFT JOIN halls h ON h.id = s.hall_id
      WHERE s.state = 'active' AND 'complaint_handler' = ANY(s.roles)
        AND ($1::int IS NULL OR $2::boolean OR s.hall_id IS NULL OR s.hall_id = $1
             OR s.roles && $3::text[])
      ORDER BY s.staff_no LIMIT 500`,
    [hallId, cfg.allowCrossHallHandler, cfg.crossHallHandlerRoles],
  );
  return rows.map((r) => ({ staffNo: r.staff_no, name: r.name, hallCode: r.hall_code }));
}
