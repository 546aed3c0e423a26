// Request and response bodies of the central endpoint's API v1 (zod schemas + inferred types).
// The server validates requests with these; the desk may validate responses with them.
import { z } from 'zod';
import { Application, Feedback } from '../domain/model';
import { SupervisionNote } from '../staff/notes';
import { FIELD_MAX, MAX_ENROLLMENT_CODE_TTL_MINUTES, MAX_PUSH_BATCH } from './limits';
import { isoDateTime, positiveInt32, text, trimmedText } from './safe';

const uuid = z.string().uuid();
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
/**
 * Hall codes: short and URL-safe, chosen by the administrator. A hall whose desks number their
 * applications (shared/domain/appNumber.ts) needs 1-16 upper-case letters and digits
 * (e.g. "GZ0101"); the console enforces that. The API also accepts dashes (test and bench halls).
 */
export const HallCode = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/);

/** Desk codes: part of application numbers (shared/domain/appNumber.ts), e.g. "D03". */
export const DeskCode = z.string().regex(/^[A-Z0-9]{1,16}$/);

// ---------------------------------------------------------------- health

export const HealthResponse = z.object({
  ok: z.literal(true),
  service: z.literal('halldesk-central'),
  apiVersion: z.literal(1),
  time: isoDateTime,
  /** 'pglite' (embedded) or 'postgres'. */
  db: z.enum(['pglite', 'postgres']),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

// ---------------------------------------------------------------- enrollment

export const EnrollRequest = z.object({
  /** One-time code as shown to the administrator, e.g. "K7QH-3MZP" (case and dashes ignored). */
  code: trimmedText(64, 4),
  deviceName: trimmedText(100, 1),
  /**
   * The desk code this desk already numbers applications with (re-enrollment, or the code its
   * profile had before enrollment). The centre grants it when no active device of the hall holds
   * it; otherwise (or when it is not a valid desk code) it allocates a fresh one. Optional:
   * older desks do not send it.
   */
  deskCode: trimmedText(32).optional(),
  /**
   * 'service' for devices that never number applications (the hall's queue service): they get
   * no desk code, so they do not take one a desk could use. Default 'desk'.
   */
  kind: z.enum(['desk', 'service']).optional(),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  deviceId: uuid,
  /** Bearer token for every device request. Shown once; the server keeps only its SHA-256. */
  token: z.string(),
  hallCode: z.string(),
  hallName: z.string(),
  /**
   * The desk code this device uses in application numbers, unique among the hall's active
   * devices (allocated by the centre at enrollment). Optional only for older centres.
   */
  deskCode: DeskCode.optional(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** GET /api/v1/device: who the token belongs to and how far the server has its changes. */
export const DeviceInfoResponse = z.object({
  deviceId: uuid,
  deviceName: z.string(),
  hallCode: z.string(),
  hallName: z.string(),
  /** The desk code allocated at enrollment (absent for devices enrolled before desk codes). */
  deskCode: z.string().optional(),
  /** Every change of this device with seq <= ackSeq is durably processed. */
  ackSeq: z.number().int().nonnegative(),
  /** Highest seq ever processed from this device (> ackSeq when there are gaps). */
  maxSeq: z.number().int().nonnegative(),
});
export type DeviceInfoResponse = z.infer<typeof DeviceInfoResponse>;

/** DELETE /api/v1/device: the device's own token is revoked (as an administrator's revoke). */
export const RevokeSelfResponse = z.object({ deviceId: uuid, revokedAt: z.string() });
export type RevokeSelfResponse = z.infer<typeof RevokeSelfResponse>;

// ---------------------------------------------------------------- push

export const ChangeEntity = z.enum([
  'application',
  'feedback',
  'attachment',
  'queue_event',
  'supervision_note',
]);
export type ChangeEntity = z.infer<typeof ChangeEntity>;

/**
 * One change as sent by a desk (the wire form of an OutboxEntry). `payload` is the full record
 * after the change (Application, Feedback, AttachmentMeta) or the queue event object; the server
 * validates it per entity with the schemas of shared/domain/model.ts. `create` and `update` are
 * both upserts of the whole record on the server, so a lost or reordered create cannot wedge a
 * later update.
 */
export const Change = z.object({
  changeId: uuid,
  /** 1 … 2^31-1 (a PostgreSQL integer). */
  seq: positiveInt32,
  entity: ChangeEntity,
  entityId: text(FIELD_MAX.entityId, 1),
  op: z.enum(['create', 'update']),
  payload: z.unknown(),
});
export type Change = z.infer<typeof Change>;

export const PushRequest = z.object({
  deviceId: uuid,
  /** At most MAX_PUSH_BATCH (more → 413 E_BATCH_TOO_LARGE). Send in seq order. */
  changes: z.array(Change).min(1),
});
export type PushRequest = z.infer<typeof PushRequest>;
export { MAX_PUSH_BATCH };

export const ResultStatus = z.enum(['applied', 'duplicate', 'conflict', 'rejected']);
export type ResultStatus = z.infer<typeof ResultStatus>;

const resultBase = { changeId: uuid, seq: z.number().int() };

export const AppliedResult = z.object({
  ...resultBase,
  status: z.literal('applied'),
  /** Centre's version of the record after this change (applications only). */
  serverVersion: z.number().int().optional(),
  /**
   * True when the change was older than one already applied from this device for the same
   * record (arrived out of order); it was acknowledged but not written.
   */
  superseded: z.boolean().optional(),
});
export const DuplicateResult = z.object({
  ...resultBase,
  status: z.literal('duplicate'),
  /** What the first delivery of this changeId resulted in. */
  original: z.object({
    status: z.enum(['applied', 'conflict', 'rejected']),
    code: z.string().optional(),
    reason: z.string().optional(),
  }),
  serverVersion: z.number().int().optional(),
  /** The centre's current record, for applications whose first delivery was a conflict. */
  current: Application.optional(),
});
export const ConflictResult = z.object({
  ...resultBase,
  status: z.literal('conflict'),
  /** The centre's current record: the desk replaces its copy with it. */
  current: Application,
  /** Top-level fields of the desk's record that differ and were NOT applied (show the clerk). */
  notApplied: z.array(z.string()),
  reason: z.string(),
});
export const RejectedResult = z.object({
  ...resultBase,
  status: z.literal('rejected'),
  code: z.string(),
  reason: z.string(),
});
export const ChangeResult = z.discriminatedUnion('status', [
  AppliedResult,
  DuplicateResult,
  ConflictResult,
  RejectedResult,
]);
export type AppliedResult = z.infer<typeof AppliedResult>;
export type DuplicateResult = z.infer<typeof DuplicateResult>;
export type ConflictResult = z.infer<typeof ConflictResult>;
export type RejectedResult = z.infer<typeof RejectedResult>;
export type ChangeResult = z.infer<typeof ChangeResult>;

export const PushResponse = z.object({
  /** One result per change, in request order. */
  results: z.array(ChangeResult),
  /** Every change of this device with seq <= ackSeq is durably processed (any result). */
  ackSeq: z.number().int().nonnegative(),
  maxSeq: z.number().int().nonnegative(),
});
export type PushResponse = z.infer<typeof PushResponse>;

// ---------------------------------------------------------------- pull

/** GET /api/v1/pull?checkpoint=<opaque>&limit=<1..MAX_PULL_LIMIT>. No checkpoint = from the start. */
export const PullQuery = z.object({
  checkpoint: z.string().max(200).optional(),
  limit: z.coerce.number().int().positive().optional(),
  /**
   * '1': leave out records whose current version this device's own push wrote (it has them;
   * the push result carried their serverVersion). Only a desk that kept everything it pushed may
   * ask: a rebuilt or first sync (no checkpoint) pulls everything. Attachments always come.
   */
  skipOwn: z.enum(['0', '1']).optional(),
  /**
   * The optional kinds this build understands, comma separated (PULL_EXTENSIONS). A page never
   * carries a kind the desk did not ask for: a desk of an older build, whose schema would refuse
   * the whole page, keeps syncing while the centre is upgraded first.
   */
  accept: z
    .string()
    .max(200)
    .regex(/^[A-Za-z_,]*$/)
    .optional(),
});
export type PullQuery = z.infer<typeof PullQuery>;

/**
 * Kinds added to the pull after desks were deployed: a supervision note record, the key-customer
 * register configuration document. Sent only to a device that lists them in `accept`.
 */
export const PULL_EXTENSIONS = ['supervision_note', 'keyCustomers'] as const;
export type PullExtension = (typeof PULL_EXTENSIONS)[number];

/** Configuration documents: shared/config/<key>.json seeds them; the centre versions them. */
/** keyCustomers: the centre's key-customer register (written by the workbench, never PUT). */
export const ConfigKey = z.enum(['catalogue', 'calendar', 'settings', 'keyCustomers']);
export type ConfigKey = z.infer<typeof ConfigKey>;

export const PullApplicationChange = z.object({
  kind: z.literal('application'),
  /** Position in this hall's feed (informational; resume with the response checkpoint). */
  seq: z.number().int(),
  /** The centre's full current record, with serverVersion. */
  record: Application,
});
export const PullFeedbackChange = z.object({
  kind: z.literal('feedback'),
  seq: z.number().int(),
  record: Feedback,
});
/** A commendation or correction of the hall (shared/staff/notes.ts). */
export const PullSupervisionNoteChange = z.object({
  kind: z.literal('supervision_note'),
  seq: z.number().int(),
  record: SupervisionNote,
});
export const PullAttachmentChange = z.object({
  kind: z.literal('attachment'),
  seq: z.number().int(),
  /** AttachmentMeta plus whether the server has all its bytes. */
  record: z.object({
    id: uuid,
    applicationId: uuid,
    documentCode: z.string(),
    fileName: z.string(),
    mimeType: z.string(),
    size: z.number().int(),
    sha256: Sha256Hex,
    createdAt: isoDateTime,
    complete: z.boolean(),
  }),
});
export const PullConfigChange = z.object({
  kind: z.literal('config'),
  key: ConfigKey,
  /** Monotonic across all configuration keys. */
  version: z.number().int().positive(),
  updatedAt: isoDateTime,
  /** The whole configuration document (shape owned by shared/domain: catalogue / calendar). */
  data: z.unknown(),
});
export const PullChange = z.discriminatedUnion('kind', [
  PullApplicationChange,
  PullFeedbackChange,
  PullAttachmentChange,
  PullConfigChange,
  PullSupervisionNoteChange,
]);
export type PullApplicationChange = z.infer<typeof PullApplicationChange>;
export type PullFeedbackChange = z.infer<typeof PullFeedbackChange>;
export type PullAttachmentChange = z.infer<typeof PullAttachmentChange>;
export type PullConfigChange = z.infer<typeof PullConfigChange>;
export type PullSupervisionNoteChange = z.infer<typeof PullSupervisionNoteChange>;
export type PullChange = z.infer<typeof PullChange>;

export const PullResponse = z.object({
  /** Configuration changes first, then this hall's records in feed order. */
  changes: z.array(PullChange),
  /** Pass back as ?checkpoint= to get what follows. Store it only after applying `changes`. */
  checkpoint: z.string(),
  /** More changes are waiting: pull again right away. */
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponse>;

// ---------------------------------------------------------------- attachments

/**
 * GET/HEAD /api/v1/attachments/:sha256 → how many bytes the server has. HEAD gives the same in
 * headers X-Attachment-Size (absent when unknown), X-Attachment-Received, X-Attachment-Complete.
 * PUT /api/v1/attachments/:sha256?offset=N&size=TOTAL, body application/octet-stream chunk:
 * offset must equal `received` (else 409 E_OFFSET_MISMATCH with details { received }); when the
 * last byte arrives the server checks the SHA-256 (mismatch → 422 E_HASH_MISMATCH, upload reset).
 * GET /api/v1/attachments/:sha256/content → the bytes (complete uploads only).
 */
export const AttachmentStatus = z.object({
  sha256: Sha256Hex,
  /** Total size as declared by the first PUT; null when the server has nothing. */
  size: z.number().int().nonnegative().nullable(),
  received: z.number().int().nonnegative(),
  complete: z.boolean(),
});
export type AttachmentStatus = z.infer<typeof AttachmentStatus>;

/** A byte count in a query string: decimal digits only (no '', '1e3', '0x10', spaces). */
const byteCount = z
  .string()
  .regex(/^\d{1,12}$/)
  .transform(Number);
export const AttachmentPutQuery = z.object({ offset: byteCount, size: byteCount });
export type AttachmentPutQuery = z.infer<typeof AttachmentPutQuery>;

export const ATTACHMENT_HEADERS = {
  size: 'x-attachment-size',
  received: 'x-attachment-received',
  complete: 'x-attachment-complete',
} as const;

// ---------------------------------------------------------------- device: one application

/** GET /api/v1/applications/:id → the centre's record (this hall only; others → 404). */
export const ApplicationResponse = z.object({ application: Application });
export type ApplicationResponse = z.infer<typeof ApplicationResponse>;

// ---------------------------------------------------------------- administrator

export const CreateHallRequest = z.object({
  code: HallCode,
  name: trimmedText(100, 1),
});
export type CreateHallRequest = z.infer<typeof CreateHallRequest>;

export const Hall = z.object({
  code: z.string(),
  name: z.string(),
  createdAt: isoDateTime,
});
export type Hall = z.infer<typeof Hall>;

export const HallSummary = Hall.extend({
  lastContactAt: isoDateTime.nullable(),
  devices: z.number().int(),
  activeDevices: z.number().int(),
  applications: z.number().int(),
  rejectedChanges: z.number().int(),
  /** Missing seqs across the hall's devices (changes sent after a gap). */
  seqGaps: z.number().int(),
});
export type HallSummary = z.infer<typeof HallSummary>;

export const CreateEnrollmentCodeRequest = z.object({
  /** Lifetime in minutes (default DEFAULT_ENROLLMENT_CODE_TTL_MINUTES). */
  ttlMinutes: z.number().int().positive().max(MAX_ENROLLMENT_CODE_TTL_MINUTES).optional(),
  note: text(200).optional(),
  /**
   * 'desk' (default): the code carries the hall and a desk code allocated now, so that the desk
   * numbers under its real codes before it first reaches the centre (shared/protocol/
   * enrollmentCode.ts). 'service': a plain code for the hall's queue service (no desk code).
   */
  kind: z.enum(['desk', 'service']).optional(),
  /**
   * Re-issue a code for this desk code (e.g. the first code expired before the desk could reach
   * the centre); refused while an active device holds it.
   */
  deskCode: DeskCode.optional(),
});
export type CreateEnrollmentCodeRequest = z.infer<typeof CreateEnrollmentCodeRequest>;

export const EnrollmentCodeResponse = z.object({
  /** Shown once (stored hashed). */
  code: z.string(),
  hallCode: z.string(),
  /** The desk code the code carries (absent for 'service' codes). */
  deskCode: DeskCode.optional(),
  expiresAt: isoDateTime,
});
export type EnrollmentCodeResponse = z.infer<typeof EnrollmentCodeResponse>;

export const DeviceSummary = z.object({
  id: uuid,
  name: z.string(),
  hallCode: z.string(),
  /** The desk code allocated at enrollment (absent for devices enrolled before desk codes). */
  deskCode: z.string().optional(),
  createdAt: isoDateTime,
  lastSeenAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
  ackSeq: z.number().int(),
  maxSeq: z.number().int(),
});
export type DeviceSummary = z.infer<typeof DeviceSummary>;

export const TransitionRequest = z.object({
  /** Target workflow state code (shared/domain/workflow.ts). */
  to: text(FIELD_MAX.status, 1),
  actor: trimmedText(50, 1),
  note: text(FIELD_MAX.note).optional(),
  /**
   * The customer's part of the process starts or ends (design, construction, payment): the
   * grid side's clock stops meanwhile and the deadline moves by it (shared/domain/gridClock.ts).
   * With it, `to` is the application's current state. Moving on to another state ends an open part.
   */
  customerPart: z.enum(['start', 'end']).optional(),
});
export type TransitionRequest = z.infer<typeof TransitionRequest>;

/**
 * PATCH /api/v1/admin/applications/:id: a back-office edit, allowed once the application is
 * taken up (status left its initial state; else 409 E_HALL_OWNED). Only these fields.
 */
export const BackOfficeEditRequest = z.object({
  actor: trimmedText(50, 1),
  note: text(FIELD_MAX.note).optional(),
  changes: Application.pick({
    customer: true,
    address: true,
    fields: true,
    documents: true,
    notes: true,
    deadline: true,
    keyCustomer: true,
  })
    .partial()
    .refine((o) => Object.keys(o).length > 0, 'no changes'),
});
export type BackOfficeEditRequest = z.infer<typeof BackOfficeEditRequest>;

export const AdminApplicationResponse = z.object({ application: Application });
export type AdminApplicationResponse = z.infer<typeof AdminApplicationResponse>;

export const AdminApplicationsQuery = z.object({
  hall: text(FIELD_MAX.hallCode).optional(),
  status: text(FIELD_MAX.status).optional(),
  appNo: text(FIELD_MAX.appNo).optional(),
  /** 'overdue' = past deadline; 'near' = within `days` working days; open applications only. */
  due: z.enum(['overdue', 'near']).optional(),
  days: z.coerce.number().int().nonnegative().max(3650).optional(),
  limit: z.coerce.number().int().positive().max(1000).optional(),
});
export type AdminApplicationsQuery = z.infer<typeof AdminApplicationsQuery>;

export const PutConfigRequest = z.object({ data: z.unknown() });
export type PutConfigRequest = z.infer<typeof PutConfigRequest>;

export const ConfigVersionResponse = z.object({
  key: ConfigKey,
  version: z.number().int(),
  updatedAt: isoDateTime,
});
export type ConfigVersionResponse = z.infer<typeof ConfigVersionResponse>;

// ---------------------------------------------------------------- access audit (PIPL Art. 51)

export const AUDIT_ACTIONS = [
  'create',
  'update',
  'view',
  'print',
  'export',
  'verify_signature',
  'purge',
  'read_card',
] as const;
export const AUDIT_ENTITIES = ['application', 'feedback', 'backup', 'audit'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];
/** How the desk's log, the centre's console and the CLI name the actions: [中文, English]. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, readonly [string, string]> = {
  create: ['受理', 'Accepted'],
  update: ['修改', 'Changed'],
  view: ['查看', 'Viewed'],
  print: ['打印', 'Printed'],
  export: ['导出', 'Exported'],
  verify_signature: ['核验签名', 'Signature checked'],
  purge: ['清理', 'Purged'],
  read_card: ['读身份证', 'ID card read'],
};
/** Audit rows per upload. */
export const MAX_AUDIT_BATCH = 500;

/**
 * One row of a desk's access log as uploaded: who did what to which record, when. `localId` is
 * the desk's own increasing row id: the centre keeps (device, localId) once, so a resend after a
 * lost answer stores nothing twice. Labels carry application numbers, never personal data.
 */
export const AuditRecord = z.object({
  localId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  at: isoDateTime,
  actor: text(FIELD_MAX.actor),
  action: z.enum(AUDIT_ACTIONS),
  entity: z.enum(AUDIT_ENTITIES),
  entityId: text(FIELD_MAX.entityId, 1),
  label: text(200),
  detail: text(500).optional(),
  /** The signed-in person's staff number (absent: no staff on that desk yet: 未记录). */
  staffNo: text(20).optional(),
  /** Hash chain (shared/staff/chain.ts): place in the device's chain, previous hash, own hash. */
  n: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  prevHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** POST /api/v1/audit */
export const AuditUpload = z.object({
  entries: z.array(AuditRecord).min(1).max(MAX_AUDIT_BATCH),
});
export type AuditUpload = z.infer<typeof AuditUpload>;

/** Every row of this device with localId <= ackId is stored at the centre. */
export const AuditUploadResponse = z.object({ ackId: z.number().int().nonnegative() });
export type AuditUploadResponse = z.infer<typeof AuditUploadResponse>;

/** GET /api/v1/admin/audit: one row as the centre's administrator reads it. */
export interface AuditEventOut extends AuditRecord {
  hallCode: string;
  deviceId: string;
  deviceName: string;
  receivedAt: string;
}
