// Masking on screens and prints: ID first 6 + last 4, phone 3****4, names, credit codes.
import { describe, expect, it } from 'vitest';
import { maskCreditCode, maskId, maskName, maskPhone } from '../../../shared/domain/mask';

describe('masking', () => {
  it('masks IDs as first 6 + last 4', () => {
    expect(maskId('11010519491231002X')).toBe('110105********002X');
    expect(maskId('110105491231002')).toBe('110105*****1002');
    expect(maskId('E12345678')).toBe('E1*****78');
    expect(maskId('')).toBe('');
    expect(maskId(undefined)).toBe('');
    expect(maskId('123')).toBe('**3');
  });

  it('masks phones as 3****4 and landlines keeping the area code', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
    expect(maskPhone('010-62345678')).toBe('010-****5678');
    expect(maskPhone('0755-2345678')).toBe('0755-***5678');
    expect(maskPhone('')).toBe('');
  });

  it('masks names', () => {
    expect(maskName('张三丰')).toBe('张*丰');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
    expect(maskName('张')).toBe('张');
    expect(maskName('John Smith')).toBe('J********h');
    expect(maskName(null)).toBe('');
  });

  it('masks credit codes', () => {
    expect(maskCreditCode('91110000600037341L')).toBe('911100********341L');
    expect(maskCreditCode('')).toBe('');
  });

  it('never reveals more than the kept characters', () => {
    const id = '11010519491231002X';
    const masked = maskId(id);
    expect(masked).toHaveLength(id.length);
    expect(masked.slice(6, 14)).toBe('********');
  });
});
