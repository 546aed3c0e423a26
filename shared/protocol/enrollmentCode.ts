// Enrollment codes that carry the hall and desk they were made for (issue 12 §2): a rural desk
// that has never reached the centre reads its real hall and desk code from the code the
// administrator gave (typed or scanned), numbers applications under them at once, and the centre
// binds the desk at its first sync. Only the secret part is unguessable; the hall and desk
// codes are readable offline, and a check character catches typing mistakes before any contact.
//
//   H0101-D03-K7QH-3MZP-X2W9-T      hall - desk - 12-character secret (4+4+4) - check
//
// The centre keeps only the SHA-256 of the normalised code and verifies all of it at enrollment.

/** Characters of the secret and the check: no look-alikes (0/O, 1/I/L, 5/S, U/V). */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
export const SECRET_LENGTH = 12;
const CODE_PART = /^[A-Z0-9]{1,16}$/;
const VALUE = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface ParsedEnrollmentCode {
  hallCode: string;
  deskCode: string;
  secret: string;
  /** The whole code in its canonical form (what the centre hashes). */
  normalized: string;
}

export class EnrollmentCodeError extends Error {
  constructor(
    readonly code: 'format' | 'check',
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(messageZh);
    this.name = 'EnrollmentCodeError';
  }
}

/** Weighted sum mod 30 over hall, desk and secret (a swapped or mistyped character shows). */
export function checkChar(hallCode: string, deskCode: string, secret: string): string {
  const s = `${hallCode}-${deskCode}-${secret}`;
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i] === '-' ? 36 : VALUE.indexOf(s[i]!);
    sum = (sum + (i + 1) * (v + 1) * (i % 2 === 0 ? 3 : 7)) % CODE_ALPHABET.length;
  }
  return CODE_ALPHABET[sum]!;
}

/** The printed form of a code made for `hallCode` / `deskCode` with `secret`. */
export function formatEnrollmentCode(hallCode: string, deskCode: string, secret: string): string {
  const s = secret.toUpperCase();
  const groups = s.match(/.{1,4}/g) ?? [];
  return [hallCode, deskCode, ...groups, checkChar(hallCode, deskCode, s)].join('-');
}

/**
 * Reads a typed or scanned code: case, spaces and the dashes inside the secret do not matter.
 * Returns null for a code of the older kind without hall and desk (XXXX-XXXX), which only the
 * centre can resolve; throws EnrollmentCodeError for a code that is neither.
 */
export function parseEnrollmentCode(input: string): ParsedEnrollmentCode | null {
  // Spaces separate like dashes (a code read out over the phone is typed with either).
  const raw = input
    .trim()
    .toUpperCase()
    .replace(/[\s—–_]+/g, '-');
  if (/^[A-Z0-9]{4}-*[A-Z0-9]{4}$/.test(raw)) return null;
  const parts = raw.split('-').filter((p) => p !== '');
  if (parts.length < 4)
    throw new EnrollmentCodeError(
      'format',
      '登记码格式不正确，应为“营业厅编码-受理台编码-密码-校验位”，如 H0101-D03-K7QH-3MZP-X2W9-T',
      'The code is "hall-desk-secret-check", e.g. H0101-D03-K7QH-3MZP-X2W9-T',
    );
  const [hallCode, deskCode] = [parts[0]!, parts[1]!];
  const check = parts[parts.length - 1]!;
  const secret = parts.slice(2, -1).join('');
  const alphabet = new RegExp(`^[${CODE_ALPHABET}]+$`);
  if (
    !CODE_PART.test(hallCode) ||
    !CODE_PART.test(deskCode) ||
    secret.length !== SECRET_LENGTH ||
    !alphabet.test(secret) ||
    check.length !== 1
  )
    throw new EnrollmentCodeError(
      'format',
      '登记码格式不正确，请核对后重新输入（密码部分为12位字母数字）',
      'The code is malformed: check it (the secret part has 12 characters)',
    );
  if (checkChar(hallCode, deskCode, secret) !== check)
    throw new EnrollmentCodeError(
      'check',
      '登记码校验位不符，可能输错了字符，请逐位核对',
      'The check character does not match: a character was probably mistyped',
    );
  return {
    hallCode,
    deskCode,
    secret,
    normalized: formatEnrollmentCode(hallCode, deskCode, secret),
  };
}
