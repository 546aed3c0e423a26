// The pre-submit review (提交前核对): everything missing or unusual about an application, with zh/en
// messages and a severity. Blockers must be fixed; warnings need the clerk's deliberate confirmation.
import type { Application } from './model';
import type { BusinessType, Catalogue, FieldDef } from './catalogue';
import { documentsFor, fieldsFor, findBusinessType, resolveLimits } from './catalogue';
import type { HallSettings } from './settings';
import { type WorkCalendar } from './calendar';
import {
  validateAccountNo,
  validateCapacity,
  validateCreditCode,
  validateIdNumber,
  validatePhone,
  validateResidentId,
} from './validators';

export type ReviewSeverity = 'blocker' | 'warning' | 'info';

export interface ReviewItem {
  code: string;
  severity: ReviewSeverity;
  message: string;
  messageEn: string;
  /** The form field concerned ('customer.idNumber', 'fields.capacity', 'documents.property_proof' …). */
  target?: string;
}

/** The subset of an application the review needs (a form being filled has no appNo or id yet). */
export type ReviewInput = Pick<
  Application,
  | 'businessCode'
  | 'customerKind'
  | 'customer'
  | 'address'
  | 'fields'
  | 'documents'
  | 'commitmentSigned'
>;

const SEVERITY_ORDER: Record<ReviewSeverity, number> = { blocker: 0, warning: 1, info: 2 };

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function fieldIssues(f: FieldDef, value: unknown, all: ReviewInput['fields']): ReviewItem[] {
  const target = `fields.${f.key}`;
  const required =
    f.required ||
    (f.requiredWhen !== undefined && all[f.requiredWhen.field] === f.requiredWhen.equals);
  // A required boolean (e.g. 电费已结清) must be confirmed true, not merely present.
  if (f.kind === 'boolean') {
    if (f.required && value !== true)
      return [
        {
          code: 'field_unconfirmed',
          severity: 'blocker',
          message: `请确认“${f.label}”`,
          messageEn: `Confirm "${f.labelEn}"`,
          target,
        },
      ];
    return [];
  }
  if (isEmpty(value)) {
    return required
      ? [
          {
            code: 'field_required',
            severity: 'blocker',
            message: `请填写“${f.label}”`,
            messageEn: `"${f.labelEn}" is required`,
            target,
          },
        ]
      : [];
  }
  if (f.kind === 'number') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n))
      return [
        {
          code: 'field_number',
          severity: 'blocker',
          message: `“${f.label}”应为数字`,
          messageEn: `"${f.labelEn}" must be a number`,
          target,
        },
      ];
    const unit = f.unit ?? '';
    if (f.min !== undefined && n < f.min)
      return [
        {
          code: 'field_min',
          severity: 'blocker',
          message: `“${f.label}”不能小于${f.min}${unit}`,
          messageEn: `"${f.labelEn}" must be at least ${f.min} ${unit}`.trim(),
          target,
        },
      ];
    if (f.max !== undefined && n > f.max)
      return [
        {
          code: 'field_max',
          severity: 'blocker',
          message: `“${f.label}”不能大于${f.max}${unit}`,
          messageEn: `"${f.labelEn}" must be at most ${f.max} ${unit}`.trim(),
          target,
        },
      ];
  }
  if (f.kind === 'select' && f.options && !f.options.some((o) => o.value === value))
    return [
      {
        code: 'field_option',
        severity: 'blocker',
        message: `“${f.label}”的选项无效`,
        messageEn: `"${f.labelEn}" has an invalid choice`,
        target,
      },
    ];
  if (f.kind === 'date' && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)))
    return [
      {
        code: 'field_date',
        severity: 'blocker',
        message: `“${f.label}”应为日期`,
        messageEn: `"${f.labelEn}" must be a date`,
        target,
      },
    ];
  if (f.kind === 'text' && f.maxLength !== undefined && String(value).length > f.maxLength)
    return [
      {
        code: 'field_length',
        severity: 'blocker',
        message: `“${f.label}”不能超过${f.maxLength}个字`,
        messageEn: `"${f.labelEn}" is longer than ${f.maxLength}`,
        target,
      },
    ];
  return [];
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** The capacity the supply must carry after this application, from the fields' roles. */
function requestedCapacity(type: BusinessType, fields: ReviewInput['fields']): number | undefined {
  const byRole = (role: string) => {
    const f = type.fields.find((x) => x.role === role);
    return f ? numberOf(fields[f.key]) : undefined;
  };
  const total = byRole('totalCapacity');
  if (total !== undefined) return total;
  const added = byRole('addedCapacity');
  if (added !== undefined) return (byRole('existingCapacity') ?? 0) + added;
  return byRole('capacity');
}

