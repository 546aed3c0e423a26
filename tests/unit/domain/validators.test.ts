// Validators: the valid numbers from domain.md pass, a table of invalid ones fails with a Chinese
// message, and the derived information (birth date, sex, age, organisation code) is right.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  creditCodeCheckChar,
  orgCodeCheckChar,
  residentIdCheckChar,
  validateAccountNo,
  validateCapacity,
  validateCreditCode,
  validateIdNumber,
  validateLandline,
  validateMobile,
  validatePhone,
  validateResidentId,
} from '../../../shared/domain/validators';
import { defaultSettings } from '../../../shared/domain/settings';

const today = '2026-11-26';
const CJK = /[\u4e00-\u9fa5]/;

describe('validateResidentId (GB 11643)', () => {
  it('accepts the domain.md test numbers with birth date, sex and age', () => {
    const a = validateResidentId('11010519491231002X', { today });
    expect(a).toMatchObject({ ok: true, value: '11010519491231002X' });
    expect(a.ok && a.info).toMatchObject({
      birthDate: '1949-12-31',
      sex: 'female',
      age: 76,
      legacy15: false,
      regionCode: '110105',
    });
    const b = validateResidentId('440524188001010014', { today });
    expect(b.ok && b.info).toMatchObject({ birthDate: '1880-01-01', sex: 'male', age: 146 });
  });

  it('normalises a lower-case x and spaces', () => {
    expect(validateResidentId(' 110105 19491231 002x ', { today })).toMatchObject({
      ok: true,
      value: '11010519491231002X',
    });
  });

  it('computes check characters as the standard says', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
  });

  it('accepts a 15-digit legacy number with a note and its 18-digit form', () => {
    const r = validateResidentId('110105491231002', { today });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.info).toMatchObject({
      legacy15: true,
      birthDate: '1949-12-31',
      sex: 'female',
      upgraded: '11010519491231002X',
    });
    expect(r.info?.note).toMatch(CJK);
  });

  it('computes age around the birthday', () => {
    const id = `110105${'2008-11-27'.replace(/-/g, '')}001`;
    const full = id + residentIdCheckChar(id);
    const r = validateResidentId(full, { today });
    expect(r.ok && r.info?.age).toBe(17);
    const r2 = validateResidentId(full, { today: '2026-11-27' });
    expect(r2.ok && r2.info?.age).toBe(18);
  });

  const invalid: [string, string, string][] = [
    ['', 'id_empty', 'empty'],
    ['11010519491231002', 'id_format', '17 digits'],
    ['11010519491231002XX', 'id_format', '19 characters'],
    ['1101051949123100X2', 'id_format', 'X not last'],
    ['11010519491231002Y', 'id_format', 'letter other than X'],
    ['110105194912310021', 'id_check', 'wrong check digit'],
    ['440524188001010015', 'id_check', 'wrong check digit'],
    ['990105194912310023', 'id_region', 'unknown province 99'],
    ['000000194912310023', 'id_region', 'region 00'],
    ['110105194902300023', 'id_birth_date', '30 February'],
    ['110105194913010023', 'id_birth_date', 'month 13'],
    ['110105202912310023', 'id_birth_future', 'born 2029'],
    ['110105170012310023', 'id_birth_date', 'born 1700'],
    ['110105490230002', 'id_birth_date', '15-digit 30 February'],
  ];
  it.each(invalid)('rejects %s (%s: %s) with a Chinese message', (input, code) => {
    const r = validateResidentId(input, { today });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.message).toMatch(CJK);
    expect(r.messageEn).toMatch(/[a-z]/);
  });
});

