// The intake's deadline when it reaches a year without a holiday schedule: built provisionally
// (Mon–Fri, deadlineProvisional on the record), shown 暂估 until the centre pushes the year, then
// shown recomputed with the real schedule while the stored record stays as accepted.
import { describe, expect, it } from 'vitest';
import {
  defaultCalendar,
  defaultCalendarData,
  loadCalendar,
  mergeCalendar,
} from '../../../shared/domain/calendar';
import { defaultCatalogue, findBusinessType } from '../../../shared/domain/catalogue';
import { Application } from '../../../shared/domain/model';
import { defaultSettings } from '../../../shared/domain/settings';
import type { DeskConfig } from '../../../renderer/src/desk/config';
import { deadlineFor, deadlineView, feedbackDueFor } from '../../../renderer/src/desk/formModel';

const cfg: DeskConfig = {
  catalogue: defaultCatalogue,
  calendar: defaultCalendar,
  settings: defaultSettings,
};
const resident = findBusinessType(defaultCatalogue, '101');
if (!resident) throw new Error('catalogue has no 101');

// A hypothetical 2027 schedule as the centre would push it: 元旦 Fri 01-01 and Mon 01-04 off.
const pushed: DeskConfig = {
  ...cfg,
  calendar: loadCalendar(
    mergeCalendar(defaultCalendarData, {
      version: defaultCalendarData.version + 1,
      years: {
        '2027': {
          holidays: [
            { name: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-04' },
          ],
        },
      },
    }),
  ),
};

describe('deadlineFor', () => {
  it('counts into 2027 Mon–Fri and says so instead of refusing', () => {
    const d = deadlineFor(cfg, resident, { capacity: 5 }, new Date('2026-12-28T10:00:00+08:00'));
    expect(d).toEqual({
      deadline: '2027-01-04',
      limitWd: 5,
      provisional: true,
      missingYears: [2027],
    });
    const inYear = deadlineFor(
      cfg,
      resident,
      { capacity: 5 },
      new Date('2026-11-27T10:00:00+08:00'),
    );
    expect(inYear.provisional).toBe(false);
    expect(inYear.deadline).toBe(defaultCalendar.addWorkingDays('2026-11-27', 5));
  });
});

describe('feedbackDueFor', () => {
  it('counts due dates into 2027 Mon–Fri, marked provisional, and exactly within loaded years', () => {
    const limit = defaultSettings.feedbackLimits.complaint;
    const due = feedbackDueFor(cfg, 'complaint', '2026-12-28T10:00:00+08:00');
    expect(due.firstContactDue).toBe(
      defaultCalendar.addWorkingDaysProvisional('2026-12-28', limit.firstContactWd).date,
    );
    expect(due.replyDue).toBe(
      defaultCalendar.addWorkingDaysProvisional('2026-12-28', limit.replyWd).date,
    );
    expect(due.replyDue >= '2027-01-01').toBe(true);
    expect(due.provisional).toBe(true);
    const early = feedbackDueFor(cfg, 'complaint', '2026-11-27T10:00:00+08:00');
    expect(early.provisional).toBe(false);
    expect(early.replyDue).toBe(defaultCalendar.addWorkingDays('2026-11-27', limit.replyWd));
  });
});

describe('deadlineView', () => {
  const app = {
    businessCode: '101',
    fields: { capacity: 5 },
    acceptedAt: '2026-12-28T10:00:00+08:00',
    deadline: '2027-01-04',
    deadlineProvisional: true,
  };

  it('keeps the stored date marked provisional while the year is missing', () => {
    expect(deadlineView(cfg, app)).toEqual({
      date: '2027-01-04',
      provisional: true,
      recomputed: false,
      missingYears: [2027],
    });
  });

  it('shows the date recomputed with the pushed schedule, not provisional any more', () => {
    expect(deadlineView(pushed, app)).toEqual({
      date: '2027-01-06',
      provisional: false,
      recomputed: true,
      missingYears: [],
    });
    // Display only: the record passed in is untouched.
    expect(app.deadline).toBe('2027-01-04');
  });

  it('leaves a deadline that was never provisional alone', () => {
    const plain = { ...app, deadlineProvisional: undefined, deadline: '2026-12-04' };
    expect(deadlineView(pushed, plain)).toEqual({
      date: '2026-12-04',
      provisional: false,
      recomputed: false,
      missingYears: [],
    });
  });

  it('the flag is an optional field of the Application schema (additive)', () => {
    const shape = Application.shape.deadlineProvisional;
    expect(shape.safeParse(undefined).success).toBe(true);
    expect(shape.safeParse(true).success).toBe(true);
  });
});
