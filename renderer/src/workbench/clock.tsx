// The workbench's clock: instants (moves, complaint contacts and replies, document views) shown
// on the halls' clock from the centre's settings (GET /workbench/me), whatever the zone of the PC
// the back office works on, as the desks show their business dates (issue 12 §5).
import { useEffect, useState } from 'react';
import { DEFAULT_HALL_TIME_ZONE, hallDateTime } from '../../../shared/domain/hallTime';
import { workbenchApi } from './api';

let zone: Promise<string> | null = null;

/** The halls' zone; the default until the centre has answered (asked once per page load). */
export function useHallZone(): string {
  const [tz, setTz] = useState(DEFAULT_HALL_TIME_ZONE);
  useEffect(() => {
    let live = true;
    zone ??= workbenchApi.me().then(
      (m) => m.timeZone,
      () => {
        // Not signed in yet, or the centre is away: asked again by the next page shown.
        zone = null;
        return DEFAULT_HALL_TIME_ZONE;
      },
    );
    void zone.then((z) => live && setTz(z));
    return () => {
      live = false;
    };
  }, []);
  return tz;
}

/** An ISO instant as YYYY-MM-DD HH:mm on the halls' clock (a non-instant is shown as it is). */
export function HallTime({ at }: { at: string | null | undefined }) {
  const tz = useHallZone();
  if (!at) return null;
  return <>{Number.isNaN(Date.parse(at)) ? at : hallDateTime(at, tz)}</>;
}
