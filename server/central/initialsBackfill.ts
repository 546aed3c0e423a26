// Backfill of applications.name_initials (nameInitials.ts) for rows written before the column
// existed: pushes and the centre's own writes fill it, older rows have NULL and a pinyin search
// misses them. Walks the table in primary-key order in bounded batches, resumable from the
// position stored in `settings` (a restart continues where the last batch ended), idempotent,
// and safe with several endpoint processes: a batch holds an advisory lock for its transaction,
// so processes take turns and never repeat each other's rows; a row changed meanwhile (a push
// writing another name) is left to that write, which computed its own initials.
import type { Db, Queryable } from '../db/db';
import { nameInitials } from './nameInitials';

/** settings key: the last application id done, or DONE when the whole table is. */
export const BACKFILL_KEY = 'name_initials_backfill';
const DONE = 'done';
/** Arbitrary constant: the advisory lock one batch holds across processes. */
const BACKFILL_LOCK = 860_310;
export const DEFAULT_BACKFILL_BATCH = 1000;

export type BatchResult =
  | { state: 'done' }
  /** Another process holds the lock: try again later. */
  | { state: 'busy' }
  | { state: 'more'; scanned: number; updated: number };

async function position(tx: Queryable): Promise<string | null> {
  const { rows } = await tx.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
    BACKFILL_KEY,
  ]);
  return rows[0]?.value ?? null;
}

async function savePosition(tx: Queryable, value: string): Promise<void> {
  await tx.query(
    `INSERT INTO settings (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [BACKFILL_KEY, value],
  );
}

/**
 * One batch: the next `batch` applications after the stored position (by id, whatever their
 * initials: the batch's cost is bounded by `batch`, not by how many rows already have them);
 * the ones without initials and with a Chinese name get them. The position moves in the same
 * transaction, so a crash repeats at most the batch it was in.
 */
export async function backfillBatch(
  db: Db,
  batch: number = DEFAULT_BACKFILL_BATCH,
): Promise<BatchResult> {
  return db.transaction(async (tx): Promise<BatchResult> => {
    const lock = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
      BACKFILL_LOCK,
    ]);
    if (!lock.rows[0]?.ok) return { state: 'busy' };
    const after = await position(tx);
    if (after === DONE) return { state: 'done' };
    const { rows } = await tx.query<{ id: string; name: string | null; has: boolean }>(
      `SELECT id, customer_name AS name, name_initials IS NOT NULL AS has FROM applications
        WHERE ($1::uuid IS NULL OR id > $1::uuid)
        ORDER BY id LIMIT $2`,
      [after, batch],
    );
    const todo = rows
      .filter((r) => !r.has && r.name)
      .map((r) => ({ id: r.id, name: r.name!, ini: nameInitials(r.name) }))
      .filter((r): r is { id: string; name: string; ini: string } => r.ini !== null);
    let updated = 0;
    if (todo.length > 0) {
      // Only a row still without initials and still under the name read: a push in between
      // wrote both together.
      const r = await tx.query(
        `UPDATE applications a SET name_initials = x.ini
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS x(id, name, ini)
          WHERE a.id = x.id AND a.name_initials IS NULL AND a.customer_name = x.name`,
        [todo.map((t) => t.id), todo.map((t) => t.name), todo.map((t) => t.ini)],
      );
      updated = r.rowCount;
    }
    const last = rows.at(-1);
    await savePosition(tx, rows.length < batch || !last ? DONE : last.id);
    return rows.length < batch
      ? { state: 'done' }
      : { state: 'more', scanned: rows.length, updated };
  });
}

/** Runs batches until the table is done (or `stop` says so); the test and the CLI's way. */
export async function backfillAll(
  db: Db,
  batch: number = DEFAULT_BACKFILL_BATCH,
  busyWaitMs = 200,
): Promise<number> {
  let updated = 0;
  for (;;) {
    const r = await backfillBatch(db, batch);
    if (r.state === 'done') return updated;
    if (r.state === 'more') updated += r.updated;
    else await new Promise((res) => setTimeout(res, busyWaitMs));
  }
}

export interface InitialsBackfill {
  /** Resolves when the backfill is done in this process (or stopped). */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The background backfill of an endpoint process: a batch, then a pause of at least twice the
 * batch's time (requests go first), until done; another process holding the lock or a failure
 * is retried after `retryMs`.
 */
export function startInitialsBackfill(
  db: Db,
  opts: { batch?: number; pauseMs?: number; retryMs?: number } = {},
): InitialsBackfill {
  const batch = opts.batch ?? DEFAULT_BACKFILL_BATCH;
  const pauseMs = opts.pauseMs ?? 50;
  const retryMs = opts.retryMs ?? 5000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref();
    });
  const finished = (async () => {
    while (!stopped) {
      let wait = pauseMs;
      try {
        const t0 = performance.now();
        const r = await backfillBatch(db, batch);
        if (r.state === 'done') return;
        // At most a third of the database's time: on PGlite a batch holds the one connection.
        wait = Math.max(pauseMs, 2 * (performance.now() - t0));
        if (r.state === 'busy') wait = retryMs;
      } catch (err) {
        if (stopped) return;
        console.warn('[central] name initials backfill failed, retrying:', String(err));
        wait = retryMs;
      }
      if (!stopped) await sleep(wait);
    }
  })();
  return {
    finished,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await finished;
    },
  };
}
