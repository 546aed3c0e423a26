// The application model: one zod schema per entity, used by the desk form, the local store
// and the central endpoint alike. Shapes here are the contract between every side.
import { z } from 'zod';
import { FIELD_MAX, LIST_MAX, MAX_ATTACHMENT_BYTES, MAX_INT32 } from '../protocol/limits';
import {
  calendarDate,
  isoDateTime,
  nonNegativeInt32,
  positiveInt32,
  text,
  trimmedText,
} from '../protocol/safe';

export const CustomerKind = z.enum(['resident', 'company']);
export type CustomerKind = z.infer<typeof CustomerKind>;

/** Identity document types (domain.md, Documents). */
export const IdType = z.enum([
  'resident_id', // 居民身份证
  'temp_resident_id', // 临时身份证
  'household_register', // 户口本
  'officer_id', // 军官证
  'taiwan_permit', // 台胞证
  'hk_macao_permit', // 港澳通行证
  'passport', // 护照
  'permanent_residence', // 外国人永久居留身份证
  'hmt_residence_permit', // 港澳台居民居住证 (GB 11643 number with region 810000 / 820000 / 830000)
  'credit_code', // 统一社会信用代码 (companies)
]);
export type IdType = z.infer<typeof IdType>;

export const DocumentStatus = z.enum(['received', 'to_follow', 'not_required']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;

export const DocumentEntry = z.object({
  code: text(FIELD_MAX.documentCode, 1),
  status: DocumentStatus,
  /** Attachment ids (scans / photos) proving the document. */
  attachmentIds: z.array(text(FIELD_MAX.attachmentId)).max(LIST_MAX.attachmentIds).default([]),
  receivedAt: isoDateTime.optional(),
});
export type DocumentEntry = z.infer<typeof DocumentEntry>;

export const Customer = z.object({
  name: trimmedText(100, 1),
  idType: IdType,
  idNumber: trimmedText(40, 1),
  phone: trimmedText(30, 1),
  contactName: trimmedText(50).optional(),
  /** Companies: unified social credit code and legal representative. */
  creditCode: trimmedText(18).optional(),
  legalRep: trimmedText(50).optional(),
  /** Existing customer account number (户号), where the business type needs one. */
  accountNo: trimmedText(20).optional(),
});
export type Customer = z.infer<typeof Customer>;

export const KeyCustomer = z.object({
  managerName: text(50, 1),
  managerPhone: text(30).optional(),
});
export type KeyCustomer = z.infer<typeof KeyCustomer>;

/** One workflow move, recorded with time and actor (who or which system). */
export const Transition = z.object({
  from: text(FIELD_MAX.status).nullable(),
  to: text(FIELD_MAX.status, 1),
  at: isoDateTime,
  actor: text(FIELD_MAX.actor, 1),
  note: text(FIELD_MAX.note).optional(),
  /** A return (退回/补正) by the back office: its reason code (settings.workbench.returnReasons). */
  reasonCode: text(FIELD_MAX.status).optional(),
});
export type Transition = z.infer<typeof Transition>;

/** A stretch of time in which the customer does their part and the grid side's clock stops. */
export const CustomerPause = z.object({
  from: z.string().datetime({ offset: true }),
  to: z.string().datetime({ offset: true }).optional(),
  actor: z.string().min(1),
  note: z.string().max(500).optional(),
});
export type CustomerPause = z.infer<typeof CustomerPause>;

/** Per-type form field values, keyed by the catalogue's field keys. */
export const FieldValues = z
  .record(
    text(FIELD_MAX.fieldKey),
    z.union([text(FIELD_MAX.fieldText), z.number(), z.boolean(), z.null()]),
  )
  .refine((o) => Object.keys(o).length <= LIST_MAX.fields, {
    message: `at most ${LIST_MAX.fields} fields`,
  });
export type FieldValues = z.infer<typeof FieldValues>;

export const Application = z.object({
  /** Client-made UUID: the identity used by sync (idempotent push). */
  id: z.string().uuid(),
  /** Human application number, unique without a network: hall + desk + date + sequence. */
  appNo: text(FIELD_MAX.appNo, 1),
  hallCode: text(FIELD_MAX.hallCode, 1),
  deskCode: text(FIELD_MAX.deskCode, 1),
  businessCode: text(FIELD_MAX.businessCode, 1),
  customerKind: CustomerKind,
  customer: Customer,
  address: trimmedText(200, 1),
  fields: FieldValues,
  documents: z.array(DocumentEntry).max(LIST_MAX.documents),
  /** 一证受理: the customer signed the commitment letter to hand in the rest later. */
  commitmentSigned: z.boolean().default(false),
  keyCustomer: KeyCustomer.optional(),
  /** Queue ticket the customer was called with, when the intake started from the counter panel. */
  ticketNo: text(20).optional(),
  notes: text(2000).optional(),
  acceptedAt: isoDateTime,
  acceptedBy: text(FIELD_MAX.actor, 1),
  /** The signed-in person who accepted (absent: accepted before staff existed: 未记录). */
  acceptedByStaffNo: text(20).optional(),
  /** The signed-in person who changed it last at the desk. */
  updatedByStaffNo: text(20).optional(),
  /** Review warnings confirmed past at acceptance ("确认受理" despite warnings): their codes. */
  overriddenWarnings: z.array(text(80)).max(50).optional(),
  /** Whole-process deadline (YYYY-MM-DD), counted in working days from acceptance. */
  deadline: calendarDate,
  /**
   * True when the deadline was counted provisionally (Mon–Fri, calendar.ts) because a year it
   * reaches had no holiday schedule at acceptance (暂估; the centre's calendar decides later).
   */
  deadlineProvisional: z.boolean().optional(),
  /**
   * The customer's parts of the process (design, construction, payment…): the whole-process
   * clock counts the grid side's time only and stops during these (gridClock.ts). Recorded by
   * the back office; `to` is absent while the customer is still at it.
   */
  customerPauses: z.array(CustomerPause).optional(),
  /** Current workflow state code (see workflow.ts). Owned by the centre after acceptance. */
  status: text(FIELD_MAX.status, 1),
  /**
   * Workflow path id (workflow.ts: low2 | low3 | high | change | service) fixed at acceptance, so a
   * later catalogue change does not move applications in flight. Absent: looked up by businessCode.
   */
  workflowPath: text(FIELD_MAX.workflowPath).optional(),
  history: z.array(Transition).max(LIST_MAX.history),
  /** Last change time on whichever side changed it last; used for display, not for ordering. */
  updatedAt: isoDateTime,
  /** Monotonic version of the centre's record; 0 until the centre has it. */
  serverVersion: nonNegativeInt32.default(0),
  /** The customer's rating of this intake, given on the customer-facing screen (评价器). */
  customerRating: z
    .object({
      /** The configured level's label, e.g. 满意 / 基本满意 / 不满意. */
      level: text(20, 1),
      /** A configured bad level: the customer was asked for a reason. */
      bad: z.boolean(),
      reason: text(200).optional(),
      at: isoDateTime,
    })
    .optional(),
});
export type Application = z.infer<typeof Application>;

export const FeedbackKind = z.enum(['consultation', 'opinion', 'complaint', 'praise']);
export type FeedbackKind = z.infer<typeof FeedbackKind>;

export const FEEDBACK_CONTACT_CHANNELS = [
  'phone',
  'visit',
  'sms',
  'wechat',
  'email',
  'other',
] as const;
/** One contact with the customer about a feedback record. */
export const FeedbackContact = z.object({
  id: z.string().uuid(),
  at: isoDateTime,
  channel: z.enum(FEEDBACK_CONTACT_CHANNELS),
  note: trimmedText(1000, 1),
  by: text(FIELD_MAX.actor, 1),
  staffNo: text(20).optional(),
  /** Where it was recorded. */
  source: z.enum(['desk', 'centre']),
});
export type FeedbackContact = z.infer<typeof FeedbackContact>;

export const FeedbackHandler = z.object({
  staffNo: text(20, 1),
  name: text(100, 1),
  hallCode: text(FIELD_MAX.hallCode).optional(),
  assignedAt: isoDateTime,
  /** True when the configured rules chose the handler. */
  auto: z.boolean(),
});
export type FeedbackHandler = z.infer<typeof FeedbackHandler>;

/** 意见反馈: recorded like an application, with its own response limits. */
export const Feedback = z.object({
  id: z.string().uuid(),
  feedbackNo: text(FIELD_MAX.appNo, 1),
  hallCode: text(FIELD_MAX.hallCode, 1),
  deskCode: text(FIELD_MAX.deskCode, 1),
  kind: FeedbackKind,
  customerName: trimmedText(100, 1),
  phone: trimmedText(30, 1),
  accountNo: text(20).optional(),
  content: trimmedText(4000, 1),
  keyCustomer: KeyCustomer.optional(),
  acceptedAt: isoDateTime,
  acceptedBy: text(FIELD_MAX.actor, 1),
  /** The signed-in person who registered it (absent: before staff existed). */
  acceptedByStaffNo: text(20).optional(),
  /** The signed-in person who changed it last (contact, reply, close). */
  updatedByStaffNo: text(20).optional(),
  /** YYYY-MM-DD due dates from the configured limits (working days). */
  firstContactDue: calendarDate,
  replyDue: calendarDate,
  /** True when a due date was counted provisionally (Mon–Fri) for a year without a schedule. */
  dueProvisional: z.boolean().optional(),
  firstContactAt: isoDateTime.optional(),
  reply: text(4000).optional(),
  repliedAt: isoDateTime.optional(),
  status: z.enum(['open', 'contacted', 'replied', 'closed']),
  updatedAt: isoDateTime,
  // ---- Handling at the centre (issue 14 §2); merge rule in shared/protocol/feedbackMerge.ts.
  /** Who replied (name, and staff number when signed in). */
  repliedBy: text(FIELD_MAX.actor).optional(),
  repliedByStaffNo: text(20).optional(),
  /** The named handler (centre-owned: assigned automatically by the rules or by hand). */
  handler: FeedbackHandler.optional(),
  /** Every contact with the customer, at the desk or the centre (merged by id, never lost). */
  contacts: z.array(FeedbackContact).max(200).optional(),
  /** The application, clerk (staff number) and counter the record concerns (for supervision). */
  applicationNo: text(FIELD_MAX.appNo).optional(),
  concernsStaffNo: text(20).optional(),
  concernsCounter: text(20).optional(),
  /** When those links were last set (the later setting wins on merge). */
  linksAt: isoDateTime.optional(),
  /** The earlier record of the same customer within the repeat window (marked at the centre). */
  repeatOf: text(FIELD_MAX.appNo).optional(),
  /** Bumped by every centre edit (absent: never edited at the centre). */
  serverVersion: z.number().int().min(0).max(MAX_INT32).optional(),
});
export type Feedback = z.infer<typeof Feedback>;

/** Attachment metadata; the bytes live beside it (a Blob locally, content-addressed centrally). */
export const AttachmentMeta = z.object({
  id: z.string().uuid(),
  applicationId: z.string().uuid(),
  documentCode: text(FIELD_MAX.documentCode, 1),
  fileName: text(200),
  mimeType: text(100),
  size: z.number().int().nonnegative().max(Math.min(MAX_ATTACHMENT_BYTES, MAX_INT32)),
  /** Hex SHA-256 of the bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: isoDateTime,
});
export type AttachmentMeta = z.infer<typeof AttachmentMeta>;

/** An unfinished intake form, autosaved as the clerk types. */
export const Draft = z.object({
  id: z.string().uuid(),
  businessCode: z.string().optional(),
  customerKind: CustomerKind.optional(),
  /** The raw form state; validated only on submit. */
  form: z.record(z.string(), z.unknown()),
  ticketNo: z.string().optional(),
  /** Whose open form this is (absent: before staff existed); only they see and resume it. */
  staffNo: text(20).optional(),
  createdAt: z.string().datetime({ offset: true }),
  updatedAt: z.string().datetime({ offset: true }),
});
export type Draft = z.infer<typeof Draft>;

/**
 * A change waiting to be sent to the central endpoint. Written in the same IndexedDB
 * transaction as the change it describes, so that what is stored is always what will be sent.
 */
export const OutboxEntry = z.object({
  /** Client-made change id (UUID): the idempotency key on the server. */
  changeId: z.string().uuid(),
  /** Per-device increasing sequence number; the server acknowledges up to it. */
  seq: positiveInt32,
  entity: z.enum(['application', 'feedback', 'attachment', 'queue_event', 'supervision_note']),
  entityId: z.string(),
  op: z.enum(['create', 'update']),
  payload: z.unknown(),
  createdAt: z.string().datetime({ offset: true }),
  state: z.enum(['pending', 'sending', 'acked', 'rejected']),
  attempts: z.number().int().nonnegative().default(0),
  /** Of `attempts`, the rounds that never reached the centre (no connection). */
  connectTries: z.number().int().nonnegative().optional(),
  lastError: z.string().optional(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;
