// The hall manager's supervision on the desk, from the desk's own records (works offline): the
// applications accepted in a date range (time index `t`), counted by shared/staff/supervision.ts,
// and the records behind one figure (drill-down). The export is supervisionXlsx.ts.
import { addDays } from '../../../shared/domain/workCalendar';
import { hallInstant } from '../../../shared/domain/hallTime';
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
import { deskTimeZone } from '../db/hallZone';
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
  // The hall's days (its configured zone): from the first day's midnight to the last day's end.
  const timeZone = deskTimeZone();
  const lo = timeKey(hallInstant(from, '00:00', timeZone));
  const hi = timeKey(hallInstant(addDays(to, 1), '00:00', timeZone) - 1);
  const rows: StoredApplication[] = await db.applications
    .where('t')
    .between(lo, hi, true, true)
    .toArray();
  const apps = rows as Application[];
  const options = {
    from,
    to,
    today,
    timeZone,
    promisedDays: staffConfig.supervision.promisedDocumentDays,
  };
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
        (!day || shanghaiDay(a.acceptedAt, d.options.timeZone) === day) &&
        shanghaiDay(a.acceptedAt, d.options.timeZone) >= d.options.from &&
        shanghaiDay(a.acceptedAt, d.options.timeZone) <= d.options.to &&
        inFigure(a, figure, d.options),
    )
    .sort((x, y) => (x.acceptedAt < y.acceptedAt ? 1 : -1));
}
