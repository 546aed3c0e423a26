// The desk's supervision counters (table `supervisionCounts`, shared/staff/supervisionCounts.ts):
// kept by a Dexie DBCore middleware inside the very transaction that writes an application (any
// write: submit, edit, sync pull, restore, retention delete), so they cannot drift from the
// records; rebuilt from the records when missing (the upgrade that adds the table, a hall time
// zone change, a range delete, a restore from an older backup). The supervision page reads them
// only while their meta row says they are whole.
import type {
  DBCore,
  DBCoreMutateRequest,
  DBCoreMutateResponse,
  DBCoreTable,
  DBCoreTransaction,
  Middleware,
} from 'dexie';
import type { Application } from '../../../shared/domain/model';
import {
  addApplication,
  addCount,
  emptyCount,
  countKey,
  COUNT_SEP,
  type DayCount,
} from '../../../shared/staff/supervisionCounts';
import { shanghaiDay } from '../../../shared/staff/supervision';
import type { HallDeskDB } from './db';

export const COUNTS_TABLE = 'supervisionCounts';
const APPS_TABLE = 'applications';
/** The meta row's key: sorts before every day, so a period's key range never includes it. */
export const COUNTS_META_KEY = '#meta';
/** Bump when what a counter holds changes: every desk then rebuilds its counters once. */
export const COUNTS_FORMAT = 1;

export interface CountsMeta {
  key: typeof COUNTS_META_KEY;
  format: number;
  /** The hall zone the acceptance days were read in. */
  timeZone: string;
  builtAt: string;
}

export type CountRow = DayCount | CountsMeta;

function isMetaValid(meta: unknown, timeZone: string): meta is CountsMeta {
  const m = meta as CountsMeta | undefined;
  return !!m && m.format === COUNTS_FORMAT && m.timeZone === timeZone;
}

/** Adds the counters table to every read-write transaction that touches applications. */
function withCounters(stores: string[], mode: 'readonly' | 'readwrite'): string[] {
  return mode === 'readwrite' && stores.includes(APPS_TABLE) && !stores.includes(COUNTS_TABLE)
    ? [...stores, COUNTS_TABLE]
    : stores;
}

function holdsCounters(trans: DBCoreTransaction): boolean {
  // The DBCore transaction is the IDBTransaction (Dexie's IndexedDB adapter); a version-change
  // transaction covers every store that exists at that step of the upgrade.
  const names = (trans as unknown as { objectStoreNames?: DOMStringList }).objectStoreNames;
  return !!names && typeof names.contains === 'function' && names.contains(COUNTS_TABLE);
}

/** The middleware: `zone()` is the hall zone the days are read in (deskTimeZone()). */
export function supervisionCountsMiddleware(zone: () => string): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'SupervisionCounts',
    create: (down) => ({
      ...down,
      transaction: (stores, mode, options) =>
        down.transaction(withCounters(stores, mode), mode, options),
      table: (name) => {
        const table = down.table(name);
        if (name !== APPS_TABLE || !down.schema.tables.some((t) => t.name === COUNTS_TABLE))
          return table;
        const counts = down.table(COUNTS_TABLE);
        return {
          ...table,
          mutate: (req) =>
            holdsCounters(req.trans)
              ? countedMutate(table, counts, req, zone())
              : table.mutate(req),
        };
      },
    }),
  };
}

