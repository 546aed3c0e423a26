// Workflow: allowed transitions per path (important customers on the HV path, skippable survey on
// changes), history recorded with time and actor, typed errors, stage deadlines and overdue flags.
import { describe, expect, it } from 'vitest';
import {
  WorkflowError,
  allowedTransitions,
  applyTransition,
  computeDeadline,
  tryComputeDeadline,
  isOverdue,
  isTerminal,
  stageTimeline,
  stateLabel,
  workingDaysLeft,
} from '../../../shared/domain/workflow';
import { CalendarMissingYearError, defaultCalendar as cal } from '../../../shared/domain/calendar';
import { defaultCatalogue, findBusinessType } from '../../../shared/domain/catalogue';
import { makeApplication } from './factories';

function type(code: string) {
  const t = findBusinessType(defaultCatalogue, code);
  if (!t) throw new Error(code);
  return t;
}

describe('allowedTransitions', () => {
  it('low-voltage three stages', () => {
    expect(allowedTransitions('low3', 'accepted')).toEqual([
      'scheme_reply',
      'cancelled',
      'rejected',
    ]);
    expect(allowedTransitions('low3', 'scheme_reply')).toEqual([
      'meter_install',
      'cancelled',
      'rejected',
    ]);
    expect(allowedTransitions('low3', 'meter_install')).toEqual([
      'archived',
      'cancelled',
      'rejected',
    ]);
    expect(allowedTransitions('low3', 'archived')).toEqual([]);
  });

  it('low-voltage two stages', () => {
    expect(allowedTransitions('low2', 'accepted')).toEqual([
      'construction',
      'cancelled',
      'rejected',
    ]);
    expect(allowedTransitions('low2', 'construction')).toEqual([
      'archived',
      'cancelled',
      'rejected',
    ]);
    expect(stateLabel('accepted', 'zh', 'low2')).toBe('受理签约');
    expect(stateLabel('accepted', 'zh', 'low3')).toBe('受理');
  });

  it('high voltage: design review and mid inspection only for important customers', () => {
    expect(allowedTransitions('high', 'scheme_reply')).toEqual([
      'completion_inspection',
      'cancelled',
      'rejected',
    ]);
    expect(allowedTransitions('high', 'scheme_reply', { important: true })).toEqual([
      'design_review',
      'cancelled',
      'rejected',
    ]);
    expect(allowedTransitions('high', 'design_review', { important: true })).toEqual([
      'mid_inspection',
      'cancelled',
      'rejected',
    ]);
    expect(allowedTransitions('high', 'mid_inspection', { important: true })).toEqual([
      'completion_inspection',
      'cancelled',
      'rejected',
    ]);
    expect(allowedTransitions('high', 'contract_payment')).toEqual([
      'meter_install',
      'cancelled',
      'rejected',
    ]);
  });

  it('change path may skip the site survey', () => {
    expect(allowedTransitions('change', 'accepted')).toEqual([
      'site_survey',
      'execution',
      'cancelled',
      'rejected',
    ]);
    expect(allowedTransitions('change', 'site_survey')).toEqual([
      'execution',
      'cancelled',
      'rejected',
    ]);
  });

  it('terminal and unknown states have no moves', () => {
    for (const s of ['archived', 'cancelled', 'rejected']) {
      expect(isTerminal(s)).toBe(true);
      expect(allowedTransitions('high', s)).toEqual([]);
    }
    expect(allowedTransitions('low3', 'design_review')).toEqual([]);
  });
});

describe('applyTransition', () => {
  it('walks a 101 application to archive, recording every move', () => {
    let app = makeApplication({ businessCode: '101' });
    app = applyTransition(app, 'construction', 'clerk01', '2026-11-27T10:00:00+08:00');
    app = applyTransition(app, 'archived', 'central', '2026-12-01T16:00:00+08:00', '装表完成');
    expect(app.status).toBe('archived');
    expect(app.history.map((h) => [h.from, h.to, h.actor])).toEqual([
      [null, 'accepted', 'clerk01'],
      ['accepted', 'construction', 'clerk01'],
      ['construction', 'archived', 'central'],
    ]);
    expect(app.history[2]?.note).toBe('装表完成');
    expect(app.updatedAt).toBe('2026-12-01T16:00:00+08:00');
  });

  it('does not mutate its input', () => {
    const app = makeApplication();
    const before = structuredClone(app);
    applyTransition(app, 'construction', 'x', '2026-11-27T10:00:00+08:00');
    expect(app).toEqual(before);
  });

  it('uses the important-customer flag from the fields on the HV path', () => {
    let app = makeApplication({
      businessCode: '104',
      fields: {
        voltageLevel: '10kV',
        capacity: 630,
        powerSources: 'single',
        importantCustomer: true,
      },
    });
    for (const s of [
      'site_survey',
      'scheme_reply',
      'design_review',
      'mid_inspection',
      'completion_inspection',
    ])
      app = applyTransition(app, s, 'centre', '2026-11-30T10:00:00+08:00');
    expect(app.status).toBe('completion_inspection');
    const plain = makeApplication({
      businessCode: '104',
      fields: { voltageLevel: '10kV', capacity: 630, powerSources: 'single' },
    });
    let p = applyTransition(plain, 'site_survey', 'centre', '2026-11-30T10:00:00+08:00');
    p = applyTransition(p, 'scheme_reply', 'centre', '2026-11-30T10:00:00+08:00');
    expect(() =>
      applyTransition(p, 'design_review', 'centre', '2026-11-30T10:00:00+08:00'),
    ).toThrow(WorkflowError);
  });

  it('throws typed errors with Chinese messages', () => {
    const app = makeApplication();
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(WorkflowError);
        expect((e as WorkflowError).messageZh).toMatch(/[\u4e00-\u9fa5]/);
        return (e as WorkflowError).code;
      }
      return 'no error';
    };
    expect(codeOf(() => applyTransition(app, 'archived', 'x', '2026-11-27T10:00:00+08:00'))).toBe(
      'invalid_transition',
    );
    expect(codeOf(() => applyTransition(app, 'flying', 'x', '2026-11-27T10:00:00+08:00'))).toBe(
      'unknown_state',
    );
    expect(
      codeOf(() => applyTransition(app, 'construction', 'x', '2026-11-25T10:00:00+08:00')),
    ).toBe('time_order');
    const cancelled = applyTransition(
      app,
      'cancelled',
      'x',
      '2026-11-27T10:00:00+08:00',
      '客户撤回',
    );
    expect(
      codeOf(() => applyTransition(cancelled, 'construction', 'x', '2026-11-28T10:00:00+08:00')),
    ).toBe('terminal_state');
    const unknown = { ...makeApplication(), businessCode: '000', workflowPath: undefined };
    expect(
      codeOf(() => applyTransition(unknown, 'construction', 'x', '2026-11-27T10:00:00+08:00')),
    ).toBe('unknown_path');
  });

  it('falls back to the catalogue path when the application does not store one', () => {
    const app = {
      ...makeApplication({ businessCode: '102', customerKind: 'resident' }),
      workflowPath: undefined,
    };
    expect(applyTransition(app, 'scheme_reply', 'x', '2026-11-27T10:00:00+08:00').status).toBe(
      'scheme_reply',
    );
  });
});

