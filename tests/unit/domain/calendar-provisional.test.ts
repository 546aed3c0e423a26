// Provisional working-day counting: a year without a holiday schedule (2027 in the shipped data) is
// counted Monday–Friday and marked provisional with the missing years; loaded years follow the data
// exactly; the strict API still throws; the real schedule, once merged, can only move the date later.
import { describe, expect, it } from 'vitest';
import {
  CalendarMissingYearError,
  addDays,
  defaultCalendar as cal,
  defaultCalendarData,
  loadCalendar,
  mergeCalendar,
} from '../../../shared/domain/calendar';

const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay(); // 0 = Sunday

describe('addWorkingDaysProvisional', () => {
  it('counts across the 2026→2027 year end Monday–Friday and says 2027 was missing', () => {
    // 2026-12-30 is a Wednesday; 2026-12-31 (Thu) is a 2026 working day from the data, then
    // 2027-01-01 (Fri, 元旦 in reality) counts as working because 2027 has no schedule yet.
    const r = cal.addWorkingDaysProvisional('2026-12-30', 5);
    expect(r).toEqual({ date: '2027-01-06', provisional: true, missingYears: [2027] });
    // The strict API refuses the same count.
    expect(() => cal.addWorkingDays('2026-12-30', 5)).toThrow(CalendarMissingYearError);
  });

  it('is exact and not provisional inside loaded years (same as the strict API)', () => {
    for (const [from, n] of [
      ['2025-01-24', 1], // 调休 Sunday 2025-01-26 counts
      ['2025-09-30', 3], // across 国庆
      ['2025-12-29', 10], // 2025→2026 year end
      ['2026-02-13', 5], // across 春节
      ['2026-12-01', 20],
    ] as const) {
      const r = cal.addWorkingDaysProvisional(from, n);
      expect(r).toEqual({
        date: cal.addWorkingDays(from, n),
        provisional: false,
        missingYears: [],
      });
    }
  });

  it('lands only on Monday–Friday in a missing year and counts exactly n of them', () => {
    for (let n = 1; n <= 40; n++) {
      const r = cal.addWorkingDaysProvisional('2026-12-20', n);
      const wd = weekday(r.date);
      if (r.date >= '2027-01-01') {
        expect(r.provisional).toBe(true);
        expect(wd === 0 || wd === 6).toBe(false);
      }
      expect(cal.workingDaysBetweenProvisional('2026-12-20', r.date).days).toBe(n);
    }
    // A count that starts inside the missing year is provisional too; n = 0 stays put.
    expect(cal.addWorkingDaysProvisional('2027-03-05', 1)).toEqual({
      date: '2027-03-08',
      provisional: true,
      missingYears: [2027],
    });
    expect(cal.addWorkingDaysProvisional('2026-12-31', 0)).toEqual({
      date: '2026-12-31',
      provisional: false,
      missingYears: [],
    });
    expect(() => cal.addWorkingDaysProvisional('2026-12-31', -1)).toThrow(RangeError);
  });

  it('names every missing year crossed, ascending', () => {
    const r = cal.addWorkingDaysProvisional('2026-12-01', 300);
    expect(r.provisional).toBe(true);
    expect(r.missingYears).toEqual([2027, 2028]);
  });

  it('gives a date no later than the real one once the year is published', () => {
    // A hypothetical 2027 schedule with 元旦 on Fri 01-01 and 春节 02-06…02-14 (no make-up days).
    const withNext = loadCalendar(
      mergeCalendar(defaultCalendarData, {
        version: defaultCalendarData.version + 1,
        years: {
          '2027': {
            holidays: [
              { name: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-01' },
              { name: '春节', nameEn: 'Spring Festival', from: '2027-02-06', to: '2027-02-14' },
            ],
          },
        },
      }),
    );
    expect(withNext.addWorkingDays('2026-12-30', 5)).toBe('2027-01-07');
    for (let n = 1; n <= 60; n++) {
      const provisional = cal.addWorkingDaysProvisional('2026-12-20', n);
      const real = withNext.addWorkingDaysProvisional('2026-12-20', n);
      expect(real.provisional).toBe(false);
      expect(real.date >= provisional.date).toBe(true);
    }
  });
});

describe('workingDaysBetweenProvisional / isWorkingDayProvisional', () => {
  it('counts a missing year Monday–Friday, marked, and negative backwards', () => {
    expect(cal.workingDaysBetweenProvisional('2026-12-30', '2027-01-06')).toEqual({
      days: 5,
      provisional: true,
      missingYears: [2027],
    });
    expect(cal.workingDaysBetweenProvisional('2027-01-06', '2026-12-30').days).toBe(-5);
    expect(cal.workingDaysBetweenProvisional('2026-11-02', '2026-11-06')).toEqual({
      days: cal.workingDaysBetween('2026-11-02', '2026-11-06'),
      provisional: false,
      missingYears: [],
    });
  });

  it('follows the data for loaded years and Mon–Fri for missing ones', () => {
    expect(cal.isWorkingDayProvisional('2026-10-01')).toEqual({ working: false, missing: false });
    expect(cal.isWorkingDayProvisional('2026-10-10')).toEqual({ working: true, missing: false });
    expect(cal.isWorkingDayProvisional('2027-01-01')).toEqual({ working: true, missing: true });
    expect(cal.isWorkingDayProvisional('2027-01-02')).toEqual({ working: false, missing: true });
    expect(() => cal.isWorkingDay('2027-01-04')).toThrow(CalendarMissingYearError);
    expect(addDays('2027-01-01', 1)).toBe('2027-01-02');
  });
});

describe('withProvisionalYears', () => {
  it('adds missing years Mon–Fri so strict-API callers can show a 暂估 answer', () => {
    const p = cal.withProvisionalYears([2027, 2026]);
    expect(p.years()).toEqual([...cal.years(), 2027]);
    expect(p.addWorkingDays('2026-12-30', 5)).toBe(
      cal.addWorkingDaysProvisional('2026-12-30', 5).date,
    );
    // Loaded years keep their data; nothing to add returns the same calendar.
    expect(p.dayKind('2026-10-01')).toBe('holiday');
    expect(cal.withProvisionalYears([2026])).toBe(cal);
    expect(cal.hasYear(2027)).toBe(false);
  });
});
