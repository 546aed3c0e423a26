// Application search and list queries on the local store: every query is planned onto one
// index range (newest first) so that 200,000 stored applications never come into memory at once.
// What the text means is searchPlan.ts; the list's totals are searchCount.ts.
import type { Collection, InsertType } from 'dexie';
import { businessDate } from '../../../shared/domain/workCalendar';
import { hallInstant } from '../../../shared/domain/hallTime';
import { deskTimeZone } from './hallZone';
import type { Application } from '../../../shared/domain/model';
import type { HallDeskDB, StoredApplication } from './db';
import { isTerminalStatus, KEY_MAX, keyRange, normalizeText, timeKey } from './keys';
import {
  addressKeyFor,
  type KeyPlan,
  planText,
  type RowPredicate,
  type SearchQuery,
} from './searchPlan';

export { addressKeyFor, planText, type SearchKind, type SearchQuery } from './searchPlan';

export interface ApplicationFilters {
  /** One status code or any of several. */
  status?: string | string[];
  /** One business type code or any of several. */
  businessCode?: string | string[];
  /** Accepted on or after: `YYYY-MM-DD` (a China day) or an ISO date-time. */
  from?: string;
  /** Accepted on or before: `YYYY-MM-DD` (the whole China day) or an ISO date-time. */
  to?: string;
  /** Only open applications whose deadline is before today. */
  overdue?: boolean;
  /** Only applications of key customers (大客户). */
  keyCustomer?: boolean;
  /** Today `YYYY-MM-DD` (China) for the overdue test (default: the clock's). */
  today?: string;
}

export interface PageRequest {
  /** Rows per page (default 50, at most 500). */
  limit?: number;
  /** Rows to skip (default 0). */
  offset?: number;
  /**
   * Count every match for `total` (default true). False: the page is read with no full-range
   * count (a count walks the whole index range: seconds at 200,000 rows, and it holds up
   * writes meanwhile); `total` is then known only when the page holds the last match. The
   * list's live first page passes false and counts afterwards with countApplicationsSliced.
   */
  countTotal?: boolean;
}

export interface SearchResult<T> {
  rows: T[];
  /**
   * Number of matches, when it can be known cheaply (index counts, or a filtered set of at most
   * TOTAL_SCAN_CAP candidates). Undefined means "many": show `hasMore` instead.
   */
  total: number | undefined;
  /** There are rows after this page. */
  hasMore: boolean;
  /** An address search stopped after scanning ADDRESS_SCAN_CAP rows: refine with a filter. */
  truncated: boolean;
}

/** Above this many candidates a filtered total is not computed (it would need every row). */
export const TOTAL_SCAN_CAP = 1_000;
/** An address substring search scans at most this many newest rows (within the filters). */
export const ADDRESS_SCAN_CAP = 20_000;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const CHUNK = 200;

/** The schema object without the derived index fields. */
export function toApplication(row: StoredApplication): Application {
  const { t: _t, searchKeys: _k, openDeadline: _d, ...app } = row;
  return app;
}

/** Today's (or a moment's) date in the hall's zone, the zone deadlines are kept in. */
export function localDate(d: Date = new Date()): string {
  return businessDate(d, deskTimeZone());
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function boundMs(value: string, end: boolean): number {
  const m = DAY_RE.exec(value);
  if (m) {
    // A day is the hall's day (its configured zone), whatever zone the desk's clock is set to.
    const start = hallInstant(value, '00:00', deskTimeZone());
    if (!end) return start;
    const next = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
    return hallInstant(new Date(next).toISOString().slice(0, 10), '00:00', deskTimeZone()) - 1;
  }
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`无效的日期: ${value}`);
  return ms;
}

interface TimeBounds {
  fromT: string;
  toT: string;
}

export function timeBounds(f: ApplicationFilters): TimeBounds {
  return {
    fromT: f.from ? timeKey(boundMs(f.from, false)) : '',
    toT: f.to ? timeKey(boundMs(f.to, true)) : KEY_MAX,
  };
}

export function asList(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  return list.length ? list : undefined;
}

