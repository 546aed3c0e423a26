// The desk's hall time zone for code below the configuration (the local store's per-date number
// counter, date filters, list formatting): set from the hall settings each time the desk's
// configuration is published (desk/config.ts), Asia/Shanghai until then.
import { DEFAULT_HALL_TIME_ZONE } from '../../../shared/domain/hallTime';

let zone = DEFAULT_HALL_TIME_ZONE;

export function setDeskTimeZone(timeZone: string): void {
  zone = timeZone;
}

/** The hall's IANA zone the desk's business dates are read in. */
export function deskTimeZone(): string {
  return zone;
}
