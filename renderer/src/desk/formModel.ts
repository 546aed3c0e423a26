// The intake form as plain data: its state (what a draft stores), which fields a business type
// and customer kind show (from the catalogue, never hard-coded per type), the validation that
// runs as the clerk types, and the Application built from a valid form.
import type {
  BusinessType,
  Catalogue,
  CustomerBlockField,
  DocumentDef,
  FieldDef,
} from '../../../shared/domain/catalogue';
import {
  documentsFor,
  fieldsFor,
  fieldWithRole,
  findBusinessType,
  resolveLimits,
} from '../../../shared/domain/catalogue';
import type {
  Application,
  CustomerKind,
  DocumentEntry,
  FeedbackKind,
  FieldValues,
  IdType,
} from '../../../shared/domain/model';
import { initialHistory } from '../../../shared/domain/workflow';
import {
  validateAccountNo,
  validateCapacity,
  validateCreditCode,
  validateIdNumber,
  validatePhone,
} from '../../../shared/domain/validators';
import { IdType as IdTypeSchema } from '../../../shared/domain/model';
import { normalizeIdentifier } from '../../../shared/domain/normalize';
import type { Lang } from '../i18n';
import type { DeskConfig } from './config';

export type CustomerKey = CustomerBlockField['key'];

/** Customer fields holding identifiers or numbers: full-width IME input is taken as ASCII. */
export const IDENTIFIER_KEYS: ReadonlySet<string> = new Set([
  'idNumber',
  'creditCode',
  'phone',
  'accountNo',
]);
export type FormDocStatus = 'received' | 'to_follow' | 'missing';
export type FieldValue = string | number | boolean | null;

export interface IntakeForm {
  businessCode: string;
  customerKind: CustomerKind | '';
  customer: Partial<Record<CustomerKey, string>>;
  fields: Record<string, FieldValue>;
  documents: Record<string, FormDocStatus>;
  commitmentSigned: boolean;
  keyCustomer: { enabled: boolean; managerName: string; managerPhone: string };
  notes: string;
  ticketNo: string;
}

export function emptyForm(ticketNo = '', businessCode = ''): IntakeForm {
  return {
    businessCode,
    customerKind: '',
    customer: {},
    fields: {},
    documents: {},
    commitmentSigned: false,
    keyCustomer: { enabled: false, managerName: '', managerPhone: '' },
    notes: '',
    ticketNo,
  };
}

/** Restores a draft's raw form state, tolerating older or partial shapes. */
export function formFromDraft(raw: Record<string, unknown>): IntakeForm {
  const base = emptyForm();
  const obj = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const customer: IntakeForm['customer'] = {};
  for (const [k, v] of Object.entries(obj(raw.customer))) {
    if (typeof v === 'string') customer[k as CustomerKey] = v;
  }
  const fields: IntakeForm['fields'] = {};
  for (const [k, v] of Object.entries(obj(raw.fields))) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v))
      fields[k] = v as FieldValue;
  }
  const documents: IntakeForm['documents'] = {};
  for (const [k, v] of Object.entries(obj(raw.documents))) {
    if (v === 'received' || v === 'to_follow' || v === 'missing') documents[k] = v;
  }
  const kc = obj(raw.keyCustomer);
  const kind = str(raw.customerKind);
  return {
    ...base,
    businessCode: str(raw.businessCode),
    customerKind: kind === 'resident' || kind === 'company' ? kind : '',
    customer,
    fields,
    documents,
    commitmentSigned: raw.commitmentSigned === true,
    keyCustomer: {
      enabled: kc.enabled === true,
      managerName: str(kc.managerName),
      managerPhone: str(kc.managerPhone),
    },
    notes: str(raw.notes),
    ticketNo: str(raw.ticketNo),
  };
}

/** True when nothing has been entered yet (no draft needs to be stored). */
export function isBlank(f: IntakeForm): boolean {
  return (
    !f.businessCode &&
    !f.customerKind &&
    Object.values(f.customer).every((v) => !v) &&
    Object.keys(f.fields).length === 0 &&
    !f.notes
  );
}

export interface FormLayout {
  type: BusinessType;
  kind: CustomerKind;
  customerFields: CustomerBlockField[];
  idTypes: IdType[];
  typeFields: FieldDef[];
  documents: (DocumentDef & { required: boolean })[];
}

