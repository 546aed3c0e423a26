// The back office's use of the shared workflow rules (shared/domain/workflow.ts, returns.ts): a
// move asked for over the API, the CLI or the workbench, with the centre's catalogue and settings,
// mapped onto API errors that list the states the application may move to.
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
import { applyReturn, nextStates } from '../../shared/domain/returns';
import {
  defaultSettings,
  loadSettings,
  type WorkbenchSettings,
} from '../../shared/domain/settings';
import {
  WorkflowError,
  applyTransition,
  isTerminal,
  pathOf,
  stateLabel,
} from '../../shared/domain/workflow';
import type { TransitionRequest } from '../../shared/protocol';
import type { NextStateOut } from '../../shared/protocol/workbench';
import { fail } from './errors';

export function isOpenStatus(status: string): boolean {
  return !isTerminal(status);
}

export function catalogueFrom(data: unknown): Catalogue {
  if (data === undefined) return defaultCatalogue;
  try {
    return loadCatalogue(data);
  } catch {
    // The stored catalogue was validated when written; a newer build may read it differently.
    return defaultCatalogue;
  }
}

/** The workbench part of the stored settings (defaults when none or unreadable). */
export function workbenchSettingsFrom(data: unknown): WorkbenchSettings {
  if (data === undefined) return defaultSettings.workbench;
  try {
    return loadSettings(data).workbench;
  } catch {
    return defaultSettings.workbench;
  }
}

/** The states an application may move to, labelled, in the order the UI offers them. */
export function nextStatesOut(app: Application, catalogue: Catalogue): NextStateOut[] {
  let next: ReturnType<typeof nextStates>;
  let path: ReturnType<typeof pathOf>;
  try {
    next = nextStates(app, catalogue);
    path = pathOf(app, catalogue);
  } catch (err) {
    if (err instanceof WorkflowError) return [];
    throw err;
  }
  const out = (state: string, kind: NextStateOut['kind']): NextStateOut => ({
    state,
    label: stateLabel(state, 'zh', path),
    labelEn: stateLabel(state, 'en', path),
    kind,
  });
  return [
    ...next.forward.map((s) =>
      out(s, s === 'archived' || s === 'cancelled' || s === 'rejected' ? 'end' : 'forward'),
    ),
    ...next.returns.map((s) => out(s, 'return')),
  ];
}

/**
 * Applies a back-office move: the customer's part of a stage (clock paused/resumed), a forward
 * move or end by the workflow, or a return (退回/补正) to an earlier stage with a configured reason
 * code. A workflow refusal is E_INVALID_TRANSITION whose message and details list the allowed
 * states; the caller's transaction then writes nothing.
 */
export function applyBackOfficeTransition(
  app: Application,
  req: TransitionRequest & { reasonCode?: string | undefined },
  now: string,
  catalogueData: unknown,
  calendar: WorkCalendar,
  overridesByCode: Record<string, number> = {},
  settingsData?: unknown,
): Application {
  // Desk clocks can be ahead of the centre's: never record a move before the previous one.
  const last = app.history[app.history.length - 1];
  const at = last && Date.parse(last.at) > Date.parse(now) ? last.at : now;
  const catalogue = catalogueFrom(catalogueData);
  const type = findBusinessType(catalogue, app.businessCode);
  const allowed = nextStatesOut(app, catalogue);
  try {
    if (
      req.reasonCode !== undefined &&
      !allowed.some((n) => n.kind === 'return' && n.state === req.to)
    ) {
      fail(
        'E_VALIDATION',
        `原因代码只用于退回 (a reason code is for a return only): ${req.reasonCode}`,
      );
    }
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
    // Moving on (or back) means the customer has done their part: the clock runs again first.
    const resumed =
      openPause(app) && type ? endCustomerPart(app, at, type, calendar, overridesByCode) : app;
    if (allowed.some((n) => n.kind === 'return' && n.state === req.to)) {
      const { returnReasons } = workbenchSettingsFrom(settingsData);
      return applyReturn(
        resumed,
        req.to,
        req.reasonCode,
        returnReasons,
        req.actor,
        at,
        req.note,
        catalogue,
      );
    }
    return applyTransition(resumed, req.to, req.actor, at, req.note, { catalogue });
  } catch (err) {
    if (err instanceof WorkflowError) {
      const list = allowed.map((n) => `${n.state} ${n.label}`).join('、') || '无 (none)';
      fail('E_INVALID_TRANSITION', `${err.messageZh} (${err.messageEn})；可选 (allowed): ${list}`, {
        workflowCode: err.code,
        allowed: allowed.map((n) => n.state),
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