function documentIssues(app: ReviewInput, type: BusinessType, cat: Catalogue): ReviewItem[] {
  const items: ReviewItem[] = [];
  const letter = cat.customerBlock.commitmentLetter;
  const toFollow: string[] = [];
  const toFollowEn: string[] = [];
  for (const d of documentsFor(type, app.customerKind)) {
    const entry = app.documents.find((e) => e.code === d.code);
    const status = entry?.status ?? 'to_follow';
    if (status === 'received' || !d.required) continue;
    const target = `documents.${d.code}`;
    if (!type.oneCertificate || !d.mayFollow) {
      items.push({
        code: 'document_missing',
        severity: 'blocker',
        message: `缺少必备资料“${d.name}”，须当场提供`,
        messageEn: `Required document missing: ${d.nameEn} (must be handed in now)`,
        target,
      });
    } else if (!app.commitmentSigned) {
      items.push({
        code: 'document_needs_commitment',
        severity: 'blocker',
        message: `“${d.name}”未收到：一证受理须客户签署${letter.name}`,
        messageEn: `${d.nameEn} not received: one-certificate intake needs a signed ${letter.nameEn}`,
        target,
      });
    } else {
      toFollow.push(d.name);
      toFollowEn.push(d.nameEn);
    }
  }
  if (toFollow.length > 0)
    items.push({
      code: 'documents_to_follow',
      severity: 'warning',
      message: `一证受理，以下资料后补（已签${letter.name}）：${toFollow.join('、')}`,
      messageEn: `One-certificate intake; to follow (${letter.nameEn} signed): ${toFollowEn.join(', ')}`,
      target: 'documents',
    });
  return items;
}

/**
 * Everything the clerk should see before submitting, blockers first. `today` (YYYY-MM-DD) dates
 * the minor check; with `opts.calendar` it also warns when the deadline reaches a year whose
 * holiday schedule is not loaded (the deadline is then a provisional Mon–Fri count, 暂估). The UI shows the list and requires a deliberate confirmation of the warnings.
 */