describe('validateCreditCode (GB 32100 + GB 11714)', () => {
  it('accepts the domain.md code and extracts the organisation code', () => {
    const r = validateCreditCode('91110000600037341L');
    expect(r).toMatchObject({ ok: true, value: '91110000600037341L' });
    expect(r.ok && r.info).toMatchObject({
      authority: '9',
      category: '1',
      regionCode: '110000',
      orgCode: '60003734-1',
    });
    expect(orgCodeCheckChar('60003734')).toBe('1');
    expect(creditCodeCheckChar('91110000600037341')).toBe('L');
  });

  it('accepts lower case and spaces', () => {
    expect(validateCreditCode(' 91110000 600037341l ')).toMatchObject({
      ok: true,
      value: '91110000600037341L',
    });
  });

  it('accepts a letter in position 1 when both checks hold', () => {
    const body = 'Y1110000' + 'MA01234' + '5';
    const org = orgCodeCheckChar(body.slice(8, 16));
    const first17 = body.slice(0, 16) + org;
    expect(first17).toHaveLength(17);
    const code = first17 + creditCodeCheckChar(first17);
    expect(validateCreditCode(code).ok).toBe(true);
  });

  it('maps organisation code checks 10 → X and 11 → 0', () => {
    // Search bodies whose check is X and 0 to exercise both special cases.
    const bodies = Array.from({ length: 2000 }, (_, i) => String(10_000_000 + i));
    const x = bodies.find((b) => orgCodeCheckChar(b) === 'X');
    const zero = bodies.find((b) => orgCodeCheckChar(b) === '0');
    expect(x).toBeDefined();
    expect(zero).toBeDefined();
    for (const b of [x, zero]) {
      const first17 = `91110000${b}${orgCodeCheckChar(b ?? '')}`;
      expect(validateCreditCode(first17 + creditCodeCheckChar(first17)).ok).toBe(true);
    }
  });

  it('rejects a code whose overall check holds but embedded organisation check fails', () => {
    const first17 = '911100006000373420'.slice(0, 17); // org check 2 instead of 1
    const code = first17 + creditCodeCheckChar(first17);
    expect(validateCreditCode(code)).toMatchObject({ ok: false, code: 'credit_org_check' });
  });

  const invalid: [string, string][] = [
    ['', 'credit_empty'],
    ['91110000600037341', 'credit_length'],
    ['91110000600037341LL', 'credit_length'],
    ['91110000600037341M', 'credit_check'],
    ['9111000060003734IL', 'credit_charset'],
    ['91110000600037341O', 'credit_charset'],
    ['S1110000600037341L', 'credit_charset'],
    ['911100Z0600037341L', 'credit_charset'],
    ['9111A000600037341L', 'credit_region'],
  ];
  it.each(invalid)('rejects %s (%s)', (input, code) => {
    const r = validateCreditCode(input);
    expect(r).toMatchObject({ ok: false, code });
    expect(!r.ok && r.message).toMatch(CJK);
  });
});

describe('phones', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['0086-138-1234-5678', '13812345678'],
    ['19912345678', '19912345678'],
    ['(+86) 138-1234-5678', '13812345678'],
  ])('mobile %s is valid', (input, value) => {
    expect(validateMobile(input)).toEqual({ ok: true, value });
  });

  it.each(['12812345678', '1381234567', '138123456789', '23812345678', '+85213812345678', 'abc'])(
    'mobile %s is invalid',
    (input) => {
      const r = validateMobile(input);
      expect(r).toMatchObject({ ok: false, code: 'mobile_format' });
      expect(!r.ok && r.message).toMatch(CJK);
    },
  );

  it.each([
    ['010-62345678', '010-62345678'],
    ['(0755)2345678', '0755-2345678'],
    ['0571 8765 4321', '0571-87654321'],
    ['0571-87654321-123', '0571-87654321-123'],
    ['0571-87654321转123', '0571-87654321-123'],
    ['021-64001234 ext 88', '021-64001234-88'],
    ['+86 10 62345678', '010-62345678'],
    ['0571-8765-4321', '0571-87654321'],
  ])('landline %s is valid as %s', (input, value) => {
    expect(validateLandline(input)).toMatchObject({ ok: true, value });
  });

  it('landline info splits area code, number and extension', () => {
    expect(validateLandline('0571-87654321-123')).toMatchObject({
      info: { areaCode: '0571', number: '87654321', extension: '123' },
    });
  });

  it.each([
    '62345678',
    '010-12345678',
    '010-1234',
    '010-02345678',
    '1010-12345678',
    '010-12345678-1234567',
    '010-1234-5678-9',
  ])('landline %s is invalid', (input) => {
    const r = validateLandline(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(CJK);
  });

  it('validatePhone takes either and says which', () => {
    expect(validatePhone('13812345678')).toMatchObject({ ok: true, info: { type: 'mobile' } });
    expect(validatePhone('010-62345678')).toMatchObject({ ok: true, info: { type: 'landline' } });
    expect(validatePhone('12345')).toMatchObject({ ok: false, code: 'phone_format' });
    expect(validatePhone('  ')).toMatchObject({ ok: false, code: 'phone_empty' });
  });
});

describe('validateAccountNo', () => {
  it('uses the configured length', () => {
    expect(validateAccountNo('0123456789', { length: 10 })).toEqual({
      ok: true,
      value: '0123456789',
    });
    expect(validateAccountNo('012345678', { length: 10 })).toMatchObject({
      ok: false,
      code: 'account_length',
    });
    expect(validateAccountNo('012345678901', { length: 12 })).toMatchObject({ ok: true });
    expect(validateAccountNo('01234567A9', { length: 10 })).toMatchObject({
      ok: false,
      code: 'account_format',
    });
    expect(validateAccountNo('', { length: 10 })).toMatchObject({
      ok: false,
      code: 'account_empty',
    });
    const r = validateAccountNo('123', { length: 10 });
    expect(!r.ok && r.message).toBe('户号应为10位数字（当前3位）');
  });
});

