// Commendations and corrections at the centre (shared/staff/notes.ts): listed per hall and period
// (the supervision views and their export), and written by a hall manager signed in to the admin
// API for their own hall — the same rule as a desk's push (pushStaff.ts). A note written here goes
// into the hall's feed, so the hall's desks pull it.
import { z } from 'zod';
import {
  changeNote,
  NoteBody,
  NoteChangeError,
  SupervisionNote,
  type NoteChangeRequest,
} from '../../shared/staff/notes';
import { may } from '../../shared/staff/roles';
import type { Db } from '../db/db';
import { fail } from './errors';
import type { Operator } from './operator';
import { writeFeed } from './pushWrite';

/** Notes of the halls whose period overlaps from..to, newest first. */
export async function notesOf(
  db: Db,
  hallIds: number[],
  from: string,
  to: string,
): Promise<Map<number, SupervisionNote[]>> {
  const { rows } = await db.query<{ hall_id: number; record: SupervisionNote }>(
    `SELECT hall_id, record FROM supervision_notes
      WHERE hall_id = ANY($1::int[]) AND period_to >= $2::date AND period_from <= $3::date
      ORDER BY record->>'createdAt' DESC
      LIMIT 5000`,
    [hallIds, from, to],
  );
  const out = new Map<number, SupervisionNote[]>();
  for (const r of rows) out.set(r.hall_id, [...(out.get(r.hall_id) ?? []), r.record]);
  return out;
}

/** POST /api/v1/admin/supervision/notes: a hall manager's note for a person of their hall. */
export async function createNote(db: Db, op: Operator, body: unknown): Promise<SupervisionNote> {
  if (op.kind !== 'staff' || !may(op.roles, 'supervision.commend'))
    fail(
      'E_STAFF_ROLE',
      '表彰和纠错须由营业厅主管以本人账号记录 (a hall manager signed in as themselves)',
    );
  const b = (body ?? {}) as Record<string, unknown>;
  const hallCode = typeof b.hallCode === 'string' ? b.hallCode : '';
  const hall = (
    await db.query<{ id: number; code: string }>('SELECT id, code FROM halls WHERE code = $1', [
      hallCode,
    ])
  ).rows[0];
  if (!hall) fail('E_NOT_FOUND', `没有营业厅 ${hallCode} (no such hall)`);
  if (op.hallId !== hall.id) fail('E_STAFF_HALL', '只能记录本营业厅人员 (another hall)');
  const person = (
    await db.query<{ hall_id: number | null; name: string }>(
      'SELECT hall_id, name FROM staff WHERE staff_no = $1',
      [b.staffNo],
    )
  ).rows[0];
  if (!person || person.hall_id !== hall.id)
    fail('E_STAFF_HALL', `工号 ${String(b.staffNo)} 不是本营业厅人员 (not of this hall)`);
  const parsed = SupervisionNote.safeParse({
    ...b,
    id: crypto.randomUUID(),
    hallCode: hall.code,
    staffName: person.name,
    createdAt: new Date().toISOString(),
    createdByStaffNo: op.staffNo,
    createdByName: op.name,
  });
  if (!parsed.success)
    fail(
      'E_VALIDATION',
      `记录不完整 (invalid note): ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  const n = parsed.data;
  await db.transaction(async (tx) => {
    // The hall row lock: feed positions are handed out in commit order (pushWrite.writeFeed).
    await tx.query('SELECT id FROM halls WHERE id = $1 FOR UPDATE', [hall.id]);
    await tx.query(
      `INSERT INTO supervision_notes (id, hall_id, staff_no, kind, period_from, period_to, record)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [n.id, hall.id, n.staffNo, n.kind, n.periodFrom, n.periodTo, JSON.stringify(n)],
    );
    await writeFeed(tx, hall.id, [{ entity: 'supervision_note', id: n.id }]);
  });
  return n;
}

const ChangeBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('edit'), body: NoteBody.partial() }),
  z.object({ action: z.literal('withdraw'), reason: z.string().max(200).optional() }),
]);

/**
 * PATCH /api/v1/admin/supervision/notes/:id: its author or a hall manager of its hall edits or
 * withdraws a note; the change is kept in the note's history and goes into the hall's feed (the
 * desks pull it).
 */
export async function updateNote(
  db: Db,
  op: Operator,
  id: string,
  body: unknown,
): Promise<SupervisionNote> {
  if (op.kind !== 'staff' || !may(op.roles, 'supervision.commend'))
    fail(
      'E_STAFF_ROLE',
      '表彰和纠错须由记录人或营业厅主管以本人账号修改 (a hall manager signed in as themselves)',
    );
  const req = ChangeBody.safeParse(body);
  if (!req.success) fail('E_VALIDATION', '修改内容不符合格式 (invalid change)');
  if (!z.string().uuid().safeParse(id).success) fail('E_NOT_FOUND', '没有这条记录 (no such note)');
  return db.transaction(async (tx) => {
    const row = (
      await tx.query<{ hall_id: number; record: SupervisionNote }>(
        'SELECT hall_id, record FROM supervision_notes WHERE id = $1',
        [id],
      )
    ).rows[0];
    if (!row) fail('E_NOT_FOUND', '没有这条记录 (no such note)');
    if (op.hallId !== row.hall_id) fail('E_STAFF_HALL', '只能修改本营业厅的记录 (another hall)');
    await tx.query('SELECT id FROM halls WHERE id = $1 FOR UPDATE', [row.hall_id]);
    let n: SupervisionNote;
    try {
      n = changeNote(
        row.record,
        { staffNo: op.staffNo, name: op.name },
        req.data as NoteChangeRequest,
        new Date().toISOString(),
      );
    } catch (e) {
      if (e instanceof NoteChangeError) fail('E_VALIDATION', e.message);
      throw e;
    }
    await tx.query(
      `UPDATE supervision_notes SET kind = $2, period_from = $3, period_to = $4, record = $5,
              updated_at = now()
        WHERE id = $1`,
      [id, n.kind, n.periodFrom, n.periodTo, JSON.stringify(n)],
    );
    await writeFeed(tx, row.hall_id, [{ entity: 'supervision_note', id }]);
    return n;
  });
}
