// Supervision figures (issue 13 §3): per clerk and for the hall, over a range of acceptance
// dates, from application records alone, so the desk (its own data, offline) and the centre
// (every hall) count the same way. Records without a staff number (made before staff existed)
// count apart under "未记录" (staffNo null).
import { addDays } from '../domain/workCalendar';
import { hallDate } from '../domain/hallTime';
import type { Application } from '../domain/model';
import { isTerminal } from '../domain/paths';

export interface Figures {
  /** null: records without a staff number (未记录); '*' for the hall's total. */
  staffNo: string | null;
  name: string;
  accepted: number;
  byType: Record<string, number>;
  /** Accepted per Shanghai day (YYYY-MM-DD): the trend chart. */
  byDay: Record<string, number>;
  /** Accepted past review warnings ("确认受理" despite warnings). */
  overridden: number;
  /** Returned by the back office (a 退回/补正 move with a reason code) or moved to 已驳回: an
   * acceptance error of the clerk who accepted it. */
  returned: number;
  /** Returns by reason code (settings.workbench.returnReasons), counted once per application. */
  returnReasons: Record<string, number>;
  /** Documents promised (后补) and still outstanding after the allowed days. */
  promisedOutstanding: number;
  /** Open past the whole-process deadline. */
  overdue: number;
  rated: number;
  badRatings: number;
  /** Reasons the customers gave with bad ratings, and how often. */
  badReasons: Record<string, number>;
  /** The application ids behind the figures (the drill-down). The centre's SQL figures leave it
   * empty: its drill-down is GET /api/v1/admin/supervision/records. */
  ids: string[];
}

/** The figures a drill-down can open: each names the records behind one number. */
export const FIGURES = [
  'accepted',
  'overridden',
  'returned',
  'promisedOutstanding',
  'overdue',
  'rated',
  'badRatings',
] as const;
export type FigureKey = (typeof FIGURES)[number];

export interface SuperviseOptions {
  /** Inclusive acceptance date range, YYYY-MM-DD in the hall's zone. */
  from: string;
  to: string;
  today: string;
  /** The hall's IANA zone the acceptance days are read in (Asia/Shanghai when not given). */
  timeZone?: string;
  /** Days after acceptance a promised document may take before it counts as not delivered. */
  promisedDays: number;
}

/** A clerk's (or the hall's, staffNo '*') figures before anything is counted. */
export function emptyFigures(staffNo: string | null, name: string): Figures {
  return {
    staffNo,
    name,
    accepted: 0,
    byType: {},
    byDay: {},
    overridden: 0,
    returned: 0,
    returnReasons: {},
    promisedOutstanding: 0,
    overdue: 0,
    rated: 0,
    badRatings: 0,
    badReasons: {},
    ids: [],
  };
}

/** YYYY-MM-DD of an ISO time in the hall's zone (Asia/Shanghai by default). */
export function shanghaiDay(iso: string, timeZone?: string): string {
  return hallDate(iso, timeZone);
}

/** The reason codes of the back office's returns of an application, each once. */
export function returnCodes(a: Application): string[] {
  return [...new Set(a.history.flatMap((h) => (h.reasonCode ? [h.reasonCode] : [])))];
}

/** Whether the application counts in one figure (the drill-down's filter; add() counts the same). */
export function inFigure(a: Application, figure: FigureKey, o: SuperviseOptions): boolean {
  switch (figure) {
    case 'accepted':
      return true;
    case 'overridden':
      return (a.overriddenWarnings?.length ?? 0) > 0;
    case 'returned':
      return (
        a.status === 'rejected' || a.history.some((h) => h.to === 'rejected' || !!h.reasonCode)
      );
    case 'promisedOutstanding':
      return (
        addDays(shanghaiDay(a.acceptedAt, o.timeZone), o.promisedDays) < o.today &&
        a.documents.some((d) => d.status === 'to_follow')
      );
    case 'overdue':
      return !isTerminal(a.status) && a.deadline < o.today;
    case 'rated':
      return !!a.customerRating;
    case 'badRatings':
      return !!a.customerRating?.bad;
  }
}

function add(f: Figures, a: Application, o: SuperviseOptions): void {
  f.accepted++;
  f.ids.push(a.id);
  f.byType[a.businessCode] = (f.byType[a.businessCode] ?? 0) + 1;
  const day = shanghaiDay(a.acceptedAt, o.timeZone);
  f.byDay[day] = (f.byDay[day] ?? 0) + 1;
  if (inFigure(a, 'overridden', o)) f.overridden++;
  if (inFigure(a, 'returned', o)) {
    f.returned++;
    for (const c of returnCodes(a)) f.returnReasons[c] = (f.returnReasons[c] ?? 0) + 1;
  }
  if (inFigure(a, 'promisedOutstanding', o)) f.promisedOutstanding++;
  if (inFigure(a, 'overdue', o)) f.overdue++;
  if (a.customerRating) {
    f.rated++;
    if (a.customerRating.bad) {
      f.badRatings++;
      const r = a.customerRating.reason?.trim() || '（未说明）';
      f.badReasons[r] = (f.badReasons[r] ?? 0) + 1;
    }
  }
}

/** Clerks by accepted, most first (ties: by staff number); 未记录 last. */
export function sortClerks(clerks: Figures[]): Figures[] {
  return clerks.sort((x, y) =>
    x.staffNo === null
      ? 1
      : y.staffNo === null
        ? -1
        : y.accepted - x.accepted || (x.staffNo < y.staffNo ? -1 : 1),
  );
}

/**
 * Per clerk (sortClerks) and the hall's total. A clerk's name is the one their records carry
 * most often (ties: code-point order), so it does not depend on the order the records come in.
 */
export function supervise(
  apps: Iterable<Application>,
  o: SuperviseOptions,
): { clerks: Figures[]; hall: Figures } {
  const byStaff = new Map<string, Figures>();
  const names = new Map<string, Record<string, number>>();
  const hall = emptyFigures('*', '全厅');
  for (const a of apps) {
    const day = shanghaiDay(a.acceptedAt, o.timeZone);
    if (day < o.from || day > o.to) continue;
    const key = a.acceptedByStaffNo ?? '';
    let f = byStaff.get(key);
    if (!f) {
      f = a.acceptedByStaffNo
        ? emptyFigures(a.acceptedByStaffNo, a.acceptedBy)
        : emptyFigures(null, '未记录');
      byStaff.set(key, f);
      names.set(key, {});
    }
    if (a.acceptedByStaffNo) {
      const n = names.get(key)!;
      n[a.acceptedBy] = (n[a.acceptedBy] ?? 0) + 1;
    }
    add(f, a, o);
    add(hall, a, o);
  }
  for (const [key, f] of byStaff) if (key) f.name = usualName(names.get(key)!);
  return { clerks: sortClerks([...byStaff.values()]), hall };
}

/** The most frequent name (ties: the first in code-point order). */
export function usualName(names: Record<string, number>): string {
  let best = '';
  let n = 0;
  for (const [k, v] of Object.entries(names))
    if (v > n || (v === n && k < best)) [best, n] = [k, v];
  return best;
}
