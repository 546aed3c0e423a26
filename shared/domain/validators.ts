// Identifier and value validators for the intake form: resident ID (GB 11643), unified social
// credit code (GB 32100 with the embedded GB 11714 organisation code), phone numbers, 户号 and
// capacity per voltage level. Every failure carries a Chinese message (shown to clerks) and English.
import type { IdType } from './model';
import type { CapacityLimits } from './settings';
import { businessDate } from './calendar';

export type ValidationOk<T, I = undefined> = { ok: true; value: T; info?: I };
export type ValidationFail = { ok: false; code: string; message: string; messageEn: string };
export type ValidationResult<T, I = undefined> = ValidationOk<T, I> | ValidationFail;

function fail(code: string, message: string, messageEn: string): ValidationFail {
  return { ok: false, code, message, messageEn };
}

// ---------------------------------------------------------------- resident ID (GB 11643-1999)

/** Province-level prefixes of administrative division codes (GB/T 2260), incl. 港澳台 (81/82/83). */
const PROVINCE_PREFIXES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

/**
 * Region codes of the residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证,
 * 2018): same GB 11643 structure and check character, its own document type.
 */
const HMT_PERMIT_REGIONS = new Set(['810000', '820000', '830000']);

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The GB 11643 check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK[sum % 11] ?? '';
}

export interface ResidentIdInfo {
  regionCode: string;
  birthDate: string;
  sex: 'male' | 'female';
  age: number;
  /** True for an old 15-digit number (no check character). */
  legacy15: boolean;
  /** The 18-digit equivalent of a 15-digit number. */
  upgraded?: string;
  note?: string;
  noteEn?: string;
}

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Full years between a birth date and today (both YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}

export interface ValidateOptions {
  /** Today's date (YYYY-MM-DD, the hall's); defaults to now in `timeZone`. Tests pass a fixed day. */
  today?: string;
  /** The hall's IANA zone for "today" when `today` is not given (Asia/Shanghai by default). */
  timeZone?: string;
  /** Validate as a 港澳台居民居住证 (region 810000/820000/830000) instead of a resident ID. */
  hmtPermit?: boolean;
}

export function validateResidentId(
  input: string,
  opts: ValidateOptions = {},
): ValidationResult<string, ResidentIdInfo> {
  const s = input.trim().replace(/\s+/g, '').toUpperCase();
  const today = opts.today ?? businessDate(new Date(), opts.timeZone);
  if (s === '') return fail('id_empty', '请输入身份证号码', 'Enter the ID number');
  if (!/^\d{17}[\dX]$/.test(s) && !/^\d{15}$/.test(s))
    return fail(
      'id_format',
      '身份证号码应为18位（最后一位可为X）或15位数字',
      'An ID number has 18 characters (the last may be X) or 15 digits',
    );
  const legacy15 = s.length === 15;
  const region = s.slice(0, 6);
  const hmt = HMT_PERMIT_REGIONS.has(region);
  if (hmt && !opts.hmtPermit)
    return fail(
      'id_hmt_permit',
      '以810000/820000/830000开头的是港澳台居民居住证号码，请将证件类型选为“港澳台居民居住证”',
      'Numbers starting 810000 / 820000 / 830000 are Hong Kong, Macao and Taiwan residents’ residence permits: choose that document type',
    );
  if (opts.hmtPermit && (legacy15 || !hmt))
    return fail(
      'id_format',
      '港澳台居民居住证号码为18位，以810000（香港）、820000（澳门）或830000（台湾）开头',
      'A residence permit number has 18 characters starting 810000 (Hong Kong), 820000 (Macao) or 830000 (Taiwan)',
    );
  if (!PROVINCE_PREFIXES.has(region.slice(0, 2)))
    return fail(
      'id_region',
      `身份证号码前6位地区码无效（${region}）`,
      `The region code (first 6 digits, ${region}) is not valid`,
    );
  const y = legacy15 ? 1900 + Number(s.slice(6, 8)) : Number(s.slice(6, 10));
  const m = Number(legacy15 ? s.slice(8, 10) : s.slice(10, 12));
  const d = Number(legacy15 ? s.slice(10, 12) : s.slice(12, 14));
  if (y < 1800 || !realDate(y, m, d))
    return fail(
      'id_birth_date',
      '身份证号码中的出生日期无效',
      'The birth date in the ID number is not a real date',
    );
  const birthDate = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (birthDate > today)
    return fail(
      'id_birth_future',
      '身份证号码中的出生日期晚于今天',
      'The birth date in the ID number is in the future',
    );
  const seqDigit = Number(legacy15 ? s[14] : s[16]);
  const sex = seqDigit % 2 === 1 ? 'male' : 'female';
  const age = ageOn(birthDate, today);
  if (legacy15) {
    const first17 = `${region}${birthDate.replace(/-/g, '')}${s.slice(12, 15)}`;
    return {
      ok: true,
      value: s,
      info: {
        regionCode: region,
        birthDate,
        sex,
        age,
        legacy15: true,
        upgraded: first17 + residentIdCheckChar(first17),
        note: '15位旧身份证号码，无校验位，请核对证件原件',
        noteEn: 'Old 15-digit ID number without a check character: check the card itself',
      },
    };
  }
  const expected = residentIdCheckChar(s.slice(0, 17));
  if (s[17] !== expected)
    return fail(
      'id_check',
      '身份证号码校验位错误，请核对后重新输入',
      'The ID number check character is wrong: check and re-enter it',
    );
  return { ok: true, value: s, info: { regionCode: region, birthDate, sex, age, legacy15: false } };
}

