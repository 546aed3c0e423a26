// The halls' time zone at the centre: the zone of the hall settings document the centre delivers
// to every hall (config key 'settings', field timeZone; Asia/Shanghai when none is stored), so the
// centre's "today" for deadlines, due lists and supervision ranges is the halls' business date,
// the same one their desks number and count deadlines with.
import { businessDate } from '../../shared/domain/calendar';
import { DEFAULT_HALL_TIME_ZONE, isTimeZone } from '../../shared/domain/hallTime';
import type { Queryable } from '../db/db';

export async function hallTimeZone(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ tz: string | null }>(
    "SELECT data->>'timeZone' AS tz FROM config WHERE key = 'settings'",
  );
  return zoneOrDefault(rows[0]?.tz ?? null);
}

/** The stored zone, or the default when none (or an unknown one) is stored. */
export function zoneOrDefault(tz: string | null): string {
  // The document was validated when stored (admin.ts); an unknown zone still never breaks a page.
  return tz && isTimeZone(tz) ? tz : DEFAULT_HALL_TIME_ZONE;
}

/** Today's business date in the halls' zone. */
export async function hallToday(db: Queryable, now: Date = new Date()): Promise<string> {
  return businessDate(now, await hallTimeZone(db));
}