export function residualPredicate(
  f: ApplicationFilters,
  skip: { status?: boolean; businessCode?: boolean; overdue?: boolean },
): RowPredicate | undefined {
  const tests: RowPredicate[] = [];
  const statuses = asList(f.status);
  if (statuses && !skip.status) {
    const set = new Set(statuses);
    tests.push((r) => set.has(r.status));
  }
  const types = asList(f.businessCode);
  if (types && !skip.businessCode) {
    const set = new Set(types);
    tests.push((r) => set.has(r.businessCode));
  }
  if (f.overdue && !skip.overdue) {
    const today = f.today ?? localDate();
    tests.push((r) => !isTerminalStatus(r.status) && r.deadline < today);
  }
  if (f.keyCustomer) tests.push((r) => r.keyCustomer !== undefined);
  if (tests.length === 0) return undefined;
  return (r) => tests.every((t) => t(r));
}

function and(a: RowPredicate | undefined, b: RowPredicate | undefined): RowPredicate | undefined {
  if (!a) return b;
  if (!b) return a;
  return (r) => a(r) && b(r);
}

function pageOf(page: PageRequest): { limit: number; offset: number; countTotal: boolean } {
  const limit = Math.max(1, Math.min(MAX_LIMIT, Math.floor(page.limit ?? DEFAULT_LIMIT)));
  const offset = Math.max(0, Math.floor(page.offset ?? 0));
  return { limit, offset, countTotal: page.countTotal !== false };
}

/**
 * A page read as `limit + 1` rows without a count: the total is known only when this page
 * reaches the end (and is not a page past the end).
 */
function uncountedPage(
  rows: StoredApplication[],
  limit: number,
  offset: number,
): SearchResult<Application> {
  const hasMore = rows.length > limit;
  const total = !hasMore && (rows.length > 0 || offset === 0) ? offset + rows.length : undefined;
  return { rows: rows.slice(0, limit).map(toApplication), total, hasMore, truncated: false };
}

/**
 * Walks candidate ids (already newest first) in chunks, keeping rows that pass `pred`, until the
 * page plus one is found; keeps counting to the end when there are at most TOTAL_SCAN_CAP.
 */
async function filterCandidates(
  db: HallDeskDB,
  ids: string[],
  pred: RowPredicate,
  limit: number,
  offset: number,
): Promise<SearchResult<Application>> {
  const countAll = ids.length <= TOTAL_SCAN_CAP;
  const rows: Application[] = [];
  let matched = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = await db.applications.bulkGet(ids.slice(i, i + CHUNK));
    for (const row of chunk) {
      if (!row || !pred(row)) continue;
      if (matched >= offset && rows.length < limit) rows.push(toApplication(row));
      matched++;
    }
    if (!countAll && matched > offset + limit) {
      return { rows, total: undefined, hasMore: true, truncated: false };
    }
  }
  return { rows, total: matched, hasMore: matched > offset + limit, truncated: false };
}

/** Search by key ranges: one range and no row test is a pure index page. */
async function searchByKeys(
  db: HallDeskDB,
  plans: KeyPlan[],
  bounds: TimeBounds,
  residual: RowPredicate | undefined,
  limit: number,
  offset: number,
  countTotal = true,
): Promise<SearchResult<Application>> {
  const idx = db.applications.where('searchKeys');
  const range = (p: KeyPlan) => keyRange(p.kind, p.value, bounds.fromT, bounds.toT);
  const only = plans.length === 1 ? plans[0] : undefined;
  if (only && !only.post && !residual) {
    const [lo, hi] = range(only);
    const coll = () => idx.between(lo, hi, true, true);
    if (!countTotal) {
      const rows = await coll()
        .reverse()
        .offset(offset)
        .limit(limit + 1)
        .toArray();
      return uncountedPage(rows, limit, offset);
    }
    const [rows, total] = await Promise.all([
      coll().reverse().offset(offset).limit(limit).toArray(),
      coll().count(),
    ]);
    return {
      rows: rows.map(toApplication),
      total,
      hasMore: offset + rows.length < total,
      truncated: false,
    };
  }
  if (only) {
    // One range with a row test: walk it newest first and stop once the page is full, so a
    // large range (a common surname, a long road) costs a page, not the range. The total is
    // counted only when the range is small.
    const [lo, hi] = range(only);
    const pred = and(only.post, residual) ?? (() => true);
    const coll = () => idx.between(lo, hi, true, true);
    const size = countTotal ? await coll().count() : Number.POSITIVE_INFINITY;
    if (size <= TOTAL_SCAN_CAP) {
      const all = await coll().reverse().filter(pred).toArray();
      return {
        rows: all.slice(offset, offset + limit).map(toApplication),
        total: all.length,
        hasMore: all.length > offset + limit,
        truncated: false,
      };
    }
    const rows = await coll()
      .reverse()
      .filter(pred)
      .offset(offset)
      .limit(limit + 1)
      .toArray();
    if (!countTotal) return uncountedPage(rows, limit, offset);
    return {
      rows: rows.slice(0, limit).map(toApplication),
      total: undefined,
      hasMore: rows.length > limit,
      truncated: false,
    };
  }
  // Several exact-value ranges (ambiguous text such as 4 digits): each is small, so load the
  // rows, merge, order by time.
  const byId = new Map<string, StoredApplication>();
  for (const p of plans) {
    const [lo, hi] = range(p);
    const found = await idx.between(lo, hi, true, true).toArray();
    for (const row of found) if (!p.post || p.post(row)) byId.set(row.id, row);
  }
  let all = [...byId.values()];
  if (residual) all = all.filter(residual);
  all.sort((a, b) => (a.t === b.t ? (a.id < b.id ? 1 : -1) : a.t < b.t ? 1 : -1));
  return {
    rows: all.slice(offset, offset + limit).map(toApplication),
    total: all.length,
    hasMore: all.length > offset + limit,
    truncated: false,
  };
}

