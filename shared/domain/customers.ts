// One customer across applications and halls: the key a record is filed under (credit code for
// a company, otherwise the ID number, as the centre's applications.customer_key column computes
// it) and the key-customer register the centre sends to desks and hall services as the
// `keyCustomers` configuration document. No JSON imports here (the hall service and the
// browser-test loader import it); the rules are in customerRules.ts.
import { z } from 'zod';
import { normalizeIdentifier } from './normalize';

/** What an identifier is compared as: half-width, no spaces or dashes, upper case. */
export function cleanRef(s: string): string {
  return normalizeIdentifier(s).replace(/[\s-]/g, '').toUpperCase();
}

/**
 * The customer key of a record's customer: `C:<credit code>` for a company, else `I:<ID number>`.
 * Must agree with migration 20261207_customers_1 (applications.customer_key): trimmed, upper case.
 */
export function customerKeyOf(c: { idNumber?: string; creditCode?: string }): string | null {
  const credit = c.creditCode?.trim();
  if (credit) return `C:${credit.toUpperCase()}`;
  const id = c.idNumber?.trim();
  return id ? `I:${id.toUpperCase()}` : null;
}

export const KeyReason = z.enum(['capacity', 'voltage', 'consumption', 'category']);
export type KeyReason = z.infer<typeof KeyReason>;

/** One key customer as the desks and the hall services receive it. */
export const KeyRegisterEntry = z.object({
  customerKey: z.string().min(3).max(60),
  name: z.string().min(1).max(100),
  /** 户号 of the customer (cleaned): the desk and the kiosk recognise them by these too. */
  accountNos: z.array(z.string().max(30)).max(50),
  /** The customer's phone (cleaned): the kiosk's lane accepts it like a 户号. */
  phone: z.string().max(30).optional(),
  managerStaffNo: z.string().min(1).max(20),
  managerName: z.string().min(1).max(50),
  managerPhone: z.string().max(30).optional(),
  reasons: z.array(KeyReason).min(1),
  since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type KeyRegisterEntry = z.infer<typeof KeyRegisterEntry>;

export const KeyRegisterDoc = z.object({
  entries: z.array(KeyRegisterEntry).max(100_000),
});
export type KeyRegisterDoc = z.infer<typeof KeyRegisterDoc>;

/** The register entry of a customer typed at the desk (by credit code, ID number or 户号). */
export function findInRegister(
  doc: KeyRegisterDoc | null | undefined,
  q: { idNumber?: string; creditCode?: string; accountNo?: string },
): KeyRegisterEntry | undefined {
  if (!doc) return undefined;
  const keys = new Set<string>();
  if (q.creditCode?.trim()) keys.add(`C:${cleanRef(q.creditCode)}`);
  if (q.idNumber?.trim()) keys.add(`I:${cleanRef(q.idNumber)}`);
  const acct = q.accountNo?.trim() ? cleanRef(q.accountNo) : null;
  return doc.entries.find(
    (e) => keys.has(cleanKey(e.customerKey)) || (acct !== null && e.accountNos.includes(acct)),
  );
}

function cleanKey(k: string): string {
  return `${k.slice(0, 2)}${cleanRef(k.slice(2))}`;
}

/** Whether a 户号 or phone typed at the kiosk belongs to a registered key customer. */
export function registerHasRef(doc: KeyRegisterDoc | null | undefined, ref: string): boolean {
  if (!doc) return false;
  const r = cleanRef(ref);
  if (r.length < 4) return false;
  return doc.entries.some((e) => e.accountNos.includes(r) || (e.phone && cleanRef(e.phone) === r));
}
