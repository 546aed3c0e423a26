// Derived index keys for the local store: the sortable time key, the multi-entry search keys
// and the open-deadline key, computed on every write so that searches are index ranges.
import type { Application, Feedback } from '../../../shared/domain/model';
// From paths, not workflow: the database opens at start-up without the catalogue and zod.
import { isTerminal } from '../../../shared/domain/paths';

/** Separates a search key's value from its time suffix; sorts below every printable char. */
export const KEY_SEP = '\u0001';
/** Above every character that can follow KEY_SEP in a key (upper bound of a range). */
export const KEY_MAX = '\uffff';

/** Kinds of search key. Exact-match kinds: a query equal to the value finds the row. */
export type SearchKeyKind =
  | 'n' // name: first 1, 2 and 3 characters, and the whole name
  | 'i' // ID number / credit code, whole
  | 'i4' // ID number, last 4
  | 'p' // phone, whole (digits only)
  | 'p4' // phone, last 4
  | 'a' // 户号 (account number)
  | 'no' // application / feedback number
  | 'ns' // serial part of a number: 0002 and 20261207-0002 (what a customer reads off a receipt)
  | 'py' // pinyin initials of a name (wjg for 王建国), whole and its 2–3 letter prefixes
  | 'ad'; // address word (省/市/区/路/街/村/小区 …), its stem, and road + house number

// Chinese addresses have no spaces: cut after the usual administrative and street suffixes.
// Only suffixes that rarely occur inside names (州, 楼, 园, 城 … do: 苏州, 鼓楼, 工业园).
const ADDRESS_WORD =
  /.+?(?:特别行政区|自治区|自治州|自治县|街道|社区|小区|花园|大道|大街|胡同|广场|大厦|单元|省|市|区|县|旗|镇|乡|村|路|街|巷|弄|号|栋|幢|室)|.+$/gu;
const ADDRESS_SUFFIX =
  /(?:特别行政区|自治区|自治州|自治县|街道|社区|小区|花园|大道|大街|胡同|广场|大厦|单元|省|市|区|县|旗|镇|乡|村|路|街|巷|弄|号|栋|幢|室)$/u;

/** Address words in order; `complete` is false for a trailing fragment without a suffix. */
export function addressWords(address: string): { word: string; complete: boolean }[] {
  const text = normalizeText(address);
  return (text.match(ADDRESS_WORD) ?? []).map((word) => ({
    word,
    complete: ADDRESS_SUFFIX.test(word),
  }));
}

const startsWithDigit = (w: string) => /^[0-9]/.test(w);

/**
 * Address key values: each word of 2+ characters not starting with a digit (鼓楼区, 中山路),
 * its stem without the suffix (鼓楼, 中山) and a road word joined with its house number
 * (中山路1号). Numbers alone (1号, 502室) would match half the city: they get no key.
 */
export function addressKeyValues(address: string): string[] {
  const words = addressWords(address);
  const out: string[] = [];
  words.forEach(({ word, complete }, i) => {
    if (startsWithDigit(word)) return;
    const chars = Array.from(word);
    if (chars.length >= 2) out.push(word);
    if (complete) {
      const stem = word.replace(ADDRESS_SUFFIX, '');
      if (Array.from(stem).length >= 2) out.push(stem);
    }
    const next = words[i + 1];
    if (next && startsWithDigit(next.word)) out.push(word + next.word);
  });
  return out;
}

/** Whether an application no longer runs against its deadline (workflow's terminal states). */
export function isTerminalStatus(status: string): boolean {
  return isTerminal(status);
}

/** Fixed-width base-36 epoch milliseconds: lexical order equals time order (until year 5188). */
export function timeKey(isoOrMs: string | number): string {
  const ms = typeof isoOrMs === 'number' ? isoOrMs : Date.parse(isoOrMs);
  if (!Number.isFinite(ms) || ms < 0) return '000000000';
  return Math.floor(ms).toString(36).padStart(9, '0');
}

