// Business dates in the hall's configured zone (issue 12 §5), on a machine set to a third zone:
// acceptance day, numbers, deadlines, feedback dues, allowances, supervision days, the queue's
// ticket day, daily clear and slots all follow the hall's zone, never a fixed UTC+8 or the PC's.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  businessDate,
  defaultCalendar,
  defaultCalendarData,
  WorkCalendar,
} from '../../../shared/domain/calendar';
import { defaultCatalogue, findBusinessType } from '../../../shared/domain/catalogue';
import { computeFeedbackDue, feedbackOverdue } from '../../../shared/domain/feedback';
import { hallInstant, isTimeZone } from '../../../shared/domain/hallTime';
import { makeApplicationNo, sequenceKey } from '../../../shared/domain/appNumber';
import { defaultSettings, loadSettings } from '../../../shared/domain/settings';
import { validateResidentId } from '../../../shared/domain/validators';
import { computeDeadline } from '../../../shared/domain/workflow';
import { supervise } from '../../../shared/staff/supervision';
import {
  QueueConfig,
  clearTimeOn,
  createQueueState,
  dailyClearDue,
  decide,
  localDay,
  reduceAll,
  slotBounds,
} from '../../../shared/queue';
import { residentId } from '../../e2e/support/ids';
import { makeApplication } from './factories';

const NY = 'America/New_York';
// Sunday 2026-12-06 12:30 in New York; Monday 2026-12-07 01:30 in Shanghai; 02:30 in Tokyo.
const AT = '2026-12-06T17:30:00.000Z';

const before = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Asia/Tokyo'; // the PC is in neither zone
});
afterAll(() => {
  process.env.TZ = before;
});

