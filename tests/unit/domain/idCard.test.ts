// The card as the reader gives it: the SDT base message decoded (fixed UCS-2 fields, rare
// characters outside the BMP, the card-type marker), and the counter's validity checks.
import { describe, expect, it } from 'vitest';
import {
  cardValidity,
  formIdTypeOf,
  nationCodeOf,
  nationName,
  parseBaseMessage,
  sexCodeOf,
} from '../../../shared/domain/idCard';

function ucs2(text: string, bytes: number): Buffer {
  const b = Buffer.alloc(bytes, 0);
  const enc = Buffer.from(text.padEnd(bytes / 2, ' '), 'utf16le');
  enc.copy(b, 0, 0, Math.min(bytes, enc.length));
  return b;
}

function message(fields: Partial<Record<string, string>> = {}, marker?: string): Buffer {
  const f = {
    name: '王𠮷',
    sex: '1',
    nation: '01',
    birth: '19900307',
    address: '北京市东城区景山前街4号',
    id: '11010119900307451x',
    authority: '北京市公安局东城分局',
    from: '20200101',
    to: '20400101',
    ...fields,
  };
  const m = Buffer.concat([
    ucs2(f.name, 30),
    ucs2(f.sex, 2),
    ucs2(f.nation, 4),
    ucs2(f.birth, 16),
    ucs2(f.address, 70),
    ucs2(f.id, 36),
    ucs2(f.authority, 30),
    ucs2(f.from, 16),
    ucs2(f.to, 16),
    Buffer.alloc(36, 0x20),
  ]);
  if (marker) m[248] = marker.charCodeAt(0);
  return m;
}

describe('parseBaseMessage', () => {
  it('decodes every field, trimming the padding; rare characters survive as surrogate pairs', () => {
    expect(parseBaseMessage(message())).toEqual({
      cardType: 'resident_id',
      name: '王𠮷',
      sexCode: '1',
      sex: '男',
      nationCode: '01',
      nation: '汉',
      birthDate: '19900307',
      address: '北京市东城区景山前街4号',
      idNumber: '11010119900307451X',
      issuingAuthority: '北京市公安局东城分局',
      validFrom: '20200101',
      validTo: '20400101',
    });
  });

  it('reads 长期 cards, NUL padding, and the foreign / HK-Macao-Taiwan markers', () => {
    expect(parseBaseMessage(message({ to: '长期' })).validTo).toBe('长期');
    const nul = message();
    nul.fill(0, 6, 30); // name padded with NUL instead of spaces
    expect(parseBaseMessage(nul).name).toBe('王𠮷');
    expect(parseBaseMessage(message({}, 'I')).cardType).toBe('foreign_permanent');
    expect(parseBaseMessage(message({}, 'J')).cardType).toBe('hmt_residence');
  });

  it('refuses a short message or one without name or number', () => {
    expect(() => parseBaseMessage(Buffer.alloc(100))).toThrow(/256/);
    expect(() => parseBaseMessage(message({ id: '' }))).toThrow(/name or number/);
  });
});

describe('cardValidity', () => {
  it('a card is valid through its last day; expiring within the configured days; long-term', () => {
    expect(cardValidity({ validTo: '20261207' }, '2026-12-07', 30)).toEqual({
      state: 'expiring',
      daysLeft: 0,
      validTo: '20261207',
    });
    expect(cardValidity({ validTo: '20261206' }, '2026-12-07', 30).state).toBe('expired');
    expect(cardValidity({ validTo: '20270106' }, '2026-12-07', 30).state).toBe('expiring');
    expect(cardValidity({ validTo: '20270107' }, '2026-12-07', 30).state).toBe('valid');
    expect(cardValidity({ validTo: '20270107' }, '2026-12-07', 31).state).toBe('expiring');
    expect(cardValidity({ validTo: '长期' }, '2026-12-07', 30).state).toBe('long_term');
    expect(cardValidity({ validTo: '20260230' }, '2026-12-07', 30).state).toBe('unknown');
  });
});

describe('codes and names', () => {
  it('nations and sexes both ways', () => {
    expect(nationName('56')).toBe('基诺');
    expect(nationName('97')).toBe('其他');
    expect(nationCodeOf('蒙古族')).toBe('02');
    expect(nationCodeOf('3')).toBe('03');
    expect(sexCodeOf('女')).toBe('2');
    expect(formIdTypeOf({ cardType: 'foreign_permanent' })).toBe('permanent_residence');
  });
});