/** Address: a substring test over the newest rows within the filters, bounded by a cap. */
async function searchAddress(
  db: HallDeskDB,
  needle: string,
  f: ApplicationFilters,
  limit: number,
  offset: number,
): Promise<SearchResult<Application>> {
  const plan = driverCollection(db, f);
  const pred = and(
    residualPredicate(f, plan.covers),
    (r) => normalizeText(r.address).includes(needle) || r.address.includes(needle),
  )!;
  const need = offset + limit + 1;
  let scanned = 0;
  const hits: StoredApplication[] = [];
  await plan
    .collection()
    .reverse()
    .until(() => scanned >= ADDRESS_SCAN_CAP || hits.length >= need)
    .each((row) => {
      scanned++;
      if (pred(row)) hits.push(row);
    });
  const truncated = scanned >= ADDRESS_SCAN_CAP && hits.length < need;
  const complete = !truncated && hits.length < need;
  return {
    rows: hits.slice(offset, offset + limit).map(toApplication),
    total: complete ? hits.length : undefined,
    hasMore: hits.length > offset + limit,
    truncated,
  };
}

/**
 * Address search: through the address-word keys when the text has a usable word (then only
 * rows whose address contains the whole text), else, or when that finds nothing (a fragment
 * across word boundaries such as 山路), the bounded scan.
 */
async function searchAddressIndexed(
  db: HallDeskDB,
  q: string,
  f: ApplicationFilters,
  limit: number,
  offset: number,
): Promise<SearchResult<Application>> {
  const key = addressKeyFor(q);
  if (key) {
    const exact = key === q;
    const plan: KeyPlan = exact
      ? { kind: 'ad', value: key }
      : { kind: 'ad', value: key, post: (r) => normalizeText(r.address).includes(q) };
    const found = await searchByKeys(
      db,
      [plan],
      timeBounds(f),
      residualPredicate(f, {}),
      limit,
      offset,
    );
    if (found.rows.length > 0 || offset > 0) return found;
  }
  return searchAddress(db, q, f, limit, offset);
}

interface DriverPlan {
  collection: () => Collection<StoredApplication, string, InsertType<StoredApplication, 'id'>>;
  covers: { status?: boolean; businessCode?: boolean; overdue?: boolean };
}

/** Picks the index that narrows the filters most while keeping newest-first order. */
export function driverCollection(db: HallDeskDB, f: ApplicationFilters): DriverPlan {
  const { fromT, toT } = timeBounds(f);
  const statuses = asList(f.status);
  const types = asList(f.businessCode);
  const t = db.applications;
  if (statuses?.length === 1) {
    const s = statuses[0]!;
    return {
      collection: () => t.where('[status+t]').between([s, fromT], [s, toT], true, true),
      covers: { status: true },
    };
  }
  if (types?.length === 1) {
    const b = types[0]!;
    return {
      collection: () => t.where('[businessCode+t]').between([b, fromT], [b, toT], true, true),
      covers: { businessCode: true },
    };
  }
  if (f.from || f.to) {
    return { collection: () => t.where('t').between(fromT, toT, true, true), covers: {} };
  }
  return { collection: () => t.orderBy('t'), covers: {} };
}

