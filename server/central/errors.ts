// API errors of the central endpoint: one class to throw, one handler that turns anything
// thrown into `{ error: { code, message } }` with a stable code and the right HTTP status.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorCode } from '../../shared/protocol';
import { ClientGone } from './admission';
import { errorStatus } from '../../shared/protocol';

export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers (Retry-After on E_RATE_LIMITED). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
  get status(): number {
    return errorStatus[this.code];
  }
}

export function fail(code: ErrorCode, message: string, details?: unknown): never {
  throw new ApiFailure(code, message, details);
}

function body(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Maps Fastify's own errors (parser, limits, encodings) onto our codes. */
function fromFastify(err: FastifyError): { status: number; code: ErrorCode; message: string } {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'E_TOO_LARGE', message: '请求体过大 (request body too large)' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_CP_ERR_INVALID_CONTENT_ENCODING':
      return { status: 415, code: 'E_UNSUPPORTED_MEDIA', message: err.message };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_CP_ERR_INVALID_CONTENT':
      return { status: 400, code: 'E_BAD_REQUEST', message: err.message };
    default:
      break;
  }
  // A value the database cannot store (SQLSTATE class 22: bad encoding, out-of-range date or
  // number) came from the request: the client's input, not a fault of the server.
  if (typeof err.code === 'string' && /^22[0-9A-Z]{3}$/.test(err.code) && !err.statusCode) {
    return {
      status: 400,
      code: 'E_VALIDATION',
      message: '数据无法保存，请检查输入 (a value the database cannot store)',
    };
  }
  if (err instanceof SyntaxError || err.statusCode === 400) {
    return {
      status: 400,
      code: 'E_BAD_REQUEST',
      message: `请求格式错误 (malformed request): ${err.message}`,
    };
  }
  if (err.statusCode === 413) {
    return { status: 413, code: 'E_TOO_LARGE', message: '请求体过大 (request body too large)' };
  }
  if (err.statusCode === 415) {
    return { status: 415, code: 'E_UNSUPPORTED_MEDIA', message: err.message };
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, code: 'E_BAD_REQUEST', message: err.message };
  }
  return { status: 500, code: 'E_INTERNAL', message: '服务器内部错误 (internal error)' };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if ((err as Error) instanceof ClientGone) {
      // The desk hung up: nobody reads this answer; the socket is already gone.
      req.log.info('client closed the connection; work stopped');
      reply.hijack();
      reply.raw.destroy();
      return reply;
    }
    // Logged: codes only (logging.ts reduces `err` to its type, codes and stack frames); the
    // messages may quote what the client sent.
    if (err instanceof ApiFailure) {
      if (err.status >= 500) req.log.error({ err, code: err.code }, 'request failed');
      else req.log.info({ code: err.code }, 'request refused');
      if (err.headers) reply.headers(err.headers);
      return reply.status(err.status).send(body(err.code, err.message, err.details));
    }
    const mapped = fromFastify(err);
    if (mapped.status >= 500) req.log.error({ err, code: mapped.code }, 'request failed');
    else req.log.info({ code: mapped.code, cause: err.code }, 'request refused');
    return reply.status(mapped.status).send(body(mapped.code, mapped.message));
  });
  app.setNotFoundHandler((req, reply) => {
    return reply
      .status(404)
      .send(body('E_NOT_FOUND', `没有这个接口 (no route): ${req.method} ${req.url.split('?')[0]}`));
  });
}
