// The back office's use of the shared workflow rules (shared/domain/workflow.ts): a transition
// asked for over the API or the CLI, with the centre's catalogue, mapped onto API errors.
import type { WorkCalendar } from '../../shared/domain/calendar';
import type { Catalogue } from '../../shared/domain/catalogue';
import { defaultCatalogue, findBusinessType, loadCatalogue } from '../../shared/domain/catalogue';
import {
  CustomerPauseError,
  endCustomerPart,
  openPause,
  startCustomerPart,
} from '../../shared/domain/gridClock';
import type { Application } from '../../shared/domain/model';
import { WorkflowError, applyTransition, isTerminal } from '../../shared/domain/workflow';
import type { TransitionRequest } from '../../shared/protocol';
import { fail } from './errors';

export function isOpenStatus(status: string): boolean {
  return !isTerminal(status);
}

function catalogueFrom(data: unknown): Catalogue {
  if (data === undefined) return defaultCatalogue;
  try {
    return loadCatalogue(data);
  } catch {
    // The stored catalogue was validated when written; a newer build may read it differently.
    return defaultCatalogue;
  }
}

export function applyBackOfficeTransition(
  app: Application,
  req: TransitionRequest,
  now: string,
  catalogueData: unknown,
  calendar: WorkCalendar,
  overridesByCode: Record<string, number> = {},
): Application {
  // Desk clocks can be ahead of the centre's: never record a move before the previous one.
  const last = app.history[app.history.length - 1];
  const at = last && Date.parse(last.at) > Date.parse(now) ? last.at : now;
  const catalogue = catalogueFrom(catalogueData);
  const type = findBusinessType(catalogue, app.businessCode);
  try {
    if (req.customerPart) {
      if (req.to !== app.status)
        fail(
          'E_INVALID_TRANSITION',
          `登记客户环节时状态应为当前状态 ${app.status} (customerPart keeps the current state)`,
        );
      if (req.customerPart === 'start') return startCustomerPart(app, at, req.actor, req.note);
      if (!type) fail('E_INVALID_TRANSITION', `未知业务类型 ${app.businessCode}`);
      return endCustomerPart(app, at, type, calendar, overridesByCode);
    }
    // Moving on means the customer has done their part: the clock runs again first.
    const resumed =
      openPause(app) && type ? endCustomerPart(app, at, type, calendar, overridesByCode) : app;
    return applyTransition(resumed, req.to, req.actor, at, req.note, { catalogue });
  } catch (err) {
    if (err instanceof WorkflowError) {
      fail('E_INVALID_TRANSITION', `${err.messageZh} (${err.messageEn})`, {
        workflowCode: err.code,
      });
    }
    if (err instanceof CustomerPauseError) {
      fail('E_INVALID_TRANSITION', `${err.messageZh} (${err.messageEn})`, {
        workflowCode: err.code,
      });
    }
    throw err;
  }
}
