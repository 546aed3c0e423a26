// Factories for domain objects in tests: valid by default (a resident 低压居民新装 accepted on
// 2026-11-26 that passes review), with overrides. Reused by store, UI and sync tests.
import type {
  Application,
  AttachmentMeta,
  Customer,
  CustomerKind,
  Draft,
  Feedback,
  FieldValues,
  OutboxEntry,
} from '../../../shared/domain/model';
import { defaultCalendar } from '../../../shared/domain/calendar';
import {
  defaultCatalogue,
  fieldsFor,
  findBusinessType,
  type BusinessType,
} from '../../../shared/domain/catalogue';
import { makeApplicationNo, makeFeedbackNo } from '../../../shared/domain/appNumber';
import { computeDeadline, initialHistory } from '../../../shared/domain/workflow';
import { computeFeedbackDue } from '../../../shared/domain/feedback';
import { defaultSettings } from '../../../shared/domain/settings';

let seq = 0;
/** A fresh per-process sequence so numbers made by factories do not collide. */
export function nextSeq(): number {
  seq += 1;
  return seq;
}

export function uuid(): string {
  return globalThis.crypto.randomUUID();
}

export const VALID_RESIDENT_ID = '11010519491231002X';
export const VALID_RESIDENT_ID_2 = '440524188001010014';
export const VALID_CREDIT_CODE = '91110000600037341L';

export function makeCustomer(overrides: Partial<Customer> = {}): Customer {
  return {
    name: '张三',
    idType: 'resident_id',
    idNumber: VALID_RESIDENT_ID,
    phone: '13812345678',
    ...overrides,
  };
}

/**
 * Valid values for every field a type shows to a customer kind, derived from the catalogue: the
 * first option of each select, a capacity inside the chosen voltage level's configured range,
 * required booleans confirmed. 101 keeps its hand-written sample (220 V, 8 kW).
 */
export function sampleFields(type: BusinessType, kind: CustomerKind): FieldValues {
  if (type.code === '101') return { voltageLevel: '220V', capacity: 8 };
  const values: FieldValues = {};
  const fields = fieldsFor(type, kind);
  const voltage = fields.find((f) => f.role === 'voltage');
  const level = voltage?.options?.[0]?.value;
  const limit = level
    ? defaultSettings.capacityLimits[level as keyof typeof defaultSettings.capacityLimits]
    : undefined;
  for (const f of fields) {
    switch (f.kind) {
      case 'select':
        values[f.key] = f.options?.[0]?.value ?? null;
        break;
      case 'boolean':
        values[f.key] = f.required;
        break;
      case 'date':
        values[f.key] = '2026-12-01';
        break;
      case 'text':
        values[f.key] = f.maxLength !== undefined && f.maxLength < 4 ? 'x' : '测试内容';
        break;
      case 'number': {
        let n = Math.max(f.min ?? 1, 1);
        // Capacities: half the level's maximum, so existing + added stays inside the range too.
        if (f.role && ['capacity', 'existingCapacity', 'addedCapacity'].includes(f.role) && limit)
          n = Math.max(limit.min, Math.min(limit.max / 4, f.max ?? Infinity));
        values[f.key] = f.max !== undefined ? Math.min(n, f.max) : n;
        break;
      }
    }
  }
  return values;
}

export type ApplicationOverrides = Partial<Omit<Application, 'customer'>> & {
  customer?: Partial<Customer>;
};

/**
 * A valid application that passes review with no blockers (for every business type). The number, deadline, workflow path and history follow the overrides
 * (businessCode, acceptedAt, hallCode, deskCode) unless they are overridden themselves.
 */
