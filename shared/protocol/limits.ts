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
