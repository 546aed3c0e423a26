// Canonical JSON (sorted keys, no whitespace): the exact text a customer signs, so the same
// summary always hashes to the same SHA-256 on the desk, in main and on the central endpoint.

/** A JSON value as it can be signed: no undefined, functions, NaN or Infinity. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class CanonicalJsonError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} at ${path || '(root)'}`);
    this.name = 'CanonicalJsonError';
  }
}

/**
 * Serialises a JSON value canonically (in the spirit of RFC 8785): object keys sorted by UTF-16
 * code units, no insignificant whitespace, numbers and strings as JSON.stringify writes them.
 * Anything that is not plain JSON throws instead of being silently dropped, because a signed
 * document must never lose a field on the way to its hash.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError('non-finite number', path);
      // -0 and 0 are the same JSON number; JSON.stringify(-0) already writes "0".
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new CanonicalJsonError('not a plain object', path);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const parts: string[] = [];
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) throw new CanonicalJsonError('undefined value', `${path}.${key}`);
        parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(`unsupported ${typeof value}`, path);
  }
}
