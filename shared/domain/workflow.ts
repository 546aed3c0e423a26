// Workflow after acceptance: states per path (low-voltage 2/3 stages, high voltage, account change,
// service), allowed transitions, recording each move with time and actor, stage deadlines in working
// days and overdue checks. Pure functions: an Application in, a new Application out.
import type { Application, Transition } from './model';
import type { BusinessType, Catalogue, WorkflowPathId } from './catalogue';
import {
  WorkflowPathId as WorkflowPathIdSchema,
  defaultCatalogue,
  findBusinessType,
  resolveLimits,
} from './catalogue';
import {
  WORKFLOW_PATHS,
  isTerminal,
  isWorkflowState,
  stateLabel,
  type WorkflowState,
} from './paths';
import { CalendarMissingYearError, type WorkCalendar } from './calendar';
import { pausedWorkingDays } from './gridClock';

export {
  STATE_LABELS,
  TERMINAL_STATES,
  WORKFLOW_PATHS,
  isOverdue,
  isTerminal,
  isWorkflowState,
  pathStageCodes,
  stateLabel,
} from './paths';
export type { WorkflowState, PathStep, WorkflowPathDef } from './paths';

export const INITIAL_STATE: WorkflowState = 'accepted';

export type WorkflowErrorCode =
  'unknown_path' | 'unknown_state' | 'terminal_state' | 'invalid_transition' | 'time_order';

/** A transition that the workflow does not allow; carries zh/en messages for the UI and API. */
export class WorkflowError extends Error {
  constructor(
    readonly code: WorkflowErrorCode,
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(messageZh);
    this.name = 'WorkflowError';
  }
}

export interface TransitionContext {
  /** 重要电力用户: design review and mid inspection apply (high-voltage path). */
  important?: boolean;
}

/**
 * States reachable from `from` on a path: the next stage (an 'important' stage only for important
 * customers, a 'skippable' stage or the one after it), archive after the last stage, and cancel or
 * reject from any non-terminal state. Terminal states have none.
 */
export function allowedTransitions(
  path: WorkflowPathId,
  from: string,
  ctx: TransitionContext = {},
): WorkflowState[] {
  if (isTerminal(from)) return [];
  // Positions come from the full path so an application already in an 'important' stage can
  // still move on if the flag was cleared after it got there.
  const steps = WORKFLOW_PATHS[path].steps;
  const i = steps.findIndex((s) => s.state === from);
  if (i < 0) return [];
  const next: WorkflowState[] = [];
  for (let j = i + 1; j <= steps.length; j++) {
    const step = steps[j];
    if (!step) {
      next.push('archived');
      break;
    }
    if (step.when === 'important' && ctx.important !== true) continue;
    next.push(step.state);
    if (step.when !== 'skippable') break;
  }
  next.push('cancelled', 'rejected');
  return next;
}

/**
 * Whether the application is for an important customer (重要电力用户): the type's field with the
 * 'importantCustomer' role, or a field keyed importantCustomer when the type is unknown.
 */
export function isImportantCustomer(
  app: Application,
  catalogue: Catalogue = defaultCatalogue,
): boolean {
  const type = findBusinessType(catalogue, app.businessCode);
  const key = type?.fields.find((f) => f.role === 'importantCustomer')?.key ?? 'importantCustomer';
  return app.fields[key] === true;
}

/** The path of an application: stored on it, else from the catalogue by business code. */
export function pathOf(app: Application, catalogue: Catalogue = defaultCatalogue): WorkflowPathId {
  const stored = WorkflowPathIdSchema.safeParse(app.workflowPath);
  if (stored.success) return stored.data;
  const type = findBusinessType(catalogue, app.businessCode);
  if (!type)
    throw new WorkflowError(
      'unknown_path',
      `未知业务类型 ${app.businessCode}，无法确定流程`,
      `Unknown business type ${app.businessCode}: no workflow path`,
    );
  return type.workflow;
}

/** The first history entry of a newly accepted application. */
export function initialHistory(actor: string, at: string): Transition[] {
  return [{ from: null, to: INITIAL_STATE, at, actor }];
}

/**
 * Moves an application to `to`, appending the transition to its history. Throws WorkflowError when
 * the move is not allowed or `at` is before the last recorded move (history stays in time order).
 */
export function applyTransition(
  app: Application,
  to: string,
  actor: string,
  at: string,
  note?: string,
  opts: { path?: WorkflowPathId; catalogue?: Catalogue; important?: boolean } = {},
): Application {
  const path = opts.path ?? pathOf(app, opts.catalogue);
  if (!isWorkflowState(to))
    throw new WorkflowError('unknown_state', `未知状态：${to}`, `Unknown state: ${to}`);
  if (isTerminal(app.status))
    throw new WorkflowError(
      'terminal_state',
      `申请已${stateLabel(app.status)}，不能再变更状态`,
      `The application is ${stateLabel(app.status, 'en').toLowerCase()}: its state cannot change`,
    );
  const allowed = allowedTransitions(path, app.status, {
    important: opts.important ?? isImportantCustomer(app, opts.catalogue),
  });
  if (!allowed.includes(to))
    throw new WorkflowError(
      'invalid_transition',
      `不能从“${stateLabel(app.status, 'zh', path)}”转到“${stateLabel(to, 'zh', path)}”`,
      `Cannot move from "${stateLabel(app.status, 'en', path)}" to "${stateLabel(to, 'en', path)}"`,
    );
  const last = app.history[app.history.length - 1];
  if (last && Date.parse(at) < Date.parse(last.at))
    throw new WorkflowError(
      'time_order',
      '流转时间早于上一环节',
      'The transition time is before the previous one',
    );
  const t: Transition =
    note === undefined
      ? { from: app.status, to, at, actor }
      : { from: app.status, to, at, actor, note };
  return { ...app, status: to, history: [...app.history, t], updatedAt: at };
}