// ------------------------------------------------- unified social credit code (GB 32100-2015)

export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 organisation code check character for the 8-character body. */
export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body8[i] ?? '';
    // Digits keep their value; letters count A=10 … Z=35 (GB 11714).
    const v = /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55;
    sum += v * (ORG_WEIGHTS[i] ?? 0);
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

/** GB 32100 check character for the first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++)
    sum += CREDIT_CODE_CHARSET.indexOf(first17[i] ?? '') * (CREDIT_WEIGHTS[i] ?? 0);
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31] ?? '';
}

export interface CreditCodeInfo {
  /** Registration authority (登记管理部门) code, position 1. */
  authority: string;
  /** Organisation category, position 2. */
  category: string;
  regionCode: string;
  /** Embedded GB 11714 organisation code, as 'XXXXXXXX-C'. */
  orgCode: string;
}

export function validateCreditCode(input: string): ValidationResult<string, CreditCodeInfo> {
  const s = input.trim().replace(/\s+/g, '').toUpperCase();
  if (s === '')
    return fail('credit_empty', '请输入统一社会信用代码', 'Enter the unified social credit code');
  if (s.length !== 18)
    return fail(
      'credit_length',
      '统一社会信用代码应为18位',
      'A unified social credit code has 18 characters',
    );
  const bad = [...s].find((c) => !CREDIT_CODE_CHARSET.includes(c));
  if (bad !== undefined)
    return fail(
      'credit_charset',
      `统一社会信用代码含有无效字符“${bad}”（不使用 I、O、S、V、Z）`,
      `Invalid character "${bad}" (I, O, S, V and Z are not used)`,
    );
  // Position 1 is the registration authority (digit or letter, e.g. 9 工商, Y 其他); 2 is the category.
  if (!/^\d{6}$/.test(s.slice(2, 8)))
    return fail(
      'credit_region',
      '统一社会信用代码第3至8位应为行政区划码',
      'Positions 3–8 must be the region code',
    );
  const body = s.slice(8, 16);
  const orgCheck = s[16] ?? '';
  if (orgCodeCheckChar(body) !== orgCheck)
    return fail(
      'credit_org_check',
      '统一社会信用代码中的组织机构代码（第9至17位）校验错误',
      'The organisation code embedded in positions 9–17 fails its check',
    );
  if (creditCodeCheckChar(s.slice(0, 17)) !== s[17])
    return fail(
      'credit_check',
      '统一社会信用代码校验位错误，请核对营业执照',
      'The check character is wrong: check the business licence',
    );
  return {
    ok: true,
    value: s,
    info: {
      authority: s[0] ?? '',
      category: s[1] ?? '',
      regionCode: s.slice(2, 8),
      orgCode: `${body}-${orgCheck}`,
    },
  };
}

