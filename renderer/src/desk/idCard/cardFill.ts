// What a read ID card puts into a form: which fields of which person (the customer, 过户's new
// holder, the feedback form's customer), which of them the clerk already typed differently (the
// form asks before those are replaced), and the checks the counter makes of the card itself.
import {
  cardValidity,
  formIdTypeOf,
  type CardValidity,
  type IdCardData,
} from '../../../../shared/domain/idCard';
import type { IdType } from '../../../../shared/domain/model';
import { validateIdNumber } from '../../../../shared/domain/validators';
import type { IntakeForm } from '../formModel';

/** Whose fields the card fills. */
export type CardTarget = 'customer' | 'newHolder';

export interface CardField {
  /** Path in the form: `customer.name`, `fields.newHolderIdNumber`. */
  path: string;
  label: [zh: string, en: string];
  value: string;
}

/** The 过户 fields of the new holder (catalogue field keys). */
const NEW_HOLDER = {
  name: 'newHolderName',
  idType: 'newHolderIdType',
  idNumber: 'newHolderIdNumber',
};

/** The people of this form a card can be for: the customer always, the new holder on 过户. */
export function cardTargets(typeFieldKeys: readonly string[]): CardTarget[] {
  return typeFieldKeys.includes(NEW_HOLDER.idNumber) ? ['customer', 'newHolder'] : ['customer'];
}

/**
 * The fields the card fills for `target`. A company's customer block has the company's name and
 * credit code: the person at the counter is its contact, so only the contact name is filled.
 */
export function cardFields(
  card: IdCardData,
  target: CardTarget,
  customerKind: IntakeForm['customerKind'],
): CardField[] {
  const idType = formIdTypeOf(card);
  if (target === 'newHolder') {
    return [
      { path: `fields.${NEW_HOLDER.name}`, label: ['新户主姓名', 'New holder'], value: card.name },
      { path: `fields.${NEW_HOLDER.idType}`, label: ['新户主证件类型', 'ID type'], value: idType },
      {
        path: `fields.${NEW_HOLDER.idNumber}`,
        label: ['新户主证件号码', 'ID number'],
        value: card.idNumber,
      },
    ];
  }
  if (customerKind === 'company')
    return [{ path: 'customer.contactName', label: ['联系人', 'Contact'], value: card.name }];
  return [
    { path: 'customer.name', label: ['户名（客户姓名）', 'Customer name'], value: card.name },
    { path: 'customer.idType', label: ['证件类型', 'ID type'], value: idType },
    { path: 'customer.idNumber', label: ['证件号码', 'ID number'], value: card.idNumber },
  ];
}

function read(form: IntakeForm, path: string): string {
  const [head, key] = path.split('.') as ['customer' | 'fields', string];
  const v =
    head === 'customer' ? form.customer[key as keyof IntakeForm['customer']] : form.fields[key];
  return v === null || v === undefined ? '' : String(v);
}

/** Fields the clerk already filled with something else: the form asks before replacing them. */
export function cardConflicts(
  form: IntakeForm,
  fields: readonly CardField[],
): (CardField & { current: string })[] {
  return fields
    .map((f) => ({ ...f, current: read(form, f.path).trim() }))
    .filter((f) => f.current !== '' && f.current.toUpperCase() !== f.value.toUpperCase())
    .filter(
      (f) =>
        !(f.path.endsWith('idType') && f.current === 'resident_id' && f.value === 'resident_id'),
    );
}

/** The form with the card's fields written in. */
export function applyCardFields(form: IntakeForm, fields: readonly CardField[]): IntakeForm {
  const next: IntakeForm = { ...form, customer: { ...form.customer }, fields: { ...form.fields } };
  for (const f of fields) {
    const [head, key] = f.path.split('.') as ['customer' | 'fields', string];
    if (head === 'customer') next.customer[key as keyof IntakeForm['customer']] = f.value;
    else next.fields[key] = f.value;
  }
  return next;
}

export interface CardCheck {
  validity: CardValidity;
  /** The number fails the ID rules (a damaged chip or a reader fault): the clerk must look. */
  numberError: string | null;
}

/** The counter's checks of a card: still valid, and a number the validators accept. */
export function checkCard(
  card: IdCardData,
  today: string,
  expiringWithinDays: number,
  lang: 'zh' | 'en',
): CardCheck {
  const validity = cardValidity(card, today, expiringWithinDays);
  const idType = formIdTypeOf(card) as IdType;
  const r = validateIdNumber(idType, card.idNumber);
  const numberError = r.ok ? null : lang === 'zh' ? r.message : r.messageEn;
  return { validity, numberError };
}
