// Commendations and corrections on the desk (shared/staff/notes.ts): written by the signed-in hall
// manager only (supervision.commend, checked here and again by the centre at push), stored in
// `supervisionNotes` with their outbox entry in one transaction, listed per period and person.
import {
  SupervisionNote,
  changeNote,
  noteInRange,
  type NoteChangeRequest,
  type NoteKind,
  type NoteRef,
} from '../../../shared/staff/notes';
import { may } from '../../../shared/staff/roles';
import type { HallDeskDB } from '../db/db';
import { appendOutbox } from '../db/repo';
import type { StaffSession } from './local';

export class NoteError extends Error {
  override readonly name = 'NoteError';
  constructor(
    readonly code: 'role' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export interface NoteInput {
  kind: NoteKind;
  staffNo: string;
  staffName?: string;
  periodFrom: string;
  periodTo: string;
  text: string;
  ref?: NoteRef;
}

/** Records a note of `session`'s hall; refuses anyone but a signed-in hall manager. */
export async function saveNote(
  db: HallDeskDB,
  hallCode: string,
  session: StaffSession | null,
  input: NoteInput,
): Promise<SupervisionNote> {
  if (!session || session.locked || !may(session.roles, 'supervision.commend'))
    throw new NoteError('role', '只有营业厅主管可以记录表彰或纠错');
  const parsed = SupervisionNote.safeParse({
    id: crypto.randomUUID(),
    hallCode,
    ...input,
    ...(input.ref && !input.ref.id.trim() ? { ref: undefined } : {}),
    createdAt: new Date().toISOString(),
    createdByStaffNo: session.staffNo,
    createdByName: session.name,
  });
  if (!parsed.success)
    throw new NoteError(
      'invalid',
      `记录不完整：${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('；')}`,
    );
  const note = parsed.data;
  await db.transaction('rw', [db.supervisionNotes, db.outbox, db.meta], async () => {
    await db.supervisionNotes.add(note);
    await appendOutbox(db, 'supervision_note', note.id, 'create', note);
  });
  return note;
}

/**
 * Edits or withdraws a note (its author or the hall manager: supervision.commend), the change
 * kept in its history, with its outbox entry (the whole note, op update) in one transaction.
 * Throws NoteError (role) or NoteChangeError (withdrawn, invalid, unchanged); nothing is written
 * then.
 */
export async function updateNote(
  db: HallDeskDB,
  session: StaffSession | null,
  id: string,
  req: NoteChangeRequest,
): Promise<SupervisionNote> {
  if (!session || session.locked || !may(session.roles, 'supervision.commend'))
    throw new NoteError('role', '只有记录人或营业厅主管可以修改或撤回表彰、纠错');
  return db.transaction('rw', [db.supervisionNotes, db.outbox, db.meta], async () => {
    const note = await db.supervisionNotes.get(id);
    if (!note) throw new NoteError('invalid', '记录不存在');
    const next = changeNote(
      note,
      { staffNo: session.staffNo, name: session.name },
      req,
      new Date().toISOString(),
    );
    await db.supervisionNotes.put(next);
    await appendOutbox(db, 'supervision_note', next.id, 'update', next);
    return next;
  });
}

/** Notes whose period overlaps from..to (of one person when staffNo is given), newest first. */
export async function listNotes(
  db: HallDeskDB,
  from: string,
  to: string,
  staffNo?: string,
): Promise<SupervisionNote[]> {
  const rows = staffNo
    ? await db.supervisionNotes.where('staffNo').equals(staffNo).toArray()
    : await db.supervisionNotes.where('periodTo').aboveOrEqual(from).toArray();
  return rows
    .filter((n) => noteInRange(n, from, to))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}
