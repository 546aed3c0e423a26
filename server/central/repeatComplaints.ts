// A customer's repeat complaint (issue 14 §2): the latest earlier complaint of the same customer
// within the configured window, matched by what complaints.json's `repeatMatch` lists: the same
// phone, the same 户号, the same ID number / credit code, the same address. A feedback record
// carries no ID number or address of its own: those are the centre's customer key (ID number or
// credit code, normalised as customers.ts stores it: 'I:'/'C:' + trimmed upper case) and the
// address of the application the record is linked to, and the customer key of the customer whose
// 户号 it gives. Each arm is its own indexed look-up (UNION ALL), never a scan of the feedback.
import type { ComplaintsConfig, RepeatMatch } from '../../shared/domain/complaintsConfig';

/** The earlier complaints in the window before record `f` (alias `f` in the outer query). */
const WINDOW = (days: string) => `p.id <> f.id AND p.kind = 'complaint'
       AND p.accepted_text < f.accepted_text
       AND (p.record->>'acceptedAt')::timestamptz >=
           (f.record->>'acceptedAt')::timestamptz - make_interval(days => ${days})`;

/** The customer keys of record `f`: its linked application's, and its 户号's customer's. */
const KEYS_OF_F = `(SELECT a.customer_key FROM applications a
          WHERE a.app_no = f.application_no AND a.customer_key IS NOT NULL
         UNION
         SELECT c.ckey FROM customers c
          WHERE f.account_no IS NOT NULL AND c.account_nos @> ARRAY[upper(btrim(f.account_no))])`;

function arm(kind: RepeatMatch, days: string): string[] {
  const sel = 'SELECT p.feedback_no, p.accepted_text FROM feedback p WHERE';
  const w = WINDOW(days);
  switch (kind) {
    case 'phone':
      return [`${sel} p.phone = f.phone AND ${w}`];
    case 'accountNo':
      return [`${sel} f.account_no IS NOT NULL AND p.account_no = f.account_no AND ${w}`];
    case 'idNumber':
      // Earlier records linked to an application of the same customer, or giving a 户号 of theirs.
      return [
        `${sel} p.application_no IN (SELECT a.app_no FROM applications a
                                      WHERE a.customer_key IN ${KEYS_OF_F}) AND ${w}`,
        `${sel} p.account_no IN (SELECT unnest(c.account_nos) FROM customers c
                                  WHERE c.ckey IN ${KEYS_OF_F}) AND ${w}`,
      ];
    case 'address':
      // Earlier records linked to an application at the same address (trimmed; the bigram index
      // narrows, the equality decides).
      return [
        `${sel} p.application_no IN (
           SELECT a.app_no FROM applications fa JOIN applications a
               ON a.address_grams @> hd_bigrams(btrim(fa.address)) AND btrim(a.address) = btrim(fa.address)
            WHERE fa.app_no = f.application_no AND coalesce(btrim(fa.address), '') <> '')
           AND ${w}`,
      ];
  }
}

/**
 * SQL of the repeat look-up as a scalar subquery over outer alias `f` (a feedback row): the
 * feedback number of the latest earlier matching complaint, or NULL (also for a non-complaint).
 * `days` is the placeholder of cfg.repeatWindowDays. Arms come from the configuration (a fixed
 * set of names, never user input).
 */
export function repeatOfSql(days: string, cfg: Pick<ComplaintsConfig, 'repeatMatch'>): string {
  const arms = [...new Set(cfg.repeatMatch)].flatMap((k) => arm(k, days));
  // No matching configured: never a repeat (the window's placeholder still referenced, so the
  // statement takes the same parameters).
  if (arms.length === 0) return `(CASE WHEN ${days}::int < 0 THEN NULL END)::text`;
  return `CASE WHEN f.kind = 'complaint' THEN (
    SELECT r.feedback_no FROM (${arms.join('\n UNION ALL ')}) r
     ORDER BY r.accepted_text DESC LIMIT 1)
  END`;
}
