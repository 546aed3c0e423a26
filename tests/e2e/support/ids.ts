// Valid test identifiers for the desk's end-to-end tests: resident IDs (GB 11643 check character)
// and unified social credit codes (GB 32100) computed here, so each test can use fresh numbers.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** A valid 18-digit resident ID for a region, birth date (YYYYMMDD) and 3-digit sequence. */
export function residentId(region: string, birth: string, seq: string): string {
  const first17 = `${region}${birth}${seq}`;
  if (!/^\d{17}$/.test(first17)) throw new Error(`bad ID parts: ${first17}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return first17 + ID_CHECK[sum % 11];
}

/** The same ID with a wrong check character (fails validation). */
export function withWrongCheck(id: string): string {
  const last = id.slice(-1);
  const wrong = last === '0' ? '1' : '0';
  return id.slice(0, -1) + wrong;
}

const CC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** A valid unified social credit code with the given 6-digit region and 8-digit org body. */
export function creditCode(region: string, orgBody: string): string {
  let s = 0;
  for (let i = 0; i < 8; i++) {
    const c = orgBody[i] ?? '0';
    s += (/\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55) * (ORG_WEIGHTS[i] ?? 0);
  }
  const r = 11 - (s % 11);
  const orgCheck = r === 10 ? 'X' : r === 11 ? '0' : String(r);
  const first17 = `91${region}${orgBody}${orgCheck}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CC_CHARSET.indexOf(first17[i] ?? '0') * (CC_WEIGHTS[i] ?? 0);
  return first17 + CC_CHARSET[(31 - (sum % 31)) % 31];
}

/** Known-good numbers from domain.md. */
export const KNOWN = {
  residentIdX: '11010519491231002X',
  residentId: '440524188001010014',
  creditCode: '91110000600037341L',
};
