// The centre's supervision: per clerk and per hall figures for a range of acceptance dates
// (shared/staff/supervision.ts counts; this reads the records), for every hall in the operator's
// scope. Names come from the staff directory.
import { businessDate } from '../../shared/domain/calendar';
import type { Application } from '../../shared/domain/model';
import { staffConfig } from '../../shared/staff/roles';
import { supervise, type Figures } from '../../shared/staff/supervision';
import type { Db } from '../db/db';
import { fail } from './errors';
import { hallTimeZone } from './hallZone';

export interface HallSupervision {
  hallCode: string;
  hallName: string;
  clerks: Figures[];
  hall: Figures;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function hallSupervision(
  db: Db,
  query: { hall?: string; from?: string; to?: string },
  scopeHallId: number | null,
): Promise<{ from: string; to: string; halls: HallSupervision[] }> {
  const timeZone = await hallTimeZone(db);
  const today = businessDate(new Date(), timeZone);
  const from = query.from ?? `${today.slice(0, 8)}01`;
  const to = query.to ?? today;
  if (!DAY.test(from) || !DAY.test(to) || from > to)
    fail('E_BAD_REQUEST', '日期范围错误，格式 YYYY-MM-DD (bad date range)');
  const halls = await db.query<{ id: number; code: string; name: string }>(
    `SELECT id, code, name FROM halls
      WHERE ($1::text IS NULL OR code = $1) AND ($2::int IS NULL OR id = $2) ORDER BY code`,
    [query.hall ?? null, scopeHallId],
  );
  if (query.hall && halls.rows.length === 0)
    fail(scopeHallId === null ? 'E_NOT_FOUND' : 'E_STAFF_HALL', `没有营业厅 ${query.hall}`);
  const names = new Map(
    (
      await db.query<{ staff_no: string; name: string }>('SELECT staff_no, name FROM staff')
    ).rows.map((r) => [r.staff_no, r.name]),
  );
  const out: HallSupervision[] = [];
  for (const h of halls.rows) {
    // A hall day starts up to 14 h before or after midnight UTC; a margin of a day either side,
    // the exact cut (in the hall's zone) is made by supervise().
    const { rows } = await db.query<{ record: Application }>(
      `SELECT record FROM applications
        WHERE hall_id = $1 AND accepted_at >= ($2::date - 1) AND accepted_at < ($3::date + 2)`,
      [h.id, from, to],
    );
    const r = supervise(
      rows.map((x) => x.record),
      { from, to, today, timeZone, promisedDays: staffConfig.supervision.promisedDocumentDays },
    );
    for (const c of r.clerks) if (c.staffNo) c.name = names.get(c.staffNo) ?? c.name;
    out.push({ hallCode: h.code, hallName: h.name, ...r });
  }
  return { from, to, halls: out };
}
