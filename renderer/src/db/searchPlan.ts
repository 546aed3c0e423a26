// Search planning: what the text typed in the search box is (number, serial, name, pinyin
// initials, ID, phone, 户号, address) and the index-key ranges that answer it (see keys.ts).
import type { StoredApplication } from './db';
import { addressWords, digitsOnly, normalizeText, type SearchKeyKind } from './keys';

/** What the search text is: `auto` guesses from its shape (see planText). */
export type SearchKind =
  | 'auto'
  | 'appNo'
  | 'serial'
  | 'name'
  | 'pinyin'
  | 'id'
  | 'idLast4'
  | 'phone'
  | 'phoneLast4'
  | 'accountNo'
  | 'address';

export interface SearchQuery {
  text: string;
  kind?: SearchKind;
}

export type RowPredicate = (row: StoredApplication) => boolean;

/** One search-key range and, for long name prefixes, the exact test applied to each row. */
export interface KeyPlan {
  kind: SearchKeyKind;
  value: string;
  post?: RowPredicate;
}

function namePlan(q: string): KeyPlan[] {
  const chars = Array.from(q);
  if (chars.length <= 3) return [{ kind: 'n', value: q }];
  // Keys hold 1–3 char prefixes and whole names: a longer prefix narrows the 3-char range.
  const starts = (s: string | undefined) => s !== undefined && normalizeText(s).startsWith(q);
  return [
    {
      kind: 'n',
      value: chars.slice(0, 3).join(''),
      post: (r) => starts(r.customer.name) || starts(r.customer.contactName),
    },
  ];
}

/** Turns the search text into key ranges; `address` (no index) returns null. */
export function planText(text: string, kind: SearchKind): KeyPlan[] | null {
  const q = normalizeText(text);
  const digits = digitsOnly(text);
  switch (kind) {
    case 'appNo':
      return [{ kind: 'no', value: q }];
    case 'serial':
      return [{ kind: 'ns', value: q }];
    case 'pinyin':
      return [{ kind: 'py', value: q }];
    case 'name':
      return namePlan(q);
    case 'id':
      return q.length === 4 ? [{ kind: 'i4', value: q }] : [{ kind: 'i', value: q }];
    case 'idLast4':
      return [{ kind: 'i4', value: q.slice(-4) }];
    case 'phone':
      return digits.length === 4 ? [{ kind: 'p4', value: digits }] : [{ kind: 'p', value: digits }];
    case 'phoneLast4':
      return [{ kind: 'p4', value: digits.slice(-4) }];
    case 'accountNo':
      return [{ kind: 'a', value: q }];
    case 'address':
      return null;
    case 'auto': {
      if (/^\d{3}[\dX]$/.test(q)) {
        const plans: KeyPlan[] = [{ kind: 'i4', value: q }];
        // Four digits may also be a number's serial read off a receipt (…-0002).
        if (/^\d{4}$/.test(q)) plans.push({ kind: 'p4', value: q }, { kind: 'ns', value: q });
        return plans;
      }
      if (/^[\d+\-()]+$/.test(q) && digits.length > 0) {
        const plans: KeyPlan[] = [
          { kind: 'p', value: digits },
          { kind: 'i', value: q },
          { kind: 'a', value: q },
          { kind: 'no', value: q },
        ];
        // 5–6 digit serials and date-serial (20261207-0002).
        if (/^\d{5,6}$|^\d{8}-\d{3,6}$/.test(q)) plans.push({ kind: 'ns', value: q });
        return plans;
      }
      if (/^[0-9A-Z-]+$/.test(q)) {
        const plans: KeyPlan[] = [
          { kind: 'no', value: q },
          { kind: 'i', value: q },
          { kind: 'a', value: q },
        ];
        // Letters only: pinyin initials of a name (WJG → 王建国).
        if (/^[A-Z]{2,}$/.test(q)) plans.push({ kind: 'py', value: q });
        return plans;
      }
      return namePlan(q);
    }
  }
}

/**
 * The address key a query can use: a word of it (or a trailing fragment, which may be a stem
 * such as 中山), joined with a following house number when there is one.
 */
export function addressKeyFor(q: string): string | undefined {
  const words = addressWords(q);
  // The most specific key wins: a road with its house number, else the last usable word
  // (a road is rarer than its district, a district than its city).
  let best: string | undefined;
  let bestRank = -1;
  words.forEach(({ word, complete }, i) => {
    if (/^[0-9]/.test(word) || Array.from(word).length < 2) return;
    const next = words[i + 1];
    if (complete && next?.complete && /^[0-9]/.test(next.word)) {
      best = word + next.word;
      bestRank = Number.MAX_SAFE_INTEGER;
    } else if (i > bestRank) {
      best = word;
      bestRank = i;
    }
  });
  return best;
}
