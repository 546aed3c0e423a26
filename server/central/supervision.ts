// The centre's supervision: per clerk and per hall figures for a range of acceptance dates, for
// every hall in the operator's scope, counted in SQL over the covering index
// applications_sup_hall_accepted (migration 20261207b_02_supervision_sql_figures) — never by loading
// the records. The predicates are shared/staff/supervision.ts inFigure()'s, as generated columns.
// The drill-down (the records behind one figure) is supervisionRecords(), keyset-paged.
import { TERMINAL_STATES } from '../../shared/domain/paths';
import { addDays, businessDate } from '../../shared/domain/calendar';
import { hallInstant } from '../../shared/domain/hallTime';
import { staffConfig } from '../../shared/staff/roles';
import type { SupervisionNote } from '../../shared/staff/notes';
import {
  emptyFigures,
  FIGURES,
  type FigureKey,
  type Figures,
} from '../../shared/staff/supervision';
import { DEFAULT_QUEUE_CONFIG, type QueueEvent } from '../../shared/queue';
import {
  clerkQueueFigures,
  servedFromEvents,
  type ClerkQueueFigures,
} from '../../shared/staff/queueFigures';
import type { Db } from '../db/db';
import { fail } from './errors';
import { hallTimeZone } from './hallZone';
import { notesOf } from './supervisionNotes';

