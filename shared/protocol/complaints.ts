// The centre's complaints API (issue 14 §2), under the workbench: every hall's feedback paged on
// the server with filters, a record's page, assignment to a named handler, contacts, the reply,
// closing, links, escalations and figures. Shared by the central endpoint and the workbench UI.
import { z } from 'zod';
import { FEEDBACK_CONTACT_CHANNELS, FeedbackKind, type Feedback } from '../domain/model';
import { FIELD_MAX } from './limits';
import { API_PREFIX } from './paths';
import { isoDateTime, text, trimmedText } from './safe';

const C = `${API_PREFIX}/admin/workbench/feedback`;

export const complaintPaths = {
  list: C,
  one: (id: string) => `${C}/${encodeURIComponent(id)}`,
  assign: (id: string) => `${C}/${encodeURIComponent(id)}/assign`,
  contact: (id: string) => `${C}/${encodeURIComponent(id)}/contacts`,
  reply: (id: string) => `${C}/${encodeURIComponent(id)}/reply`,
  close: (id: string) => `${C}/${encodeURIComponent(id)}/close`,
  link: (id: string) => `${C}/${encodeURIComponent(id)}/link`,
  handlers: `${API_PREFIX}/admin/workbench/feedback-handlers`,
  escalations: `${API_PREFIX}/admin/workbench/feedback-escalations`,
  figures: `${API_PREFIX}/admin/workbench/feedback-figures`,
};

export const FEEDBACK_STATES = ['open', 'contacted', 'replied', 'closed'] as const;
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const ComplaintListQuery = z.object({
  hall: text(FIELD_MAX.hallCode).optional(),
  kind: FeedbackKind.optional(),
  state: z.enum(FEEDBACK_STATES).optional(),
  /** A staff number, or `none` for the unassigned. */
  handler: text(20).optional(),
  /** overdue: open with a first-contact or reply date passed; soon: reply due within dueSoonDays. */
  due: z.enum(['overdue', 'soon']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type ComplaintListQuery = z.infer<typeof ComplaintListQuery>;

export interface ComplaintRow {
  id: string;
  feedbackNo: string;
  hallCode: string;
  kind: Feedback['kind'];
  status: Feedback['status'];
  customerName: string;
  acceptedAt: string;
  firstContactDue: string;
  replyDue: string;
  handlerNo: string | null;
  handlerName: string | null;
  overdue: boolean;
  /** The earlier record of the same customer (phone or account) within the repeat window. */
  repeatOf: string | null;
}

export interface ComplaintPage {
  rows: ComplaintRow[];
  total: number;
  page: number;
  pageSize: number;
  today: string;
}

export interface ComplaintEscalation {
  feedbackId: string;
  feedbackNo: string;
  hallCode: string;
  deadline: 'first_contact' | 'reply';
  dueDate: string;
  handlerNo: string | null;
  managerNo: string | null;
  escalatedAt: string;
}

export interface ComplaintDetail {
  feedback: Feedback;
  overdue: boolean;
  repeatOf: string | null;
  escalations: ComplaintEscalation[];
}

export const AssignRequest = z.object({ staffNo: text(20, 1) });
export const ContactRequest = z.object({
  channel: z.enum(FEEDBACK_CONTACT_CHANNELS),
  note: trimmedText(1000),
  /** When the contact happened (default now). */
  at: isoDateTime.optional(),
});
export const ReplyRequest = z.object({
  reply: trimmedText(4000),
  /** Close it at the same time. */
  close: z.boolean().optional(),
});
export const CloseRequest = z.object({}).passthrough();
export const LinkRequest = z.object({
  applicationNo: text(FIELD_MAX.appNo).optional(),
  concernsStaffNo: text(20).optional(),
  concernsCounter: text(20).optional(),
});

export const FiguresQuery = z.object({ from: isoDay.optional(), to: isoDay.optional() });

export interface ComplaintFigure {
  /** Hall code or handler staff number. */
  key: string;
  name: string | null;
  answeredInTime: number;
  answeredLate: number;
  open: number;
  openOverdue: number;
}

export interface ComplaintFigures {
  byHall: ComplaintFigure[];
  byHandler: ComplaintFigure[];
}

export interface ComplaintHandlerOut {
  staffNo: string;
  name: string;
  hallCode: string | null;
}
