// What the central endpoint logs: error codes, ids and counts, never field values or secrets.
// The database drivers' errors carry the statement, its parameters (customers' names, ID
// numbers, phones) and the refused value in `message`/`detail`/`where`; JSON parse errors quote
// the body; URLs can carry query strings. Every log line passes through these serializers and
// the logMethod hook, so no code path can log such text by accident.

/** Identifiers (SQLSTATE, E_*, FST_*, table and constraint names) are kept; anything else is not. */
const IDENT = /^[A-Za-z_][\w.$-]{0,127}$/;
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Schema names a database error may carry (no values: these are names from our migrations). */
const SCHEMA_FIELDS = ['table', 'column', 'constraint', 'dataType', 'routine', 'schema'] as const;

export interface SafeError {
  type: string;
  code?: string;
  statusCode?: number;
  table?: string;
  column?: string;
  constraint?: string;
  dataType?: string;
  routine?: string;
  schema?: string;
  /** Stack frames only (the first stack line repeats the message, which may quote values). */
  stack?: string[];
  cause?: SafeError;
}

function ident(v: unknown): string | undefined {
  return typeof v === 'string' && IDENT.test(v) ? v : undefined;
}

/** An error reduced to what may be logged: its type, codes, schema names and stack frames. */
export function safeError(err: unknown, depth = 0): SafeError {
  if (!err || typeof err !== 'object') return { type: typeof err };
  const e = err as Record<string, unknown> & { constructor?: { name?: unknown } };
  const out: SafeError = {
    type: ident(e.name) ?? ident(e.constructor?.name) ?? 'Error',
  };
  const code = typeof e.code === 'string' && (IDENT.test(e.code) || SQLSTATE.test(e.code));
  if (code) out.code = e.code as string;
  if (typeof e.statusCode === 'number') out.statusCode = e.statusCode;
  else if (typeof e.status === 'number') out.statusCode = e.status;
  for (const k of SCHEMA_FIELDS) {
    const v = ident(e[k]);
    if (v) out[k] = v;
  }
  if (typeof e.stack === 'string') {
    const frames = e.stack
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .slice(0, 12)
      .map((l) => l.trim());
    if (frames.length > 0) out.stack = frames;
  }
  if (depth < 2 && e.cause !== undefined) out.cause = safeError(e.cause, depth + 1);
  return out;
}

/**
 * A start-up failure for the console: our own configuration errors keep their message (they
 * name a setting); database and parser errors, whose messages may quote data, do not.
 */
export function startupMessage(err: unknown): string {
  const e = err as Record<string, unknown> | null;
  const fromData =
    !(err instanceof Error) ||
    err instanceof SyntaxError ||
    ['severity', 'query', 'params', 'detail', 'where'].some((k) => e && k in e);
  const safe = JSON.stringify(safeError(err));
  return fromData ? safe : `${err.message} ${safe}`;
}

/** A URL with its query values cut: `/console?token=…` logs as `/console?token=[redacted]`. */
export function safeUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q < 0) return url.length > 300 ? `${url.slice(0, 300)}…` : url;
  const keys = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    // Our query keys are words (since, limit, hall, appNo); anything else may be a value.
    .map((p) => {
      const k = p.split('=')[0]!;
      return /^[A-Za-z_]{1,32}$/.test(k) ? k : '_';
    })
    .slice(0, 20);
  return `${url.slice(0, Math.min(q, 300))}?${keys.map((k) => `${k}=[redacted]`).join('&')}`;
}

interface RequestLike {
  method?: string;
  url?: string;
  ip?: string;
  id?: string;
  routeOptions?: { url?: string };
  raw?: { url?: string };
}

/** Method, path, route and the client's address (as Fastify derives it: no proxy unless trusted). */
export function safeRequest(req: RequestLike) {
  return {
    method: req.method,
    url: safeUrl(req.url ?? req.raw?.url),
    ...(req.routeOptions?.url ? { route: req.routeOptions.url } : {}),
    remoteAddress: req.ip,
  };
}

export function safeResponse(reply: { statusCode?: number }) {
  return { statusCode: reply.statusCode };
}

/** Cuts query values from any URL a message names ("Route GET:/x?token=… not found"). */
function safeMessage(msg: string): string {
  return msg.replace(/\S*\?\S*/g, (m) => safeUrl(m));
}

type LogFn = (...args: unknown[]) => void;

/**
 * pino's logMethod hook: an Error logged as the first argument, or an error's message passed
 * as the message (Fastify's default error log does both), is replaced by its safe form; every
 * Error under any key of the merge object is reduced too.
 */
function logMethod(this: unknown, args: unknown[], method: LogFn): void {
  let [first, ...rest] = args;
  if (first instanceof Error) {
    first = { err: first };
    rest = ['error'];
  }
  if (first && typeof first === 'object' && !Array.isArray(first)) {
    const obj: Record<string, unknown> = { ...(first as Record<string, unknown>) };
    for (const [k, v] of Object.entries(obj)) {
      if (v instanceof Error && k !== 'err') obj[k] = safeError(v);
    }
    const err = obj.err;
    // pino makes err.message the message when none is given; Fastify passes it as the message.
    if (err instanceof Error && (typeof rest[0] !== 'string' || rest[0] === err.message)) {
      const safe = safeError(err);
      rest = [
        `error ${safe.code ?? safe.type}`,
        ...rest.slice(typeof rest[0] === 'string' ? 1 : 0),
      ];
    }
    first = obj;
  }
  rest = rest.map((r) => (typeof r === 'string' ? safeMessage(r) : r));
  if (typeof first === 'string') first = safeMessage(first);
  method.apply(this, [first, ...rest]);
}

/**
 * The Fastify logger option for the central endpoint: the caller's pino options (level,
 * stream) with the safe serializers and hook; `false` stays `false`.
 */
export function centralLoggerOptions(logger: boolean | object | undefined): false | object {
  if (!logger) return false;
  const base = logger === true ? {} : (logger as Record<string, unknown>);
  return {
    ...base,
    serializers: {
      ...((base.serializers as object | undefined) ?? {}),
      err: safeError,
      req: safeRequest,
      res: safeResponse,
    },
    hooks: { ...((base.hooks as object | undefined) ?? {}), logMethod },
  };
}
