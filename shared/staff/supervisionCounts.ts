// Per-day-per-clerk supervision counters (issue 13, supervisionFirstMs): what one application
// adds to the figures of its acceptance day and clerk, kept so the desk's supervision page sums a
// few hundred small rows instead of reading every application of the period. Figures that depend
// on "today" stay exact: open applications are counted by deadline (overdue = those before
// today) and promised documents by acceptance day (outstanding once the allowed days passed).
// figuresFromCounts() must equal supervise() on the same records (tests/unit/staff).
import type { Application } from '../domain/model';
import { isTerminal } from '../domain/paths';
import { addDays } from '../domain/workCalendar';
import {
  emptyFigures,
  inFigure,
  returnCodes,
  shanghaiDay,
  sortClerks,
  usualName,
  type Figures,
  type SuperviseOptions,
} from './supervision';

/** One acceptance day of one clerk ('' for records without a staff number, 未记录). */
export interface DayCount {
  /** `${day}\u0001${staffNo}`: the counters table's key, day first (a period is one range). */
  key: string;
  day: string;
  staffNo: string;
  /** The names the clerk's records carry, and how often (the page shows the most frequent). */
  names: Record<string, number>;
  accepted: number;
  byType: Record<string, number>;
  overridden: number;
  returned: number;
  returnReasons: Record<string, number>;
  /** Applications with a document still to follow (后补). */
  toFollow: number;
  /** Applications still open, by deadline (YYYY-MM-DD). */
  openByDeadline: Record<string, number>;
  rated: number;
  badRatings: number;
  badReasons: Record<string, number>;
}

export const COUNT_SEP = '\u0001';

export function countKey(day: string, staffNo: string): string {
  return `${day}${COUNT_SEP}${staffNo}`;
}

export function emptyCount(day: string, staffNo: string): DayCount {
  return {
    key: countKey(day, staffNo),
    day,
    staffNo,
    names: {},
    accepted: 0,
    byType: {},
    overridden: 0,
    returned: 0,
    returnReasons: {},
    toFollow: 0,
    openByDeadline: {},
    rated: 0,
    badRatings: 0,
    badReasons: {},
  };
}

function bump(m: Record<string, number>, k: string, n: number): void {
  const v = (m[k] ?? 0) + n;
  if (v === 0) delete m[k];
  else m[k] = v;
}

// The flags below use the same tests as supervise() (inFigure); 'promisedOutstanding' and
// 'overdue' are split into their day-independent parts.
const ANY_DAY: SuperviseOptions = { from: '', to: '', today: '', promisedDays: 0 };

/** What one application adds to its day's counters (accepted = 1). */
export function countOf(a: Application, timeZone?: string): DayCount {
  const c = emptyCount(shanghaiDay(a.acceptedAt, timeZone), a.acceptedByStaffNo ?? '');
  addApplication(c, a, 1);
  return c;
}

/** Adds (sign 1) or takes away (sign -1) one application's share of a day's counters. */
export function addApplication(c: DayCount, a: Application, sign: 1 | -1): void {
  if (a.acceptedByStaffNo) bump(c.names, a.acceptedBy, sign);
  c.accepted += sign;
  bump(c.byType, a.businessCode, sign);
  if (inFigure(a, 'overridden', ANY_DAY)) c.overridden += sign;
  if (inFigure(a, 'returned', ANY_DAY)) {
    c.returned += sign;
    for (const code of returnCodes(a)) bump(c.returnReasons, code, sign);
  }
  if (a.documents.some((d) => d.status === 'to_follow')) c.toFollow += sign;
  if (!isTerminal(a.status)) bump(c.openByDeadline, a.deadline, sign);
  if (a.customerRating) {
    c.rated += sign;
    if (a.customerRating.bad) {
      c.badRatings += sign;
      bump(c.badReasons, a.customerRating.reason?.trim() || '（未说明）', sign);
    }
  }
}

/** Adds (sign 1) or takes away (sign -1) one day's counters from another of the same key. */
export function addCount(into: DayCount, c: DayCount, sign: 1 | -1): void {
  into.accepted += sign * c.accepted;
  into.overridden += sign * c.overridden;
  into.returned += sign * c.returned;
  into.toFollow += sign * c.toFollow;
  into.rated += sign * c.rated;
  into.badRatings += sign * c.badRatings;
  for (const [k, v] of Object.entries(c.names)) bump(into.names, k, sign * v);
  for (const [k, v] of Object.entries(c.byType)) bump(into.byType, k, sign * v);
  for (const [k, v] of Object.entries(c.returnReasons)) bump(into.returnReasons, k, sign * v);
  for (const [k, v] of Object.entries(c.openByDeadline)) bump(into.openByDeadline, k, sign * v);
  for (const [k, v] of Object.entries(c.badReasons)) bump(into.badReasons, k, sign * v);
}

function addInto(f: Figures, c: DayCount, o: SuperviseOptions): void {
  f.accepted += c.accepted;
  f.byDay[c.day] = (f.byDay[c.day] ?? 0) + c.accepted;
  f.overridden += c.overridden;
  f.returned += c.returned;
  f.rated += c.rated;
  f.badRatings += c.badRatings;
  if (addDays(c.day, o.promisedDays) < o.today) f.promisedOutstanding += c.toFollow;
  for (const [k, v] of Object.entries(c.openByDeadline)) if (k < o.today) f.overdue += v;
  for (const [k, v] of Object.entries(c.byType)) f.byType[k] = (f.byType[k] ?? 0) + v;
  for (const [k, v] of Object.entries(c.returnReasons))
    f.returnReasons[k] = (f.returnReasons[k] ?? 0) + v;
  for (const [k, v] of Object.entries(c.badReasons)) f.badReasons[k] = (f.badReasons[k] ?? 0) + v;
}

/**
 * The figures of a period from its day counters: the same as supervise() on the records the
 * counters were kept from, except `ids` (left empty: the drill-down reads the records).
 */
export function figuresFromCounts(
  rows: Iterable<DayCount>,
  o: SuperviseOptions,
): { clerks: Figures[]; hall: Figures } {
  const byStaff = new Map<string, { f: Figures; names: Record<string, number> }>();
  const hall = emptyFigures('*', '全厅');
  for (const c of rows) {
    if (c.accepted <= 0 || c.day < o.from || c.day > o.to) continue;
    let s = byStaff.get(c.staffNo);
    if (!s) {
      s = { f: emptyFigures(c.staffNo || null, '未记录'), names: {} };
      byStaff.set(c.staffNo, s);
    }
    for (const [k, v] of Object.entries(c.names)) s.names[k] = (s.names[k] ?? 0) + v;
    addInto(s.f, c, o);
    addInto(hall, c, o);
  }
  for (const s of byStaff.values()) if (s.f.staffNo !== null) s.f.name = usualName(s.names);
  return { clerks: sortClerks([...byStaff.values()].map((s) => s.f)), hall };
}