describe('validateCapacity', () => {
  const limits = defaultSettings.capacityLimits;
  it('accepts capacities within the configured range', () => {
    expect(validateCapacity(8, '220V', limits)).toMatchObject({
      ok: true,
      value: 8,
      info: { max: 16 },
    });
    expect(validateCapacity(630, '10kV', limits)).toMatchObject({ ok: true });
  });
  it('rejects above and below the range, unknown voltages and non-numbers', () => {
    expect(validateCapacity(20, '220V', limits)).toMatchObject({
      ok: false,
      code: 'capacity_above_max',
    });
    expect(validateCapacity(20, '10kV', limits)).toMatchObject({
      ok: false,
      code: 'capacity_below_min',
    });
    expect(validateCapacity(20, '500kV', limits)).toMatchObject({
      ok: false,
      code: 'voltage_unknown',
    });
    expect(validateCapacity(0, '220V', limits)).toMatchObject({
      ok: false,
      code: 'capacity_invalid',
    });
    expect(validateCapacity(Number.NaN, '220V', limits)).toMatchObject({
      ok: false,
      code: 'capacity_invalid',
    });
  });
  it('follows configuration, not constants', () => {
    expect(validateCapacity(20, '220V', { '220V': { min: 0, max: 25, unit: 'kW' } }).ok).toBe(true);
  });
});

describe('validateIdNumber dispatch', () => {
  it.each([
    ['resident_id', '11010519491231002X', true],
    ['resident_id', '110105194912310021', false],
    ['temp_resident_id', '440524188001010014', true],
    ['household_register', '440524188001010015', false],
    ['credit_code', '91110000600037341L', true],
    ['credit_code', '91110000600037341M', false],
    ['passport', 'E12345678', true],
    ['passport', 'E1', false],
    ['hk_macao_permit', 'H12345678', true],
    ['hk_macao_permit', 'H1234567801', true],
    ['hk_macao_permit', 'X12345678', false],
    ['taiwan_permit', '12345678', true],
    ['taiwan_permit', '1234', false],
    ['officer_id', '南字第12345678号', true],
    ['officer_id', '南字', false],
    ['permanent_residence', 'USA110079030101', true],
    ['permanent_residence', 'USA11007903010', false],
  ] as const)('%s %s → %s', (idType, value, ok) => {
    const r = validateIdNumber(idType, value, { today });
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.message).toMatch(CJK);
  });

  it('accepts a 2023-format permanent residence number with a valid check', () => {
    const first17 = '93311519850101001';
    expect(validateIdNumber('permanent_residence', first17 + residentIdCheckChar(first17)).ok).toBe(
      true,
    );
    expect(
      validateIdNumber(
        'permanent_residence',
        `${first17}${residentIdCheckChar(first17) === '1' ? '2' : '1'}`,
      ).ok,
    ).toBe(false);
  });
});

describe('check characters catch every single-character error (property)', () => {
  const digits = '0123456789';
  it('resident ID', () => {
    const birth = fc.date({
      min: new Date('1920-01-01T00:00:00Z'),
      max: new Date('2020-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        birth,
        fc.integer({ min: 0, max: 999 }),
        fc.nat(17),
        fc.integer({ min: 1, max: 9 }),
        (d, seq, pos, delta) => {
          const first17 = `110105${d.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
          const id = first17 + residentIdCheckChar(first17);
          expect(validateResidentId(id, { today }).ok).toBe(true);
          const chars = [...id];
          const c = chars[pos] ?? '0';
          chars[pos] =
            pos === 17
              ? ('10X98765432'.replace(c, '')[delta % 10] ?? '0')
              : (digits[(Number(c) + delta) % 10] ?? '0');
          expect(validateResidentId(chars.join(''), { today }).ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('credit code', () => {
    const cs = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-HJ-NPQRTUWXY]{8}$/),
        fc.nat(17),
        fc.integer({ min: 1, max: 30 }),
        (body, pos, delta) => {
          const first17 = `91110000${body}${orgCodeCheckChar(body)}`;
          const code = first17 + creditCodeCheckChar(first17);
          expect(validateCreditCode(code).ok).toBe(true);
          const chars = [...code];
          chars[pos] = cs[(cs.indexOf(chars[pos] ?? '0') + delta) % 31] ?? '0';
          expect(validateCreditCode(chars.join('')).ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
