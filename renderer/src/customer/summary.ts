// The application summary shown on the customer-facing screen and signed there: built from the
// application with every ID and phone masked (PIPL; domain.md: ID first 6 + last 4, phone 3****4),
// in Chinese, and deterministic, so the same application always gives the same signed document.
import type { Catalogue } from '../../../shared/domain/catalogue';
import { findBusinessType } from '../../../shared/domain/catalogue';
import { maskCreditCode, maskId, maskPhone } from '../../../shared/domain/mask';
import type { Application } from '../../../shared/domain/model';

export interface SummaryRow {
  label: string;
  value: string;
}

/** What the customer sees, confirms and signs; hashed as canonical JSON with the signature. */
export interface CustomerSummary {
  applicationId: string;
  title: string;
  rows: SummaryRow[];
}

// Anything that looks like a resident ID (18 or 15 digits) or a mobile number inside free text
// (address, notes in a field) is masked too: the clerk may have typed one where none belongs.
const ID_IN_TEXT = /(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)/g;
const MOBILE_IN_TEXT = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d{9}(?!\d)/g;

/** Masks ID numbers and mobile numbers that appear inside a free-text value. */
export function maskSensitiveText(text: string): string {
  return text.replace(ID_IN_TEXT, (m) => maskId(m)).replace(MOBILE_IN_TEXT, (m) => maskPhone(m));
}

const LIMIT_LABEL = 40;
const LIMIT_VALUE = 400;

function row(label: string, value: string): SummaryRow {
  return {
    label: label.slice(0, LIMIT_LABEL),
    value: maskSensitiveText(value).slice(0, LIMIT_VALUE),
  };
}

/**
 * The masked summary of an application for the customer screen (CustomerView rows). Only fields
 * the customer needs to check are included; the application number is not (it is assigned when
 * the application is accepted, after the customer signs).
 */
export function buildCustomerSummary(app: Application, catalogue: Catalogue): CustomerSummary {
  const type = findBusinessType(catalogue, app.businessCode);
  const c = app.customer;
  const rows: SummaryRow[] = [];
  rows.push(row('业务类型', type ? `${type.code} ${type.name}` : app.businessCode));
  rows.push(row(app.customerKind === 'company' ? '户名（单位名称）' : '户名', c.name));
  if (c.accountNo) rows.push(row('户号', c.accountNo));
  if (c.creditCode) rows.push(row('统一社会信用代码', maskCreditCode(c.creditCode)));
  if (c.legalRep) rows.push(row('法定代表人', c.legalRep));
  const idLabel = catalogue.customerBlock.idTypeLabels[c.idType]?.label ?? '证件';
  rows.push(row(`证件（${idLabel}）`, maskId(c.idNumber)));
  if (c.contactName) rows.push(row('联系人', c.contactName));
  rows.push(row('联系电话', maskPhone(c.phone)));
  rows.push(row('用电地址', app.address));
  for (const f of type?.fields ?? []) {
    const v = app.fields[f.key];
    if (v === undefined || v === null || v === '') continue;
    const opt = f.options?.find((o) => o.value === v);
    const shown =
      typeof v === 'boolean'
        ? v
          ? '是'
          : '否'
        : opt
          ? opt.label
          : `${String(v)}${f.unit ? ` ${f.unit}` : ''}`;
    rows.push(row(f.label, shown));
  }
  const docName = (code: string) => type?.documents.find((d) => d.code === code)?.name ?? code;
  const received = app.documents.filter((d) => d.status === 'received').map((d) => docName(d.code));
  const toFollow = app.documents
    .filter((d) => d.status === 'to_follow')
    .map((d) => docName(d.code));
  rows.push(row('已收资料', received.length ? received.join('、') : '无'));
  if (toFollow.length) {
    rows.push(
      row(
        '待补资料',
        `${toFollow.join('、')}${app.commitmentSigned ? '（已签署客户承诺书）' : ''}`,
      ),
    );
  }
  if (app.keyCustomer) rows.push(row('客户经理', app.keyCustomer.managerName));
  return {
    applicationId: app.id,
    title: `业务受理确认单 · ${type?.name ?? app.businessCode}`,
    rows: rows.slice(0, 60),
  };
}