/** Overdue: the open-deadline index holds only open applications, so the set is small. */
export async function searchOverdue(
  db: HallDeskDB,
  f: ApplicationFilters,
  limit: number,
  offset: number,
): Promise<SearchResult<Application>> {
  const today = f.today ?? localDate();
  const { fromT, toT } = timeBounds(f);
  const coll = () =>
    db.applications.where('[openDeadline+t]').between(['', ''], [today, ''], true, false);
  const [keys, ids] = await Promise.all([coll().keys(), coll().primaryKeys()]);
  const pairs: { t: string; id: string }[] = [];
  for (let i = 0; i < ids.length; i++) {
    const key = keys[i] as [string, string] | undefined;
    const id = ids[i];
    if (!key || id === undefined) continue;
    if (key[1] >= fromT && key[1] <= toT) pairs.push({ t: key[1], id });
  }
  pairs.sort((a, b) => (a.t === b.t ? (a.id < b.id ? 1 : -1) : a.t < b.t ? 1 : -1));
  const residual = residualPredicate(f, { overdue: true });
  const ordered = pairs.map((p) => p.id);
  if (!residual) {
    const rows = await db.applications.bulkGet(ordered.slice(offset, offset + limit));
    return {
      rows: rows.filter((r): r is StoredApplication => r !== undefined).map(toApplication),
      total: ordered.length,
      hasMore: ordered.length > offset + limit,
      truncated: false,
    };
  }
  return filterCandidates(db, ordered, residual, limit, offset);
}

/**
 * Searches and lists applications, newest first, one page at a time (see SearchResult).
 * `query` may be a plain string (kind `auto`) or `{ text, kind }`; an empty text lists all.
 */
export async function searchApplicationsIn(
  db: HallDeskDB,
  query: string | SearchQuery | undefined,
  filters: ApplicationFilters = {},
  page: PageRequest = {},
): Promise<SearchResult<Application>> {
  const { limit, offset, countTotal } = pageOf(page);
  const q: SearchQuery = typeof query === 'string' ? { text: query } : (query ?? { text: '' });
  const text = q.text.trim();
  const kind = q.kind ?? 'auto';

  return db.transaction('r', db.applications, async () => {
    if (text) {
      const plans = planText(text, kind);
      if (plans === null) {
        return searchAddressIndexed(db, normalizeText(text), filters, limit, offset);
      }
      if (plans.length === 0 || plans.some((p) => p.value === '')) {
        return { rows: [], total: 0, hasMore: false, truncated: false };
      }
      const residual = residualPredicate(filters, {});
      const result = await searchByKeys(
        db,
        plans,
        timeBounds(filters),
        residual,
        limit,
        offset,
        countTotal,
      );
      // A name-shaped text that names nobody may be part of an address (auto mode only).
      if (kind === 'auto' && result.total === 0 && plans[0]?.kind === 'n' && offset === 0) {
        return searchAddressIndexed(db, normalizeText(text), filters, limit, offset);
      }
      return result;
    }
    if (filters.overdue) return searchOverdue(db, filters, limit, offset);
    const plan = driverCollection(db, filters);
    const residual = residualPredicate(filters, plan.covers);
    if (!countTotal) {
      // The newest page straight off the index: what the list paints first.
      let coll = plan.collection().reverse();
      if (residual) coll = coll.filter(residual);
      const rows = await coll
        .offset(offset)
        .limit(limit + 1)
        .toArray();
      return uncountedPage(rows, limit, offset);
    }
    if (!residual) {
      const [rows, total] = await Promise.all([
        plan.collection().reverse().offset(offset).limit(limit).toArray(),
        plan.collection().count(),
      ]);
      return {
        rows: rows.map(toApplication),
        total,
        hasMore: offset + rows.length < total,
        truncated: false,
      };
    }
    const candidates = await plan.collection().count();
    const rows = await plan
      .collection()
      .reverse()
      .filter(residual)
      .offset(offset)
      .limit(limit + 1)
      .toArray();
    const total =
      candidates <= TOTAL_SCAN_CAP
        ? await plan.collection().filter(residual).count()
        : rows.length <= limit && offset === 0
          ? rows.length
          : undefined;
    return {
      rows: rows.slice(0, limit).map(toApplication),
      total,
      hasMore: rows.length > limit,
      truncated: false,
    };
  });
}
