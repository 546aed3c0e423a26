// Request bodies and queries checked against their schema, refused with E_VALIDATION.
import { fail } from './errors';

/** Parses a request body with its schema; a refusal lists the first issues (E_VALIDATION). */
export function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
  },
  v: unknown,
): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const msg = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    fail('E_VALIDATION', `数据格式错误 (invalid request): ${msg}`);
  }
  return r.data;
}