export function reviewApplication(
  app: ReviewInput,
  catalogue: Catalogue,
  settings: HallSettings,
  today: string,
  opts: { calendar?: WorkCalendar; acceptedAt?: string } = {},
): ReviewItem[] {
  const items: ReviewItem[] = [];
  const type = findBusinessType(catalogue, app.businessCode);
  if (!type)
    return [
      {
        code: 'business_unknown',
        severity: 'blocker',
        message: `未知业务类型“${app.businessCode}”`,
        messageEn: `Unknown business type ${app.businessCode}`,
        target: 'businessCode',
      },
    ];
  if (!type.customerKinds.includes(app.customerKind))
    items.push({
      code: 'customer_kind',
      severity: 'blocker',
      message: `“${type.name}”不受理${app.customerKind === 'company' ? '非居民（单位）' : '居民'}客户`,
      messageEn: `${type.nameEn} is not for ${app.customerKind} customers`,
      target: 'customerKind',
    });

  // --- customer block
  const c = app.customer;
  if (isEmpty(c.name))
    items.push({
      code: 'name_required',
      severity: 'blocker',
      message: '请填写户名',
      messageEn: 'The account name is required',
      target: 'customer.name',
    });
  if (isEmpty(app.address))
    items.push({
      code: 'address_required',
      severity: 'blocker',
      message: '请填写用电地址',
      messageEn: 'The supply address is required',
      target: 'address',
    });
  const id = validateIdNumber(c.idType, c.idNumber ?? '', { today });
  if (!id.ok)
    items.push({
      code: id.code,
      severity: 'blocker',
      message: id.message,
      messageEn: id.messageEn,
      target: 'customer.idNumber',
    });
  if (
    c.idType === 'resident_id' ||
    c.idType === 'temp_resident_id' ||
    c.idType === 'household_register' ||
    c.idType === 'hmt_residence_permit'
  ) {
    const r = validateResidentId(c.idNumber ?? '', {
      today,
      hmtPermit: c.idType === 'hmt_residence_permit',
    });
    if (r.ok && r.info) {
      if (r.info.age < settings.minorAge)
        items.push({
          code: 'holder_minor',
          severity: 'warning',
          message: `证件持有人未满${settings.minorAge}周岁（${r.info.age}岁），请核实是否由监护人办理`,
          messageEn: `The ID holder is under ${settings.minorAge} (${r.info.age}): check a guardian is applying`,
          target: 'customer.idNumber',
        });
      if (r.info.legacy15 && r.info.note)
        items.push({
          code: 'id_legacy15',
          severity: 'info',
          message: r.info.note,
          messageEn: r.info.noteEn ?? '',
          target: 'customer.idNumber',
        });
    }
  }
  const phone = validatePhone(c.phone ?? '');
  if (!phone.ok)
    items.push({
      code: phone.code,
      severity: 'blocker',
      message: phone.message,
      messageEn: phone.messageEn,
      target: 'customer.phone',
    });
  if (app.customerKind === 'company') {
    const cc = validateCreditCode(c.creditCode ?? '');
    if (!cc.ok)
      items.push({
        code: cc.code,
        severity: 'blocker',
        message: cc.message,
        messageEn: cc.messageEn,
        target: 'customer.creditCode',
      });
    if (isEmpty(c.legalRep))
      items.push({
        code: 'legal_rep_required',
        severity: 'blocker',
        message: '请填写法定代表人',
        messageEn: 'The legal representative is required',
        target: 'customer.legalRep',
      });
  }
  if (type.needsAccountNo) {
    const acc = validateAccountNo(c.accountNo ?? '', { length: settings.accountNo.length });
    if (!acc.ok)
      items.push({
        code: acc.code,
        severity: 'blocker',
        message: acc.message,
        messageEn: acc.messageEn,
        target: 'customer.accountNo',
      });
  }

  // --- per-type fields
  for (const f of fieldsFor(type, app.customerKind))
    items.push(...fieldIssues(f, app.fields[f.key], app.fields));

  // --- capacity against the voltage level
  const voltageField = type.fields.find((f) => f.role === 'voltage');
  const voltage = voltageField ? app.fields[voltageField.key] : undefined;
  const capacity = requestedCapacity(type, app.fields);
  if (typeof voltage === 'string' && capacity !== undefined) {
    const cap = validateCapacity(capacity, voltage, settings.capacityLimits);
    if (!cap.ok && (cap.code === 'capacity_above_max' || cap.code === 'capacity_below_min'))
      items.push({
        code: cap.code,
        severity: 'warning',
        message: cap.message,
        messageEn: cap.messageEn,
        target: `fields.${voltageField?.key ?? 'voltageLevel'}`,
      });
  }

  items.push(...documentIssues(app, type, catalogue));

  // --- a deadline reaching a year without a holiday schedule is counted Mon–Fri (暂估): the
  // clerk must tell the customer the date is provisional, so it is an unusual item to confirm.
  if (opts.calendar) {
    const { totalLimitWd } = resolveLimits(
      type,
      app.fields,
      settings.wholeProcessLimitsWd.byBusinessCode,
    );
    const d = opts.calendar.addWorkingDaysProvisional(
      opts.calendar.dateOf(opts.acceptedAt ?? today),
      totalLimitWd,
    );
    if (d.provisional) {
      const years = d.missingYears.join('、');
      const yearsEn = d.missingYears.join(', ');
      items.push({
        code: 'deadline_provisional',
        severity: 'warning',
        message: `办结时限按周一至周五暂估（${years}年节假日安排尚未发布），发布后以中心为准`,
        messageEn: `Deadline estimated Monday–Friday (the ${yearsEn} holiday schedule is not published yet); the centre's date applies once it is`,
        target: 'deadline',
      });
    }
  }
  return items.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** True when nothing blocks submission (warnings still need confirmation). */
export function canSubmit(items: readonly ReviewItem[]): boolean {
  return !items.some((i) => i.severity === 'blocker');
}

export interface DocumentChecklistItem {
  code: string;
  name: string;
  nameEn: string;
  required: boolean;
  mayFollow: boolean;
  status: 'received' | 'to_follow' | 'not_required';
  attachmentIds: string[];
}

/**
 * The type's documents for the application's customer kind with what was received: what the
 * receipt prints as received / missing and what the detail page tracks until handed in.
 */
export function documentChecklist(
  app: Pick<Application, 'documents' | 'customerKind'>,
  type: BusinessType,
): DocumentChecklistItem[] {
  return documentsFor(type, app.customerKind).map((d) => {
    const entry = app.documents.find((e) => e.code === d.code);
    return {
      code: d.code,
      name: d.name,
      nameEn: d.nameEn,
      required: d.required,
      mayFollow: d.mayFollow,
      status: entry?.status ?? (d.required ? 'to_follow' : 'not_required'),
      attachmentIds: entry?.attachmentIds ?? [],
    };
  });
}

/** Required documents not yet received (the ones a 客户承诺书 promises). */
export function outstandingDocuments(
  app: Pick<Application, 'documents' | 'customerKind'>,
  type: BusinessType,
): DocumentChecklistItem[] {
  return documentChecklist(app, type).filter((d) => d.required && d.status !== 'received');
}
