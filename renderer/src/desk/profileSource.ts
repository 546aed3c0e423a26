// Where the desk's hall and desk codes come from: the enrollment (completed with the centre, or
// taken offline from a code that carries them, waiting for the first contact). The codes are
// never typed in 设置 (issue 12 §2): application numbers must stay unique across every desk. A
// desk whose clerk typed codes in an older version, before enrolling, keeps them read-only
// ("set by hand before enrollment") so its numbering continues; its enrollment then asks the
// centre for that desk code and re-homes the records (sync/credentials.ts).
import type { HallDeskDB } from '../db/db';
import { pendingEnrollment, publicEnrollment } from '../sync/credentials';

/** Setting key of the desk profile (config.ts PROFILE_KEY; config imports this module lazily). */
const PROFILE_KEY = 'desk.profile';

export type CodesSource =
  | { kind: 'centre'; endpoint: string; hallCode: string }
  | { kind: 'pending'; endpoint: string; hallCode: string; deskCode: string }
  | { kind: 'manual'; hallCode: string; deskCode: string };

/** The enrollment the codes come from; 'manual' for codes typed before enrollment; null: none. */
export async function codesSource(db: HallDeskDB): Promise<CodesSource | null> {
  const enrolled = await publicEnrollment(db);
  if (enrolled) return { kind: 'centre', endpoint: enrolled.endpoint, hallCode: enrolled.hallCode };
  const p = await pendingEnrollment(db);
  if (p)
    return { kind: 'pending', endpoint: p.endpoint, hallCode: p.hallCode, deskCode: p.deskCode };
  const row = await db.settings.get(PROFILE_KEY);
  const v = row?.value as { hallCode?: unknown; deskCode?: unknown } | undefined;
  if (typeof v?.hallCode === 'string' && v.hallCode && typeof v.deskCode === 'string' && v.deskCode)
    return { kind: 'manual', hallCode: v.hallCode, deskCode: v.deskCode };
  return null;
}
