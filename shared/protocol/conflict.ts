// The conflict policy between a hall's desks and the centre, as pure functions used by the
// central endpoint (push), the desk's sync engine (pull) and the property tests alike.
//
// POLICY (also in the README):
// - The HALL owns what the customer told the clerk: customer kind and identity, address, the
//   business type and its form fields, documents, commitment letter, key-customer manager,
//   ticket, notes and the computed deadline (HALL_OWNED_FIELDS). It owns them only while the
//   application is still in its initial state (INITIAL_STATUS, 'accepted'): until then a desk's
//   update replaces those fields on the centre, last arrival wins between the hall's desks.
// - The CENTRE owns the workflow: status, history and serverVersion (CENTRE_OWNED_FIELDS) from
//   the start, and everything once the back office takes the application up (status leaves
//   'accepted'). Back-office edits are only allowed after take-up (else E_HALL_OWNED).
// - Identity fields (id, appNo, hallCode, deskCode, acceptedAt, acceptedBy) never change after
//   the first push; a desk's different value is ignored (and listed as not applied).
// - When a desk sends an update for an application the centre already took up and the desk's
//   hall-owned fields differ from the centre's, the push result is `conflict` with the centre's
//   record and the list of fields that were NOT applied. The desk replaces its copy with the
//   centre's record and shows the clerk what was not applied (e.g. "电话号码未同步：中心已受理").
//   A desk update identical to the centre's record is simply `applied` (nothing to tell).
// - Whatever a desk sends as status/history is ignored on update: only the back office moves
//   the workflow. On create the desk's initial status and history are taken as they are.
// - On pull the desk takes the centre's status/history/serverVersion always; it keeps its own
//   hall-owned fields only while it has unsent changes to the record AND the centre has not
//   taken it up (those changes are still on their way and will win on the centre).
import type { Application } from '../domain/model';

/** The workflow state an application has when the desk accepts it (受理). */
export const INITIAL_STATUS = 'accepted';

export const HALL_OWNED_FIELDS = [
  'businessCode',
  'customerKind',
  'customer',
  'address',
  'fields',
  'documents',
  'commitmentSigned',
  'keyCustomer',
  'ticketNo',
  'notes',
  'deadline',
  // Whether that deadline was counted Mon–Fri in a year without a holiday schedule: travels
  // with the deadline.
  'deadlineProvisional',
  // Who changed it last at the desk, and the warnings confirmed past at acceptance (issue 13).
  'updatedByStaffNo',
  'overriddenWarnings',
] as const satisfies readonly (keyof Application)[];
export type HallOwnedField = (typeof HALL_OWNED_FIELDS)[number];

/**
 * Fields the hall owns for the application's whole life: the customer's rating of the counter
 * service is given at the hall after the business is done, usually after the back office has
 * taken the application up, and nobody at the centre may change it. A desk's value is taken
 * whenever it is set and differs (it is never cleared by a desk that does not have it).
 */
export const HALL_ALWAYS_FIELDS = [
  'customerRating',
] as const satisfies readonly (keyof Application)[];

export const CENTRE_OWNED_FIELDS = [
  'status',
  'history',
  'customerPauses',
  'serverVersion',
] as const satisfies readonly (keyof Application)[];

export const IMMUTABLE_FIELDS = [
  'id',
  'appNo',
  'hallCode',
  'deskCode',
  'acceptedAt',
  'acceptedBy',
  'acceptedByStaffNo',
] as const satisfies readonly (keyof Application)[];

/** True once the back office has taken the application up: the centre then owns everything. */
export function isTakenUp(status: string): boolean {
  return status !== INITIAL_STATUS;
}

/** JSON with object keys sorted: equality that ignores key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Hall-owned fields whose values differ between two versions of one application. */
export function differingHallFields(a: Application, b: Application): HallOwnedField[] {
  return HALL_OWNED_FIELDS.filter((f) => !sameValue(a[f], b[f]));
}

export type DeskUpdateOutcome =
  /** Not on the centre yet: store the desk's record (serverVersion 1). */
  | { kind: 'create'; record: Application }
  /** Apply: `record` is the centre's new record; `changed` false = nothing to write. */
  | { kind: 'apply'; record: Application; changed: boolean }
  /** Taken up and the desk differs: keep `current`, tell the desk what was not applied. */
  | {
      kind: 'conflict';
      /** The centre's record (with the desk's always-owned fields when `changed`). */
      current: Application;
      notApplied: string[];
      /** True when `current` took always-owned fields from the desk: write it. */
      changed: boolean;
    };

/**
 * What the centre does with a desk's version of an application (push, create or update).
 * `centre` is the centre's current record (undefined when it has none).
 */
export function resolveDeskUpdate(
  centre: Application | undefined,
  desk: Application,
): DeskUpdateOutcome {
  if (!centre) {
    return { kind: 'create', record: { ...desk, serverVersion: 1 } };
  }
  // The hall's always-owned fields first: they apply in every state, also beside a conflict.
  const always = HALL_ALWAYS_FIELDS.filter(
    (f) => desk[f] !== undefined && !sameValue(centre[f], desk[f]),
  );
  let base = centre;
  if (always.length > 0) {
    base = { ...centre, serverVersion: centre.serverVersion + 1, updatedAt: desk.updatedAt };
    for (const f of always) (base as Record<string, unknown>)[f] = desk[f];
  }
  const changedAlways = always.length > 0;
  const differing = differingHallFields(centre, desk);
  if (isTakenUp(centre.status)) {
    if (differing.length === 0) return { kind: 'apply', record: base, changed: changedAlways };
    return { kind: 'conflict', current: base, notApplied: differing, changed: changedAlways };
  }
  if (differing.length === 0) return { kind: 'apply', record: base, changed: changedAlways };
  const record: Application = { ...base };
  for (const f of HALL_OWNED_FIELDS) {
    // Assign field by field so that a field the desk cleared (undefined) is cleared here too.
    (record as Record<string, unknown>)[f] = desk[f];
  }
  record.updatedAt = desk.updatedAt;
  record.serverVersion = centre.serverVersion + 1;
  return { kind: 'apply', record, changed: true };
}

/**
 * What the desk keeps when the centre's record arrives by pull (or in a conflict result).
 * `local` is the desk's copy; `localPending` says whether the desk has unsent changes to it.
 */
export function mergeForDesk(
  local: Application | undefined,
  centre: Application,
  localPending: boolean,
): Application {
  if (!local) return centre;
  // An older centre version (pages overtaken by a push result) never rolls the desk back.
  if (local.serverVersion > centre.serverVersion) return local;
  if (!localPending) return centre;
  if (isTakenUp(centre.status)) {
    // A rating given since the last push is still on its way: keep showing it. (The centre's
    // object itself when there is nothing to keep: callers tell "replaced" by identity.)
    const keep = HALL_ALWAYS_FIELDS.filter(
      (f) => local[f] !== undefined && !sameValue(local[f], centre[f]),
    );
    if (keep.length === 0) return centre;
    const kept: Application = { ...centre };
    for (const f of keep) (kept as Record<string, unknown>)[f] = local[f];
    return kept;
  }
  const merged: Application = { ...centre };
  for (const f of HALL_OWNED_FIELDS) {
    (merged as Record<string, unknown>)[f] = local[f];
  }
  merged.updatedAt = local.updatedAt;
  return merged;
}

/** Whether a back-office edit is allowed now (the hall owns the data until take-up). */
export function centreMayEdit(status: string): boolean {
  return isTakenUp(status);
}
