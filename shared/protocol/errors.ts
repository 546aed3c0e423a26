// Stable error codes of the central endpoint: every refusal is `{ error: { code, message } }`.
import { z } from 'zod';

export const ErrorCode = z.enum([
  /** 401: missing, unknown or malformed token. */
  'E_AUTH',
  /** 401: the device token was revoked by the administrator; the desk must enroll again. */
  'E_TOKEN_REVOKED',
  /** 403: a device token used on an administrator endpoint (or the reverse). */
  'E_FORBIDDEN',
  /** 403: the request touches another hall's data; nothing was written. */
  'E_FORBIDDEN_HALL',
  /** 403: push body deviceId is not the device of the token. */
  'E_DEVICE_MISMATCH',
  /** 413: body larger than MAX_BODY_BYTES (before or after decompression). */
  'E_TOO_LARGE',
  /** 413: more than MAX_PUSH_BATCH changes in one push. */
  'E_BATCH_TOO_LARGE',
  /** 400: malformed JSON, bad query, wrong envelope. */
  'E_BAD_REQUEST',
  /** 400 (or per change in push): the data does not satisfy the domain schema. */
  'E_VALIDATION',
  /** 415: unsupported Content-Type or Content-Encoding. */
  'E_UNSUPPORTED_MEDIA',
  /** 404: unknown id, or an id of another hall (not revealed). */
  'E_NOT_FOUND',
  /** 400: enrollment code unknown, used or expired. */
  'E_ENROLLMENT_CODE',
  /** 409: already exists (hall code). */
  'E_EXISTS',
  /**
   * 409: a printed number that several desks issued under the placeholder codes of older builds;
   * the answer lists the candidates and how to pick one (hall, phone's last 4 digits).
   */
  'E_APP_NO_SHARED',
  /** 409: the workflow does not allow this move. */
  'E_INVALID_TRANSITION',
  /** 409: the back office may not edit what the hall still owns (application not taken up). */
  'E_HALL_OWNED',
  /** 409: attachment chunk offset is not the number of bytes the server has. */
  'E_OFFSET_MISMATCH',
  /** 422: the attachment's bytes do not hash to its name; the upload was discarded. */
  'E_HASH_MISMATCH',
  /** Per change in push: the changeId was used before with a different body or device. */
  'E_CHANGE_ID_REUSED',
  /** Per change in push: this device already sent another change with this seq. */
  'E_SEQ_REUSED',
  /** 403: the device's kind may not do this (a `service` device: queue events and configuration only). */
  'E_FORBIDDEN_KIND',
  /** Per change in push: a new application that is not freshly accepted or fails the desk's checks. */
  'E_CREATE_REFUSED',
  /** Per change in push: seq far beyond the device's highest (more than the configured gap). */
  'E_SEQ_GAP',
  /** Per change in push: an attachment record whose application this hall does not have. */
  'E_NO_APPLICATION',
  /** Per change in push: the database refused the change's values; the rest of the batch was applied. */
  'E_STORAGE_REFUSED',
  /** 413: the device's stored plus pending attachment bytes would pass its quota. */
  'E_QUOTA',
  /** 414: the request target (path + query) is longer than the endpoint reads. */
  'E_URI_TOO_LONG',
  /** 431: the request's headers are larger than the HTTP parser reads. */
  'E_HEADERS_TOO_LARGE',
  /** 408: the request did not arrive in time. */
  'E_REQUEST_TIMEOUT',
  /** Reserved (unknown method); the endpoint answers unknown routes with E_NOT_FOUND. */
  'E_METHOD',
  /**
   * 429 + Retry-After: too many failed attempts from this address (enrollment, admin or staff
   * sign-in), or this device already has a heavy request in progress (admission control).
   */
  'E_RATE_LIMITED',
  /** 503: the server is shutting down or the database is unreachable. */
  'E_UNAVAILABLE',
  /**
   * 429 + Retry-After: the endpoint is at its limit of heavy work (admission control: full-pull
   * pages, large pushes); nothing was done, retry after that many seconds.
   */
  'E_BUSY',
  /** 500: a bug or an unexpected database error; nothing was written (transaction rolled back). */
  'E_INTERNAL',
  // ---- staff (issue 13)
  /** 401: wrong staff number or password (which one is not said). */
  'E_STAFF_PASSWORD',
  /** 403: the account is disabled or removed. */
  'E_STAFF_DISABLED',
  /** 403: the staff member does not hold the role this action needs. */
  'E_STAFF_ROLE',
  /** 403: the staff member belongs to another hall than the device's. */
  'E_STAFF_HALL',
  /** 403: a staff id the centre does not know. */
  'E_STAFF_UNKNOWN',
  /** 403: the password must be changed before anything else (first sign-in, reset). */
  'E_STAFF_MUST_CHANGE',
  /** 400: a staff import file with bad rows (details: row and reason each); nothing imported. */
  'E_IMPORT',
  /** 400: closing or replying to a feedback record without reply text (issue 14 §2). */
  'E_REPLY_REQUIRED',
  /** 400: a handler who is not an active complaint handler in the directory. */
  'E_HANDLER_UNKNOWN',
  /** 409: a handler from another hall's roster where the rules forbid it. */
  'E_HANDLER_HALL',
  /** 409: a feedback move not allowed from its state (e.g. closing what is closed). */
  'E_FEEDBACK_STATE',
  /** 409: a customer merge that was already done, or of a customer into itself or a merged one. */
  'E_CUSTOMER_MERGED',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Optional machine-readable detail (e.g. offending changeIds, the server's received offset). */
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/** HTTP status used for each code (the server's single source of truth). */
export const errorStatus: Record<ErrorCode, number> = {
  E_AUTH: 401,
  E_TOKEN_REVOKED: 401,
  E_FORBIDDEN: 403,
  E_FORBIDDEN_HALL: 403,
  E_DEVICE_MISMATCH: 403,
  E_TOO_LARGE: 413,
  E_BATCH_TOO_LARGE: 413,
  E_BAD_REQUEST: 400,
  E_VALIDATION: 400,
  E_UNSUPPORTED_MEDIA: 415,
  E_NOT_FOUND: 404,
  E_ENROLLMENT_CODE: 400,
  E_EXISTS: 409,
  E_APP_NO_SHARED: 409,
  E_INVALID_TRANSITION: 409,
  E_HALL_OWNED: 409,
  E_OFFSET_MISMATCH: 409,
  E_HASH_MISMATCH: 422,
  E_CHANGE_ID_REUSED: 409,
  E_SEQ_REUSED: 409,
  E_FORBIDDEN_KIND: 403,
  E_CREATE_REFUSED: 422,
  E_SEQ_GAP: 409,
  E_NO_APPLICATION: 422,
  E_STORAGE_REFUSED: 422,
  E_QUOTA: 413,
  E_URI_TOO_LONG: 414,
  E_HEADERS_TOO_LARGE: 431,
  E_REQUEST_TIMEOUT: 408,
  E_METHOD: 404,
  E_RATE_LIMITED: 429,
  E_UNAVAILABLE: 503,
  E_BUSY: 429,
  E_INTERNAL: 500,
  E_STAFF_PASSWORD: 401,
  E_STAFF_DISABLED: 403,
  E_STAFF_ROLE: 403,
  E_STAFF_HALL: 403,
  E_STAFF_UNKNOWN: 403,
  E_STAFF_MUST_CHANGE: 403,
  E_IMPORT: 400,
  E_REPLY_REQUIRED: 400,
  E_HANDLER_UNKNOWN: 400,
  E_HANDLER_HALL: 409,
  E_FEEDBACK_STATE: 409,
  E_CUSTOMER_MERGED: 409,
};

/** Errors a client should retry later (the request may succeed unchanged). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
