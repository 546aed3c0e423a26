// What the customer asked for, as the receipt prints it: every field of the business type that has
// a value, labelled and formatted from the catalogue (select options by their label, numbers with
// their unit, identifiers masked), plus the capacity after an increase or reduction, derived from
// the fields' roles. No per-type code: a type's receipt carries whatever its catalogue entry asks.
import type { BusinessType, FieldDef } from './catalogue';
import { maskId, maskPhone } from './mask';

export interface ReceiptFact {
  key: string;
  label: string;
  labelEn: string;
  value: string;
  valueEn: string;
}

type FieldValues = Record<string, string | number | boolean | null | undefined>;

function unitOf(def: FieldDef): string {
  return def.unit ? ` ${def.unit}` : '';
}

function formatValue(def: FieldDef, v: string | number | boolean): { zh: string; en: string } {
  if (def.kind === 'boolean') return v === true ? { zh: '是', en: 'yes' } : { zh: '否', en: 'no' };
  if (def.kind === 'select') {
    const o = def.options?.find((x) => x.value === v);
    return o ? { zh: o.label, en: o.labelEn } : { zh: String(v), en: String(v) };
  }
  if (def.kind === 'number') return { zh: `${v}${unitOf(def)}`, en: `${v}${unitOf(def)}` };
  const s = String(v);
  if (def.format === 'idNumber') return { zh: maskId(s), en: maskId(s) };
  if (def.format === 'phone') return { zh: maskPhone(s), en: maskPhone(s) };
  return { zh: s, en: s };
}

/** Rounds away binary noise (0.1 + 0.2) without hiding real decimals. */
function tidy(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The facts of an application's business fields, in the catalogue's order. */
export function receiptFacts(type: BusinessType, fields: FieldValues): ReceiptFact[] {
  const out: ReceiptFact[] = [];
  for (const def of type.fields) {
    const v = fields[def.key];
    if (v === undefined || v === null || v === '') continue;
    const f = formatValue(def, v);
    out.push({ key: def.key, label: def.label, labelEn: def.labelEn, value: f.zh, valueEn: f.en });
  }
  // The capacity after the change, which the customer is promised (增容 / 减容).
  const existing = type.fields.find((f) => f.role === 'existingCapacity');
  const delta =
    type.fields.find((f) => f.role === 'addedCapacity') ??
    type.fields.find((f) => f.role === 'reducedCapacity');
  const ev = existing ? Number(fields[existing.key]) : NaN;
  const dv = delta ? Number(fields[delta.key]) : NaN;
  if (existing && delta && Number.isFinite(ev) && Number.isFinite(dv)) {
    const after = tidy(delta.role === 'addedCapacity' ? ev + dv : ev - dv);
    const unit = unitOf(delta) || unitOf(existing);
    out.push({
      key: 'capacityAfter',
      label: '变更后容量',
      labelEn: 'Capacity after the change',
      value: `${after}${unit}`,
      valueEn: `${after}${unit}`,
    });
  }
  return out;
}