describe('deadlines and overdue', () => {
  it('computes the whole-process deadline in working days', () => {
    // Thu 2026-11-26 + 5 WD = Thu 2026-12-03
    expect(computeDeadline(type('101'), {}, '2026-11-26T09:30:00+08:00', cal)).toBe('2026-12-03');
    // accepted late in the evening UTC is the next day in Shanghai
    expect(computeDeadline(type('101'), {}, '2026-11-26T17:00:00Z', cal)).toBe('2026-12-04');
    // over the 2026 National Day holiday: Wed 09-30 + 5 WD → 10-08, 09, 10 (Sat make-up), 12, 13
    expect(computeDeadline(type('101'), {}, '2026-09-30T10:00:00+08:00', cal)).toBe('2026-10-13');
    expect(
      computeDeadline(type('104'), { powerSources: 'dual' }, '2026-08-03T10:00:00+08:00', cal),
    ).toBe(cal.addWorkingDays('2026-08-03', 32));
    // 32 WD from late November runs into 2027, whose schedule is not loaded: say so, never guess.
    expect(() =>
      computeDeadline(type('104'), { powerSources: 'dual' }, '2026-11-26T10:00:00+08:00', cal),
    ).toThrow(CalendarMissingYearError);
    expect(
      tryComputeDeadline(type('104'), { powerSources: 'dual' }, '2026-11-26T10:00:00+08:00', cal),
    ).toMatchObject({
      ok: false,
      missingYear: 2027,
      message: '缺少 2027 年节假日安排，请联系中心更新日历',
    });
    expect(tryComputeDeadline(type('101'), {}, '2026-11-26T10:00:00+08:00', cal)).toEqual({
      ok: true,
      deadline: '2026-12-03',
    });
    expect(computeDeadline(type('101'), {}, '2026-11-26T10:00:00+08:00', cal, { '101': 2 })).toBe(
      '2026-11-30',
    );
  });

  it('flags open applications past the deadline, never finished ones', () => {
    const app = makeApplication();
    expect(app.deadline).toBe('2026-12-03');
    expect(isOverdue(app, '2026-12-03')).toBe(false);
    expect(isOverdue(app, '2026-12-04')).toBe(true);
    expect(isOverdue({ ...app, status: 'archived' }, '2027-01-04')).toBe(false);
    expect(workingDaysLeft(app, '2026-11-26', cal)).toBe(5);
    expect(workingDaysLeft(app, '2026-12-07', cal)).toBe(-2);
  });

  it('builds the stage timeline with arrival, completion, deadline and overdue', () => {
    let app = makeApplication({
      businessCode: '102',
      customerKind: 'resident',
      fields: { voltageLevel: '380V', capacity: 50, electricityCategory: 'general_commercial' },
    });
    // accepted Thu 11-26 (limit 1 → 11-27); left Mon 11-30: late
    app = applyTransition(app, 'scheme_reply', 'centre', '2026-11-30T10:00:00+08:00');
    const tl = stageTimeline(app, type('102'), cal, '2026-12-01');
    expect(tl.map((s) => [s.code, s.state, s.deadline, s.overdue])).toEqual([
      ['accepted', 'done', '2026-11-27', true],
      ['scheme_reply', 'current', '2026-12-01', false],
      ['meter_install', 'pending', undefined, false],
    ]);
    expect(tl[1]?.label).toBe('方案答复');
    const later = stageTimeline(app, type('102'), cal, '2026-12-03');
    expect(later[1]?.overdue).toBe(true);
  });

  it('marks a skipped change-path survey as skipped', () => {
    let app = makeApplication({
      businessCode: '207',
      customer: { accountNo: '0123456789' },
      fields: { meterPosition: '楼道东侧' },
    });
    app = applyTransition(app, 'execution', 'centre', '2026-11-27T10:00:00+08:00');
    const t = type('207');
    const tl = stageTimeline(app, t, cal, '2026-11-27');
    expect(tl.map((s) => s.state)).toEqual(['done', 'skipped', 'current']);
  });
});

describe('important-customer stages', () => {
  it('an application already in design review can move on after the flag is cleared', () => {
    expect(allowedTransitions('high', 'design_review')).toEqual([
      'completion_inspection',
      'cancelled',
      'rejected',
    ]);
  });
});
