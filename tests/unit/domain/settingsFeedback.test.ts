// Hall settings (schema, defaults, merge) and feedback due dates / overdue flags.
import { describe, expect, it } from 'vitest';
import settingsJson from '../../../shared/config/settings.json';
import {
  SettingsError,
  defaultSettings,
  loadSettings,
  mergeSettings,
} from '../../../shared/domain/settings';
import {
  computeFeedbackDue,
  feedbackOverdue,
  isFeedbackOverdue,
} from '../../../shared/domain/feedback';
import { defaultCalendar as cal } from '../../../shared/domain/calendar';
import { makeFeedback } from './factories';

describe('hall settings', () => {
  it('ships sensible defaults', () => {
    expect(defaultSettings.accountNo.length).toBe(10);
    expect(defaultSettings.capacityLimits['220V']).toEqual({ min: 0.1, max: 16, unit: 'kW' });
    expect(defaultSettings.feedbackLimits.complaint).toEqual({ firstContactWd: 1, replyWd: 7 });
    expect(defaultSettings.minorAge).toBe(18);
  });

  it('rejects bad data with every problem listed', () => {
    const bad = {
      ...structuredClone(settingsJson),
      accountNo: { length: 2 },
      capacityLimits: { '220V': { min: 20, max: 10, unit: 'kW' } },
    };
    try {
      loadSettings(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SettingsError);
      const err = e as SettingsError;
      expect(err.issues.length).toBeGreaterThanOrEqual(2);
      expect(err.messageZh).toMatch(/^营业厅配置无效/);
    }
    expect(() => loadSettings(null)).toThrow(SettingsError);
  });

  it('merges a partial update section by section', () => {
    const merged = mergeSettings(defaultSettings, {
      accountNo: { length: 12 },
      feedbackLimits: { complaint: { firstContactWd: 2, replyWd: 5 } },
    });
    expect(merged.accountNo.length).toBe(12);
    expect(merged.feedbackLimits.complaint.replyWd).toBe(5);
    expect(merged.feedbackLimits.praise).toEqual(defaultSettings.feedbackLimits.praise);
    expect(merged.capacityLimits).toEqual(defaultSettings.capacityLimits);
    expect(() => mergeSettings(defaultSettings, { accountNo: { length: 'x' } })).toThrow(
      SettingsError,
    );
  });
});

describe('feedback due dates', () => {
  it('counts working days after acceptance per kind', () => {
    // Thu 2026-11-26: first contact Fri 11-27, reply 7 WD → Mon 12-07
    expect(
      computeFeedbackDue('complaint', '2026-11-26T10:00:00+08:00', defaultSettings, cal),
    ).toEqual({ firstContactDue: '2026-11-27', replyDue: '2026-12-07' });
    expect(
      computeFeedbackDue('consultation', '2026-11-26T10:00:00+08:00', defaultSettings, cal)
        .replyDue,
    ).toBe('2026-12-01');
    // Accepted on the eve of the 2026 Spring Festival (Fri 02-13): first contact on make-up Saturday 02-14
    expect(
      computeFeedbackDue('complaint', '2026-02-13T16:00:00+08:00', defaultSettings, cal),
    ).toEqual({ firstContactDue: '2026-02-14', replyDue: '2026-03-02' });
  });

  it('follows configured limits', () => {
    const s = mergeSettings(defaultSettings, {
      feedbackLimits: { complaint: { firstContactWd: 0, replyWd: 3 } },
    });
    expect(computeFeedbackDue('complaint', '2026-11-26T10:00:00+08:00', s, cal)).toEqual({
      firstContactDue: '2026-11-26',
      replyDue: '2026-12-01',
    });
  });

  it('flags late contact and reply, and keeps late answers flagged', () => {
    const fb = makeFeedback();
    expect(fb.firstContactDue).toBe('2026-11-27');
    expect(feedbackOverdue(fb, '2026-11-27')).toEqual({
      firstContactOverdue: false,
      replyOverdue: false,
    });
    expect(feedbackOverdue(fb, '2026-11-30')).toEqual({
      firstContactOverdue: true,
      replyOverdue: false,
    });
    const contacted = {
      ...fb,
      status: 'contacted' as const,
      firstContactAt: '2026-11-27T09:00:00+08:00',
    };
    expect(feedbackOverdue(contacted, '2026-12-08')).toEqual({
      firstContactOverdue: false,
      replyOverdue: true,
    });
    const repliedLate = {
      ...contacted,
      status: 'replied' as const,
      repliedAt: '2026-12-08T09:00:00+08:00',
    };
    expect(feedbackOverdue(repliedLate, '2026-12-20')).toEqual({
      firstContactOverdue: false,
      replyOverdue: true,
    });
    const repliedOnTime = {
      ...contacted,
      status: 'replied' as const,
      repliedAt: '2026-12-07T17:00:00+08:00',
    };
    expect(isFeedbackOverdue(repliedOnTime, '2026-12-20')).toBe(false);
  });
});
