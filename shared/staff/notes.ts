// Commendation and correction records (表彰 / 纠错, issue 13 §3): a hall manager marks a person's
// good work or an error over a period, with the record it concerns. Kept on the desk (Dexie
// `supervisionNotes`), pushed and pulled as their own entity ('supervision_note'), stored at the
// centre; only the hall manager role may create them (supervision.commend, checked at both ends).
import { z } from 'zod';
import { FIELD_MAX } from '../protocol/limits';
import { calendarDate, isoDateTime, text, trimmedText } from '../protocol/safe';

export const NoteKind = z.enum(['commendation', 'correction']);
export type NoteKind = z.infer<typeof NoteKind>;

export const NOTE_KIND_LABEL: Record<NoteKind, { zh: string; en: string }> = {
  commendation: { zh: '表彰', en: 'Commendation' },
  correction: { zh: '纠错', en: 'Correction' },
};

/** What a note concerns: an application, a feedback record or a queue ticket. */
export const NoteRef = z.object({
  entity: z.enum(['application', 'feedback', 'ticket']),
  id: text(64, 1),
  /** What a person reads: the application / feedback number, the ticket number. */
  label: text(40).optional(),
});
export type NoteRef = z.infer<typeof NoteRef>;

export const SupervisionNote = z
  .object({
    id: z.string().uuid(),
    hallCode: text(FIELD_MAX.hallCode, 1),
    kind: NoteKind,
    /** The person the note is about. */
    staffNo: text(20, 1),
    staffName: text(50).optional(),
    periodFrom: calendarDate,
    periodTo: calendarDate,
    text: trimmedText(500, 1),
    ref: NoteRef.optional(),
    createdAt: isoDateTime,
    /** The hall manager who wrote it. */
    createdByStaffNo: text(20, 1),
    createdByName: text(50).optional(),
  })
  .refine((n) => n.periodFrom <= n.periodTo, {
    message: '期间的开始晚于结束 (period starts after it ends)',
    path: ['periodTo'],
  });
export type SupervisionNote = z.infer<typeof SupervisionNote>;

/** Whether a note's period overlaps from..to (YYYY-MM-DD, inclusive). */
export function noteInRange(n: SupervisionNote, from: string, to: string): boolean {
  return n.periodFrom <= to && n.periodTo >= from;
}
