// A hall service's own staff roster for tests that sign people in at counters (the service
// checks each sign-in against it: server/hall/staffRoster.ts).
import type { DeskStaff } from '../../shared/staff/directory';
import type { Role } from '../../shared/staff/roles';

export function hallRoster(
  people: readonly (readonly [string, string, readonly Role[]])[],
): DeskStaff[] {
  return people.map(([staffNo, name, roles]) => ({
    staffNo,
    name,
    roles: [...roles],
    state: 'active' as const,
    mustChange: false,
    pwVersion: 1,
  }));
}
