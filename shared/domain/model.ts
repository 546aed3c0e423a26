// The application model: one zod schema per entity, used by the desk form, the local store
// and the central endpoint alike. Shapes here are the contract between every side.
import { z } from 'zod';

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
  'credit_code', // 统一社会信用代码 (companies)
]);
export type IdType = z.infer<typeof IdType>;

export const DocumentStatus = z.enum(['received', 'to_follow', 'not_required']);
export type DocumentStatus = z.infer<typeof DocumentStatus>;

export const DocumentEntry = z.object({
  code: z.string().min(1),
  status: DocumentStatus,
  /** Attachment ids (scans / photos) proving the document. */
  attachmentIds: z.array(z.string()).default([]),
  receivedAt: z.string().datetime({ offset: true }).optional(),
});
export type DocumentEntry = z.infer<typeof DocumentEntry>;

export const Customer = z.object({
  name: z.string().trim().min(1).max(100),
  idType: IdType,
  idNumber: z.string().trim().min(1).max(40),
  phone: z.string().trim().min(1).max(30),
  contactName: z.string().trim().max(50).optional(),
  /** Companies: unified social credit code and legal representative. */
  creditCode: z.string().trim().max(18).optional(),
  legalRep: z.string().trim().max(50).optional(),
  /** Existing customer account number (户号), where the business type needs one. */
  accountNo: z.string().trim().max(20).optional(),
});
export type Customer = z.infer<typeof Customer>;

export const KeyCustomer = z.object({
  managerName: z.string().min(1).max(50),
  managerPhone: z.string().max(30).optional(),
});
export type KeyCustomer = z.infer<typeof KeyCustomer>;

/** One workflow move, recorded with time and actor (who or which system). */
export const Transition = z.object({
  from: z.string().nullable(),
  to: z.string(),
  at: z.string().datetime({ offset: true }),
  actor: z.string().min(1),
  note: z.string().max(500).optional(),
});
export type Transition = z.infer<typeof Transition>;

/** Per-type form field values, keyed by the catalogue's field keys. */
export const FieldValues = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);
export type FieldValues = z.infer<typeof FieldValues>;

export const Application = z.object({
  /** Client-made UUID: the identity used by sync (idempotent push). */
  id: z.string().uuid(),
  /** Human application number, unique without a network: hall + desk + date + sequence. */
  appNo: z.string().min(1),
  hallCode: z.string().min(1),
  deskCode: z.string().min(1),
  businessCode: z.string().min(1),
  customerKind: CustomerKind,
  customer: Customer,
  address: z.string().trim().min(1).max(200),
  fields: FieldValues,
  documents: z.array(DocumentEntry),
  /** 一证受理: the customer signed the commitment letter to hand in the rest later. */
  commitmentSigned: z.boolean().default(false),
  keyCustomer: KeyCustomer.optional(),
  /** Queue ticket the customer was called with, when the intake started from the counter panel. */
  ticketNo: z.string().max(20).optional(),
  notes: z.string().max(2000).optional(),
  acceptedAt: z.string().datetime({ offset: true }),
  acceptedBy: z.string().min(1),
  /** Whole-process deadline (YYYY-MM-DD), counted in working days from acceptance. */
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /**
   * True when the deadline was counted provisionally (Mon–Fri, calendar.ts) because a year it
   * reaches had no holiday schedule at acceptance (暂估; the centre's calendar decides later).
   */
  deadlineProvisional: z.boolean().optional(),
  /** Current workflow state code (see workflow.ts). Owned by the centre after acceptance. */
  status: z.string().min(1),
  /**
   * Workflow path id (workflow.ts: low2 | low3 | high | change | service) fixed at acceptance, so a
   * later catalogue change does not move applications in flight. Absent: looked up by businessCode.
   */
  workflowPath: z.string().optional(),
  history: z.array(Transition),
  /** Last change time on whichever side changed it last; used for display, not for ordering. */
  updatedAt: z.string().datetime({ offset: true }),
  /** Monotonic version of the centre's record; 0 until the centre has it. */
  serverVersion: z.number().int().nonnegative().default(0),
  /** The customer's rating of this intake, given on the customer-facing screen (评价器). */
  customerRating: z
    .object({
      /** The configured level's label, e.g. 满意 / 基本满意 / 不满意. */
      level: z.string().min(1).max(20),
      /** A configured bad level: the customer was asked for a reason. */
      bad: z.boolean(),
      reason: z.string().max(200).optional(),
      at: z.string().datetime({ offset: true }),
    })
    .optional(),
});
export type Application = z.infer<typeof Application>;

export const FeedbackKind = z.enum(['consultation', 'opinion', 'complaint', 'praise']);
export type FeedbackKind = z.infer<typeof FeedbackKind>;

/** 意见反馈: recorded like an application, with its own response limits. */
export const Feedback = z.object({
  id: z.string().uuid(),
  feedbackNo: z.string().min(1),
  hallCode: z.string().min(1),
  deskCode: z.string().min(1),
  kind: FeedbackKind,
  customerName: z.string().trim().min(1).max(100),
  phone: z.string().trim().min(1).max(30),
  accountNo: z.string().max(20).optional(),
  content: z.string().trim().min(1).max(4000),
  keyCustomer: KeyCustomer.optional(),
  acceptedAt: z.string().datetime({ offset: true }),
  acceptedBy: z.string().min(1),
  /** YYYY-MM-DD due dates from the configured limits (working days). */
  firstContactDue: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  replyDue: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** True when a due date was counted provisionally (Mon–Fri) for a year without a schedule. */
  dueProvisional: z.boolean().optional(),
  firstContactAt: z.string().datetime({ offset: true }).optional(),
  reply: z.string().max(4000).optional(),
  repliedAt: z.string().datetime({ offset: true }).optional(),
  status: z.enum(['open', 'contacted', 'replied', 'closed']),
  updatedAt: z.string().datetime({ offset: true }),
});
export type Feedback = z.infer<typeof Feedback>;

/** Attachment metadata; the bytes live beside it (a Blob locally, content-addressed centrally). */
export const AttachmentMeta = z.object({
  id: z.string().uuid(),
  applicationId: z.string().uuid(),
  documentCode: z.string().min(1),
  fileName: z.string().max(200),
  mimeType: z.string().max(100),
  size: z.number().int().nonnegative(),
  /** Hex SHA-256 of the bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string().datetime({ offset: true }),
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
  seq: z.number().int().positive(),
  entity: z.enum(['application', 'feedback', 'attachment', 'queue_event']),
  entityId: z.string(),
  op: z.enum(['create', 'update']),
  payload: z.unknown(),
  createdAt: z.string().datetime({ offset: true }),
  state: z.enum(['pending', 'sending', 'acked', 'rejected']),
  attempts: z.number().int().nonnegative().default(0),
  lastError: z.string().optional(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;
