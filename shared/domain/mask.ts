// Masking of personal data on screens and prints (PIPL; domain.md: ID first 6 + last 4, phone 3****4).
// Masked output keeps enough to recognise the person at the counter, never enough to reuse.

/** Keeps `head` leading and `tail` trailing characters, stars in between (one per hidden character). */
function keepEnds(chars: string[], head: number, tail: number): string {
  const hidden = Math.max(chars.length - head - tail, 0);
  return (
    chars.slice(0, head).join('') + '*'.repeat(hidden) + chars.slice(chars.length - tail).join('')
  );
}

/** ID numbers: first 6 + last 4 (110105********002X); short document numbers keep 2 + 2. */
export function maskId(id: string | undefined | null): string {
  const chars = [...(id ?? '').trim()];
  if (chars.length === 0) return '';
  if (chars.length >= 14) return keepEnds(chars, 6, 4);
  if (chars.length >= 6) return keepEnds(chars, 2, 2);
  return keepEnds(chars, 0, 1);
}

/** Phones: mobile 138****5678; landline keeps the area code and the last 4 (010-****5678). */
export function maskPhone(phone: string | undefined | null): string {
  const raw = (phone ?? '').trim();
  if (raw === '') return '';
  const compact = raw.replace(/[\s-]/g, '');
  const mobile = /^(?:\+86|0086|86)?(1\d{10})$/.exec(compact);
  if (mobile && mobile[1]) return keepEnds([...mobile[1]], 3, 4);
  const land = /^(0(?:10|2\d|[3-9]\d{2}))-?(\d{7,8})(?:-(\d+))?$/.exec(
    compact.replace(/^(\+86|0086)/, '0'),
  );
  if (land && land[1] && land[2]) return `${land[1]}-${keepEnds([...land[2]], 0, 4)}`;
  const digits = [...compact];
  return digits.length > 4
    ? keepEnds(digits, Math.min(3, digits.length - 4), 4)
    : keepEnds(digits, 0, 1);
}

/**
 * Person names: 张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜; Latin names keep the first and
 * last letters. Company names are public and should not be passed here.
 */
export function maskName(name: string | undefined | null): string {
  const chars = [...(name ?? '').trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return keepEnds(chars, 1, 1);
}

/** Unified social credit code: first 6 + last 4 (911100********341L). */
export function maskCreditCode(code: string | undefined | null): string {
  const chars = [...(code ?? '').trim()];
  if (chars.length === 0) return '';
  return chars.length >= 12 ? keepEnds(chars, 6, 4) : keepEnds(chars, 2, 2);
}

// Resident ID numbers (15 or 18 characters) and long digit runs (bank accounts, phones).
const ID_LIKE = /\d{17}[\dXx]|\d{11,}/g;

/** Masks anything in free text that looks like an ID number or a long digit run (audit labels). */
export function maskSensitive(text: string): string {
  return text.replace(ID_LIKE, (m) => `${m.slice(0, 3)}${'*'.repeat(m.length - 7)}${m.slice(-4)}`);
}
