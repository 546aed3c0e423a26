// The hall manager's supervision on the desk, from the desk's own records (works offline): the
// first figures come from the per-day-per-clerk counters (db/supervisionCounts.ts: a few hundred
// small rows, not every application of the period); while the counters are not whole (first use
// after the upgrade, a zone change) the applications are counted (shared/staff/supervision.ts)
// and the counters rebuilt behind. The records behind a figure (drill-down) are read when one is
// opened. The export is supervisionXlsx.ts.
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
import { figuresFromCounts } from '../../../shared/staff/supervisionCounts';
import type { HallDeskDB, StoredApplication } from '../db/db';
import { deskTimeZone } from '../db/hallZone';
import { timeKey } from '../db/keys';
import { readCounts, rebuildCounts } from '../db/supervisionCounts';

export interface DeskSupervision {
  clerks: Figures[];
  hall: Figures;
  options: SuperviseOptions;
  /** Where the figures came from: the day counters, or the records (counters not yet whole). */
  source: 'counters' | 'records';
}

/** The records behind the figures (the drill-down filters them). */
export interface SupervisionRecords {
  apps: Application[];
  options: SuperviseOptions;
}

function optionsFor(from: string, to: string, today: string): SuperviseOptions {
  return {
    from,
    to,
    today,
    timeZone: deskTimeZone(),
    promisedDays: staffConfig.supervision.promisedDocumentDays,
  };
}

/** The applications accepted in the period (the time index `t`, the hall's days). */
export async function supervisionRecords(
  db: HallDeskDB,
  options: SuperviseOptions,
): Promise<SupervisionRecords> {
  const timeZone = options.timeZone ?? deskTimeZone();
  const lo = timeKey(hallInstant(options.from, '00:00', timeZone));
  const hi = timeKey(hallInstant(addDays(options.to, 1), '00:00', timeZone) - 1);
  const rows: StoredApplication[] = await db.applications
    .where('t')
    .between(lo, hi, true, true)
    .toArray();
  return { apps: rows as Application[], options };
}

/** The figures of the period counted from the records themselves (ids included). */
export async function deskSupervisionFromRecords(
  db: HallDeskDB,
  from: string,
  to: string,
  today: string,
): Promise<DeskSupervision & SupervisionRecords> {
  const r = await supervisionRecords(db, optionsFor(from, to, today));
  return { ...supervise(r.apps, r.options), ...r, source: 'records' };
}

export async function deskSupervision(
  db: HallDeskDB,
  from: string,
  to: string,
  today: string,
): Promise<DeskSupervision> {
  const options = optionsFor(from, to, today);
  const counts = await readCounts(db, from, to, options.timeZone!);
  if (counts) return { ...figuresFromCounts(counts, options), options, source: 'counters' };
  const d = await deskSupervisionFromRecords(db, from, to, today);
  // Behind the page: the next opening reads the counters.
  void rebuildCounts(db, options.timeZone!).catch((e: unknown) =>
    console.error('supervision counters rebuild failed', e),
  );
  return d;
}

/** The records behind one figure of one clerk (null: 未记录, '*': the hall), newest first. */
export function drillRecords(
  d: SupervisionRecords,
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
