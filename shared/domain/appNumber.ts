// Human application and feedback numbers that are unique without a network: hall code + desk code
// + local date + per-desk daily sequence (H0101-D02-20261126-0007; feedback F-H0101-D02-20261126-0007).
// Uniqueness holds as long as each desk's sequence for a day never repeats (the store's job).
import { businessDate } from './calendar';

export interface NumberParts {
  hallCode: string;
  deskCode: string;
  /** The hall's date as YYYY-MM-DD, or an instant converted to it in `timeZone`. */
  date: string | Date;
  seq: number;
  /** The hall's IANA zone for an instant `date` (Asia/Shanghai when not given). */
  timeZone?: string;
}

export interface ParsedNumber {
  kind: 'application' | 'feedback';
  hallCode: string;
  deskCode: string;
  date: string;
  seq: number;
}

export class AppNumberError extends Error {
  readonly code = 'app_number_invalid';
  constructor(
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(`${messageZh} / ${messageEn}`);
    this.name = 'AppNumberError';
  }
}

/** Hall and desk codes: letters and digits only (the dash is the separator), 1–16 characters. */
const CODE_RE = /^[A-Z0-9]{1,16}$/;
const NUMBER_RE = /^(?:(F)-)?([A-Z0-9]{1,16})-([A-Z0-9]{1,16})-(\d{4})(\d{2})(\d{2})-(\d{4,6})$/;

function body(parts: NumberParts): string {
  const hall = parts.hallCode.trim().toUpperCase();
  const desk = parts.deskCode.trim().toUpperCase();
  if (!CODE_RE.test(hall))
    throw new AppNumberError(
      `营业厅编码无效：${parts.hallCode}`,
      `invalid hall code: ${parts.hallCode}`,
    );
  if (!CODE_RE.test(desk))
    throw new AppNumberError(
      `受理台编码无效：${parts.deskCode}`,
      `invalid desk code: ${parts.deskCode}`,
    );
  if (!Number.isInteger(parts.seq) || parts.seq < 1 || parts.seq > 999_999)
    throw new AppNumberError(`流水号无效：${parts.seq}`, `invalid sequence: ${parts.seq}`);
  const date = businessDate(parts.date, parts.timeZone).replace(/-/g, '');
  return `${hall}-${desk}-${date}-${String(parts.seq).padStart(4, '0')}`;
}

export function makeApplicationNo(parts: NumberParts): string {
  return body(parts);
}

export function makeFeedbackNo(parts: NumberParts): string {
  return `F-${body(parts)}`;
}

/** Parses either kind of number; returns null for anything that is not one. */
export function parseNumber(input: string): ParsedNumber | null {
  const m = NUMBER_RE.exec(input.trim().toUpperCase());
  if (!m) return null;
  const [, f, hall, desk, y, mo, d, seq] = m;
  const date = `${y}-${mo}-${d}`;
  const t = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== date) return null;
  return {
    kind: f ? 'feedback' : 'application',
    hallCode: hall ?? '',
    deskCode: desk ?? '',
    date,
    seq: Number(seq),
  };
}

export function parseApplicationNo(input: string): ParsedNumber | null {
  const p = parseNumber(input);
  return p && p.kind === 'application' ? p : null;
}

export function parseFeedbackNo(input: string): ParsedNumber | null {
  const p = parseNumber(input);
  return p && p.kind === 'feedback' ? p : null;
}

/** The key a store uses for a desk's daily sequence counter. */
export function sequenceKey(
  hallCode: string,
  deskCode: string,
  date: string | Date,
  timeZone?: string,
): string {
  return `${hallCode.trim().toUpperCase()}-${deskCode.trim().toUpperCase()}-${businessDate(date, timeZone)}`;
}