/** Uppercase, no spaces; the form every key value and every query is compared in. */
export function normalizeText(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** Digits only (phones are typed with spaces, dashes, +86 …). */
export function digitsOnly(value: string): string {
  return value.replace(/\D+/g, '');
}

function lastN(value: string, n: number): string | undefined {
  return value.length >= n ? value.slice(-n) : undefined;
}

/** The `kind:value` part of a search key (no time suffix). */
export function keyValue(kind: SearchKeyKind, value: string): string {
  return `${kind}:${value}`;
}

/** Name keys: prefixes of 1–3 characters and the whole name (code points, not UTF-16 units). */
export function nameKeyValues(name: string): string[] {
  const chars = Array.from(normalizeText(name));
  const out: string[] = [];
  for (let i = 1; i <= Math.min(3, chars.length); i++) out.push(chars.slice(0, i).join(''));
  if (chars.length > 3) out.push(chars.join(''));
  return out;
}

/** The serial parts of a number (…-20261207-0002): `0002` and `20261207-0002`. */
export function serialKeyValues(no: string): string[] {
  const m = /(\d{8})-(\d{3,6})$/.exec(normalizeText(no));
  return m ? [m[2]!, `${m[1]}-${m[2]}`] : [];
}

// Pinyin initials come from pinyin-pro, which is large: it is loaded on demand (nameInitials.ts)
// before the first write that needs it, never on the start-up path.
let initialsOf: ((name: string) => string) | undefined;

/** Installs the name → pinyin initials function (lower-case letters; '' for no Han). */
export function setNameInitials(fn: ((name: string) => string) | undefined): void {
  initialsOf = fn;
}

export function hasNameInitials(): boolean {
  return initialsOf !== undefined;
}

// Told when a Han name got its keys without initials (the module not loaded yet, or failed to
// load): the opener then backfills them (open.ts), so such a record is found by pinyin later.
let onMissing: (() => void) | undefined;

export function onInitialsMissing(fn: (() => void) | undefined): void {
  onMissing = fn;
}

/** Pinyin-initial keys of a name: the whole initials and their 2–3 letter prefixes. */
export function pinyinKeyValues(name: string): string[] {
  if (!/\p{Script=Han}/u.test(name)) return [];
  if (!initialsOf) {
    onMissing?.();
    return [];
  }
  const ini = initialsOf(name)
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  if (ini.length < 2) return [];
  const out = new Set<string>([ini]);
  for (let i = 2; i <= Math.min(3, ini.length); i++) out.add(ini.slice(0, i));
  return [...out];
}

function withTime(values: Iterable<string>, t: string): string[] {
  return Array.from(new Set(values), (v) => `${v}${KEY_SEP}${t}`);
}

function idValues(idNumber: string | undefined): string[] {
  if (!idNumber) return [];
  const id = normalizeText(idNumber);
  const out = [keyValue('i', id)];
  const l4 = lastN(id, 4);
  if (l4) out.push(keyValue('i4', l4));
  return out;
}

function phoneValues(phone: string | undefined): string[] {
  if (!phone) return [];
  const d = digitsOnly(phone);
  if (!d) return [];
  const out = [keyValue('p', d)];
  const l4 = lastN(d, 4);
  if (l4) out.push(keyValue('p4', l4));
  return out;
}

/** Derived fields of a stored application (see StoredApplication in db.ts). */
export function deriveApplicationKeys(app: Application): {
  t: string;
  searchKeys: string[];
  openDeadline: string | undefined;
} {
  const t = timeKey(app.acceptedAt);
  const c = app.customer;
  const values: string[] = [
    ...nameKeyValues(c.name).map((v) => keyValue('n', v)),
    ...idValues(c.idNumber),
    ...phoneValues(c.phone),
    keyValue('no', normalizeText(app.appNo)),
    ...serialKeyValues(app.appNo).map((v) => keyValue('ns', v)),
    ...pinyinKeyValues(c.name).map((v) => keyValue('py', v)),
  ];
  if (c.creditCode && normalizeText(c.creditCode) !== normalizeText(c.idNumber)) {
    values.push(keyValue('i', normalizeText(c.creditCode)));
  }
  if (c.accountNo) values.push(keyValue('a', normalizeText(c.accountNo)));
  if (c.contactName && c.contactName !== c.name) {
    values.push(...nameKeyValues(c.contactName).map((v) => keyValue('n', v)));
  }
  values.push(...addressKeyValues(app.address).map((v) => keyValue('ad', v)));
  return {
    t,
    searchKeys: withTime(values, t),
    openDeadline: isTerminalStatus(app.status) ? undefined : app.deadline,
  };
}

/** Derived fields of stored feedback: newest-first order and name / phone / 户号 / number keys. */
export function deriveFeedbackKeys(fb: Feedback): { t: string; searchKeys: string[] } {
  const t = timeKey(fb.acceptedAt);
  const values: string[] = [
    ...nameKeyValues(fb.customerName).map((v) => keyValue('n', v)),
    ...phoneValues(fb.phone),
    keyValue('no', normalizeText(fb.feedbackNo)),
    ...serialKeyValues(fb.feedbackNo).map((v) => keyValue('ns', v)),
    ...pinyinKeyValues(fb.customerName).map((v) => keyValue('py', v)),
  ];
  if (fb.accountNo) values.push(keyValue('a', normalizeText(fb.accountNo)));
  return { t, searchKeys: withTime(values, t) };
}

/** The index range [lower, upper] holding every key `kind:value` between two time keys. */
export function keyRange(
  kind: SearchKeyKind,
  value: string,
  fromT = '',
  toT = KEY_MAX,
): [string, string] {
  const base = `${keyValue(kind, value)}${KEY_SEP}`;
  return [base + fromT, base + toT];
}

/** The time part of a stored search key. */
export function timeOfKey(key: string): string {
  const i = key.lastIndexOf(KEY_SEP);
  return i < 0 ? '' : key.slice(i + 1);
}
