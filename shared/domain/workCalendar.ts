// Working-day arithmetic and Asia/Shanghai dates without the schemas (calendar.ts validates the
// data and re-exports all of this): what the start-up first paint of the list needs, kept free
// of zod so that it reaches the screen before the validation code has even loaded. A calendar is
// the hall's: it carries the hall's time zone, so `dateOf` turns an instant into the hall's
// business date (acceptance day, deadline start) whatever zone the PC is set to.
import { DEFAULT_HALL_TIME_ZONE, hallDate } from './hallTime';

/** One holiday as the validated calendar data holds it (calendar.ts CalendarHoliday). */
export interface CalendarHoliday {
  name: string;
  nameEn: string;
  from: string;
  to: string;
  /** Weekend days made working days (调休上班) for this holiday. */
  makeupWorkdays: string[];
}

/** Calendar data as calendar.ts's schema gives it (a compile-time check there: they agree). */
export interface CalendarData {
  version: number;
  source?: string | undefined;
  years: Record<string, { holidays: CalendarHoliday[] }>;
}

/** Thrown when a date falls in a year whose holiday schedule is not loaded. */
export class CalendarMissingYearError extends Error {
  readonly code = 'calendar_missing_year';
  readonly messageZh: string;
  readonly messageEn: string;
  constructor(readonly year: number) {
    const zh = `缺少 ${year} 年节假日安排，请联系中心更新日历`;
    super(zh);
    this.name = 'CalendarMissingYearError';
    this.messageZh = zh;
    this.messageEn = `The ${year} holiday schedule is missing; ask the centre to update the calendar`;
  }
}

const DAY_MS = 86_400_000;

export function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Day number (days since 1970-01-01) of a YYYY-MM-DD string; throws on a malformed date. */
export function dayNumber(s: string): number {
  if (!isRealDate(s)) throw new RangeError(`不是有效日期 / not a valid date: ${s}`);
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Adds calendar days to a YYYY-MM-DD string. */
export function addDays(date: string, n: number): string {
  return fromDayNumber(dayNumber(date) + n);
}

/** Whether the string is a real YYYY-MM-DD date. */
export function isDateString(s: string): boolean {
  return isRealDate(s);
}

/**
 * The business date of an instant in the hall's time zone (IANA, Asia/Shanghai by default).
 * A plain 'YYYY-MM-DD' string is returned as is (it already is a hall date).
 */
export function businessDate(
  isoOrDate: string | Date | number = new Date(),
  timeZone: string = DEFAULT_HALL_TIME_ZONE,
): string {
  if (typeof isoOrDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate)) {
    if (!isRealDate(isoOrDate)) throw new RangeError(`not a valid date: ${isoOrDate}`);
    return isoOrDate;
  }
  const t = isoOrDate instanceof Date ? isoOrDate.getTime() : new Date(isoOrDate).getTime();
  if (Number.isNaN(t)) throw new RangeError(`not a valid time: ${String(isoOrDate)}`);
  return hallDate(t, timeZone);
}

/**
 * The calendar date in Asia/Shanghai (UTC+8) of an instant. Only for code that has no hall (tests,
 * fixtures); business code uses businessDate / WorkCalendar.dateOf with the hall's zone.
 */
