// Zod pieces for values the central database can store, used by the record schemas
// (shared/domain/model.ts) and the API messages alike: text without NUL or lone UTF-16
// surrogates, dates that exist with a year from 0001, integers that fit the columns, and a walk
// that bounds the depth and string lengths of free-form JSON. Both ends refuse the same things.
import { z } from 'zod';
import { MAX_INT32 } from './limits';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL would refuse this text (jsonb and text columns alike), or null. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return '含有空字符 (contains a NUL character)';
  if (LONE_SURROGATE.test(s)) return '含有无效的 Unicode 字符 (contains a lone UTF-16 surrogate)';
  return null;
}

export function isStorableText(s: string): boolean {
  return textProblem(s) === null;
}

const STORABLE = { message: '含有无法保存的字符 (NUL or lone surrogate)' };

/** A string the database can store, at most `max` characters (and at least `min`). */
export function text(max: number, min = 0): z.ZodString {
  let s = z.string();
  if (min > 0) s = s.min(min);
  return s.max(max).refine(isStorableText, STORABLE);
}

/** Like text() but trimmed first (form input). */
export function trimmedText(max: number, min = 0): z.ZodString {
  let s = z.string().trim();
  if (min > 0) s = s.min(min);
  return s.max(max).refine(isStorableText, STORABLE);
}

// Year 0000 is valid ISO 8601 but not a PostgreSQL date (there is no year 0 AD).
const notYearZero = (s: string) => !s.startsWith('0000');
const YEAR_ZERO = { message: '年份不能为 0000 (year 0000 does not exist)' };

/** An instant with an offset (2026-11-26T09:30:00+08:00), on a day that exists. */
export const isoDateTime = z.iso.datetime({ offset: true }).refine(notYearZero, YEAR_ZERO);
/** A calendar day YYYY-MM-DD that exists (no 2026-02-30, no year 0000). */
export const calendarDate = z.iso.date().refine(notYearZero, YEAR_ZERO);

/** Integers that fit a PostgreSQL `integer` column. */
export const int32 = z
  .number()
  .int()
  .min(-MAX_INT32 - 1)
  .max(MAX_INT32);
export const positiveInt32 = z.number().int().positive().max(MAX_INT32);
export const nonNegativeInt32 = z.number().int().nonnegative().max(MAX_INT32);

/**
 * Walks free-form JSON without recursion (a payload nested a million levels deep must not
 * overflow the stack) and says what the database or the endpoint would refuse: nesting deeper
 * than `maxDepth`, a string (value or key) longer than `maxString` or not storable. Null: fine.
 */
export function jsonProblem(
  value: unknown,
  opts: { maxDepth: number; maxString: number },
): string | null {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.length > opts.maxString)
        return `字符串过长 (a string longer than ${opts.maxString} characters)`;
      const p = textProblem(v);
      if (p) return p;
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return '数值无效 (not a finite number)';
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > opts.maxDepth) return `嵌套过深 (nested deeper than ${opts.maxDepth} levels)`;
    if (Array.isArray(v)) {
      for (const x of v) stack.push({ v: x, depth: depth + 1 });
      continue;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k.length > opts.maxString) return '字段名过长 (a key too long)';
      const p = textProblem(k);
      if (p) return p;
      stack.push({ v: x, depth: depth + 1 });
    }
  }
  return null;
}

/** Depth of a JSON value (1 for a scalar), counted without recursion; stops past `limit`. */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v as object))
      stack.push({ v: x, depth: depth + 1 });
  }
  return false;
}