/** What the form shows for a type and kind; null until both are chosen. */
export function layoutOf(cat: Catalogue, form: IntakeForm): FormLayout | null {
  const type = form.businessCode ? findBusinessType(cat, form.businessCode) : undefined;
  if (!type || !form.customerKind || !type.customerKinds.includes(form.customerKind)) return null;
  const kind = form.customerKind;
  const customerFields = cat.customerBlock.fields.filter(
    (f) => f.kinds.includes(kind) && (!f.onlyWhenAccountNeeded || type.needsAccountNo),
  );
  return {
    type,
    kind,
    customerFields,
    idTypes: cat.customerBlock.idTypes[kind],
    typeFields: visibleTypeFields(type, kind),
    documents: documentsFor(type, kind),
  };
}

function visibleTypeFields(type: BusinessType, kind: CustomerKind): FieldDef[] {
  return fieldsFor(type, kind);
}

export function customerLabel(f: CustomerBlockField, kind: CustomerKind, lang: Lang): string {
  const byKind = f.labelByKind?.[kind];
  if (byKind) return lang === 'en' ? byKind.labelEn : byKind.label;
  return lang === 'en' ? f.labelEn : f.label;
}

/**
 * Field-level problems keyed like the review's targets: `customer.<key>`, `address`,
 * `fields.<key>`, `documents.<code>`, `keyCustomer.*`.
 */
export type FormErrors = Record<string, string>;

/** Non-blocking remarks shown beside a field (capacity out of the voltage level's range). */
export type FormWarnings = Record<string, string>;

function isEmpty(v: FieldValue | undefined): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function fieldRequired(def: FieldDef, form: IntakeForm): boolean {
  if (def.required) return true;
  if (def.requiredWhen) return form.fields[def.requiredWhen.field] === def.requiredWhen.equals;
  return false;
}

export interface ValidationOutcome {
  errors: FormErrors;
  warnings: FormWarnings;
}

