// A desk's feedback version arriving in a push (issue 14 §2): merged with the centre's handling
// (shared/protocol/feedbackMerge.ts) so that neither side's contacts, reply or handler is lost.
import type { Feedback } from '../../shared/domain/model';
import { canonicalJson } from '../../shared/protocol/conflict';
import { asDeskVersion, mergeFeedback } from '../../shared/protocol/feedbackMerge';

export interface FeedbackDecision {
  record: Feedback;
  /** Differs from what the centre holds: write it. */
  changed: boolean;
  /** Differs from what the desk sent: send it back to that desk as well. */
  echo: boolean;
}

export function decideFeedback(centre: Feedback | undefined, sent: Feedback): FeedbackDecision {
  const desk = asDeskVersion(sent, centre);
  const record = centre ? mergeFeedback(centre, desk) : desk;
  return {
    record,
    changed: !centre || canonicalJson(centre) !== canonicalJson(record),
    echo: canonicalJson(record) !== canonicalJson(sent),
  };
}
