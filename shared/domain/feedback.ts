// 意见反馈 (consultations, opinions, complaints, praise): due dates for first contact and reply from
// the hall's configured limits in working days, and the overdue checks that keep every one answered.
import type { Feedback, FeedbackKind } from './model';
import type { HallSettings } from './settings';
import { businessDate, type WorkCalendar } from './calendar';
import { DEFAULT_HALL_TIME_ZONE } from './hallTime';

export const FEEDBACK_KIND_LABELS: Record<FeedbackKind, { zh: string; en: string }> = {
  consultation: { zh: '咨询', en: 'Consultation' },
  opinion: { zh: '意见', en: 'Opinion' },
  complaint: { zh: '投诉', en: 'Complaint' },
  praise: { zh: '表扬', en: 'Praise' },
};

export const FEEDBACK_STATUS_LABELS: Record<Feedback['status'], { zh: string; en: string }> = {
  open: { zh: '待联系', en: 'Open' },
  contacted: { zh: '已联系', en: 'Contacted' },
  replied: { zh: '已答复', en: 'Replied' },
  closed: { zh: '已办结', en: 'Closed' },
};

/** First-contact and reply due dates (YYYY-MM-DD), counted in working days after the acceptance day. */
export function computeFeedbackDue(
  kind: FeedbackKind,
  acceptedAt: string,
  settings: Pick<HallSettings, 'feedbackLimits'>,
  calendar: WorkCalendar,
): { firstContactDue: string; replyDue: string } {
  const limit = settings.feedbackLimits[kind];
  const day = calendar.dateOf(acceptedAt);
  return {
    firstContactDue: calendar.addWorkingDays(day, limit.firstContactWd),
    replyDue: calendar.addWorkingDays(day, limit.replyWd),
  };
}

export interface FeedbackOverdue {
  firstContactOverdue: boolean;
  replyOverdue: boolean;
}

/**
 * Whether the first contact or the reply is late. A step done after its due date stays flagged
 * (it was answered late); an undone step is late once today is past its due date.
 */
export function feedbackOverdue(
  fb: Pick<Feedback, 'firstContactDue' | 'replyDue' | 'firstContactAt' | 'repliedAt' | 'status'>,
  today: string,
  timeZone: string = DEFAULT_HALL_TIME_ZONE,
): FeedbackOverdue {
  const contactedOn = fb.firstContactAt
    ? businessDate(fb.firstContactAt, timeZone)
    : fb.repliedAt
      ? businessDate(fb.repliedAt, timeZone)
      : undefined;
  const repliedOn = fb.repliedAt ? businessDate(fb.repliedAt, timeZone) : undefined;
  const closedWithoutReply = fb.status === 'closed' && !repliedOn;
  return {
    firstContactOverdue: contactedOn
      ? contactedOn > fb.firstContactDue
      : !closedWithoutReply && today > fb.firstContactDue,
    replyOverdue: repliedOn ? repliedOn > fb.replyDue : !closedWithoutReply && today > fb.replyDue,
  };
}

export function isFeedbackOverdue(
  fb: Parameters<typeof feedbackOverdue>[0],
  today: string,
  timeZone?: string,
): boolean {
  const o = feedbackOverdue(fb, today, timeZone);
  return o.firstContactOverdue || o.replyOverdue;
}