/** Validates the whole form (as the clerk types and before submit). Messages in the UI language. */
export function validateForm(cfg: DeskConfig, form: IntakeForm, lang: Lang): ValidationOutcome {
  const errors: FormErrors = {};
  const warnings: FormWarnings = {};
  const msg = (zh: string, en: string) => (lang === 'en' ? en : zh);
  if (!form.businessCode) errors.businessCode = msg('请选择业务类型', 'Choose a business type');
  const type = form.businessCode ? findBusinessType(cfg.catalogue, form.businessCode) : undefined;
  if (form.businessCode && !type)
    errors.businessCode = msg('业务类型不存在', 'Unknown business type');
  if (!form.customerKind) errors.customerKind = msg('请选择客户类型', 'Choose the customer kind');
  else if (type && !type.customerKinds.includes(form.customerKind))
    errors.customerKind = msg(
      '该业务不适用于此客户类型',
      'This business is not for this customer kind',
    );
  const layout = layoutOf(cfg.catalogue, form);
  if (!layout) return { errors, warnings };

  for (const f of layout.customerFields) {
    const key = f.key === 'address' ? 'address' : `customer.${f.key}`;
    // The ID type defaults to the first accepted one (居民身份证), so it never blocks as empty.
    const typed = form.customer[f.key] ?? (f.key === 'idType' ? (layout.idTypes[0] ?? '') : '');
    const raw = (IDENTIFIER_KEYS.has(f.key) ? normalizeIdentifier(typed) : typed).trim();
    const label = customerLabel(f, layout.kind, lang);
    if (raw === '') {
      if (f.required)
        errors[key] =
          f.key === 'idType'
            ? msg('请选择证件类型', 'Choose the ID type')
            : msg(`请填写${label}`, `Enter the ${label}`);
      continue;
    }
    if (f.maxLength && raw.length > f.maxLength) {
      errors[key] = msg(
        `${label}不能超过${f.maxLength}个字符`,
        `${label}: at most ${f.maxLength} characters`,
      );
      continue;
    }
    let r: { ok: true } | { ok: false; message: string; messageEn: string } | undefined;
    if (f.key === 'idNumber') {
      const idType = (form.customer.idType || layout.idTypes[0]) as IdType;
      r = validateIdNumber(idType, raw, { timeZone: cfg.settings.timeZone });
    } else if (f.key === 'creditCode') r = validateCreditCode(raw);
    else if (f.key === 'phone') r = validatePhone(raw);
    else if (f.key === 'accountNo') r = validateAccountNo(raw, cfg.settings.accountNo);
    else if (f.key === 'idType' && !layout.idTypes.includes(raw as IdType))
      r = {
        ok: false,
        message: '证件类型不适用于此客户类型',
        messageEn: 'ID type not allowed here',
      };
    if (r && !r.ok) errors[key] = lang === 'en' ? r.messageEn : r.message;
  }

  const voltageDef = fieldWithRole(layout.type, 'voltage');
  const voltage = voltageDef ? form.fields[voltageDef.key] : undefined;
  for (const def of layout.typeFields) {
    const key = `fields.${def.key}`;
    const v = form.fields[def.key];
    const label = lang === 'en' ? def.labelEn : def.label;
    if (def.kind === 'boolean') {
      // A required yes/no (e.g. 电费已结清) must be confirmed, not merely answered.
      if (def.required && v !== true) errors[key] = msg(`请确认“${label}”`, `Confirm "${label}"`);
      continue;
    }
    if (isEmpty(v)) {
      if (fieldRequired(def, form)) errors[key] = msg(`请填写${label}`, `Enter ${label}`);
      continue;
    }
    if (def.kind === 'number') {
      const n = typeof v === 'number' ? v : Number(normalizeIdentifier(String(v)).trim());
      if (!Number.isFinite(n)) {
        errors[key] = msg(`${label}应为数字`, `${label} must be a number`);
        continue;
      }
      if (def.min !== undefined && n < def.min)
        errors[key] = msg(`${label}不能小于${def.min}`, `${label} must be at least ${def.min}`);
      else if (def.max !== undefined && n > def.max)
        errors[key] = msg(`${label}不能大于${def.max}`, `${label} must be at most ${def.max}`);
      else if (
        (def.role === 'capacity' || def.role === 'totalCapacity') &&
        typeof voltage === 'string' &&
        voltage
      ) {
        const c = validateCapacity(n, voltage, cfg.settings.capacityLimits);
        if (!c.ok) warnings[key] = lang === 'en' ? c.messageEn : c.message;
      }
    } else if (def.format && typeof v === 'string') {
      const r = checkFormatted(def, v, form);
      if (!r.ok) errors[key] = lang === 'en' ? r.messageEn : r.message;
    } else if (def.kind === 'select' && def.options && !def.options.some((o) => o.value === v)) {
      errors[key] = msg(`请选择${label}`, `Choose ${label}`);
    } else if (def.maxLength && typeof v === 'string' && v.length > def.maxLength) {
      errors[key] = msg(
        `${label}不能超过${def.maxLength}个字符`,
        `${label}: at most ${def.maxLength} characters`,
      );
    }
  }

  for (const d of layout.documents) {
    const st = form.documents[d.code] ?? 'missing';
    const name = lang === 'en' ? d.nameEn : d.name;
    if (
      st === 'to_follow' &&
      !(d.mayFollow && layout.type.oneCertificate && form.commitmentSigned)
    ) {
      errors[`documents.${d.code}`] = d.mayFollow
        ? msg(
            `${name}后补需客户签署承诺书（一证受理）`,
            `${name} may follow only with the signed commitment letter`,
          )
        : msg(`${name}不能后补，须当场收取`, `${name} cannot follow later`);
    } else if (d.required && st === 'missing') {
      errors[`documents.${d.code}`] =
        d.mayFollow && layout.type.oneCertificate
          ? msg(
              `请收取${name}，或签署承诺书后标记为后补`,
              `Receive ${name}, or mark it to follow with the commitment letter`,
            )
          : msg(`请收取${name}`, `Receive ${name}`);
    }
  }

  if (form.keyCustomer.enabled) {
    if (!form.keyCustomer.managerName.trim())
      errors['keyCustomer.managerName'] = msg('请填写客户经理', 'Enter the account manager');
    if (form.keyCustomer.managerPhone.trim()) {
      const p = validatePhone(form.keyCustomer.managerPhone);
      if (!p.ok) errors['keyCustomer.managerPhone'] = lang === 'en' ? p.messageEn : p.message;
    }
  }
  return { errors, warnings };
}

/**
 * A type field holding a person's identifier (过户's new holder): the same checks as the customer's
 * own ID number (by the document type in `idTypeField`) and phone.
 */
