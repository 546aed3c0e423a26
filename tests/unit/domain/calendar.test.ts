// Working-day calendar: holidays and 调休 days from domain.md's table, deadline counting across
// holidays and the 2025→2026 year end, and a loud error (never a Mon–Fri guess) for 2027.
import { describe, expect, it } from 'vitest';
import {
  CalendarDataError,
  CalendarMissingYearError,
  WorkCalendar,
  addDays,
  defaultCalendar as cal,
  defaultCalendarData,
  loadCalendar,
  mergeCalendar,
  shanghaiDate,
} from '../../../shared/domain/calendar';

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

// domain.md, "Official schedules": [from, to, make-up working days]
const TABLE: [string, string, string[]][] = [
  ['2025-01-01', '2025-01-01', []],
  ['2025-01-28', '2025-02-04', ['2025-01-26', '2025-02-08']],
  ['2025-04-04', '2025-04-06', []],
  ['2025-05-01', '2025-05-05', ['2025-04-27']],
  ['2025-05-31', '2025-06-02', []],
  ['2025-10-01', '2025-10-08', ['2025-09-28', '2025-10-11']],
  ['2026-01-01', '2026-01-03', ['2026-01-04']],
  ['2026-02-15', '2026-02-23', ['2026-02-14', '2026-02-28']],
  ['2026-04-04', '2026-04-06', []],
  ['2026-05-01', '2026-05-05', ['2026-05-09']],
  ['2026-06-19', '2026-06-21', []],
  ['2026-09-25', '2026-09-27', []],
  ['2026-10-01', '2026-10-07', ['2026-09-20', '2026-10-10']],
];

describe('calendar data', () => {
  it('has exactly the days off and make-up days of domain.md', () => {
    for (const [from, to, makeup] of TABLE) {
      for (const d of days(from, to)) expect(cal.dayKind(d), d).toBe('holiday');
      for (const d of makeup) {
        expect(cal.dayKind(d), d).toBe('makeup_workday');
        expect(cal.isWorkingDay(d)).toBe(true);
      }
    }
    const holidayCount = [2025, 2026].map(
      (y) => days(`${y}-01-01`, `${y}-12-31`).filter((d) => cal.dayKind(d) === 'holiday').length,
    );
    expect(holidayCount).toEqual([1 + 8 + 3 + 5 + 3 + 8, 3 + 9 + 3 + 5 + 3 + 3 + 7]);
  });

  it('make-up days are weekends (the data says what the notice says)', () => {
    for (const [, , makeup] of TABLE)
      for (const d of makeup) {
        const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
        expect([0, 6], d).toContain(wd);
      }
  });

  it('ordinary weekdays work and weekends rest', () => {
    expect(cal.isWorkingDay('2026-11-26')).toBe(true); // Thursday
    expect(cal.isWorkingDay('2026-11-28')).toBe(false); // Saturday
    expect(cal.dayKind('2026-11-29')).toBe('weekend');
    expect(cal.holidayOf('2026-02-14')?.name).toBe('春节');
  });
});

