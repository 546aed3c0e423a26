// Returns (退回/补正) by the back office: an application sent back to a stage it has already been
// through (e.g. to 受理 for missing documents), with a configured reason code. The forward moves
// stay in workflow.ts; a return is the only way back and always carries a reason.
import type { Catalogue } from './catalogue';
import type { Application, Transition } from './model';
import { WORKFLOW_PATHS, isTerminal, stateLabel, type WorkflowState } from './paths';
import type { ReturnReason } from './settings';
import { WorkflowError, allowedTransitions, isImportantCustomer, pathOf } from './workflow';

/**
 * Stages an application may be returned to: the stages of its path before the current one that
 * its history shows it entered, nearest first. None from a terminal state.
 */
export function allowedReturns(app: Application, catalogue?: Catalogue): WorkflowState[] {
  if (isTerminal(app.status)) return [];
  const steps = WORKFLOW_PATHS[pathOf(app, catalogue)].steps.map((s) => s.state);
  const here = steps.indexOf(app.status as WorkflowState);
  if (here <= 0) return [];
  const entered = new Set(app.history.map((t) => t.to));
  return steps
    .slice(0, here)
    .filter((s) => entered.has(s))
    .reverse();
}

export interface NextStates {
  /** Forward moves and the ends (archive, cancel, reject) the workflow allows. */
  forward: WorkflowState[];
  /** Earlier stages the application may be returned to (needs a reason code). */
  returns: WorkflowState[];
}

export function nextStates(app: Application, catalogue?: Catalogue): NextStates {
  const path = pathOf(app, catalogue);
  return {
    forward: allowedTransitions(path, app.status, {
      important: isImportantCustomer(app, catalogue),
    }),
    returns: allowedReturns(app, catalogue),
  };
}

/**
 * Returns the application to `to` with a reason from `reasons`; throws WorkflowError when `to` is
 * not an allowed return, the reason is unknown, or `at` is before the last move.
 */
export function applyReturn(
  app: Application,
  to: string,
  reasonCode: string | undefined,
  reasons: readonly ReturnReason[],
  actor: string,
  at: string,
  note: string | undefined,
  catalogue?: Catalogue,
): Application {
  const path = pathOf(app, catalogue);
  if (!allowedReturns(app, catalogue).includes(to as WorkflowState))
    throw new WorkflowError(
      'invalid_transition',
      `不能从“${stateLabel(app.status, 'zh', path)}”退回到“${stateLabel(to, 'zh', path)}”`,
      `Cannot return from "${stateLabel(app.status, 'en', path)}" to "${stateLabel(to, 'en', path)}"`,
    );
  const reason = reasons.find((r) => r.code === reasonCode);
  if (!reason)
    throw new WorkflowError(
      'invalid_transition',
      `退回需要选择原因（可选：${reasons.map((r) => `${r.code} ${r.label}`).join('、')}）`,
      `A return needs a reason code (one of: ${reasons.map((r) => r.code).join(', ')})`,
    );
  const last = app.history[app.history.length - 1];
  if (last && Date.parse(at) < Date.parse(last.at))
    throw new WorkflowError(
      'time_order',
      '流转时间早于上一环节',
      'The transition time is before the previous one',
    );
  const t: Transition = {
    from: app.status,
    to,
    at,
    actor,
    reasonCode: reason.code,
    ...(note ? { note } : {}),
  };
  return { ...app, status: to, history: [...app.history, t], updatedAt: at };
}