describe('the hall calendar carries the hall zone', () => {
  const ny = new WorkCalendar(defaultCalendarData, NY);

  it('reads business dates in the hall zone', () => {
    expect(new Date(AT).getDate()).toBe(7); // the machine's own day is the 7th
    expect(ny.dateOf(AT)).toBe('2026-12-06');
    expect(defaultCalendar.dateOf(AT)).toBe('2026-12-07');
    expect(businessDate(AT, NY)).toBe('2026-12-06');
    expect(ny.dateOf('2026-12-01')).toBe('2026-12-01');
    expect(defaultCalendar.inZone(NY).timeZone).toBe(NY);
    // Provisional years keep the zone.
    expect(ny.withProvisionalYears([2099]).timeZone).toBe(NY);
  });

  it('counts the whole-process deadline from the hall day', () => {
    const t = findBusinessType(defaultCatalogue, '101');
    if (!t) throw new Error('101');
    // 5 working days from Sunday the 6th (NY) vs from Monday the 7th (Shanghai).
    expect(computeDeadline(t, {}, AT, ny)).toBe('2026-12-11');
    expect(computeDeadline(t, {}, AT, defaultCalendar)).toBe('2026-12-14');
  });

  it('numbers under the hall day', () => {
    const parts = { hallCode: 'H0101', deskCode: 'D02', date: new Date(AT), seq: 2 };
    expect(makeApplicationNo({ ...parts, timeZone: NY })).toBe('H0101-D02-20261206-0002');
    expect(makeApplicationNo(parts)).toBe('H0101-D02-20261207-0002');
    expect(sequenceKey('h0101', 'd02', new Date(AT), NY)).toBe('H0101-D02-2026-12-06');
  });

  it('feedback dues and lateness use the hall day', () => {
    const due = computeFeedbackDue('complaint', AT, defaultSettings, ny);
    const sh = computeFeedbackDue('complaint', AT, defaultSettings, defaultCalendar);
    expect(due.replyDue < sh.replyDue).toBe(true);
    // Replied at 2026-12-08 20:00 NY = 2026-12-09 09:00 Shanghai: on the due day in the hall.
    const late = feedbackOverdue(
      { ...due, firstContactDue: '2026-12-08', replyDue: '2026-12-08', status: 'replied' },
      '2026-12-10',
      NY,
    );
    expect(
      feedbackOverdue(
        {
          firstContactDue: '2026-12-08',
          replyDue: '2026-12-08',
          firstContactAt: '2026-12-09T01:00:00Z',
          repliedAt: '2026-12-09T01:00:00Z',
          status: 'replied',
        },
        '2026-12-10',
        NY,
      ),
    ).toEqual({ firstContactOverdue: false, replyOverdue: false });
    // The same reply read as a Shanghai day (the 9th) would be late.
    expect(
      feedbackOverdue(
        {
          firstContactDue: '2026-12-08',
          replyDue: '2026-12-08',
          repliedAt: '2026-12-09T01:00:00Z',
          status: 'replied',
        },
        '2026-12-10',
      ).replyOverdue,
    ).toBe(true);
    expect(late.replyOverdue).toBe(true); // not replied, past due
  });

  it("an ID's birth date is not in the future on the hall's today", () => {
    // Born on the 7th: Shanghai's today at AT, still tomorrow in New York.
    vi.useFakeTimers({ now: new Date(AT), toFake: ['Date'] });
    try {
      const born7th = residentId('110101', '20261207', '001');
      expect(validateResidentId(born7th).ok).toBe(true);
      expect(validateResidentId(born7th, { timeZone: NY })).toMatchObject({
        ok: false,
        code: 'id_birth_future',
      });
    } finally {
      vi.useRealTimers();
    }
    expect(isTimeZone(NY)).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('settings refuse an unknown zone with a clear message', () => {
    expect(() => loadSettings({ ...defaultSettings, timeZone: 'Mars/Olympus' })).toThrow(/时区/);
    expect(loadSettings({ ...defaultSettings, timeZone: NY }).timeZone).toBe(NY);
  });

  it('supervision cuts acceptance days in the hall zone', () => {
    const app = makeApplication({ acceptedAt: AT });
    const o = { from: '2026-12-06', to: '2026-12-06', today: '2026-12-10', promisedDays: 5 };
    expect(supervise([app], { ...o, timeZone: NY }).hall.accepted).toBe(1);
    expect(supervise([app], o).hall.accepted).toBe(0); // a Shanghai hall accepted it on the 7th
  });
});

describe('hall instants', () => {
  it('turns a hall wall time into an instant, across daylight saving', () => {
    expect(new Date(hallInstant('2026-07-01', '00:00', NY)).toISOString()).toBe(
      '2026-07-01T04:00:00.000Z',
    );
    expect(new Date(hallInstant('2026-12-06', '12:30', NY)).toISOString()).toBe(AT);
    expect(new Date(hallInstant('2026-12-07', '01:30')).toISOString()).toBe(AT);
    // The day DST starts in New York (2026-03-08): 03:30 is EDT.
    expect(new Date(hallInstant('2026-03-08', '03:30', NY)).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });
});

describe('the queue in the hall zone', () => {
  const cfg = QueueConfig.parse({
    categories: [{ id: 'A', name: '业扩报装' }],
    counters: [{ no: 1, name: '1号', categories: ['A'] }],
    dailyClearTime: '17:30',
    timeZone: NY,
    appointments: { enabled: true, slotMinutes: 30 },
  });

  it('dates tickets by the hall day and clears at the hall time', () => {
    expect(localDay(Date.parse(AT), NY)).toBe('2026-12-06');
    let state = createQueueState(cfg);
    const d = decide(state, { type: 'issue', categoryId: 'A' }, Date.parse(AT));
    if (!d.ok) throw d.error;
    expect(d.events[0]).toMatchObject({ type: 'ticket_issued', day: '2026-12-06' });
    state = reduceAll(state, d.events);
    const clear = clearTimeOn(Date.parse(AT), '17:30', NY);
    expect(new Date(clear).toISOString()).toBe('2026-12-06T22:30:00.000Z');
    expect(dailyClearDue(state, clear - 60_000)).toBe(false);
    expect(dailyClearDue(state, clear + 60_000)).toBe(true);
  });

  it('slots start on the hall grid', () => {
    const nine = hallInstant('2026-12-08', '09:00', NY);
    expect(slotBounds(nine, 30, NY)).toEqual({ slotStart: nine, slotEnd: nine + 30 * 60_000 });
    expect(slotBounds(nine + 15 * 60_000, 30, NY)).toBeNull();
    expect(() => QueueConfig.parse({ ...cfg, timeZone: 'Nowhere/None' })).toThrow(/时区/);
  });
});
