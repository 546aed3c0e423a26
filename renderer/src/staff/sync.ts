// The staff stage of a sync round: report this desk's lockouts and new passwords, then pull the
// hall's directory (a disabled or removed person stops working here from this pull on). A
// centre without staff routes (older build: 404) is left alone.
import type { HallDeskDB } from '../db/db';
import type { ApiClient } from '../sync/transport';
import { HttpError } from '../sync/transport';
import { applyDirectory, dropStaffEvents, pendingStaffEvents } from './local';

export type StaffClient = Pick<ApiClient, 'staffDirectory' | 'staffEvents'>;

export async function syncStaff(
  db: HallDeskDB,
  client: StaffClient,
  onSessionEnded: () => void = () => undefined,
): Promise<void> {
  try {
    const events = await pendingStaffEvents(db);
    if (events.length) {
      try {
        const r = await client.staffEvents(events.slice(0, 200));
        await dropStaffEvents(
          db,
          r.results.map((x) => x.id),
        );
      } catch (e) {
        // Refused for good (a person moved to another hall, removed): the report is dropped,
        // the directory below tells the desk what is true now.
        if (e instanceof HttpError && e.status >= 400 && e.status < 500 && e.status !== 404)
          await dropStaffEvents(
            db,
            events.map((x) => x.id),
          );
        else throw e;
      }
    }
    const dir = await client.staffDirectory();
    const { sessionEnded } = await applyDirectory(db, dir);
    if (sessionEnded) onSessionEnded();
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return;
    throw e;
  }
}
