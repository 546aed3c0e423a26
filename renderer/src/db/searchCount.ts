// Counting applications for the list's total: plain index counts, and the sliced count that
// never holds up a clerk's write for longer than one small slice.
import type { HallDeskDB } from './db';
import { KEY_MAX, timeKey } from './keys';
import {
  type ApplicationFilters,
  asList,
  driverCollection,
  residualPredicate,
  searchOverdue,
  timeBounds,
} from './search';

/** Counts applications matching the filters (index counts where possible). */
export async function countApplicationsIn(
  db: HallDeskDB,
  filters: ApplicationFilters = {},
): Promise<number> {
  const hasFilter =
    asList(filters.status) ||
    asList(filters.businessCode) ||
    filters.from ||
    filters.to ||
    filters.overdue ||
    filters.keyCustomer;
  if (!hasFilter) return db.applications.count();
  if (filters.overdue) {
    const r = await searchOverdue(db, { ...filters }, 1, 0);
    if (r.total !== undefined) return r.total;
  }
  const plan = driverCollection(db, filters);
  const residual = residualPredicate(filters, plan.covers);
  return residual ? plan.collection().filter(residual).count() : plan.collection().count();
}

// Ids are random UUIDs: 64 ranges of their first two hex digits split the store evenly. The
// ranges cover every possible key (the first is open below, the last open above), so the sum is
// exact whatever the ids look like.
const ID_BOUNDS = Array.from({ length: 63 }, (_, i) => ((i + 1) * 4).toString(16).padStart(2, '0'));

/** All applications: primary-key ranges (a store count is several times cheaper than an index's). */
async function countAllSliced(db: HallDeskDB, signal?: AbortSignal): Promise<number | undefined> {
  const t = db.applications;
  let total = 0;
  for (let i = 0; i <= ID_BOUNDS.length; i++) {
    if (signal?.aborted) return undefined;
    const lo = ID_BOUNDS[i - 1];
    const hi = ID_BOUNDS[i];
    const range =
      lo === undefined
        ? t.where(':id').below(hi!)
        : hi === undefined
          ? t.where(':id').aboveOrEqual(lo)
          : t.where(':id').between(lo, hi, true, false);
    total += await range.count();
  }
  return signal?.aborted ? undefined : total;
}

export interface SlicedCountOptions {
  /** Stops between slices (the result is then undefined). */
  signal?: AbortSignal;
  /** Index entries to aim for per slice (default 2,000: a few tens of ms each). */
  perSlice?: number;
}

const TIME_KEY_RE = /^[0-9a-z]{9}$/;

/**
 * Counts the applications matching the filters as many small index-range counts, each in its
 * own read transaction, one after the other: the same exact number as countApplicationsIn,
 * but a write (a clerk's submit) waits for at most one slice, never for a count over the
 * whole store. Slices are windows of acceptance time, sized as the count goes so that each
 * holds about `perSlice` entries. Undefined when the filters need a row test (key customers,
 * several statuses or types, overdue: the list pages without a total then) or when aborted.
 */
export async function countApplicationsSliced(
  db: HallDeskDB,
  filters: ApplicationFilters = {},
  opts: SlicedCountOptions = {},
): Promise<number | undefined> {
  if (filters.overdue || filters.keyCustomer) return undefined;
  const statuses = asList(filters.status);
  const types = asList(filters.businessCode);
  if ((statuses && statuses.length > 1) || (types && types.length > 1)) return undefined;
  if (statuses && types) return undefined;
  const t = db.applications;
  if (!statuses && !types && !filters.from && !filters.to) {
    return countAllSliced(db, opts.signal);
  }
  const sliceCount = (a: string, b: string): Promise<number> => {
    if (statuses) {
      const s = statuses[0]!;
      return t.where('[status+t]').between([s, a], [s, b], true, false).count();
    }
    if (types) {
      const c = types[0]!;
      return t.where('[businessCode+t]').between([c, a], [c, b], true, false).count();
    }
    return t.where('t').between(a, b, true, false).count();
  };
  const [oldest] = await t.orderBy('t').limit(1).keys();
  const [newest] = await t.orderBy('t').reverse().limit(1).keys();
  if (typeof oldest !== 'string' || typeof newest !== 'string') return 0;
  if (!TIME_KEY_RE.test(oldest) || !TIME_KEY_RE.test(newest)) {
    // Keys this code did not write: one plain count (correct, not sliced).
    return countApplicationsIn(db, filters);
  }
  const { fromT, toT } = timeBounds(filters);
  let lo = parseInt(oldest, 36);
  let hi = parseInt(newest, 36) + 1; // exclusive
  if (fromT) lo = Math.max(lo, parseInt(fromT, 36));
  if (toT !== KEY_MAX) hi = Math.min(hi, parseInt(toT, 36) + 1);
  const target = Math.max(100, opts.perSlice ?? 2_000);
  let width = Math.max(1, Math.ceil((hi - lo) / 64));
  let total = 0;
  for (let a = lo; a < hi;) {
    if (opts.signal?.aborted) return undefined;
    const b = Math.min(hi, a + width);
    const n = await sliceCount(timeKey(a), timeKey(b));
    total += n;
    a = b;
    // Aim the next window at `target` entries from this one's density (bounded steps).
    width = Math.max(1, Math.round(width * Math.min(4, Math.max(0.25, target / Math.max(1, n)))));
  }
  return opts.signal?.aborted ? undefined : total;
}
