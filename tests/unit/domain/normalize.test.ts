// Full-width input from a Chinese IME is taken as ASCII in identifier and number fields.
import { describe, expect, it } from 'vitest';
import { normalizeIdentifier, toHalfWidth } from '../../../shared/domain/normalize';
import { validateIdNumber, validatePhone } from '../../../shared/domain/validators';

describe('toHalfWidth', () => {
  it('maps full-width digits, letters, punctuation and the ideographic space', () => {
    expect(toHalfWidth('１１０１０５１９４９１２３１００２Ｘ')).toBe('11010519491231002X');
    expect(toHalfWidth('０１０－１２３４５６７８')).toBe('010-12345678');
    expect(toHalfWidth('（０５７１）\u3000８８')).toBe('(0571) 88');
    expect(toHalfWidth('王建国')).toBe('王建国');
  });
  it('makes IME-typed identifiers valid', () => {
    expect(
      validateIdNumber('resident_id', normalizeIdentifier('１１０１０５１９４９１２３１００２ｘ'))
        .ok,
    ).toBe(true);
    expect(validatePhone(normalizeIdentifier('１３８１２３４５６７８')).ok).toBe(true);
    expect(Number(normalizeIdentifier('１２．５'))).toBe(12.5);
  });
});
