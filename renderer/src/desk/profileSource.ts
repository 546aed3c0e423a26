// Where the desk's hall and desk codes come from: the enrollment (completed with the centre, or
// taken offline from a code that carries them, waiting for the first contact). Once a desk is
// enrolled its codes are the enrollment's, shown read-only in 设置 and never overwritten there:
// application numbers must stay unique across every desk (issue 12 §2).
import type { HallDeskDB } from '../db/db';
import { pendingEnrollment, publicEnrollment } from '../sync/credentials';

export type CodesSource =
  | { kind: 'centre'; endpoint: string; hallCode: string }
  | { kind: 'pending'; endpoint: string; hallCode: string; deskCode: string };

/** The enrollment the codes come from; null for a desk never enrolled. */
export async function codesSource(db: HallDeskDB): Promise<CodesSource | null> {
  const enrolled = await publicEnrollment(db);
  if (enrolled) return { kind: 'centre', endpoint: enrolled.endpoint, hallCode: enrolled.hallCode };
  const p = await pendingEnrollment(db);
  if (p)
    return { kind: 'pending', endpoint: p.endpoint, hallCode: p.hallCode, deskCode: p.deskCode };
  return null;
}