async function countedMutate(
  table: DBCoreTable,
  counts: DBCoreTable,
  req: DBCoreMutateRequest,
  timeZone: string,
): Promise<DBCoreMutateResponse> {
  const trans = req.trans;
  const meta: unknown = await counts.get({ trans, key: COUNTS_META_KEY });
  if (!isMetaValid(meta, timeZone) || req.type === 'deleteRange') {
    // Not whole (or a range delete, whose rows are not read here): the counters are rebuilt
    // from the records before the page trusts them again.
    if (meta) await counts.mutate({ type: 'delete', trans, keys: [COUNTS_META_KEY] });
    return table.mutate(req);
  }
  const pk = table.schema.primaryKey;
  const keys: unknown[] =
    req.type === 'delete'
      ? req.keys
      : (req.keys ?? req.values.map((v: unknown) => pk.extractKey!(v)));
  // The records as they were: an add finds none (an existing key fails the add).
  const before: (Application | undefined)[] =
    req.type === 'add' ? [] : await table.getMany({ trans, keys });
  const res = await table.mutate(req);
  const deltas = new Map<string, DayCount>();
  const delta = (a: Application, sign: 1 | -1) => {
    const k = countKey(shanghaiDay(a.acceptedAt, timeZone), a.acceptedByStaffNo ?? '');
    let c = deltas.get(k);
    if (!c) {
      c = emptyCount(k.split(COUNT_SEP)[0]!, a.acceptedByStaffNo ?? '');
      deltas.set(k, c);
    }
    addApplication(c, a, sign);
  };
  // Several writes of one key in one request: each replaces the one before it.
  const current = new Map<unknown, Application | undefined>();
  keys.forEach((key, i) => {
    if (res.failures[i]) return;
    const old = current.has(key) ? current.get(key) : before[i];
    if (old) delta(old, -1);
    const now = req.type === 'delete' ? undefined : (req.values[i] as Application);
    if (now) delta(now, 1);
    current.set(key, now);
  });
  if (deltas.size === 0) return res;
  const ckeys = [...deltas.keys()];
  const rows = (await counts.getMany({ trans, keys: ckeys })) as (DayCount | undefined)[];
  const puts: DayCount[] = [];
  const dels: string[] = [];
  ckeys.forEach((k, i) => {
    const d = deltas.get(k)!;
    const row = rows[i] ?? emptyCount(d.day, d.staffNo);
    addCount(row, d, 1);
    if (row.accepted === 0) dels.push(k);
    else puts.push(row);
  });
  if (puts.length) await counts.mutate({ type: 'put', trans, values: puts });
  if (dels.length) await counts.mutate({ type: 'delete', trans, keys: dels });
  return res;
}

/** Whether the counters are whole for this zone (the page reads them only then). */
export async function countsReady(db: HallDeskDB, timeZone: string): Promise<boolean> {
  return isMetaValid(await db.supervisionCounts.get(COUNTS_META_KEY), timeZone);
}

/**
 * The counters of the acceptance days from..to (YYYY-MM-DD), or null when they are not whole
 * (read in one transaction with the meta row, so a rebuild is never seen half done).
 */
export async function readCounts(
  db: HallDeskDB,
  from: string,
  to: string,
  timeZone: string,
): Promise<DayCount[] | null> {
  return db.transaction('r', db.supervisionCounts, async () => {
    if (!(await countsReady(db, timeZone))) return null;
    const rows = await db.supervisionCounts
      .where('key')
      .between(`${from}${COUNT_SEP}`, `${to}${COUNT_SEP}\uffff`, true, true)
      .toArray();
    return rows as DayCount[];
  });
}

const rebuilding = new WeakMap<HallDeskDB, Promise<void>>();

/**
 * Counts every record afresh (one read-write transaction over the records and the counters, so
 * no write falls between the scan and the new counters). One at a time per page.
 */
export function rebuildCounts(db: HallDeskDB, timeZone: string): Promise<void> {
  const running = rebuilding.get(db);
  if (running) return running;
  const run = db
    .transaction('rw', db.applications, db.supervisionCounts, async () => {
      const byKey = new Map<string, DayCount>();
      await db.applications.each((a) => {
        const day = shanghaiDay(a.acceptedAt, timeZone);
        const k = countKey(day, a.acceptedByStaffNo ?? '');
        let c = byKey.get(k);
        if (!c) {
          c = emptyCount(day, a.acceptedByStaffNo ?? '');
          byKey.set(k, c);
        }
        addApplication(c, a, 1);
      });
      await db.supervisionCounts.clear();
      await db.supervisionCounts.bulkPut([...byKey.values()]);
      const meta: CountsMeta = {
        key: COUNTS_META_KEY,
        format: COUNTS_FORMAT,
        timeZone,
        builtAt: new Date().toISOString(),
      };
      await db.supervisionCounts.put(meta);
    })
    .finally(() => {
      rebuilding.delete(db);
    });
  rebuilding.set(db, run);
  return run;
}

/** Rebuilds the counters when they are not whole (after an upgrade, a zone change, a restore). */
export async function ensureCounts(db: HallDeskDB, timeZone: string): Promise<void> {
  if (!(await countsReady(db, timeZone))) await rebuildCounts(db, timeZone);
}