function checkFormatted(
  def: FieldDef,
  raw: string,
  form: IntakeForm,
): { ok: true; value: string } | { ok: false; message: string; messageEn: string } {
  const v = normalizeIdentifier(raw);
  if (def.format === 'phone') return validatePhone(v);
  const t = def.idTypeField ? form.fields[def.idTypeField] : undefined;
  const idType = IdTypeSchema.safeParse(typeof t === 'string' && t ? t : 'resident_id');
  if (!idType.success) return { ok: true, value: v.trim() };
  return validateIdNumber(idType.data, v);
}

export interface BuildContext {
  id: string;
  hallCode: string;
  deskCode: string;
  clerk: string;
  /** The signed-in person's staff number (none: a desk whose hall has no staff yet). */
  staffNo?: string;
  now: Date;
}

export class IntakeError extends Error {
  constructor(
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(messageZh);
    this.name = 'IntakeError';
  }
}

/**
 * The whole-process deadline: the type's limit (with variants and hall overrides) counted in
 * working days from acceptance. When the count reaches a year whose holiday schedule is not
 * loaded yet (every December, until the centre pushes next year), it is counted Monday–Friday and
 * marked provisional (暂估) rather than refusing the intake: holidays only push a deadline later,
 * so the date promised is never later than the official one (calendar.ts explains the 调休 caveat).
 */
export function deadlineFor(
  cfg: DeskConfig,
  type: BusinessType,
  fields: FieldValues,
  acceptedAt: Date,
): { deadline: string; limitWd: number; provisional: boolean; missingYears: number[] } {
  const { totalLimitWd } = resolveLimits(
    type,
    fields,
    cfg.settings.wholeProcessLimitsWd.byBusinessCode,
  );
  const r = cfg.calendar.addWorkingDaysProvisional(cfg.calendar.dateOf(acceptedAt), totalLimitWd);
  return {
    deadline: r.date,
    limitWd: totalLimitWd,
    provisional: r.provisional,
    missingYears: r.missingYears,
  };
}

/** The whole-process deadline as the desk shows it now (see deadlineView). */
export interface DeadlineView {
  /** The date to show: the stored one, or the one recomputed with a schedule pushed since. */
  date: string;
  /** Still counted Mon–Fri for a year without a schedule (show 暂估). */
  provisional: boolean;
  /** The stored date was provisional and the pushed schedule now gives `date` (display only). */
  recomputed: boolean;
  /** Years still without a schedule (when provisional). */
  missingYears: number[];
}

/**
 * What the detail page shows for an application's deadline. A deadline stored provisionally is
 * recounted with today's calendar: once the centre has pushed the missing year, the real date is
 * shown (display only — `deadline` is a hall-owned field and the stored record is not rewritten
 * behind the centre's back). The recount uses the current limits for the type, which are the ones
 * in force at acceptance unless the catalogue or hall overrides changed in the weeks between.
 */
export function deadlineView(
  cfg: DeskConfig,
  app: Pick<
    Application,
    'deadline' | 'deadlineProvisional' | 'businessCode' | 'fields' | 'acceptedAt'
  >,
): DeadlineView {
  const stored: DeadlineView = {
    date: app.deadline,
    provisional: app.deadlineProvisional === true,
    recomputed: false,
    missingYears: [],
  };
  if (!app.deadlineProvisional) return stored;
  const type = findBusinessType(cfg.catalogue, app.businessCode);
  if (!type) return stored;
  const now = deadlineFor(cfg, type, app.fields, new Date(app.acceptedAt));
  if (now.provisional) return { ...stored, missingYears: now.missingYears };
  return { date: now.deadline, provisional: false, recomputed: true, missingYears: [] };
}

/**
 * The Application for a valid form (appNo is a placeholder: the store assigns the real number in
 * the submit transaction). Throws IntakeError when the form is incomplete. A deadline counted
 * into a year without a holiday schedule is kept, marked deadlineProvisional.
 */
