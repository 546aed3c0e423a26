// The supervision page opened at start-up (#/supervision): its first figures (this month, the
// page's default) are read from the day counters as soon as the database is open, while React
// and the page's code are still arriving; the page takes them if nothing has changed since
// (same period, same day, same hall zone), else counts afresh.
import dayjs from 'dayjs';
import { localDate } from '../db/search';
import { deskTimeZone } from '../db/hallZone';
import { openDeskDatabase } from '../startup';
import { deskSupervision, type DeskSupervision } from './supervisionData';

let early: { key: string; data: Promise<DeskSupervision> } | null = null;

function periodKey(from: string, to: string, today: string, timeZone: string): string {
  return `${from}|${to}|${today}|${timeZone}`;
}

/** The page's default period: this month up to today. */
export function defaultPeriod(): { from: string; to: string } {
  return { from: dayjs().startOf('month').format('YYYY-MM-DD'), to: dayjs().format('YYYY-MM-DD') };
}

export function prefetchSupervision(): void {
  const { from, to } = defaultPeriod();
  const data = openDeskDatabase().then((r) => {
    if (!r.ok) throw new Error(r.message);
    return deskSupervision(r.db, from, to, localDate());
  });
  data.catch(() => undefined); // the page counts again itself
  early = { key: periodKey(from, to, localDate(), deskTimeZone()), data };
}

/** The figures read at start-up for this period, once (null: none, or for another period). */
export function takePrefetched(
  from: string,
  to: string,
  today: string,
): Promise<DeskSupervision> | null {
  const e = early;
  early = null;
  if (!e || e.key !== periodKey(from, to, today, deskTimeZone())) return null;
  return e.data.then((d) =>
    // The hall zone arrived with the configuration after the read: count again in it.
    d.options.timeZone === deskTimeZone() ? d : Promise.reject(new Error('zone changed')),
  );
}