export interface HallSupervision {
  hallCode: string;
  hallName: string;
  clerks: Figures[];
  hall: Figures;
  /** Commendations and corrections whose period overlaps the range (supervisionNotes.ts). */
  notes: SupervisionNote[];
  /** Queue work per clerk from the hall's queue events (issue 13 §3); staffNo null = 未记录. */
  queue: Array<ClerkQueueFigures & { name: string }>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

interface Range {
  from: string;
  to: string;
  today: string;
  /** The halls' zone (hallZone.ts): days are business days there. */
  timeZone: string;
  /** Day bounds in that zone as instants: [lo, hi). */
  lo: string;
  hi: string;
  /** Accepted before this instant and a document still to follow: promised and not delivered. */
  promisedCut: string;
}

async function range(db: Db, query: { from?: string; to?: string }): Promise<Range> {
  const timeZone = await hallTimeZone(db);
  const today = businessDate(new Date(), timeZone);
  const from = query.from ?? `${today.slice(0, 8)}01`;
  const to = query.to ?? today;
  if (!DAY.test(from) || !DAY.test(to) || from > to)
    fail('E_BAD_REQUEST', '日期范围错误，格式 YYYY-MM-DD (bad date range)');
  // inFigure(): acceptedDay + promisedDays < today  ⇔  acceptedDay < today - promisedDays.
  const cutDay = addDays(today, -staffConfig.supervision.promisedDocumentDays);
  const at = (day: string) => new Date(hallInstant(day, '00:00', timeZone)).toISOString();
  return {
    from,
    to,
    today,
    timeZone,
    lo: at(from),
    hi: at(addDays(to, 1)),
    promisedCut: at(cutDay),
  };
}

async function scopeHalls(
  db: Db,
  hall: string | undefined,
  scopeHallId: number | null,
): Promise<{ id: number; code: string; name: string }[]> {
  const halls = await db.query<{ id: number; code: string; name: string }>(
    `SELECT id, code, name FROM halls
      WHERE ($1::text IS NULL OR code = $1) AND ($2::int IS NULL OR id = $2) ORDER BY code`,
    [hall || null, scopeHallId],
  );
  if (hall && halls.rows.length === 0)
    fail(scopeHallId === null ? 'E_NOT_FOUND' : 'E_STAFF_HALL', `没有营业厅 ${hall}`);
  return halls.rows;
}

const TERMINAL = TERMINAL_STATES as readonly string[];

/**
 * The SQL of each figure over the generated columns; `p` names the parameters holding today, the
 * promised-document cut and the terminal states (only the figures that need them use them, and a
 * parameter the statement never uses has no type on PostgreSQL).
 */
function figureSql(figure: FigureKey, p: { today: string; cut: string; terminal: string }): string {
  switch (figure) {
    case 'accepted':
      return 'true';
    case 'overridden':
      return 'sup_overridden';
    case 'returned':
      return 'sup_returned';
    case 'promisedOutstanding':
      return `sup_promised AND accepted_at < ${p.cut}::timestamptz`;
    case 'overdue':
      return `status <> ALL(${p.terminal}::text[]) AND deadline < ${p.today}::date`;
    case 'rated':
      return 'sup_rating > 0';
    case 'badRatings':
      return 'sup_rating = 2';
  }
}

interface GroupRow {
  hall_id: number;
  staff_no: string | null;
  business_code: string | null;
  accepted: number;
  overridden: number;
  returned: number;
  promised: number;
  overdue: number;
  rated: number;
  bad: number;
}

export async function hallSupervision(
  db: Db,
  query: { hall?: string; from?: string; to?: string },
  scopeHallId: number | null,
): Promise<{ from: string; to: string; halls: HallSupervision[] }> {
  const r = await range(db, query);
  const halls = await scopeHalls(db, query.hall, scopeHallId);
  const ids = halls.map((h) => h.id);
  const base = [ids, r.lo, r.hi, r.today, r.promisedCut, TERMINAL];
  const fs = (f: FigureKey) => figureSql(f, { today: '$4', cut: '$5', terminal: '$6' });
  // One grouped pass over the index: hall × clerk × business type.
  const groups = await db.query<GroupRow>(
    `SELECT hall_id, sup_staff_no AS staff_no, sup_business_code AS business_code,
            count(*)::int AS accepted,
            count(*) FILTER (WHERE ${fs('overridden')})::int AS overridden,
            count(*) FILTER (WHERE ${fs('returned')})::int AS returned,
            count(*) FILTER (WHERE ${fs('promisedOutstanding')})::int AS promised,
            count(*) FILTER (WHERE ${fs('overdue')})::int AS overdue,
            count(*) FILTER (WHERE ${fs('rated')})::int AS rated,
            count(*) FILTER (WHERE ${fs('badRatings')})::int AS bad
       FROM applications
      WHERE hall_id = ANY($1::int[]) AND accepted_at >= $2::timestamptz AND accepted_at < $3::timestamptz
      GROUP BY 1, 2, 3`,
    base,
  );
  // The reasons: only the few bad-rated / returned rows are read from the heap.
  const bad = await db.query<{ hall_id: number; staff_no: string | null; r: string; n: number }>(
    `SELECT hall_id, sup_staff_no AS staff_no,
            coalesce(nullif(btrim(record->'customerRating'->>'reason'), ''), '（未说明）') AS r,
            count(*)::int AS n
       FROM applications
      WHERE hall_id = ANY($1::int[]) AND accepted_at >= $2::timestamptz AND accepted_at < $3::timestamptz
        AND sup_rating = 2
      GROUP BY 1, 2, 3`,
    base.slice(0, 3),
  );
  const ret = await db.query<{ hall_id: number; staff_no: string | null; r: string; n: number }>(
    `SELECT hall_id, sup_staff_no AS staff_no, code AS r, count(DISTINCT id)::int AS n
       FROM applications,
            LATERAL (SELECT DISTINCT h->>'reasonCode' AS code
                       FROM jsonb_array_elements(record->'history') h
                      WHERE h ? 'reasonCode') c
      WHERE hall_id = ANY($1::int[]) AND accepted_at >= $2::timestamptz AND accepted_at < $3::timestamptz
        AND sup_returned
      GROUP BY 1, 2, 3`,
    base.slice(0, 3),
  );
  // The trend: per hall, clerk and business day in the halls' zone (the same index-only range).
  const days = await db.query<{ hall_id: number; staff_no: string | null; d: string; n: number }>(
    `SELECT hall_id, sup_staff_no AS staff_no,
            to_char(accepted_at AT TIME ZONE $4::text, 'YYYY-MM-DD') AS d, count(*)::int AS n
       FROM applications
      WHERE hall_id = ANY($1::int[]) AND accepted_at >= $2::timestamptz AND accepted_at < $3::timestamptz
      GROUP BY 1, 2, 3`,
    [...base.slice(0, 3), r.timeZone],
  );
  const staffNos = [...new Set(groups.rows.flatMap((g) => (g.staff_no ? [g.staff_no] : [])))];
  const names = new Map(
    (
      await db.query<{ staff_no: string; name: string }>(
        'SELECT staff_no, name FROM staff WHERE staff_no = ANY($1::text[])',
        [staffNos],
      )
    ).rows.map((x) => [x.staff_no, x.name]),
  );
  const notes = await notesOf(db, ids, r.from, r.to);
  const perHall = new Map<number, { clerks: Map<string, Figures>; hall: Figures }>();
  const clerkOf = (hallId: number, staffNo: string | null): [Figures, Figures] => {
    let h = perHall.get(hallId);
    if (!h) perHall.set(hallId, (h = { clerks: new Map(), hall: emptyFigures('*', '全厅') }));
    const key = staffNo ?? '';
    let f = h.clerks.get(key);
    if (!f) {
      f = staffNo
        ? emptyFigures(staffNo, names.get(staffNo) ?? staffNo)
        : emptyFigures(null, '未记录');
      h.clerks.set(key, f);
    }
    return [f, h.hall];
  };
  for (const g of groups.rows) {
    for (const f of clerkOf(g.hall_id, g.staff_no)) {
      f.accepted += g.accepted;
      const type = g.business_code ?? '';
      f.byType[type] = (f.byType[type] ?? 0) + g.accepted;
      f.overridden += g.overridden;
      f.returned += g.returned;
      f.promisedOutstanding += g.promised;
      f.overdue += g.overdue;
      f.rated += g.rated;
      f.badRatings += g.bad;
    }
  }
  for (const x of days.rows)
    for (const f of clerkOf(x.hall_id, x.staff_no)) f.byDay[x.d] = (f.byDay[x.d] ?? 0) + x.n;
  for (const b of bad.rows)
    for (const f of clerkOf(b.hall_id, b.staff_no))
      f.badReasons[b.r] = (f.badReasons[b.r] ?? 0) + b.n;
  for (const b of ret.rows)
    for (const f of clerkOf(b.hall_id, b.staff_no))
      f.returnReasons[b.r] = (f.returnReasons[b.r] ?? 0) + b.n;
  const queues = new Map<number, HallSupervision['queue']>();
  for (const h of halls) queues.set(h.id, await queueFigures(db, h.id, r.from, r.to));
  return {
    from: r.from,
    to: r.to,
    halls: halls.map((h) => {
      const p = perHall.get(h.id);
      const clerks = p
        ? [...p.clerks.values()].sort((x, y) =>
            x.staffNo === null
              ? 1
              : y.staffNo === null
                ? -1
                : y.accepted - x.accepted || x.staffNo.localeCompare(y.staffNo),
          )
        : [];
      return {
        hallCode: h.code,
        hallName: h.name,
        clerks,
        hall: p?.hall ?? emptyFigures('*', '全厅'),
        notes: notes.get(h.id) ?? [],
        queue: queues.get(h.id) ?? [],
      };
    }),
  };
}

export interface SupervisionRecord {
  id: string;
  hallCode: string;
  appNo: string;
  businessCode: string | null;
  status: string;
  acceptedAt: string;
  staffNo: string | null;
  customerName: string | null;
}

const PAGE = 100;

/**
 * The records behind one figure (the drill-down): hall, range, figure, and staff ('-' for records
 * without a staff number, absent for the whole hall), newest first, `limit` (≤ 500) after the
 * keyset cursor `after` (the last row's "acceptedAt|id").
 */
export async function supervisionRecords(
  db: Db,
  query: {
    hall?: string;
    from?: string;
    to?: string;
    figure?: string;
    staff?: string;
    after?: string;
    limit?: string;
  },
  scopeHallId: number | null,
): Promise<{ records: SupervisionRecord[]; next: string | null }> {
  const r = await range(db, query);
  if (!query.hall) fail('E_BAD_REQUEST', '需要 hall 参数 (hall required)');
  const figure = (query.figure ?? 'accepted') as FigureKey;
  if (!FIGURES.includes(figure))
    fail('E_BAD_REQUEST', `figure 只能是 ${FIGURES.join('、')} (unknown figure)`);
  const limit = Math.min(500, Math.max(1, Number(query.limit ?? PAGE) || PAGE));
  let afterAt: string | null = null;
  let afterId: string | null = null;
  if (query.after) {
    const [at, id] = query.after.split('|');
    if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id))
      fail('E_BAD_REQUEST', 'after 游标格式错误 (bad cursor)');
    afterAt = at;
    afterId = id;
  }
  const [hall] = await scopeHalls(db, query.hall, scopeHallId);
  const staff = query.staff === undefined ? null : query.staff;
  // Only the parameters the figure uses are sent ($7 on).
  const extra =
    figure === 'promisedOutstanding'
      ? { sql: figureSql(figure, { today: '', cut: '$7', terminal: '' }), params: [r.promisedCut] }
      : figure === 'overdue'
        ? {
            sql: figureSql(figure, { today: '$7', cut: '', terminal: '$8' }),
            params: [r.today, TERMINAL],
          }
        : { sql: figureSql(figure, { today: '', cut: '', terminal: '' }), params: [] };
  const { rows } = await db.query<{
    id: string;
    app_no: string;
    business_code: string | null;
    status: string;
    accepted_at: Date | string;
    staff_no: string | null;
    customer_name: string | null;
  }>(
    `SELECT id, app_no, sup_business_code AS business_code, status, accepted_at,
            sup_staff_no AS staff_no, customer_name
       FROM applications
      WHERE hall_id = $1::int AND accepted_at >= $2::timestamptz AND accepted_at < $3::timestamptz
        AND ($4::text IS NULL OR ($4 = '-' AND sup_staff_no IS NULL) OR sup_staff_no = $4)
        AND ($5::timestamptz IS NULL OR (accepted_at, id) < ($5::timestamptz, $6::uuid))
        AND (${extra.sql})
      ORDER BY accepted_at DESC, id DESC
      LIMIT ${limit + 1}`,
    [hall!.id, r.lo, r.hi, staff, afterAt, afterId, ...extra.params],
  );
  const page = rows.slice(0, limit).map((x): SupervisionRecord => ({
    id: x.id,
    hallCode: hall!.code,
    appNo: x.app_no,
    businessCode: x.business_code,
    status: x.status,
    acceptedAt: new Date(x.accepted_at).toISOString(),
    staffNo: x.staff_no,
    customerName: x.customer_name,
  }));
  const last = page[page.length - 1];
  return {
    records: page,
    next: rows.length > limit && last ? `${last.acceptedAt}|${last.id}` : null,
  };
}