export function buildApplication(
  cfg: DeskConfig,
  form: IntakeForm,
  ctx: BuildContext,
): Application {
  const layout = layoutOf(cfg.catalogue, form);
  if (!layout)
    throw new IntakeError('请选择业务类型和客户类型', 'Choose the business type and customer kind');
  const c = (k: CustomerKey) => {
    const v = form.customer[k] ?? '';
    return (IDENTIFIER_KEYS.has(k) ? normalizeIdentifier(v) : v).trim();
  };
  const shown = new Set(layout.customerFields.map((f) => f.key));
  const opt = (k: CustomerKey) => (shown.has(k) && c(k) ? { [k]: c(k) } : {});
  const idType = (c('idType') || layout.idTypes[0]) as IdType;
  const idRes = c('idNumber')
    ? validateIdNumber(idType, c('idNumber'), { timeZone: cfg.settings.timeZone })
    : null;
  const phoneRes = validatePhone(c('phone'));
  const credit = c('creditCode') ? validateCreditCode(c('creditCode')) : null;
  const fields: FieldValues = {};
  for (const def of layout.typeFields) {
    const v = form.fields[def.key];
    if (isEmpty(v)) continue;
    if (def.kind === 'number') fields[def.key] = Number(normalizeIdentifier(String(v)).trim());
    else if (def.format && typeof v === 'string') {
      const r = checkFormatted(def, v, form);
      fields[def.key] = r.ok ? r.value : v;
    } else fields[def.key] = v as string | number | boolean;
  }
  const at = ctx.now.toISOString();
  const { deadline, provisional } = deadlineFor(cfg, layout.type, fields, ctx.now);
  const documents: DocumentEntry[] = layout.documents.map((d) => {
    const st = form.documents[d.code] ?? 'missing';
    if (st === 'received')
      return { code: d.code, status: 'received', attachmentIds: [], receivedAt: at };
    if (st === 'to_follow') return { code: d.code, status: 'to_follow', attachmentIds: [] };
    return { code: d.code, status: 'not_required', attachmentIds: [] };
  });
  const notes = form.notes.trim();
  return {
    id: ctx.id,
    appNo: 'PENDING',
    hallCode: ctx.hallCode,
    deskCode: ctx.deskCode,
    businessCode: layout.type.code,
    customerKind: layout.kind,
    customer: {
      name: c('name'),
      idType,
      idNumber: idRes?.ok ? idRes.value : c('idNumber') || (credit?.ok ? credit.value : ''),
      phone: phoneRes.ok ? phoneRes.value : c('phone'),
      ...opt('contactName'),
      ...(credit?.ok ? { creditCode: credit.value } : {}),
      ...opt('legalRep'),
      ...opt('accountNo'),
    },
    address: c('address'),
    fields,
    documents,
    commitmentSigned: layout.type.oneCertificate && form.commitmentSigned,
    ...(form.keyCustomer.enabled
      ? {
          keyCustomer: {
            managerName: form.keyCustomer.managerName.trim(),
            ...(form.keyCustomer.managerPhone.trim()
              ? { managerPhone: form.keyCustomer.managerPhone.trim() }
              : {}),
          },
        }
      : {}),
    ...(form.ticketNo ? { ticketNo: form.ticketNo } : {}),
    ...(notes ? { notes } : {}),
    acceptedAt: at,
    acceptedBy: ctx.clerk,
    ...(ctx.staffNo ? { acceptedByStaffNo: ctx.staffNo } : {}),
    deadline,
    ...(provisional ? { deadlineProvisional: true } : {}),
    status: 'accepted',
    history: initialHistory(ctx.clerk, at),
    updatedAt: at,
    serverVersion: 0,
  };
}

/**
 * First-contact and reply due dates like computeFeedbackDue, but a year without a holiday schedule
 * (every December, until the centre pushes it) is counted Monday–Friday and marked provisional
 * instead of refusing to record the customer's feedback (calendar.ts explains why this is a
 * conservative promise). computeFeedbackDue stays strict for other callers.
 */
export function feedbackDueFor(
  cfg: DeskConfig,
  kind: FeedbackKind,
  acceptedAt: string,
): { firstContactDue: string; replyDue: string; provisional: boolean } {
  const limit = cfg.settings.feedbackLimits[kind];
  const day = cfg.calendar.dateOf(acceptedAt);
  const first = cfg.calendar.addWorkingDaysProvisional(day, limit.firstContactWd);
  const reply = cfg.calendar.addWorkingDaysProvisional(day, limit.replyWd);
  return {
    firstContactDue: first.date,
    replyDue: reply.date,
    provisional: first.provisional || reply.provisional,
  };
}
