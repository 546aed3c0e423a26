// Working-day calendar: official holidays and 调休 make-up working days as data (per year), working-day
// arithmetic for deadlines, and Asia/Shanghai date strings. A year without data is an error for the
// strict API, never a silent Monday–Friday guess; the provisional API counts such a year Monday–Friday
// and says so (which years, that the result is provisional) so the desk can mark the date 暂估.
import { z } from 'zod';
import calendarJson from '../config/calendar.json';
import {
  dayNumber,
  fromDayNumber,
  isRealDate,
  WorkCalendar,
  type CalendarData as CoreCalendarData,
} from './workCalendar';

export {
  addDays,
  businessDate,
  CalendarMissingYearError,
  isDateString,
  shanghaiDate,
  WorkCalendar,
  type DayKind,
  type ProvisionalCount,
  type ProvisionalDate,
} from './workCalendar';

const DateStr = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const CalendarHoliday = z.object({
  name: z.string().min(1),
  nameEn: z.string().min(1),
  from: DateStr,
  to: DateStr,
  /** Weekend days made working days (调休上班) for this holiday. */
  makeupWorkdays: z.array(DateStr).default([]),
});
export type CalendarHoliday = z.infer<typeof CalendarHoliday>;

export const CalendarYear = z.object({ holidays: z.array(CalendarHoliday) });
export type CalendarYear = z.infer<typeof CalendarYear>;

export const CalendarData = z
  .object({
    version: z.number().int().nonnegative(),
    source: z.string().optional(),
    years: z.record(z.string().regex(/^\d{4}$/), CalendarYear),
  })
  .superRefine((data, ctx) => {
    for (const [year, y] of Object.entries(data.years)) {
      // A day cannot be both off and a make-up working day.
      const off = new Set<string>();
      for (const h of y.holidays)
        if (isRealDate(h.from) && isRealDate(h.to))
          for (let n = dayNumber(h.from); n <= dayNumber(h.to); n++) off.add(fromDayNumber(n));
      for (const h of y.holidays)
        for (const d of h.makeupWorkdays)
          if (off.has(d))
            ctx.addIssue({
              code: 'custom',
              message: `${d} is both a holiday and a make-up working day`,
              path: ['years', year],
            });
      for (const h of y.holidays) {
        if (h.from > h.to)
          ctx.addIssue({
            code: 'custom',
            message: `${h.name}: from after to`,
            path: ['years', year],
          });
        for (const d of [h.from, h.to, ...h.makeupWorkdays]) {
          if (!isRealDate(d))
            ctx.addIssue({
              code: 'custom',
              message: `not a real date: ${d}`,
              path: ['years', year],
            });
          // A year's entry may only name that year's days, so hasYear() means what it says.
          if (d.slice(0, 4) !== year)
            ctx.addIssue({
              code: 'custom',
              message: `${d} is not in ${year}`,
              path: ['years', year],
            });
        }
      }
    }
  });
export type CalendarData = z.infer<typeof CalendarData>;
// The schema's output and workCalendar.ts's interface must agree, both ways (compile-time).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const _calendarShapeAgrees: Same<CalendarData, CoreCalendarData> = true;

export class CalendarDataError extends Error {
  readonly code = 'calendar_invalid';
  constructor(readonly issues: string[]) {
    super(`日历数据无效 / invalid calendar data: ${issues.join('; ')}`);
    this.name = 'CalendarDataError';
  }
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** Validates calendar JSON; throws CalendarDataError listing every problem. */
export function loadCalendarData(json: unknown): CalendarData {
  const parsed = CalendarData.safeParse(json);
  if (!parsed.success) throw new CalendarDataError(issuesOf(parsed.error));
  return parsed.data;
}

export function loadCalendar(json: unknown): WorkCalendar {
  return new WorkCalendar(loadCalendarData(json));
}

/**
 * Merges an update from the central endpoint: each year present in the update replaces that
 * year wholesale (a revised schedule must not keep stale days); other years are kept. The
 * version is the larger of the two.
 */
export function mergeCalendar(base: CalendarData, update: unknown): CalendarData {
  const upd = loadCalendarData(update);
  return loadCalendarData({
    version: Math.max(base.version, upd.version),
    source: upd.source ?? base.source,
    years: { ...base.years, ...upd.years },
  });
}

export const defaultCalendarData: CalendarData = loadCalendarData(calendarJson);
export const defaultCalendar: WorkCalendar = new WorkCalendar(defaultCalendarData);