/**
 * Per-clerk queue figures of one hall from its stored queue events (payload `{ day, occurredAt,
 * event }`, as the hall service sends them); handling to submit from the applications that name
 * their ticket. Bad rating levels: the hall's last configuration sent in the range, else the
 * default levels.
 */
async function queueFigures(
  db: Db,
  hallId: number,
  from: string,
  to: string,
): Promise<HallSupervision['queue']> {
  const { rows } = await db.query<{ day: string; event: QueueEvent }>(
    `SELECT payload->>'day' AS day, payload->'event' AS event FROM queue_events
      WHERE hall_id = $1 AND payload->>'day' BETWEEN $2 AND $3
      ORDER BY payload->>'occurredAt', id`,
    [hallId, from, to],
  );
  if (rows.length === 0) return [];
  const submits = await db.query<{ day: string; ticket_no: string; at: number }>(
    `SELECT to_char(accepted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day,
            record->>'ticketNo' AS ticket_no,
            (extract(epoch FROM accepted_at) * 1000)::float8 AS at
       FROM applications
      WHERE hall_id = $1 AND record ? 'ticketNo'
        AND accepted_at >= ($2::date - 1) AND accepted_at < ($3::date + 2)`,
    [hallId, from, to],
  );
  let levels = DEFAULT_QUEUE_CONFIG.ratingLevels;
  for (const r of rows) if (r.event.type === 'config_changed') levels = r.event.config.ratingLevels;
  const figures = clerkQueueFigures(servedFromEvents(rows), {
    from,
    to,
    badLevels: new Set(levels.filter((l) => l.bad).map((l) => l.value)),
    submits: submits.rows.map((x) => ({
      day: x.day,
      ticketNo: x.ticket_no,
      submittedAt: Number(x.at),
    })),
  });
  const nos = figures.flatMap((f) => (f.staffNo ? [f.staffNo] : []));
  const names = new Map(
    (
      await db.query<{ staff_no: string; name: string }>(
        'SELECT staff_no, name FROM staff WHERE staff_no = ANY($1::text[])',
        [nos],
      )
    ).rows.map((x) => [x.staff_no, x.name]),
  );
  return figures.map((f) => ({
    ...f,
    name: f.staffNo ? (names.get(f.staffNo) ?? f.staffNo) : '未记录',
  }));
}
