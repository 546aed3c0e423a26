// What the start-up first paint of the list needs from the configuration (business names, the
// holiday calendar for days left), read without the schemas: the centre's documents in the
// database were checked when the sync engine stored them (sync/store.ts, checkConfigDoc), and
// the bundled ones by the unit tests. The React list then runs on the validated configuration
// (desk/config.ts), which main.tsx makes current before React's first render.
import catalogueJson from '../../../shared/config/catalogue.json';
import calendarJson from '../../../shared/config/calendar.json';
import settingsJson from '../../../shared/config/settings.json';
import type { Catalogue } from '../../../shared/domain/catalogue';
import {
  WorkCalendar,
  type CalendarData,
  type CalendarHoliday,
} from '../../../shared/domain/workCalendar';
import type { HallDeskDB } from '../db/db';
import type { RowConfig } from './listRows';

/** The calendar as the schema would give it (make-up working days default to none). */
function normalised(data: unknown): CalendarData['years'] {
  const years = (data as { years?: Record<string, { holidays?: unknown[] }> } | null)?.years;
  const out: CalendarData['years'] = {};
  for (const [year, y] of Object.entries(years ?? {})) {
    out[year] = {
      holidays: (y.holidays ?? []).map((h) => {
        const hol = h as Partial<CalendarHoliday>;
        return { ...(hol as CalendarHoliday), makeupWorkdays: hol.makeupWorkdays ?? [] };
      }),
    };
  }
  return out;
}

export async function paintConfig(db: HallDeskDB): Promise<RowConfig> {
  const [cat, cal, set] = await db.meta.bulkGet([
    'config.catalogue',
    'config.calendar',
    'config.settings',
  ]);
  const catalogue = ((cat?.value as { data?: unknown } | undefined)?.data ?? catalogueJson) as Pick<
    Catalogue,
    'types'
  >;
  // As resolveConfig: the centre's years laid over the bundled ones.
  const pushed = (cal?.value as { data?: unknown } | undefined)?.data;
  // The hall's zone: the centre's settings, else the bundled ones (days left count from its today).
  const zone = (set?.value as { data?: { timeZone?: unknown } } | undefined)?.data?.timeZone;
  const calendar = new WorkCalendar(
    { version: 0, years: { ...normalised(calendarJson), ...normalised(pushed) } },
    typeof zone === 'string' && zone ? zone : settingsJson.timeZone,
  );
  return { catalogue, calendar };
}
