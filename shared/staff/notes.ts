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

/** The part of a note its author or a hall manager may change (kept before/after in history). */
export const NoteBody = z.object({
  kind: NoteKind,
  text: trimmedText(500, 1),
  periodFrom: calendarDate,
  periodTo: calendarDate,
});
export type NoteBody = z.infer<typeof NoteBody>;

/** One change of a note: who, when, what it was and what it became (absent after a withdrawal). */
export const NoteChange = z.object({
  at: isoDateTime,
  byStaffNo: text(20, 1),
  byName: text(50).optional(),
  action: z.enum(['edit', 'withdraw']),
  before: NoteBody,
  after: NoteBody.optional(),
  /** Why it was withdrawn. */
  reason: text(200).optional(),
});
export type NoteChange = z.infer<typeof NoteChange>;

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
    /** The last change's author (the centre checks their role as it checks the creator's). */
    updatedAt: isoDateTime.optional(),
    updatedByStaffNo: text(20, 1).optional(),
    /** Withdrawn (撤回): kept with its history, no longer counted or exported as standing. */
    withdrawnAt: isoDateTime.optional(),
    history: z.array(NoteChange).max(100).optional(),
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

export class NoteChangeError extends Error {
  override readonly name = 'NoteChangeError';
  constructor(
    readonly code: 'role' | 'withdrawn' | 'invalid' | 'unchanged',
    message: string,
  ) {
    super(message);
  }
}

export type NoteChangeRequest =
  { action: 'edit'; body: Partial<NoteBody> } | { action: 'withdraw'; reason?: string };

function bodyOf(n: SupervisionNote): NoteBody {
  return { kind: n.kind, text: n.text, periodFrom: n.periodFrom, periodTo: n.periodTo };
}

/**
 * A note edited or withdrawn by `by` (its author or the hall's manager: whoever holds
 * supervision.commend, checked by the caller on each side), the change appended to its history.
 * Throws NoteChangeError; the note passed in is not modified.
 */
export function changeNote(
  note: SupervisionNote,
  by: { staffNo: string; name?: string },
  req: NoteChangeRequest,
  at: string,
): SupervisionNote {
  if (note.withdrawnAt) throw new NoteChangeError('withdrawn', '该记录已撤回，不能再修改');
  const before = bodyOf(note);
  const common = { at, byStaffNo: by.staffNo, ...(by.name ? { byName: by.name } : {}) };
  let next: unknown;
  if (req.action === 'withdraw') {
    const reason = req.reason?.trim();
    next = {
      ...note,
      updatedAt: at,
      updatedByStaffNo: by.staffNo,
      withdrawnAt: at,
      history: [
        ...(note.history ?? []),
        { ...common, action: 'withdraw', before, ...(reason ? { reason } : {}) },
      ],
    };
  } else {
    const after = { ...before, ...req.body };
    if (JSON.stringify(after) === JSON.stringify(before))
      throw new NoteChangeError('unchanged', '没有修改任何内容');
    next = {
      ...note,
      ...after,
      updatedAt: at,
      updatedByStaffNo: by.staffNo,
      history: [...(note.history ?? []), { ...common, action: 'edit', before, after }],
    };
  }
  const parsed = SupervisionNote.safeParse(next);
  if (!parsed.success)
    throw new NoteChangeError(
      'invalid',
      `记录不完整：${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('；')}`,
    );
  return parsed.data;
}