export function shanghaiDate(isoOrDate: string | Date | number = new Date()): string {
  return businessDate(isoOrDate, DEFAULT_HALL_TIME_ZONE);
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

/** A date counted with the provisional API: whether a year without data was counted Mon–Fri. */
export interface ProvisionalDate {
  date: string;
  /** True when the count crossed a day of a year without data (counted Monday–Friday). */
  provisional: boolean;
  /** The years without data that the count crossed, ascending (empty when not provisional). */
  missingYears: number[];
}

/** A working-day count with the provisional API (see ProvisionalDate). */
export interface ProvisionalCount {
  days: number;
  provisional: boolean;
  missingYears: number[];
}

function isWeekendDayNumber(n: number): boolean {
  const weekday = (((n + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday === 0 || weekday === 6;
}

/** Working-day arithmetic over loaded calendar data. Immutable; build a new one after merging. */
export class WorkCalendar {
  readonly data: CalendarData;
  private readonly holidays = new Map<string, CalendarHoliday>();
  private readonly makeup = new Map<string, CalendarHoliday>();
  private readonly yearSet: Set<number>;
  /** The hall's time zone (IANA): the zone `dateOf` reads business dates in. */
  readonly timeZone: string;

  constructor(data: CalendarData, timeZone: string = DEFAULT_HALL_TIME_ZONE) {
    this.data = data;
    this.timeZone = timeZone;
    this.yearSet = new Set(Object.keys(data.years).map(Number));
    for (const y of Object.values(data.years)) {
      for (const h of y.holidays) {
        for (let n = dayNumber(h.from); n <= dayNumber(h.to); n++)
          this.holidays.set(fromDayNumber(n), h);
        for (const d of h.makeupWorkdays) this.makeup.set(d, h);
      }
    }
  }

  /** The hall's business date (YYYY-MM-DD in its zone) of an instant; a date string as is. */
  dateOf(isoOrDate: string | Date | number = new Date()): string {
    return businessDate(isoOrDate, this.timeZone);
  }

  /** The same calendar data for a hall in another zone (the zone comes from its settings). */
  inZone(timeZone: string): WorkCalendar {
    return timeZone === this.timeZone ? this : new WorkCalendar(this.data, timeZone);
  }

  /** Years with a loaded schedule, ascending. */
  years(): number[] {
    return [...this.yearSet].sort((a, b) => a - b);
  }

  hasYear(year: number): boolean {
    return this.yearSet.has(year);
  }

  private requireYear(date: string): void {
    const year = Number(date.slice(0, 4));
    if (!this.yearSet.has(year)) throw new CalendarMissingYearError(year);
  }

  /** What kind of day this is; throws CalendarMissingYearError for a year without data. */
  dayKind(date: string): DayKind {
    const n = dayNumber(date);
    this.requireYear(date);
    if (this.holidays.has(date)) return 'holiday';
    if (this.makeup.has(date)) return 'makeup_workday';
    return isWeekendDayNumber(n) ? 'weekend' : 'workday';
  }

  /** The holiday a date belongs to (as a day off or a make-up working day), if any. */
  holidayOf(date: string): CalendarHoliday | undefined {
    return this.holidays.get(date) ?? this.makeup.get(date);
  }

  isWorkingDay(date: string): boolean {
    const k = this.dayKind(date);
    return k === 'workday' || k === 'makeup_workday';
  }

  /**
   * The n-th working day after `from` (the acceptance day itself does not count).
   * n = 0 returns `from` unchanged. Throws CalendarMissingYearError if the count reaches a
   * year without data.
   */
  addWorkingDays(from: string, n: number): string {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`working days must be a non-negative integer: ${n}`);
    let day = dayNumber(from);
    this.requireYear(from);
    let left = n;
    while (left > 0) {
      day += 1;
      if (this.isWorkingDay(fromDayNumber(day))) left -= 1;
    }
    return fromDayNumber(day);
  }

  /**
   * Whether a day counts as a working day, provisionally: a day of a year without data counts
   * Monday–Friday (`missing` says so); a day of a loaded year follows the data as isWorkingDay.
   */
  isWorkingDayProvisional(date: string): { working: boolean; missing: boolean } {
    const n = dayNumber(date);
    if (this.yearSet.has(Number(date.slice(0, 4))))
      return { working: this.isWorkingDay(date), missing: false };
    return { working: !isWeekendDayNumber(n), missing: true };
  }

  /**
   * addWorkingDays that does not stop at a year without data: such a year is counted Monday–Friday
   * with no holidays, and the result says it is provisional and which years were missing.
   *
   * Why this is a conservative promise to the customer: official holidays only take working days
   * away, so without them the n-th working day comes no later than the real one — the desk never
   * promises the customer a later date than the official calendar would, and the real calendar
   * (once the centre pushes it) can only move the deadline later. The one exception is 调休: a
   * Saturday or Sunday made a working day can make the real n-th working day earlier than the
   * Mon–Fri count when the count ends between that make-up day and the holiday it pays for (e.g.
   * 2025-01-26 Sun before 春节). That stretch is a few days a year, so this is rare; the date is
   * marked 暂估 anyway and the detail page shows the recomputed date once the year arrives.
   */
  addWorkingDaysProvisional(from: string, n: number): ProvisionalDate {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`working days must be a non-negative integer: ${n}`);
    let day = dayNumber(from);
    const missing = new Set<number>();
    let left = n;
    while (left > 0) {
      day += 1;
      const d = fromDayNumber(day);
      const k = this.isWorkingDayProvisional(d);
      if (k.missing) missing.add(Number(d.slice(0, 4)));
      if (k.working) left -= 1;
    }
    const missingYears = [...missing].sort((a, b) => a - b);
    return { date: fromDayNumber(day), provisional: missingYears.length > 0, missingYears };
  }

  /** workingDaysBetween counting a year without data Monday–Friday, saying so (see above). */
  workingDaysBetweenProvisional(a: string, b: string): ProvisionalCount {
    const na = dayNumber(a);
    const nb = dayNumber(b);
    const [lo, hi, sign] = nb < na ? [nb, na, -1] : [na, nb, 1];
    const missing = new Set<number>();
    let count = 0;
    for (let n = lo + 1; n <= hi; n++) {
      const d = fromDayNumber(n);
      const k = this.isWorkingDayProvisional(d);
      if (k.missing) missing.add(Number(d.slice(0, 4)));
      if (k.working) count += 1;
    }
    const missingYears = [...missing].sort((x, y) => x - y);
    return { days: sign * count, provisional: missingYears.length > 0, missingYears };
  }

  /**
   * A calendar where each given year without data is added with no holidays (Monday–Friday), for
   * strict-API code (e.g. stage timelines) that should show a provisional answer; the caller must
   * mark what it shows as 暂估. Loaded years are kept as they are.
   */
  withProvisionalYears(years: readonly number[]): WorkCalendar {
    const add = years.filter((y) => !this.yearSet.has(y));
    if (!add.length) return this;
    const extra = Object.fromEntries(add.map((y) => [String(y), { holidays: [] }]));
    return new WorkCalendar(
      { ...this.data, years: { ...this.data.years, ...extra } },
      this.timeZone,
    );
  }

  /**
   * Working days in (a, b]: how many working days after `a` up to and including `b`.
   * Negative when b is before a. workingDaysBetween(a, addWorkingDays(a, n)) === n.
   */
  workingDaysBetween(a: string, b: string): number {
    const na = dayNumber(a);
    const nb = dayNumber(b);
    if (nb < na) return -this.workingDaysBetween(b, a);
    let count = 0;
    for (let n = na + 1; n <= nb; n++) if (this.isWorkingDay(fromDayNumber(n))) count += 1;
    return count;
  }
}
