// A second-generation ID card as the reader gives it: the card's fields, the SDT interface's
// 256-byte UCS-2 base message decoded into them, and the checks the counter makes of a card
// (expired, expiring soon). Pure code: main decodes with it, the renderer checks with it.

/** What a read card says, as text (dates YYYYMMDD as printed on the card). */
export interface IdCardData {
  /** Which card: the resident ID, a foreign permanent resident card, or an HK/Macao/Taiwan
   * residence permit (a type marker in the base message's reserved area). */
  cardType: 'resident_id' | 'foreign_permanent' | 'hmt_residence';
  name: string;
  /** '1' male, '2' female, '0' unknown, '9' unspecified (GB/T 2261.1). */
  sexCode: string;
  sex: string;
  /** Two-digit GB 3304 code, and its name. */
  nationCode: string;
  nation: string;
  birthDate: string;
  address: string;
  idNumber: string;
  issuingAuthority: string;
  validFrom: string;
  /** YYYYMMDD, or '长期' for a card without expiry. */
  validTo: string;
}

/** The photo the reader's decoder made (a 102 × 126 BMP), base64. */
export interface IdCardPhoto {
  mime: 'image/bmp';
  base64: string;
}

export interface IdCardRead {
  card: IdCardData;
  photo: IdCardPhoto | null;
  /** Which interface read it and when (ISO). */
  readerKind: 'sdt' | 'cvr';
  readAt: string;
}

// GB 3304-1991 nationality codes as printed on the card. A standard, not business configuration.
const NATIONS = [
  '汉', '蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白',
  '土家', '哈尼', '哈萨克', '傣', '黎', '傈僳', '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西',
  '景颇', '柯尔克孜', '土', '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南', '仡佬', '锡伯', '阿昌',
  '普米', '塔吉克', '怒', '乌孜别克', '俄罗斯', '鄂温克', '德昂', '保安', '裕固', '京', '塔塔尔',
  '独龙', '鄂伦春', '赫哲', '门巴', '珞巴', '基诺',
]; // prettier-ignore

export function nationName(code: string): string {
  const n = Number(code);
  if (Number.isInteger(n) && n >= 1 && n <= NATIONS.length) return NATIONS[n - 1]!;
  if (n === 97) return '其他';
  if (n === 98) return '外国血统中国籍人士';
  return code;
}

export function sexName(code: string): string {
  return code === '1' ? '男' : code === '2' ? '女' : code === '9' ? '未说明' : '未知';
}

/** A name as CVR libraries give it ('男', '汉') back to its code; unknown text is kept. */
export function sexCodeOf(text: string): string {
  return text === '男' ? '1' : text === '女' ? '2' : /^[0129]$/.test(text) ? text : '0';
}

export function nationCodeOf(text: string): string {
  if (/^\d{1,2}$/.test(text)) return text.padStart(2, '0');
  const i = NATIONS.indexOf(text.replace(/族$/, ''));
  return i >= 0 ? String(i + 1).padStart(2, '0') : '';
}

/** Field layout of the SDT base message: [start, length] in bytes of UCS-2 LE text. */
const LAYOUT = {
  name: [0, 30],
  sex: [30, 2],
  nation: [32, 4],
  birth: [36, 16],
  address: [52, 70],
  idNumber: [122, 36],
  authority: [158, 30],
  validFrom: [188, 16],
  validTo: [204, 16],
} as const;

export const BASE_MESSAGE_BYTES = 256;

export class IdCardFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdCardFormatError';
  }
}

function ucs2Field(bytes: Uint8Array, [start, len]: readonly [number, number]): string {
  // TextDecoder handles surrogate pairs (rare characters such as 𠮷 are outside the BMP).
  const text = new TextDecoder('utf-16le').decode(bytes.subarray(start, start + len));
  // Padding is spaces, but some readers pad with NUL: cut at the first NUL, then trim.
  const nul = text.indexOf(String.fromCharCode(0));
  return (nul >= 0 ? text.slice(0, nul) : text).trim();
}

/** Decodes the SDT interface's base message (256 bytes, UCS-2 LE, space padded). */
export function parseBaseMessage(bytes: Uint8Array): IdCardData {
  if (bytes.length < BASE_MESSAGE_BYTES)
    throw new IdCardFormatError(`base message is ${bytes.length} bytes, expected 256`);
  // The type marker sits in the reserved area (byte 248): 'I' foreign, 'J' HK/Macao/Taiwan.
  const marker = String.fromCharCode(bytes[248] ?? 0x20);
  const cardType =
    marker === 'I' ? 'foreign_permanent' : marker === 'J' ? 'hmt_residence' : 'resident_id';
  const sexCode = ucs2Field(bytes, LAYOUT.sex);
  const nationCode = ucs2Field(bytes, LAYOUT.nation);
  const card: IdCardData = {
    cardType,
    name: ucs2Field(bytes, LAYOUT.name),
    sexCode,
    sex: sexName(sexCode),
    nationCode,
    nation: cardType === 'resident_id' ? nationName(nationCode) : '',
    birthDate: ucs2Field(bytes, LAYOUT.birth),
    address: ucs2Field(bytes, LAYOUT.address),
    idNumber: ucs2Field(bytes, LAYOUT.idNumber).toUpperCase(),
    issuingAuthority: ucs2Field(bytes, LAYOUT.authority),
    validFrom: ucs2Field(bytes, LAYOUT.validFrom),
    validTo: ucs2Field(bytes, LAYOUT.validTo),
  };
  if (!card.name || !card.idNumber)
    throw new IdCardFormatError('base message without name or number');
  return card;
}

export type CardValidity =
  | { state: 'valid' }
  | { state: 'long_term' }
  | { state: 'expiring'; daysLeft: number; validTo: string }
  | { state: 'expired'; validTo: string }
  | { state: 'unknown' };

function ymdToUtc(ymd: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(ymd.replace(/[.\-/]/g, ''));
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  return d.getUTCMonth() === Number(m[2]) - 1 ? t : null;
}

/**
 * Whether the card may be used today (`today` as YYYY-MM-DD in the hall's zone): a card is valid
 * through its last day; it is "expiring" when that day is within `expiringWithinDays`.
 */
export function cardValidity(
  card: Pick<IdCardData, 'validTo'>,
  today: string,
  expiringWithinDays: number,
): CardValidity {
  if (/长期/.test(card.validTo)) return { state: 'long_term' };
  const end = ymdToUtc(card.validTo);
  const now = ymdToUtc(today);
  if (end === null || now === null) return { state: 'unknown' };
  const days = Math.round((end - now) / 86_400_000);
  if (days < 0) return { state: 'expired', validTo: card.validTo };
  if (days <= expiringWithinDays)
    return { state: 'expiring', daysLeft: days, validTo: card.validTo };
  return { state: 'valid' };
}

/** Which ID document type of the form a card is (the catalogue's IdType names). */
export function formIdTypeOf(card: Pick<IdCardData, 'cardType'>): string {
  return card.cardType === 'foreign_permanent'
    ? 'permanent_residence'
    : card.cardType === 'hmt_residence'
      ? 'hmt_residence_permit'
      : 'resident_id';
}
