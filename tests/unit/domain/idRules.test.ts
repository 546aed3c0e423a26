// Identity and phone rules checked against their sources (issue 12 §7): the HK/Macao/Taiwan
// residents' residence permit is its own document type, the foreign permanent resident card's
// birth date is checked like the resident ID's, and 010/02X local numbers have 8 digits.
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../../shared/domain/catalogue';
import {
  validateIdNumber,
  validateLandline,
  validatePhone,
} from '../../../shared/domain/validators';

const today = '2026-12-07';

describe('港澳台居民居住证 (810000 / 820000 / 830000)', () => {
  it('is refused as a 居民身份证 with a pointer to the right type', () => {
    const r = validateIdNumber('resident_id', '810000199001010019', { today });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('id_hmt_permit');
      expect(r.message).toContain('港澳台居民居住证');
    }
  });

  it('is accepted as its own type, with the check character and birth date checked', () => {
    expect(validateIdNumber('hmt_residence_permit', '810000199001010019', { today }).ok).toBe(true);
    expect(validateIdNumber('hmt_residence_permit', '830000198512310020', { today }).ok).toBe(true);
    const bad = validateIdNumber('hmt_residence_permit', '810000199001010018', { today });
    expect(bad.ok).toBe(false);
    // An ordinary citizen number is not a residence permit.
    expect(validateIdNumber('hmt_residence_permit', '11010519491231002X', { today }).ok).toBe(
      false,
    );
  });

  it('is offered in the catalogue for residents and companies, with its label', () => {
    const block = defaultCatalogue.customerBlock;
    expect(block.idTypes.resident).toContain('hmt_residence_permit');
    expect(block.idTypes.company).toContain('hmt_residence_permit');
    expect(block.idTypeLabels.hmt_residence_permit?.label).toBe('港澳台居民居住证');
  });

  it('an ordinary resident ID still passes', () => {
    expect(validateIdNumber('resident_id', '11010519491231002X', { today }).ok).toBe(true);
  });
});

describe('外国人永久居留身份证 birth date', () => {
  it('accepts a real birth date (2023 card)', () => {
    expect(validateIdNumber('permanent_residence', '911840198001010013', { today }).ok).toBe(true);
  });

  it('refuses a date that does not exist, even with a right check character', () => {
    const r = validateIdNumber('permanent_residence', '911840198002310018', { today });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('id_birth_date');
  });

  it('refuses a birth date in the future', () => {
    const r = validateIdNumber('permanent_residence', '911840209912310018', { today });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('id_birth_future');
  });

  it('keeps accepting the older 15-character card by its format', () => {
    expect(validateIdNumber('permanent_residence', 'USA110079030101', { today }).ok).toBe(true);
  });
});

describe('landline local numbers after 010 / 02X', () => {
  it('refuses 7 digits after 010 and 021 with a message saying 8', () => {
    for (const n of ['010-6512345', '021-5123456', '0106512345']) {
      const r = validateLandline(n);
      expect(r.ok, n).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe('landline_local_8');
        expect(r.message).toContain('8位');
      }
    }
    expect(validatePhone('010-6512345').ok).toBe(false);
  });

  it('accepts 8 digits there and 7 or 8 after a 4-digit area code', () => {
    expect(validateLandline('010-65123456').ok).toBe(true);
    expect(validateLandline('021-51234567').ok).toBe(true);
    expect(validateLandline('0755-2345678').ok).toBe(true);
    expect(validateLandline('0571-87654321-123')).toMatchObject({
      ok: true,
      value: '0571-87654321-123',
    });
  });
});
