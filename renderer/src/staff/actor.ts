// Who is acting at this desk right now, for the modules that stamp records (db/repo.ts,
// db/audit.ts) without importing React state: set by staff/session.ts on every sign-in, lock,
// shift change. Undefined: nobody signed in (a desk whose hall has no staff yet).
export interface Actor {
  staffNo: string;
  name: string;
}

let current: Actor | undefined;

export function setCurrentActor(a: Actor | undefined): void {
  current = a;
}

export function currentStaffActor(): Actor | undefined {
  return current;
}