// ---------------------------------------------------------------------- phones

/** Mobile: 11 digits starting 1[3-9], optional +86 / 0086 / 86. The carrier is not inferred. */
export function validateMobile(input: string): ValidationResult<string> {
  const s = input.trim().replace(/[\s\-()（）]/g, '');
  if (s === '') return fail('phone_empty', '请输入联系电话', 'Enter a phone number');
  const m = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/.exec(s);
  if (!m || !m[1])
    return fail(
      'mobile_format',
      '手机号码应为11位，以13至19开头',
      'A mobile number has 11 digits starting 13–19',
    );
  return { ok: true, value: m[1] };
}

export interface LandlineInfo {
  areaCode: string;
  number: string;
  extension?: string;
}

/**
 * Area code then a local number starting 2–9: after 010 and 02X (Beijing, Shanghai, Tianjin,
 * Chongqing and the other 02X cities) always 8 digits; after a 4-digit area code 7 or 8.
 */
const LANDLINE_RE = /^(?:(0(?:10|2\d))([2-9]\d{7})|(0[3-9]\d{2})([2-9]\d{6,7}))$/;

function landlineParts(digits: string): { area: string; local: string } | null {
  const m = LANDLINE_RE.exec(digits);
  if (!m) return null;
  const area = m[1] ?? m[3];
  const local = m[2] ?? m[4];
  return area && local ? { area, local } : null;
}

/**
 * Landline: area code (010, 02X, or 0 + 3 digits) + 7–8 digit local number, optional extension.
 * Accepts '010-12345678', '(0755)1234567', '+86 10 12345678', '0571-87654321-123', '…转123'.
 * The value is normalised to 'AREA-NUMBER' or 'AREA-NUMBER-EXT'.
 */
