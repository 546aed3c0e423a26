// What a read card puts into the intake form: whose fields, what the clerk typed differently (the
// form asks before those), and the card's own checks.
import { describe, expect, it } from 'vitest';
import type { IdCardData } from '../../../shared/domain/idCard';
import {
  applyCardFields,
  cardConflicts,
  cardFields,
  cardTargets,
  checkCard,
} from '../../../renderer/src/desk/idCard/cardFill';
import { emptyForm } from '../../../renderer/src/desk/formModel';

const card: IdCardData = {
  cardType: 'resident_id',
  name: '王建国',
  sexCode: '1',
  sex: '男',
  nationCode: '01',
  nation: '汉',
  birthDate: '19900307',
  address: '北京市东城区',
  idNumber: '11010519491231002X',
  issuingAuthority: '北京市公安局',
  validFrom: '20200101',
  validTo: '20400101',
};

describe('card fill', () => {
  it('fills an empty resident form without asking', () => {
    const form = emptyForm();
    const fields = cardFields(card, 'customer', 'resident');
    expect(cardConflicts(form, fields)).toEqual([]);
    const next = applyCardFields(form, fields);
    expect(next.customer).toEqual({
      name: '王建国',
      idType: 'resident_id',
      idNumber: '11010519491231002X',
    });
    expect(form.customer).toEqual({}); // the old form is not changed in place
  });

  it('names what the clerk typed differently; the same number in lower case is no conflict', () => {
    const form = { ...emptyForm(), customer: { name: '王建军', idNumber: '11010519491231002x' } };
    const conflicts = cardConflicts(form, cardFields(card, 'customer', 'resident'));
    expect(conflicts.map((c) => [c.path, c.current, c.value])).toEqual([
      ['customer.name', '王建军', '王建国'],
    ]);
  });

  it("过户: the new holder's fields; a company's card fills its contact only", () => {
    expect(cardTargets(['newHolderName', 'newHolderIdNumber'])).toEqual(['customer', 'newHolder']);
    expect(cardTargets(['capacity'])).toEqual(['customer']);
    const next = applyCardFields(emptyForm(), cardFields(card, 'newHolder', 'resident'));
    expect(next.fields).toEqual({
      newHolderName: '王建国',
      newHolderIdType: 'resident_id',
      newHolderIdNumber: '11010519491231002X',
    });
    expect(cardFields(card, 'customer', 'company').map((f) => f.path)).toEqual([
      'customer.contactName',
    ]);
  });

  it('checks the card: expired, and a number the ID rules refuse', () => {
    expect(checkCard({ ...card, validTo: '20261201' }, '2026-12-07', 30, 'zh').validity.state).toBe(
      'expired',
    );
    const bad = checkCard({ ...card, idNumber: '110105194912310021' }, '2026-12-07', 30, 'zh');
    expect(bad.numberError).toMatch(/校验/);
    expect(checkCard(card, '2026-12-07', 30, 'zh').numberError).toBeNull();
  });
});
