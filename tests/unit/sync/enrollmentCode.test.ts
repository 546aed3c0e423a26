// Enrollment codes carrying hall and desk (issue 12 §2): readable offline, typos caught by the
// check character, the secret part random; older codes recognised as such.
import { describe, expect, it } from 'vitest';
import {
  EnrollmentCodeError,
  formatEnrollmentCode,
  parseEnrollmentCode,
} from '../../../shared/protocol/enrollmentCode';
import { enrollmentCodeHash, newDeskEnrollmentCode } from '../../../server/central/auth';

describe('enrollment codes with hall and desk', () => {
  it('reads hall and desk back, whatever the case, spaces and grouping', () => {
    const code = formatEnrollmentCode('H0101', 'D03', 'K7QH3MZPX2W9');
    expect(code).toMatch(/^H0101-D03-K7QH-3MZP-X2W9-[A-Z0-9]$/);
    const typed = ` ${code.toLowerCase().replace(/-/g, ' - ')} `;
    expect(parseEnrollmentCode(typed)).toEqual({
      hallCode: 'H0101',
      deskCode: 'D03',
      secret: 'K7QH3MZPX2W9',
      normalized: code,
    });
  });

  it('catches a mistyped, swapped or missing character before any contact', () => {
    const code = formatEnrollmentCode('H0101', 'D03', 'K7QH3MZPX2W9');
    const variants = [
      code.replace('D03', 'D08'), // another desk
      code.replace('K7QH', 'K7HQ'), // swapped
      code.replace('3MZP', '3MZR'), // mistyped
    ];
    for (const v of variants) {
      expect(() => parseEnrollmentCode(v), v).toThrow(EnrollmentCodeError);
    }
    expect(() => parseEnrollmentCode(code.slice(0, -3))).toThrow(EnrollmentCodeError);
  });

  it('an older code without hall and desk is recognised, not misread', () => {
    expect(parseEnrollmentCode('K7QH-3MZP')).toBeNull();
    expect(parseEnrollmentCode('k7qh3mzp')).toBeNull();
  });

  it('the centre makes random secrets and hashes the canonical form of what is typed', () => {
    const a = newDeskEnrollmentCode('H0101', 'D03');
    const b = newDeskEnrollmentCode('H0101', 'D03');
    expect(a).not.toBe(b);
    expect(parseEnrollmentCode(a)?.deskCode).toBe('D03');
    expect(enrollmentCodeHash(a.toLowerCase().replace(/-/g, ' '))).toBe(enrollmentCodeHash(a));
    expect(enrollmentCodeHash('K7QH-3MZP')).toBe(enrollmentCodeHash('k7qh3mzp'));
  });
});
