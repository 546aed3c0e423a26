// The hall manager's supervision on the desk, from the desk's own records (works offline): the
// applications accepted in a date range (time index `t`), counted by shared/staff/supervision.ts,
// and the records behind one figure (drill-down). The export is supervisionXlsx.ts.
import type { Application } from '../../../shared/domain/model';
import { staffConfig } from '../../../shared/staff/roles';
import {
  inFigure,
  shanghaiDay,
  supervise,
  type FigureKey,
  type Figures,
  type SuperviseOptions,
} from '../../../shared/staff/supervision';
import type { HallDeskDB, StoredApplication } from '../db/db';
import { timeKey } from '../db/keys';

export interface DeskSupervision {
  clerks: Figures[];
  hall: Figures;
  /** The records counted (the drill-down filters them). */
  apps: Application[];
  options: SuperviseOptions;
}

export async function deskSupervision(
  db: HallDeskDB,
  from: string,
  to: string,
  today: string,
): Promise<DeskSupervision> {
  // Shanghai days: from 16:00 UTC the day before to 16:00 UTC on the last day.
  const lo = timeKey(Date.parse(`${from}T00:00:00+08:00`));
  const hi = timeKey(Date.parse(`${to}T23:59:59.999+08:00`));
  const rows: StoredApplication[] = await db.applications
    .where('t')
    .between(lo, hi, true, true)
    .toArray();
  const apps = rows as Application[];
  const options = { from, to, today, promisedDays: staffConfig.supervision.promisedDocumentDays };
  return { ...supervise(apps, options), apps, options };
}

/** The records behind one figure of one clerk (null: 未记录, '*': the hall), newest first. */
export function drillRecords(
  d: DeskSupervision,
  staffNo: string | null,
  figure: FigureKey,
  day?: string,
): Application[] {
  return d.apps
    .filter(
      (a) =>
        (staffNo === '*' || (a.acceptedByStaffNo ?? null) === staffNo) &&
        (!day || shanghaiDay(a.acceptedAt) === day) &&
        shanghaiDay(a.acceptedAt) >= d.options.from &&
        shanghaiDay(a.acceptedAt) <= d.options.to &&
        inFigure(a, figure, d.options),
    )
    .sort((x, y) => (x.acceptedAt < y.acceptedAt ? 1 : -1));
}