/** Whole-process deadline (YYYY-MM-DD): the n-th working day after the acceptance day. */
export function computeDeadline(
  type: BusinessType,
  fields: Application['fields'],
  acceptedAt: string,
  calendar: WorkCalendar,
  overridesByCode: Record<string, number> = {},
): string {
  const { totalLimitWd } = resolveLimits(type, fields, overridesByCode);
  return calendar.addWorkingDays(calendar.dateOf(acceptedAt), totalLimitWd);
}

export type DeadlineResult =
  | { ok: true; deadline: string }
  | {
      ok: false;
      code: 'calendar_missing_year';
      missingYear: number;
      message: string;
      messageEn: string;
    };

/**
 * computeDeadline without throwing for a missing calendar year: the desk shows the message (and
 * may block or defer submission) instead of storing a guessed date.
 */
export function tryComputeDeadline(
  type: BusinessType,
  fields: Application['fields'],
  acceptedAt: string,
  calendar: WorkCalendar,
  overridesByCode: Record<string, number> = {},
): DeadlineResult {
  try {
    return {
      ok: true,
      deadline: computeDeadline(type, fields, acceptedAt, calendar, overridesByCode),
    };
  } catch (e) {
    if (!(e instanceof CalendarMissingYearError)) throw e;
    return {
      ok: false,
      code: e.code,
      missingYear: e.year,
      message: e.messageZh,
      messageEn: e.messageEn,
    };
  }
}

export interface StageStatus {
  code: string;
  label: string;
  labelEn: string;
  limitWd: number;
  /** When the application entered and left the stage (ISO times), if it has. */
  arrivedAt?: string;
  completedAt?: string;
  /** YYYY-MM-DD; absent while the stage has not been reached. */
  deadline?: string;
  overdue: boolean;
  state: 'pending' | 'current' | 'done' | 'skipped';
}

/**
 * Each stage of the type with arrival, completion, deadline (arrival day + limit in working days)
 * and overdue flag: a finished stage is overdue if it finished after its deadline, the current one
 * if today is after it. Throws CalendarMissingYearError when a deadline falls in a year without data.
 */
export function stageTimeline(
  app: Application,
  type: BusinessType,
  calendar: WorkCalendar,
  today: string,
): StageStatus[] {
  const stored = WorkflowPathIdSchema.safeParse(app.workflowPath);
  const path = stored.success ? stored.data : type.workflow;
  const { stages } = resolveLimits(type, app.fields);
  const entered = new Map<string, string>();
  const left = new Map<string, string>();
  for (const t of app.history) {
    if (!entered.has(t.to)) entered.set(t.to, t.at);
    if (t.from && !left.has(t.from)) left.set(t.from, t.at);
  }
  const passedIndex = Math.max(-1, ...stages.map((s, i) => (entered.has(s.code) ? i : -1)));
  return stages.map((s, i) => {
    const arrivedAt = entered.get(s.code);
    const completedAt = left.get(s.code);
    // The customer's parts inside the stage stop its clock too (gridClock.ts).
    const stagePauses = arrivedAt
      ? (app.customerPauses ?? []).filter(
          (p) =>
            Date.parse(p.from) >= Date.parse(arrivedAt) &&
            (!completedAt || Date.parse(p.from) < Date.parse(completedAt)),
        )
      : [];
    const pausedNow = !completedAt && stagePauses.some((p) => p.to === undefined);
    const deadline = arrivedAt
      ? calendar.addWorkingDays(
          calendar.dateOf(arrivedAt),
          s.limitWd +
            pausedWorkingDays(
              stagePauses.filter((p) => p.to !== undefined),
              calendar,
              today,
            ),
        )
      : undefined;
    const state: StageStatus['state'] = arrivedAt
      ? completedAt
        ? 'done'
        : isTerminal(app.status)
          ? 'done'
          : 'current'
      : i < passedIndex
        ? 'skipped'
        : 'pending';
    const endDay = completedAt ? calendar.dateOf(completedAt) : today;
    const overdue =
      deadline !== undefined &&
      state !== 'skipped' &&
      !pausedNow &&
      (completedAt || state === 'current')
        ? endDay > deadline
        : false;
    return {
      code: s.code,
      label: stateLabel(s.code, 'zh', path),
      labelEn: stateLabel(s.code, 'en', path),
      limitWd: s.limitWd,
      ...(arrivedAt ? { arrivedAt } : {}),
      ...(completedAt ? { completedAt } : {}),
      ...(deadline ? { deadline } : {}),
      overdue,
      state,
    };
  });
}

/** Working days left until the deadline (negative when overdue); for "time left" in lists. */
export function workingDaysLeft(
  app: Pick<Application, 'deadline'>,
  today: string,
  calendar: WorkCalendar,
): number {
  return calendar.workingDaysBetween(today, app.deadline);
}