export function validateLandline(input: string): ValidationResult<string, LandlineInfo> {
  let s = input.trim();
  if (s === '') return fail('phone_empty', '请输入联系电话', 'Enter a phone number');
  let extension: string | undefined;
  const ext = /(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$/i.exec(s);
  if (ext) {
    extension = ext[1];
    s = s.slice(0, ext.index);
  }
  s = s.replace(/[\s()（）]/g, '');
  s = s.replace(/^(?:\+86|0086)-?/, '0');
  const parts = s.split('-').filter((p) => p !== '');
  let digits: string;
  if (parts.length === 3 && extension === undefined) {
    // 'area-number-ext', or a number typed in two groups ('0571-8765-4321').
    const withExt = `${parts[0]}${parts[1]}`;
    if (landlineParts(withExt)) {
      extension = parts[2];
      digits = withExt;
    } else {
      digits = parts.join('');
    }
  } else if (parts.length <= 2) {
    digits = parts.join('');
  } else {
    return fail(
      'landline_format',
      '固定电话格式应为“区号-号码-分机”',
      'A landline is "area code-number-extension"',
    );
  }
  if (extension !== undefined && !/^\d{1,6}$/.test(extension))
    return fail('landline_extension', '分机号应为1至6位数字', 'An extension has 1–6 digits');
  const m = landlineParts(digits);
  if (!m) {
    if (/^0(?:10|2\d)[2-9]\d{6}$/.test(digits))
      return fail(
        'landline_local_8',
        `区号${digits.slice(0, 3)}的本地号码为8位，请核对（输入的是7位）`,
        `Local numbers after area code ${digits.slice(0, 3)} have 8 digits (7 were typed)`,
      );
    return fail(
      'landline_format',
      '固定电话应包含区号（如010、0755）和7至8位号码',
      'A landline needs an area code (e.g. 010, 0755) and a 7–8 digit number',
    );
  }
  const value = `${m.area}-${m.local}${extension ? `-${extension}` : ''}`;
  return {
    ok: true,
    value,
    info: extension
      ? { areaCode: m.area, number: m.local, extension }
      : { areaCode: m.area, number: m.local },
  };
}

/** Either a mobile or a landline number. */
export function validatePhone(
  input: string,
): ValidationResult<string, { type: 'mobile' | 'landline' }> {
  const mobile = validateMobile(input);
  if (mobile.ok) return { ok: true, value: mobile.value, info: { type: 'mobile' } };
  if (mobile.code === 'phone_empty') return mobile;
  const land = validateLandline(input);
  if (land.ok) return { ok: true, value: land.value, info: { type: 'landline' } };
  return fail(
    'phone_format',
    '联系电话无效：请输入11位手机号码，或“区号-号码”格式的固定电话',
    'Invalid phone: enter an 11-digit mobile number or a landline as "area code-number"',
  );
}

// ---------------------------------------------------------------------- 户号 and capacity

/** 户号 (customer account number): digits only, with the configured length. */
export function validateAccountNo(
  input: string,
  opts: { length: number },
): ValidationResult<string> {
  const s = input.trim().replace(/\s+/g, '');
  if (s === '') return fail('account_empty', '请输入户号', 'Enter the account number');
  if (!/^\d+$/.test(s))
    return fail('account_format', '户号只能包含数字', 'An account number has digits only');
  if (s.length !== opts.length)
    return fail(
      'account_length',
      `户号应为${opts.length}位数字（当前${s.length}位）`,
      `An account number has ${opts.length} digits (this one has ${s.length})`,
    );
  return { ok: true, value: s };
}

/** Requested capacity (kW or kVA, as configured per level) against the limits of a voltage level. */
export function validateCapacity(
  kva: number,
  voltage: string,
  limits: CapacityLimits,
): ValidationResult<number, { min: number; max: number; unit: string }> {
  if (typeof kva !== 'number' || !Number.isFinite(kva) || kva <= 0)
    return fail(
      'capacity_invalid',
      '申请容量应为大于0的数字',
      'The capacity must be a number above 0',
    );
  const limit = (limits as Record<string, { min: number; max: number; unit: string } | undefined>)[
    voltage
  ];
  if (!limit)
    return fail(
      'voltage_unknown',
      `未配置电压等级“${voltage}”的容量范围`,
      `No capacity range is configured for ${voltage}`,
    );
  if (kva > limit.max)
    return fail(
      'capacity_above_max',
      `申请容量${kva}${limit.unit}超过${voltage}供电的上限${limit.max}${limit.unit}，请核对电压等级`,
      `${kva} ${limit.unit} is above the ${limit.max} ${limit.unit} allowed at ${voltage}: check the voltage level`,
    );
  if (kva < limit.min)
    return fail(
      'capacity_below_min',
      `申请容量${kva}${limit.unit}低于${voltage}供电的下限${limit.min}${limit.unit}，请核对电压等级`,
      `${kva} ${limit.unit} is below the ${limit.min} ${limit.unit} expected at ${voltage}: check the voltage level`,
    );
  return { ok: true, value: kva, info: { min: limit.min, max: limit.max, unit: limit.unit } };
}

// ---------------------------------------------------------------------- per ID type

const ID_TYPE_NAMES: Record<IdType, { zh: string; en: string }> = {
  resident_id: { zh: '居民身份证', en: 'resident ID card' },
  temp_resident_id: { zh: '临时身份证', en: 'temporary ID card' },
  household_register: { zh: '户口本', en: 'household register' },
  officer_id: { zh: '军官证', en: 'officer ID' },
  taiwan_permit: { zh: '台胞证', en: 'Taiwan compatriot permit' },
  hk_macao_permit: { zh: '港澳居民来往内地通行证', en: 'Hong Kong/Macao permit' },
  passport: { zh: '护照', en: 'passport' },
  permanent_residence: { zh: '外国人永久居留身份证', en: 'permanent residence card' },
  hmt_residence_permit: {
    zh: '港澳台居民居住证',
    en: 'Hong Kong/Macao/Taiwan residents’ residence permit',
  },
  credit_code: { zh: '统一社会信用代码', en: 'unified social credit code' },
};

export function idTypeLabel(idType: IdType, lang: 'zh' | 'en' = 'zh'): string {
  return ID_TYPE_NAMES[idType][lang];
}

function patternCheck(
  s: string,
  re: RegExp,
  idType: IdType,
  hintZh: string,
  hintEn: string,
): ValidationResult<string, ResidentIdInfo | CreditCodeInfo> {
  const v = s.trim().replace(/\s+/g, '').toUpperCase();
  if (v === '') return fail('id_empty', '请输入证件号码', 'Enter the document number');
  if (!re.test(v))
    return fail(
      'id_format',
      `${ID_TYPE_NAMES[idType].zh}号码格式不正确：${hintZh}`,
      `Invalid ${ID_TYPE_NAMES[idType].en} number: ${hintEn}`,
    );
  return { ok: true, value: v };
}

/** Validates a document number according to its type. */
export function validateIdNumber(
  idType: IdType,
  value: string,
  opts: ValidateOptions = {},
): ValidationResult<string, ResidentIdInfo | CreditCodeInfo> {
  switch (idType) {
    case 'resident_id':
    case 'temp_resident_id':
    case 'household_register':
      // 临时身份证 and 户口本 carry the same GB 11643 citizen number.
      return validateResidentId(value, { ...opts, hmtPermit: false });
    case 'hmt_residence_permit':
      return validateResidentId(value, { ...opts, hmtPermit: true });
    case 'credit_code':
      return validateCreditCode(value);
    case 'officer_id':
      return patternCheck(
        value,
        /^[\u4e00-\u9fa5A-Z0-9]{0,6}\d{4,12}号?$/,
        idType,
        '应含4至12位数字',
        'needs 4–12 digits',
      );
    case 'taiwan_permit':
      return patternCheck(
        value,
        /^(\d{8}|\d{10}[A-Z]?)$/,
        idType,
        '应为8位或10位数字',
        'needs 8 or 10 digits',
      );
    case 'hk_macao_permit':
      return patternCheck(
        value,
        /^[HM]\d{8}(\d{2})?$/,
        idType,
        '应为H或M加8位（或10位）数字',
        'H or M then 8 (or 10) digits',
      );
    case 'passport':
      return patternCheck(
        value,
        /^[A-Z0-9]{5,17}$/,
        idType,
        '应为5至17位字母或数字',
        '5–17 letters or digits',
      );
    case 'permanent_residence':
      return validatePermanentResidence(value, opts);
  }
}

/**
 * 外国人永久居留身份证: the 2023 card, built like the citizen number (18 characters: 9, 2-digit
 * province, 3-digit nationality, birth date YYYYMMDD, 3-digit sequence, GB 11643 check), whose
 * birth date is checked like a resident ID's (a real date, not in the future); or the 2004/2017
 * card (3 letters + 12 digits), format only.
 */
export function validatePermanentResidence(
  value: string,
  opts: ValidateOptions = {},
): ValidationResult<string, ResidentIdInfo | CreditCodeInfo> {
  const v = value.trim().replace(/\s+/g, '').toUpperCase();
  const today = opts.today ?? businessDate(new Date(), opts.timeZone);
  if (v === '') return fail('id_empty', '请输入证件号码', 'Enter the document number');
  if (/^9\d{16}[\dX]$/.test(v)) {
    if (residentIdCheckChar(v.slice(0, 17)) !== v[17])
      return fail(
        'id_check',
        '外国人永久居留身份证号码校验位错误，请核对后重新输入',
        'The permanent residence card number check character is wrong: check and re-enter it',
      );
    const [y, m, d] = [Number(v.slice(6, 10)), Number(v.slice(10, 12)), Number(v.slice(12, 14))];
    if (!realDate(y, m, d))
      return fail(
        'id_birth_date',
        '永久居留身份证号码中的出生日期无效',
        'The birth date in the permanent residence card number is not a real date',
      );
    const birthDate = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    if (birthDate > today)
      return fail(
        'id_birth_future',
        '永久居留身份证号码中的出生日期晚于今天',
        'The birth date in the permanent residence card number is in the future',
      );
    return { ok: true, value: v };
  } else if (/^[A-Z]{3}\d{12}$/.test(v)) {
    // The 2004/2017 card (3-letter nationality + 12 digits): its field layout is not in our
    // sources, so only the format is checked; its holders are being moved to the 2023 card.
    return { ok: true, value: v };
  }
  return fail(
    'id_format',
    '外国人永久居留身份证号码格式不正确（15位旧版或以9开头的18位新版）',
    'Invalid permanent residence card number (15-character old or 18-character new format starting 9)',
  );
}
