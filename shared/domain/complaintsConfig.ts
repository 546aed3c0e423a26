// The centre's complaint-handling rules (issue 14 §2), data in shared/config/complaints.json:
// who is assigned automatically (by hall and/or kind: a named staff number, or the first active
// holder of a role in the record's hall), whether a handler may come from another hall's roster,
// whom a missed deadline escalates to, the repeat-complaint window and the due-soon horizon.
import { z } from 'zod';
import complaintsJson from '../config/complaints.json';
import { FeedbackKind } from './model';
import { Role } from '../staff/roles';

export const AssignmentRule = z
  .object({
    /** Hall code the rule is for (absent: every hall). */
    hall: z.string().min(1).optional(),
    kind: FeedbackKind.optional(),
    /** A named handler… */
    staffNo: z.string().min(1).optional(),
    /** …or the first active staff member of the record's hall holding this role. */
    role: Role.optional(),
  })
  .refine((r) => !!r.staffNo || !!r.role, 'a rule names a staffNo or a role');
export type AssignmentRule = z.infer<typeof AssignmentRule>;

/** What makes an earlier complaint the same customer's (server/central/repeatComplaints.ts). */
export const RepeatMatch = z.enum(['phone', 'accountNo', 'idNumber', 'address']);
export type RepeatMatch = z.infer<typeof RepeatMatch>;

export const ComplaintsConfig = z.object({
  version: z.number().int().nonnegative(),
  /** A complaint from the same phone / ID / account within this many days is a repeat. */
  repeatWindowDays: z.number().int().min(1).max(365),
  /**
   * How a repeat is recognised, any one sufficing: the same phone, 户号, ID number / credit code
   * (of the linked application or the 户号's customer), address (of the linked application).
   */
  repeatMatch: z.array(RepeatMatch).default(['phone', 'accountNo', 'idNumber', 'address']),
  /** Due within this many calendar days (today included) counts as "due soon". */
  dueSoonDays: z.number().int().min(0).max(30),
  /** How often each endpoint process looks for missed deadlines. */
  escalationCheckSeconds: z.number().int().min(5).max(86_400),
  /** False: a handler must be on the record's hall roster (or hold crossHallHandlerRoles). */
  allowCrossHallHandler: z.boolean(),
  crossHallHandlerRoles: z.array(Role),
  /** Roles in the handler's hall a missed deadline escalates to (the first active one). */
  escalateToRoles: z.array(Role).min(1),
  /** Tried in order; the first rule that matches and yields an active handler wins. */
  assignment: z.array(AssignmentRule),
});
export type ComplaintsConfig = z.infer<typeof ComplaintsConfig>;

export const complaintsConfig: ComplaintsConfig = ComplaintsConfig.parse(complaintsJson);

/** The rules that apply to a record, in order. */
export function rulesFor(
  cfg: Pick<ComplaintsConfig, 'assignment'>,
  hallCode: string,
  kind: FeedbackKind,
): AssignmentRule[] {
  return cfg.assignment.filter(
    (r) => (!r.hall || r.hall === hallCode) && (!r.kind || r.kind === kind),
  );
}
