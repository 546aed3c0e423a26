// 一户多人口 (households of 5 or more people): the extra allowance per tariff tier is granted for a
// limited time (two years in one province's rule; settings.multiPersonHousehold). The allowance
// runs from the day the change was carried out (the application archived) and the desk lists the
// ones about to lapse, so that the hall can remind the customer to renew in time.
import { addDays, businessDate } from './calendar';
import type { Application } from './model';
import type { HallSettings } from './settings';

export type AllowanceState = 'pending' | 'valid' | 'expiring' | 'expired';

export interface HouseholdAllowance {
  applicationId: string;
  appNo: string;
  customerName: string;
  householdSize: number | null;
  extraKwhPerTier: number;
  /** YYYY-MM-DD; absent while the change has not been carried out. */
  validFrom?: string;
  /** Last day the allowance applies (YYYY-MM-DD). */
  validUntil?: string;
  /** Calendar days from today to validUntil (negative once lapsed). */
  daysLeft?: number;
  state: AllowanceState;
}

/** `date` plus whole months, clamped to the month's end (2024-02-29 + 24 months → 2026-02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** The allowance an application grants, or null when it is not a 一户多人口 application. */
export function allowanceOf(
  app: Application,
  settings: Pick<HallSettings, 'multiPersonHousehold'> & Partial<Pick<HallSettings, 'timeZone'>>,
  today: string,
): HouseholdAllowance | null {
  const rule = settings.multiPersonHousehold;
  if (app.businessCode !== rule.businessCode) return null;
  if (app.status === 'cancelled' || app.status === 'rejected') return null;
  const size = app.fields.householdSize;
  const base: HouseholdAllowance = {
    applicationId: app.id,
    appNo: app.appNo,
    customerName: app.customer.name,
    householdSize: typeof size === 'number' ? size : null,
    extraKwhPerTier: rule.extraKwhPerTier,
    state: 'pending',
  };
  const done = app.status === 'archived' ? app.history.findLast((t) => t.to === 'archived') : null;
  if (!done) return base;
  const validFrom = businessDate(done.at, settings.timeZone);
  const validUntil = addDays(addMonths(validFrom, rule.validityMonths), -1);
  const daysLeft = daysBetween(today, validUntil);
  const state: AllowanceState =
    daysLeft < 0 ? 'expired' : daysLeft <= rule.remindDaysBefore ? 'expiring' : 'valid';
  return { ...base, validFrom, validUntil, daysLeft, state };
}

/** Allowances about to lapse or lapsed, soonest first: the desk's reminder list. */
export function allowancesToRenew(
  apps: readonly Application[],
  settings: Pick<HallSettings, 'multiPersonHousehold'> & Partial<Pick<HallSettings, 'timeZone'>>,
  today: string,
): HouseholdAllowance[] {
  return apps
    .map((a) => allowanceOf(a, settings, today))
    .filter(
      (a): a is HouseholdAllowance =>
        a !== null && (a.state === 'expiring' || a.state === 'expired'),
    )
    .sort((a, b) => (a.validUntil ?? '').localeCompare(b.validUntil ?? ''));
}
