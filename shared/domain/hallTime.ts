// The hall's clock: business dates and times (acceptance time, numbers, deadlines, receipts,
// tickets, the console) are the hall's wall clock in its configured time zone (settings
// `timeZone`, Asia/Shanghai by default), never the zone the PC happens to be set to: a PC left on
// another zone printed an acceptance time of the 6th under a number and deadline of the 7th.

/**
 * The zone when the caller has no settings at hand; settings.json's `timeZone` (HallSettings)
 * overrides it where the hall configures another (callers pass cfg.settings.timeZone).
 */
export const DEFAULT_HALL_TIME_ZONE = 'Asia/Shanghai';

/** Zones found valid (few: they come from configuration). */
const knownZones = new Set<string>();

/** Whether the runtime knows the IANA zone (settings refuse one it does not). */
export function isTimeZone(tz: string): boolean {
  // Constructing a formatter costs tens of microseconds and the centre asks on every push.
  if (knownZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: tz });
  } catch {
    return false;
  }
  if (knownZones.size < 64) knownZones.add(tz);
  return true;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface HallClockParts {
  date: string; // YYYY-MM-DD
  time: string; // HH:mm
  seconds: string; // ss
  hour: number;
  minute: number;
}

function toMs(t: string | number | Date): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : new Date(t).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a valid time: ${String(t)}`);
  return ms;
}

/** The wall-clock parts of an instant in the hall's zone. */
export function hallClock(
  t: string | number | Date = Date.now(),
  timeZone = DEFAULT_HALL_TIME_ZONE,
): HallClockParts {
  const ms = toMs(t);
  if (timeZone === 'Asia/Shanghai') {
    // UTC+8 all year (no DST since 1991): the hot path needs no Intl.
    const s = new Date(ms + 8 * 3_600_000).toISOString();
    return {
      date: s.slice(0, 10),
      time: s.slice(11, 16),
      seconds: s.slice(17, 19),
      hour: Number(s.slice(11, 13)),
      minute: Number(s.slice(14, 16)),
    };
  }
  const p: Record<string, string> = {};
  for (const x of formatter(timeZone).formatToParts(ms)) p[x.type] = x.value;
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    time: `${p.hour}:${p.minute}`,
    seconds: p.second ?? '00',
    hour: Number(p.hour),
    minute: Number(p.minute),
  };
}

/** YYYY-MM-DD of an instant on the hall's calendar. */
export function hallDate(t: string | number | Date = Date.now(), timeZone?: string): string {
  return hallClock(t, timeZone).date;
}

/** YYYY-MM-DD HH:mm of an instant on the hall's clock (receipts, tickets, lists). */
export function hallDateTime(t: string | number | Date, timeZone?: string): string {
  const c = hallClock(t, timeZone);
  return `${c.date} ${c.time}`;
}

/** HH:mm on the hall's clock. */
export function hallTime(t: string | number | Date, timeZone?: string): string {
  return hallClock(t, timeZone).time;
}

/** The zone's offset from UTC (ms) at an instant: wall clock minus UTC. */
function offsetMs(ms: number, timeZone: string): number {
  const c = hallClock(ms, timeZone);
  const [y, mo, d] = c.date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, c.hour, c.minute, Number(c.seconds));
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant (epoch ms) at which the hall's wall clock shows `date` `hh:mm` (YYYY-MM-DD,
 * HH:mm): a day's start for date filters, the daily clear time of the queue. Rechecked once
 * at the result so that a daylight-saving change between midnight UTC and the time is counted.
 */
export function hallInstant(
  date: string,
  hhmm = '00:00',
  timeZone = DEFAULT_HALL_TIME_ZONE,
): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = hhmm.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  if (Number.isNaN(wall)) throw new RangeError(`not a valid hall time: ${date} ${hhmm}`);
  const guess = wall - offsetMs(wall, timeZone);
  return wall - offsetMs(guess, timeZone);
}
