// The customer key and the key-customer register lookups shared by the centre, the desk and the
// hall service (shared/domain/customers.ts).
import { describe, expect, it } from 'vitest';
import {
  customerKeyOf,
  findInRegister,
  KeyRegisterDoc,
  registerHasRef,
} from '../../../shared/domain/customers';
import { customerRules } from '../../../shared/domain/customerRules';

const doc = KeyRegisterDoc.parse({
  entries: [
    {
      customerKey: 'C:91110000600037341L',
      name: '华北精密',
      accountNos: ['7700112233'],
      phone: '13600001234',
      managerStaffNo: 'AM01',
      managerName: '刘经理',
      reasons: ['capacity'],
      since: '2026-12-01',
    },
  ],
});

describe('customer keys and the register', () => {
  it('files a company under its credit code, a person under the ID number', () => {
    expect(
      customerKeyOf({ idNumber: '11010519491231002x', creditCode: ' 91110000600037341l ' }),
    ).toBe('C:91110000600037341L');
    expect(customerKeyOf({ idNumber: ' 11010519491231002x' })).toBe('I:11010519491231002X');
    expect(customerKeyOf({ idNumber: '  ' })).toBeNull();
  });

  it('recognises a customer by credit code (any case, full-width) or 户号, not by others', () => {
    expect(findInRegister(doc, { creditCode: '91110000600037341l' })?.managerName).toBe('刘经理');
    expect(
      findInRegister(doc, { creditCode: '９１１１００００６０００３７３４１Ｌ' }),
    ).toBeDefined();
    expect(findInRegister(doc, { accountNo: '7700-112233' })).toBeDefined();
    expect(findInRegister(doc, { idNumber: '11010519491231002X' })).toBeUndefined();
    expect(findInRegister(null, { accountNo: '7700112233' })).toBeUndefined();
  });

  it('answers the kiosk for a 户号 or phone of the register only', () => {
    expect(registerHasRef(doc, '7700112233')).toBe(true);
    expect(registerHasRef(doc, '136 0000 1234')).toBe(true);
    expect(registerHasRef(doc, '7700')).toBe(false);
    expect(registerHasRef(doc, '13600001235')).toBe(false);
  });

  it('reads the rules from configuration', () => {
    expect(customerRules.reasons.map((r) => r.code)).toEqual([
      'capacity',
      'voltage',
      'consumption',
      'category',
    ]);
    expect(customerRules.suggest.minCapacity).toBeGreaterThan(0);
  });
});
