// Application and feedback numbers: format, round trip through the parser, uniqueness across
// halls, desks, days and sequences without a network, and rejection of bad parts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AppNumberError,
  makeApplicationNo,
  makeFeedbackNo,
  parseApplicationNo,
  parseFeedbackNo,
  parseNumber,
  sequenceKey,
} from '../../../shared/domain/appNumber';

describe('application numbers', () => {
  it('has the documented format', () => {
    expect(
      makeApplicationNo({ hallCode: 'H0101', deskCode: 'D02', date: '2026-11-26', seq: 7 }),
    ).toBe('H0101-D02-20261126-0007');
    expect(makeFeedbackNo({ hallCode: 'H0101', deskCode: 'D02', date: '2026-11-26', seq: 7 })).toBe(
      'F-H0101-D02-20261126-0007',
    );
    expect(
      makeApplicationNo({ hallCode: 'h0101', deskCode: 'd2', date: '2026-11-26', seq: 12345 }),
    ).toBe('H0101-D2-20261126-12345');
  });

  it('dates by the Shanghai calendar day of an instant', () => {
    expect(
      makeApplicationNo({
        hallCode: 'H1',
        deskCode: 'D1',
        date: new Date('2026-11-26T16:30:00Z'),
        seq: 1,
      }),
    ).toBe('H1-D1-20261127-0001');
    expect(
      makeApplicationNo({
        hallCode: 'H1',
        deskCode: 'D1',
        date: '2026-11-26T23:30:00+08:00',
        seq: 1,
      }),
    ).toBe('H1-D1-20261126-0001');
  });

  it('parses back what it makes, and tells the kinds apart', () => {
    expect(parseApplicationNo('H0101-D02-20261126-0007')).toEqual({
      kind: 'application',
      hallCode: 'H0101',
      deskCode: 'D02',
      date: '2026-11-26',
      seq: 7,
    });
    expect(parseFeedbackNo('f-h0101-d02-20261126-0007')).toMatchObject({
      kind: 'feedback',
      seq: 7,
    });
    expect(parseApplicationNo('F-H0101-D02-20261126-0007')).toBeNull();
    expect(parseFeedbackNo('H0101-D02-20261126-0007')).toBeNull();
    for (const bad of [
      '',
      'H0101-D02-20261126',
      'H0101-D02-20260230-0001',
      'H01_01-D02-20261126-0001',
      'H0101-D02-20261126-7',
    ])
      expect(parseNumber(bad), bad).toBeNull();
  });

  it('is unique and round-trips for any parts (property)', () => {
    const code = fc.stringMatching(/^[A-Z0-9]{1,8}$/);
    const date = fc
      .date({
        min: new Date('2025-01-01T00:00:00Z'),
        max: new Date('2026-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    const parts = fc.record({
      hallCode: code,
      deskCode: code,
      date,
      seq: fc.integer({ min: 1, max: 999_999 }),
    });
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const na = makeApplicationNo(a);
        expect(parseApplicationNo(na)).toEqual({ kind: 'application', ...a });
        const same =
          a.hallCode === b.hallCode &&
          a.deskCode === b.deskCode &&
          a.date === b.date &&
          a.seq === b.seq;
        expect(na === makeApplicationNo(b)).toBe(same);
        expect(makeFeedbackNo(a)).not.toBe(na);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects bad parts with AppNumberError', () => {
    expect(() =>
      makeApplicationNo({ hallCode: 'H-1', deskCode: 'D1', date: '2026-11-26', seq: 1 }),
    ).toThrow(AppNumberError);
    expect(() =>
      makeApplicationNo({ hallCode: '', deskCode: 'D1', date: '2026-11-26', seq: 1 }),
    ).toThrow(/营业厅编码无效/);
    expect(() =>
      makeApplicationNo({ hallCode: 'H1', deskCode: 'D1', date: '2026-11-26', seq: 0 }),
    ).toThrow(/流水号无效/);
    expect(() =>
      makeApplicationNo({ hallCode: 'H1', deskCode: 'D1', date: '2026-11-26', seq: 1_000_000 }),
    ).toThrow(AppNumberError);
    expect(() =>
      makeApplicationNo({ hallCode: 'H1', deskCode: 'D1', date: '2026-02-30', seq: 1 }),
    ).toThrow(RangeError);
  });

  it('gives the store a per-desk daily sequence key', () => {
    expect(sequenceKey('h0101', 'd02', '2026-11-26T20:00:00Z')).toBe('H0101-D02-2026-11-27');
  });
});