export function makeApplication(overrides: ApplicationOverrides = {}): Application {
  const businessCode = overrides.businessCode ?? '101';
  const type = findBusinessType(defaultCatalogue, businessCode);
  if (!type) throw new Error(`factory: unknown business code ${businessCode}`);
  const acceptedAt = overrides.acceptedAt ?? '2026-11-26T09:30:00+08:00';
  const hallCode = overrides.hallCode ?? 'H0101';
  const deskCode = overrides.deskCode ?? 'D02';
  const acceptedBy = overrides.acceptedBy ?? 'clerk01';
  const { customer: customerOverrides, ...rest } = overrides;
  const customerKind = overrides.customerKind ?? type.customerKinds[0] ?? 'resident';
  const fields = overrides.fields ?? sampleFields(type, customerKind);
  const account = type.needsAccountNo ? { accountNo: '0123456789' } : {};
  const base: Application = {
    id: uuid(),
    appNo: makeApplicationNo({ hallCode, deskCode, date: acceptedAt, seq: nextSeq() }),
    hallCode,
    deskCode,
    businessCode,
    customerKind,
    customer: makeCustomer(
      customerKind === 'company'
        ? {
            name: '北京某某科技有限公司',
            creditCode: VALID_CREDIT_CODE,
            legalRep: '李四',
            ...account,
            ...customerOverrides,
          }
        : { ...account, ...customerOverrides },
    ),
    address: '北京市西城区某某街1号',
    fields,
    documents: type.documents
      .filter((d) => d.requiredFor.includes(customerKind))
      .map((d) => ({
        code: d.code,
        status: 'received' as const,
        attachmentIds: [],
        receivedAt: acceptedAt,
      })),
    commitmentSigned: false,
    acceptedAt,
    acceptedBy,
    deadline: computeDeadline(type, fields, acceptedAt, defaultCalendar),
    status: 'accepted',
    workflowPath: type.workflow,
    history: initialHistory(acceptedBy, acceptedAt),
    updatedAt: acceptedAt,
    serverVersion: 0,
  };
  return { ...base, ...rest, customer: base.customer };
}

export function makeFeedback(overrides: Partial<Feedback> = {}): Feedback {
  const kind = overrides.kind ?? 'complaint';
  const acceptedAt = overrides.acceptedAt ?? '2026-11-26T10:00:00+08:00';
  const due = computeFeedbackDue(kind, acceptedAt, defaultSettings, defaultCalendar);
  return {
    id: uuid(),
    feedbackNo: makeFeedbackNo({
      hallCode: 'H0101',
      deskCode: 'D02',
      date: acceptedAt,
      seq: nextSeq(),
    }),
    hallCode: 'H0101',
    deskCode: 'D02',
    kind,
    customerName: '王五',
    phone: '13912345678',
    content: '抄表数据与实际用电不符',
    acceptedAt,
    acceptedBy: 'clerk01',
    ...due,
    status: 'open',
    updatedAt: acceptedAt,
    ...overrides,
  };
}

export function makeAttachmentMeta(overrides: Partial<AttachmentMeta> = {}): AttachmentMeta {
  return {
    id: uuid(),
    applicationId: uuid(),
    documentCode: 'id_doc',
    fileName: 'id-front.jpg',
    mimeType: 'image/jpeg',
    size: 123_456,
    sha256: 'a'.repeat(64),
    createdAt: '2026-11-26T09:31:00+08:00',
    ...overrides,
  };
}

export function makeDraft(overrides: Partial<Draft> = {}): Draft {
  return {
    id: uuid(),
    businessCode: '101',
    customerKind: 'resident',
    form: { customer: { name: '张三' } },
    createdAt: '2026-11-26T09:20:00+08:00',
    updatedAt: '2026-11-26T09:25:00+08:00',
    ...overrides,
  };
}

export function makeOutboxEntry(overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    changeId: uuid(),
    seq: nextSeq(),
    entity: 'application',
    entityId: uuid(),
    op: 'create',
    payload: {},
    createdAt: '2026-11-26T09:30:00+08:00',
    state: 'pending',
    attempts: 0,
    ...overrides,
  };
}
