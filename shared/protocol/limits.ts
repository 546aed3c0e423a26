// Size limits of the central endpoint's API v1 (the server enforces them; clients size batches to fit).

/** Largest request body in bytes, measured after gzip decompression too. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Most changes in one push. */
export const MAX_PUSH_BATCH = 500;
/** Pull page size: default and maximum number of changes per page. */
export const DEFAULT_PULL_LIMIT = 200;
export const MAX_PULL_LIMIT = 1000;
/** Largest single attachment (whole file) in bytes. */
export const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;
/** Largest chunk in one attachment PUT (must also fit MAX_BODY_BYTES). */
export const MAX_ATTACHMENT_CHUNK_BYTES = 2 * 1024 * 1024;
/** Suggested chunk for weak links: small enough to finish between drops. */
export const SUGGESTED_ATTACHMENT_CHUNK_BYTES = 256 * 1024;
/** Enrollment codes live this long unless the administrator says otherwise. */
export const DEFAULT_ENROLLMENT_CODE_TTL_MINUTES = 24 * 60;
export const MAX_ENROLLMENT_CODE_TTL_MINUTES = 30 * 24 * 60;
/** Largest queue_event payload (JSON text length). */
export const MAX_QUEUE_EVENT_CHARS = 16 * 1024;

// ---------------------------------------------------------------- what the database can store
// One set of limits for both ends: the desk's forms and the centre's schemas refuse the same
// things (shared/protocol/safe.ts builds the zod pieces from these numbers).

/** Largest integer a PostgreSQL `integer` column holds (seq, serverVersion, sizes). */
export const MAX_INT32 = 2 ** 31 - 1;
/** Deepest nesting of a request body (JSON) the endpoint reads at all; deeper → 400. */
export const MAX_BODY_DEPTH = 48;
/** Deepest nesting inside one change's payload; deeper → that change is rejected. */
export const MAX_PAYLOAD_DEPTH = 24;
/** Longest string anywhere in a payload (characters), whatever the field. */
export const MAX_PAYLOAD_STRING_CHARS = 8 * 1024;
/** Per-field lengths (characters) of the records' identifiers and short texts. */
export const FIELD_MAX = {
  appNo: 64,
  hallCode: 32,
  deskCode: 16,
  businessCode: 16,
  status: 40,
  workflowPath: 16,
  /** A person or a system in history entries, acceptedBy. */
  actor: 60,
  documentCode: 40,
  attachmentId: 100,
  fieldKey: 64,
  fieldText: 2000,
  note: 500,
  entityId: 100,
} as const;
/** Most entries in a record's lists. */
export const LIST_MAX = {
  history: 200,
  documents: 100,
  attachmentIds: 50,
  fields: 200,
} as const;

// ---------------------------------------------------------------- the centre's own rules

/**
 * Largest jump of a device's seq past the highest it has sent (maxSeq): a change numbered beyond
 * it is refused (E_SEQ_GAP) instead of becoming the new high-water mark. A desk's seqs are
 * consecutive; a gap of thousands already means a lost outbox.
 */
export const DEFAULT_MAX_SEQ_GAP = 100_000;
/** Unfinished attachment uploads (and their bytes) are removed after this many days. */
export const DEFAULT_UPLOAD_EXPIRY_DAYS = 7;
/** Per device: stored plus pending attachment bytes (E_QUOTA past it). */
export const DEFAULT_DEVICE_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;
