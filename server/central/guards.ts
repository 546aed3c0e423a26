// Request guards of the central endpoint that run before any route: URLs of bounded length,
// path and query values the database can store, request bodies of bounded depth, and the HTTP
// parser's own refusals (431 and friends) in the `{error:{code,message}}` envelope like every
// other answer. Each refusal is a 4xx: nothing a client sends should reach the database as a
// value it cannot store and come back as a 500.
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_BODY_DEPTH, errorStatus, jsonDepthExceeds, textProblem } from '../../shared/protocol';
import type { ErrorCode } from '../../shared/protocol';
import { fail } from './errors';

/** Longest request target (path + query) in characters. */
export const MAX_URL_CHARS = 8 * 1024;

function valuesOf(o: unknown): string[] {
  if (o === null || typeof o !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    out.push(k);
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') out.push(x);
  }
  return out;
}

export function installRequestGuards(app: FastifyInstance): void {
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (req.url.length > MAX_URL_CHARS) {
      fail('E_URI_TOO_LONG', `请求地址过长 (request target longer than ${MAX_URL_CHARS})`);
    }
  });
  app.addHook('preValidation', async (req: FastifyRequest) => {
    for (const s of [...valuesOf(req.params), ...valuesOf(req.query)]) {
      const p = textProblem(s);
      if (p) fail('E_BAD_REQUEST', `地址参数无效 (bad path or query value): ${p}`);
    }
    const body = req.body;
    if (body !== null && typeof body === 'object' && !(body instanceof Uint8Array)) {
      if (jsonDepthExceeds(body, MAX_BODY_DEPTH)) {
        fail('E_BAD_REQUEST', `请求体嵌套过深 (body nested deeper than ${MAX_BODY_DEPTH} levels)`);
      }
    }
  });
}

/**
 * Fastify's `clientErrorHandler`: what the HTTP parser refuses before there is a request
 * (headers too large, malformed request line, timeouts), answered in the envelope.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  let status = 400;
  let code: ErrorCode = 'E_BAD_REQUEST';
  let message = '请求格式错误 (malformed request)';
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = errorStatus.E_HEADERS_TOO_LARGE;
    code = 'E_HEADERS_TOO_LARGE';
    message = '请求头过大 (request headers too large)';
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = errorStatus.E_REQUEST_TIMEOUT;
    code = 'E_REQUEST_TIMEOUT';
    message = '请求超时 (request timeout)';
  }
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/**
 * Fastify's `frameworkErrors`: the router's own refusals (a malformed URL, a path parameter
 * longer than maxParamLength) in the envelope instead of Fastify's default body.
 */
export function frameworkErrors(
  err: Error & { code?: string },
  _req: FastifyRequest,
  reply: FastifyReply,
): void {
  const long = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const code: ErrorCode = long ? 'E_URI_TOO_LONG' : 'E_BAD_REQUEST';
  void reply.status(errorStatus[code]).send({
    error: {
      code,
      message: long
        ? '请求地址中的参数过长 (a path parameter is too long)'
        : '请求地址格式错误 (malformed URL)',
    },
  });
}