describe('addWorkingDays / workingDaysBetween', () => {
  it('does not count the acceptance day', () => {
    expect(cal.addWorkingDays('2026-11-26', 1)).toBe('2026-11-27');
    expect(cal.addWorkingDays('2026-11-26', 0)).toBe('2026-11-26');
    expect(cal.addWorkingDays('2026-11-27', 1)).toBe('2026-11-30'); // over a weekend
    expect(cal.addWorkingDays('2026-11-28', 1)).toBe('2026-11-30'); // accepted on a Saturday
  });

  it('skips the 2026 Spring Festival and counts its 调休 Saturdays', () => {
    // Fri 02-13 + 1 → Sat 02-14 (make-up working day)
    expect(cal.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    // Sat 02-14 + 1 → Tue 02-24 (02-15..02-23 off)
    expect(cal.addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
    // Tue 02-24 + 4 → Sat 02-28 (make-up working day)
    expect(cal.addWorkingDays('2026-02-24', 4)).toBe('2026-02-28');
    expect(cal.addWorkingDays('2026-02-24', 5)).toBe('2026-03-02');
  });

  it('skips the 2025 National Day week', () => {
    // Tue 2025-09-30 + 1 → Thu 10-09; 5 WD → 10-11 is a make-up Saturday, 10-09,10-10,10-11,10-13,10-14
    expect(cal.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(cal.addWorkingDays('2025-09-30', 5)).toBe('2025-10-14');
    expect(cal.addWorkingDays('2025-09-26', 1)).toBe('2025-09-28'); // Fri → make-up Sunday
  });

  it('crosses the 2025→2026 year end and the 2026 New Year holiday', () => {
    // Wed 2025-12-31 + 1 → Sun 2026-01-04 (make-up day; 01-01..01-03 off)
    expect(cal.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    expect(cal.addWorkingDays('2025-12-29', 5)).toBe('2026-01-06');
    expect(cal.workingDaysBetween('2025-12-29', '2026-01-06')).toBe(5);
  });

  it('workingDaysBetween inverts addWorkingDays and is signed', () => {
    for (const from of ['2025-01-20', '2025-04-25', '2026-02-10', '2026-09-18', '2026-12-01'])
      for (const n of [0, 1, 3, 7, 15])
        expect(cal.workingDaysBetween(from, cal.addWorkingDays(from, n))).toBe(n);
    expect(cal.workingDaysBetween('2026-11-30', '2026-11-26')).toBe(-2);
    expect(cal.workingDaysBetween('2026-11-26', '2026-11-26')).toBe(0);
  });

  it('rejects bad input', () => {
    expect(() => cal.addWorkingDays('2026-11-26', -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => cal.isWorkingDay('26-11-2026')).toThrow(RangeError);
  });
});

describe('missing years', () => {
  it('throws CalendarMissingYearError with the Chinese message, never guessing Mon–Fri', () => {
    expect(cal.hasYear(2026)).toBe(true);
    expect(cal.hasYear(2027)).toBe(false);
    expect(() => cal.isWorkingDay('2027-01-05')).toThrow(CalendarMissingYearError);
    try {
      cal.addWorkingDays('2026-12-30', 5); // runs into 2027
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CalendarMissingYearError);
      const err = e as CalendarMissingYearError;
      expect(err.year).toBe(2027);
      expect(err.message).toBe('缺少 2027 年节假日安排，请联系中心更新日历');
      expect(err.code).toBe('calendar_missing_year');
    }
    expect(() => cal.isWorkingDay('2024-12-31')).toThrow(CalendarMissingYearError);
    // Within 2026 the count still works right up to the last day.
    expect(cal.addWorkingDays('2026-12-27', 4)).toBe('2026-12-31');
  });

  it('mergeCalendar adds a year from the centre, replacing only years it carries', () => {
    const update = {
      version: 2,
      years: {
        '2027': {
          holidays: [
            {
              name: '元旦',
              nameEn: "New Year's Day",
              from: '2027-01-01',
              to: '2027-01-03',
              makeupWorkdays: [],
            },
          ],
        },
      },
    };
    const merged = new WorkCalendar(mergeCalendar(defaultCalendarData, update));
    expect(merged.data.version).toBe(2);
    expect(merged.years()).toEqual([2025, 2026, 2027]);
    // Thu 12-31, then Mon 01-04 … Thu 01-07 (01-01..01-03 off)
    expect(merged.addWorkingDays('2026-12-30', 5)).toBe('2027-01-07');
    expect(merged.isWorkingDay('2026-02-14')).toBe(true);
    // Replacing 2026 wholesale drops its stale days.
    const replaced = new WorkCalendar(
      mergeCalendar(defaultCalendarData, { version: 3, years: { '2026': { holidays: [] } } }),
    );
    expect(replaced.isWorkingDay('2026-10-01')).toBe(true);
    expect(replaced.isWorkingDay('2025-10-01')).toBe(false);
  });

  it('rejects malformed calendar data', () => {
    expect(() =>
      loadCalendar({
        version: 1,
        years: {
          '2027': { holidays: [{ name: 'x', nameEn: 'x', from: '2027-02-30', to: '2027-03-01' }] },
        },
      }),
    ).toThrow(CalendarDataError);
    expect(() =>
      loadCalendar({
        version: 1,
        years: {
          '2027': { holidays: [{ name: 'x', nameEn: 'x', from: '2028-01-01', to: '2028-01-01' }] },
        },
      }),
    ).toThrow(/not in 2027/);
    expect(() => loadCalendar({ years: {} })).toThrow(CalendarDataError);
    expect(() =>
      loadCalendar({
        version: 1,
        years: {
          '2027': {
            holidays: [
              {
                name: 'x',
                nameEn: 'x',
                from: '2027-02-01',
                to: '2027-02-03',
                makeupWorkdays: ['2027-02-02'],
              },
            ],
          },
        },
      }),
    ).toThrow(/both a holiday and a make-up/);
    expect(() =>
      mergeCalendar(defaultCalendarData, { version: 1, years: { abc: { holidays: [] } } }),
    ).toThrow(CalendarDataError);
  });
});

describe('shanghaiDate', () => {
  it('converts instants to the Asia/Shanghai calendar date', () => {
    expect(shanghaiDate('2026-11-26T15:59:59Z')).toBe('2026-11-26');
    expect(shanghaiDate('2026-11-26T16:00:00Z')).toBe('2026-11-27');
    expect(shanghaiDate('2026-11-27T00:30:00+08:00')).toBe('2026-11-27');
    expect(shanghaiDate(new Date(Date.UTC(2025, 11, 31, 17)))).toBe('2026-01-01');
    expect(shanghaiDate('2026-11-26')).toBe('2026-11-26');
    expect(() => shanghaiDate('garbage')).toThrow(RangeError);
  });
});
