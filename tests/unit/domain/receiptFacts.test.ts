// The receipt of a change carries the change: every type's receipt facts come from its catalogue
// fields (new name, new holder, old and new capacity, old and new category), masked where they
// identify a person.
import { describe, expect, it } from 'vitest';
import { defaultCatalogue, findBusinessType } from '../../../shared/domain/catalogue';
import { receiptFacts } from '../../../shared/domain/receiptFacts';

const type = (code: string) => {
  const t = findBusinessType(defaultCatalogue, code);
  if (!t) throw new Error(`no type ${code}`);
  return t;
};
const facts = (code: string, fields: Record<string, string | number | boolean>) =>
  Object.fromEntries(receiptFacts(type(code), fields).map((f) => [f.label, f.value]));

describe('receipt facts', () => {
  it('更名 shows the new name', () => {
    expect(facts('209', { newName: '王新华', arrearsSettled: true })).toMatchObject({
      新户名: '王新华',
    });
  });

  it('过户 shows the new holder, with the ID and phone masked', () => {
    const f = facts('210', {
      newHolderName: '赵新',
      newHolderIdType: 'resident_id',
      newHolderIdNumber: '11010519491231002X',
      newHolderPhone: '13812345678',
      arrearsSettled: true,
    });
    expect(f).toMatchObject({
      新户主名称: '赵新',
      新户主证件类型: '居民身份证',
      新户主证件号码: '110105********002X',
      新户主联系电话: '138****5678',
    });
  });

  it('增容 and 减容 show the old and the new capacity', () => {
    expect(
      facts('109', { voltageLevel: '220V', existingCapacity: 8, addedCapacity: 4 }),
    ).toMatchObject({ 原有容量: '8 kW/kVA', 新增容量: '4 kW/kVA', 变更后容量: '12 kW/kVA' });
    expect(
      facts('201', { existingCapacity: 630, reducedCapacity: 200, reductionMode: 'permanent' }),
    ).toMatchObject({ 原有容量: '630 kVA', 减少容量: '200 kVA', 变更后容量: '430 kVA' });
  });

  it('改类 shows the old and the new category by their names', () => {
    expect(
      facts('215', { currentCategory: 'general_commercial', newCategory: 'charging', reason: 'x' }),
    ).toMatchObject({ 原用电类别: '一般工商业', 新用电类别: '电动汽车充换电' });
  });

  it('every type with fields carries each value entered', () => {
    for (const t of defaultCatalogue.types) {
      const fields: Record<string, string | number | boolean> = {};
      for (const f of t.fields)
        fields[f.key] =
          f.kind === 'select'
            ? f.options![0]!.value
            : f.kind === 'number'
              ? 5
              : f.kind === 'boolean'
                ? true
                : 'v';
      const keys = receiptFacts(t, fields).map((f) => f.key);
      for (const f of t.fields) expect(keys, `${t.code} ${f.key}`).toContain(f.key);
    }
  });
});
