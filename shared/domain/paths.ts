// Workflow states and paths as plain definitions (no logic), shared by the catalogue checks and
// workflow.ts. A path is the ordered list of stages an application goes through after acceptance.
import type { WorkflowPathId } from './catalogue';
import type { Application } from './model';

export const STATE_LABELS = {
  accepted: { zh: '受理', en: 'Accepted' },
  site_survey: { zh: '现场勘查', en: 'Site survey' },
  scheme_reply: { zh: '供电方案答复', en: 'Supply scheme reply' },
  design_review: { zh: '设计审查', en: 'Design review' },
  mid_inspection: { zh: '中间检查', en: 'Mid-construction inspection' },
  completion_inspection: { zh: '竣工检验', en: 'Completion inspection' },
  contract_payment: { zh: '签订合同/缴费', en: 'Contract and payment' },
  construction: { zh: '施工接电', en: 'Construction and connection' },
  meter_install: { zh: '装表接电', en: 'Meter installation and connection' },
  execution: { zh: '业务实施', en: 'Carrying out the change' },
  on_site: { zh: '现场处理', en: 'On-site handling' },
  result_reply: { zh: '结果答复', en: 'Result reply' },
  archived: { zh: '归档', en: 'Archived' },
  cancelled: { zh: '已撤销', en: 'Cancelled' },
  rejected: { zh: '已驳回', en: 'Rejected' },
} as const;

export type WorkflowState = keyof typeof STATE_LABELS;

export const TERMINAL_STATES: readonly WorkflowState[] = ['archived', 'cancelled', 'rejected'];

export function isTerminal(state: string): boolean {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

export interface PathStep {
  state: WorkflowState;
  /** 'important': only for important customers (重要电力用户); 'skippable': may be skipped. */
  when?: 'important' | 'skippable';
  /** Label override on this path (the 2-stage low-voltage path calls acceptance 受理签约). */
  label?: { zh: string; en: string };
}

export interface WorkflowPathDef {
  id: WorkflowPathId;
  label: { zh: string; en: string };
  /** Stages in order, from 'accepted' up to (not including) 'archived'. */
  steps: PathStep[];
}

export const WORKFLOW_PATHS: Record<WorkflowPathId, WorkflowPathDef> = {
  low2: {
    id: 'low2',
    label: { zh: '低压两环节（受理签约→施工接电）', en: 'Low voltage, two stages' },
    steps: [
      { state: 'accepted', label: { zh: '受理签约', en: 'Accepted and signed' } },
      { state: 'construction' },
    ],
  },
  low3: {
    id: 'low3',
    label: { zh: '低压三环节（受理→方案答复→装表接电）', en: 'Low voltage, three stages' },
    steps: [
      { state: 'accepted' },
      { state: 'scheme_reply', label: { zh: '方案答复', en: 'Scheme reply' } },
      { state: 'meter_install' },
    ],
  },
  high: {
    id: 'high',
    label: { zh: '高压业扩', en: 'High voltage connection' },
    steps: [
      { state: 'accepted' },
      { state: 'site_survey' },
      { state: 'scheme_reply' },
      { state: 'design_review', when: 'important' },
      { state: 'mid_inspection', when: 'important' },
      { state: 'completion_inspection' },
      { state: 'contract_payment' },
      { state: 'meter_install' },
    ],
  },
  change: {
    id: 'change',
    label: { zh: '变更用电', en: 'Account change' },
    steps: [
      { state: 'accepted' },
      { state: 'site_survey', when: 'skippable' },
      { state: 'execution' },
    ],
  },
  service: {
    id: 'service',
    label: { zh: '服务类（验表/故障）', en: 'Service (meter test, fault)' },
    steps: [{ state: 'accepted' }, { state: 'on_site' }, { state: 'result_reply' }],
  },
};

/** The stage codes of a path (what a catalogue type's stages may name). */
export function pathStageCodes(path: WorkflowPathId): string[] {
  return WORKFLOW_PATHS[path].steps.map((s) => s.state);
}

export function isWorkflowState(s: string): s is WorkflowState {
  return Object.prototype.hasOwnProperty.call(STATE_LABELS, s);
}

/** The label of a state, using the path's own wording where it has one (受理签约 on low2). */
export function stateLabel(state: string, lang: 'zh' | 'en' = 'zh', path?: WorkflowPathId): string {
  const own = path ? WORKFLOW_PATHS[path].steps.find((s) => s.state === state)?.label : undefined;
  if (own) return own[lang];
  return isWorkflowState(state) ? STATE_LABELS[state][lang] : state;
}

/**
 * Whether an open application is past its whole-process deadline (today as YYYY-MM-DD). Never
 * while the customer is doing their part: the grid side's clock stands still (gridClock.ts), and
 * the deadline moves when the part ends.
 */
export function isOverdue(
  app: Pick<Application, 'status' | 'deadline' | 'customerPauses'>,
  today: string,
): boolean {
  if (app.customerPauses?.some((p) => p.to === undefined)) return false;
  return !isTerminal(app.status) && today > app.deadline;
}
