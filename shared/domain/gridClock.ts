// The grid side's clock of an application (issue 12 §7): time limits such as "high voltage,
// single supply: 22 working days" count the supply company's own stages only. While the customer
// does their part (design, construction, signing and paying) the clock stops: the back office
// records those stretches as customer pauses, and every deadline moves by the working days they
// took. Stage limits are budgets inside the total (catalogue.ts checks that they fit).
import type { BusinessType } from './catalogue';
import { resolveLimits } from './catalogue';
import { type WorkCalendar } from './calendar';
import type { Application, CustomerPause } from './model';
import { isTerminal } from './paths';

export class CustomerPauseError extends Error {
  constructor(
    readonly code:
      'already_paused' | 'not_paused' | 'terminal_state' | 'not_taken_up' | 'time_order',
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(messageZh);
    this.name = 'CustomerPauseError';
  }
}

/** The pause still running (the customer has not handed back yet), if any. */
export function openPause(app: Pick<Application, 'customerPauses'>): CustomerPause | undefined {
  return (app.customerPauses ?? []).find((p) => p.to === undefined);
}

/**
 * Working days the clock stood still: for each pause, the working days after the day it began up
 * to and including the day it ended (an open pause up to `today`). Only pauses that began inside
 * [fromIso, untilIso) when given (a stage's own pauses).
 */
export function pausedWorkingDays(
  pauses: readonly CustomerPause[] | undefined,
  calendar: WorkCalendar,
  today: string,
  within?: { fromIso?: string; untilIso?: string },
): number {
  let n = 0;
  for (const p of pauses ?? []) {
    const t = Date.parse(p.from);
    if (within?.fromIso && t < Date.parse(within.fromIso)) continue;
    if (within?.untilIso && t >= Date.parse(within.untilIso)) continue;
    const end = p.to ? calendar.dateOf(p.to) : today;
    n += Math.max(0, calendar.workingDaysBetween(calendar.dateOf(p.from), end));
  }
  return n;
}

/**
 * The whole-process deadline: the acceptance day plus the type's limit plus the working days of
 * the customer's finished parts. (While a part is open the deadline is not yet known; the stored
 * one is kept and isOverdue() does not count the application as late.)
 */
export function gridDeadline(
  app: Pick<Application, 'acceptedAt' | 'customerPauses' | 'fields'>,
  type: BusinessType,
  calendar: WorkCalendar,
  overridesByCode: Record<string, number> = {},
): string {
  const { totalLimitWd } = resolveLimits(type, app.fields, overridesByCode);
  const closed = (app.customerPauses ?? []).filter((p) => p.to !== undefined);
  const acceptDay = calendar.dateOf(app.acceptedAt);
  return calendar.addWorkingDays(
    acceptDay,
    totalLimitWd + pausedWorkingDays(closed, calendar, acceptDay),
  );
}

export interface WholeProcessClock {
  limitWd: number;
  /** Grid-side working days used so far (until archive, or today). */
  usedWd: number;
  /** The customer is doing their part now: the clock stands still. */
  paused: boolean;
  overdue: boolean;
}

/** How much of the whole-process limit the grid side has used. */
export function wholeProcessClock(
  app: Application,
  type: BusinessType,
  calendar: WorkCalendar,
  today: string,
  overridesByCode: Record<string, number> = {},
): WholeProcessClock {
  const { totalLimitWd } = resolveLimits(type, app.fields, overridesByCode);
  const acceptDay = calendar.dateOf(app.acceptedAt);
  const last = app.history[app.history.length - 1];
  const endDay = isTerminal(app.status) && last ? calendar.dateOf(last.at) : today;
  const used =
    calendar.workingDaysBetween(acceptDay, endDay) -
    pausedWorkingDays(app.customerPauses, calendar, endDay);
  const paused = openPause(app) !== undefined;
  return {
    limitWd: totalLimitWd,
    usedWd: Math.max(0, used),
    paused,
    overdue: !paused && used > totalLimitWd,
  };
}

/** Starts the customer's part (the back office hands the application to the customer). */
export function startCustomerPart(
  app: Application,
  at: string,
  actor: string,
  note?: string,
): Application {
  if (isTerminal(app.status))
    throw new CustomerPauseError(
      'terminal_state',
      '申请已结束，不能再暂停计时',
      'The application is closed',
    );
  if (app.status === 'accepted')
    throw new CustomerPauseError(
      'not_taken_up',
      '申请尚未进入后台流程，不能暂停计时',
      'The back office has not taken the application up yet',
    );
  if (openPause(app))
    throw new CustomerPauseError(
      'already_paused',
      '客户环节已在计时暂停中',
      'Already paused for the customer',
    );
  const last = [...(app.customerPauses ?? [])].pop();
  if (last?.to && Date.parse(at) < Date.parse(last.to))
    throw new CustomerPauseError(
      'time_order',
      '暂停时间早于上一次恢复',
      'Pause before the last resume',
    );
  const pause: CustomerPause = note === undefined ? { from: at, actor } : { from: at, actor, note };
  return { ...app, customerPauses: [...(app.customerPauses ?? []), pause], updatedAt: at };
}

/**
 * Ends the customer's part (they handed in their drawings, finished building, paid): the clock
 * runs again and the whole-process deadline moves by the working days the part took.
 */
export function endCustomerPart(
  app: Application,
  at: string,
  type: BusinessType,
  calendar: WorkCalendar,
  overridesByCode: Record<string, number> = {},
): Application {
  const open = openPause(app);
  if (!open)
    throw new CustomerPauseError(
      'not_paused',
      '当前没有暂停计时的客户环节',
      'No customer part is open',
    );
  const to = Date.parse(at) < Date.parse(open.from) ? open.from : at;
  const customerPauses = (app.customerPauses ?? []).map((p) => (p === open ? { ...p, to } : p));
  const next = { ...app, customerPauses, updatedAt: at };
  return { ...next, deadline: gridDeadline(next, type, calendar, overridesByCode) };
}
