// 一户多人口: the extra allowance and its validity are data with an expiry the desk tracks.
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  allowanceOf,
  allowancesToRenew,
} from '../../../shared/domain/householdAllowance';
import { defaultSettings, loadSettings } from '../../../shared/domain/settings';
import { applyTransition } from '../../../shared/domain/workflow';
import { makeApplication } from './factories';

function archivedOn(day: string, name = '王建国') {
  let app = makeApplication({
    businessCode: '307',
    customer: { accountNo: '0123456789', name },
    fields: { householdSize: 6, registerKind: 'household_register' },
    acceptedAt: `${day}T09:00:00+08:00`,
  });
  app = applyTransition(app, 'execution', 'centre', `${day}T10:00:00+08:00`);
  return applyTransition(app, 'archived', 'centre', `${day}T11:00:00+08:00`);
}

describe('一户多人口 allowance', () => {
  it('comes from configuration: +100 kWh per tier, 24 months, reminder 30 days before', () => {
    expect(defaultSettings.multiPersonHousehold).toMatchObject({
      businessCode: '307',
      extraKwhPerTier: 100,
      validityMonths: 24,
      remindDaysBefore: 30,
    });
    // Older settings documents without the section still load, with the defaults.
    const { multiPersonHousehold: _m, ...older } = defaultSettings;
    expect(loadSettings(older).multiPersonHousehold.validityMonths).toBe(24);
  });

  it('runs two years from the day the change was carried out', () => {
    const a = allowanceOf(archivedOn('2026-03-02'), defaultSettings, '2026-12-07');
    expect(a).toMatchObject({
      validFrom: '2026-03-02',
      validUntil: '2028-03-01',
      extraKwhPerTier: 100,
      householdSize: 6,
      state: 'valid',
    });
  });

  it('is pending until carried out, and not one for other business types', () => {
    const open = makeApplication({
      businessCode: '307',
      customer: { accountNo: '0123456789' },
      fields: { householdSize: 5, registerKind: 'household_register' },
    });
    expect(allowanceOf(open, defaultSettings, '2026-12-07')?.state).toBe('pending');
    expect(
      allowanceOf(makeApplication({ businessCode: '101' }), defaultSettings, '2026-12-07'),
    ).toBe(null);
  });

  it('lists the ones lapsing within the reminder window and the lapsed, soonest first', () => {
    const apps = [
      archivedOn('2025-02-10', '甲'), // until 2027-02-09: 4 days left → expiring
      archivedOn('2025-01-06', '乙'), // until 2027-01-05: lapsed
      archivedOn('2025-06-02', '丙'), // until 2027-06-01: valid
    ];
    const list = allowancesToRenew(apps, defaultSettings, '2027-02-05');
    expect(list.map((a) => [a.customerName, a.state, a.validUntil, a.daysLeft])).toEqual([
      ['乙', 'expired', '2027-01-05', -31],
      ['甲', 'expiring', '2027-02-09', 4],
    ]);
  });

  it('adds months at month ends', () => {
    expect(addMonths('2024-02-29', 24)).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 2)).toBe('2027-01-15');
  });
});
