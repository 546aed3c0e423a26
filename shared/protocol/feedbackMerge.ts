// The merge of two versions of one feedback record (意见反馈): the desk's and the centre's. Used
// by the central endpoint on push, by the desk on pull when it still has unsent changes, and by
// the property tests. It is commutative, associative and idempotent, so whichever side merges
// first, and however often, neither side's work is lost.
//
// RULE (also in shared/protocol/API.md):
// - What the customer told the clerk (kind, customer, phone, account, content, due dates, who
//   accepted it) is the hall's: the centre never edits it; the version with the later
//   `updatedAt` gives it (the desk is the only writer, so that is the desk's latest).
// - The handler and the repeat mark are the centre's: the centre's values are kept (the one
//   with the higher serverVersion when both have one).
// - Contacts are a set: the union by id, in time order.
// - The reply is one text: the later `repliedAt` wins (with its author); a side without one
//   never clears the other's.
// - The first contact is the earliest either side knows; the state is the furthest along of the
//   two (open < contacted < replied < closed).
// - Links (application, clerk, counter) travel together; the later `linksAt` wins.
import type { Feedback, FeedbackContact } from '../domain/model';
import { canonicalJson } from './conflict';

const STATUS_RANK: Record<Feedback['status'], number> = {
  open: 0,
  contacted: 1,
  replied: 2,
  closed: 3,
};

const HALL_FIELDS = [
  'kind',
  'customerName',
  'phone',
  'accountNo',
  'content',
  'keyCustomer',
  'firstContactDue',
  'replyDue',
  'dueProvisional',
  'updatedByStaffNo',
] as const satisfies readonly (keyof Feedback)[];

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}
/**
 * The version with the later time; a tie is broken by a total order on the text of the fields
 * in question only (`part`), so that the merge is commutative and associative.
 */
function pick<T>(
  a: T,
  b: T,
  aAt: string | undefined,
  bAt: string | undefined,
  part: (x: T) => unknown,
): T {
  const ta = aAt ? Date.parse(aAt) : -Infinity;
  const tb = bAt ? Date.parse(bAt) : -Infinity;
  if (ta !== tb) return ta > tb ? a : b;
  return canonicalJson(part(a)) >= canonicalJson(part(b)) ? a : b;
}

function setOpt<K extends keyof Feedback>(out: Feedback, key: K, value: Feedback[K] | undefined) {
  if (value === undefined) delete out[key];
  else out[key] = value;
}

export function mergeContacts(
  a: readonly FeedbackContact[] | undefined,
  b: readonly FeedbackContact[] | undefined,
): FeedbackContact[] | undefined {
  if (!a?.length && !b?.length) return undefined;
  const byId = new Map<string, FeedbackContact>();
  for (const c of [...(a ?? []), ...(b ?? [])]) {
    const had = byId.get(c.id);
    // The same id twice (a re-sent copy): a fixed choice keeps the merge order-free.
    if (!had || canonicalJson(c) > canonicalJson(had)) byId.set(c.id, c);
  }
  return [...byId.values()].sort((x, y) =>
    x.at === y.at ? (x.id < y.id ? -1 : 1) : Date.parse(x.at) - Date.parse(y.at),
  );
}

/** The one record both sides agree on. Identity fields come from `a` (they never differ). */
export function mergeFeedback(a: Feedback, b: Feedback): Feedback {
  const hallPart = (x: Feedback) => HALL_FIELDS.map((f) => x[f]);
  const hall = pick(a, b, a.updatedAt, b.updatedAt, hallPart);
  const out: Feedback = { ...a };
  for (const f of HALL_FIELDS) setOpt(out, f, hall[f]);

  // Centre-owned: the version with the higher serverVersion (the centre's latest).
  const sa = a.serverVersion ?? -1;
  const sb = b.serverVersion ?? -1;
  const centrePart = (x: Feedback) => [x.handler, x.repeatOf];
  const centre = sa === sb ? pick(a, b, undefined, undefined, centrePart) : sa > sb ? a : b;
  setOpt(out, 'serverVersion', centre.serverVersion);
  setOpt(out, 'handler', centre.handler);
  setOpt(out, 'repeatOf', centre.repeatOf);

  setOpt(out, 'contacts', mergeContacts(a.contacts, b.contacts));

  const hasA = !!a.repliedAt && !!a.reply;
  const hasB = !!b.repliedAt && !!b.reply;
  const replyPart = (x: Feedback) => [x.reply, x.repliedBy, x.repliedByStaffNo];
  const replier =
    hasA && hasB ? pick(a, b, a.repliedAt, b.repliedAt, replyPart) : hasA ? a : hasB ? b : null;
  setOpt(out, 'reply', replier?.reply);
  setOpt(out, 'repliedAt', replier?.repliedAt);
  setOpt(out, 'repliedBy', replier?.repliedBy);
  setOpt(out, 'repliedByStaffNo', replier?.repliedByStaffNo);

  setOpt(out, 'firstContactAt', earlier(a.firstContactAt, b.firstContactAt));

  // Closing is refused without a reply where it happens (the centre's close, the desk's form).
  out.status = STATUS_RANK[a.status] >= STATUS_RANK[b.status] ? a.status : b.status;

  const links = pick(a, b, a.linksAt, b.linksAt, (x) => [
    x.applicationNo,
    x.concernsStaffNo,
    x.concernsCounter,
  ]);
  setOpt(out, 'applicationNo', links.applicationNo);
  setOpt(out, 'concernsStaffNo', links.concernsStaffNo);
  setOpt(out, 'concernsCounter', links.concernsCounter);
  setOpt(out, 'linksAt', links.linksAt);

  out.updatedAt = later(a.updatedAt, b.updatedAt) ?? a.updatedAt;
  return out;
}

const CENTRE_FIELDS = ['handler', 'repeatOf', 'serverVersion'] as const;

/**
 * A desk's version as the centre takes it: the centre-owned fields (handler, repeat mark,
 * serverVersion) are the centre's whatever the desk sent, so that no desk can name a handler.
 */
export function asDeskVersion(sent: Feedback, centre: Feedback | undefined): Feedback {
  const out: Feedback = { ...sent };
  for (const f of CENTRE_FIELDS) setOpt(out, f, centre?.[f] as never);
  return out;
}
