// The tiny database interface the central endpoint runs on: the same SQL on embedded PGlite
// (one connection, transactions serialised here) and on PostgreSQL via `pg` (a pool).
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { CopyOutBinary, PooledBytes, pagePool, parseBinaryCopy } from './copyOut';
import { PlanModes, planModeOf, preparedName } from './prepared';

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction (READ COMMITTED). On PostgreSQL a deadlock or serialisation
   * failure re-runs `fn` (so `fn` must only touch the database); PGlite never needs it.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Readiness: one `SELECT 1` within `timeoutMs`, on its own connection where there is a pool
   * (a busy pool must not make a load balancer think the database is down, nor the reverse).
   */
  ping(timeoutMs: number): Promise<boolean>;
  /** Pool size (1 on PGlite). */
  readonly poolSize: number;
  /**
   * The pool's connections now (total, idle), queries waiting for one, and the plan_cache_mode
   * switches sent since start (prepared.ts); null on PGlite.
   */
  poolCounts(): { total: number; idle: number; waiting: number; planSwitches: number } | null;
  /**
   * PostgreSQL only: one SELECT without parameters (values inlined by the caller, checked) whose
   * rows come back as raw bytes, not decoded by the driver (copyOut.ts). The bytes are borrowed
   * from a pool: `use` runs synchronously with them and must copy what it keeps. Absent on
   * PGlite.
   */
  rawRows?<T>(select: string, use: (rows: Array<Array<Buffer | null>>) => T): Promise<T>;
  /**
   * The same database and pool, but what runs through it is handed a connection before any
   * other waiting work (PostgreSQL; the same Db on PGlite). For desks' pushes: in a storm a
   * push must not queue behind hundreds of pull heads, pages and audit uploads. Closing it
   * closes the Db it came from.
   */
  readonly urgent: Db;
  close(): Promise<void>;
}

/** Resolves false after `ms` unless `p` settles first (true when it resolves). */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(t);
        resolve(true);
      },
      () => {
        clearTimeout(t);
        resolve(false);
      },
    );
  });
}

/** A FIFO mutex: PGlite has a single connection, so a transaction must own it exclusively. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  readonly poolSize = 1;
  get urgent(): Db {
    return this;
  }
  private readonly mutex = new Mutex();
  private closed = false;
  constructor(private readonly pglite: PGlite) {}

  query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    // Plain queries also take the mutex: on one connection they would otherwise run inside
    // whatever transaction another request has open.
    return this.mutex.run(async () => {
      const r = await this.pglite.query<T>(sql, params);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    });
  }

  exec(sql: string): Promise<void> {
    return this.mutex.run(async () => {
      await this.pglite.exec(sql);
    });
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.mutex.run(() =>
      this.pglite.transaction(async (tx) => {
        const q: Queryable = {
          async query<R>(sql: string, params: unknown[] = []) {
            const r = await tx.query<R>(sql, params);
            return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
          },
          async exec(sql: string) {
            await tx.exec(sql);
          },
        };
        return fn(q);
      }),
    );
  }

  poolCounts(): null {
    return null;
  }

  ping(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return within(this.query('SELECT 1'), timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.mutex.run(() => this.pglite.close());
  }
}

const RETRYABLE_PG_CODES = new Set(['40P01', '40001']);

/**
 * Hands out the pool's connections, urgent work first: every query and transaction takes a
 * permit (as many as the pool has connections) before it asks the pool, so the pool itself never
 * queues and the order of waiting work is decided here. FIFO within each priority.
 */
class PriorityGate {
  private free: number;
  private readonly urgentQ: Array<() => void> = [];
  private readonly normalQ: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }

  /** Resolves when a permit is held (at once when one is free). */
  acquire(urgent: boolean): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => (urgent ? this.urgentQ : this.normalQ).push(resolve));
  }

  release(): void {
    const next = this.urgentQ.shift() ?? this.normalQ.shift();
    if (next) next();
    else this.free++;
  }

  get waiting(): number {
    return this.urgentQ.length + this.normalQ.length;
  }
}

class PgDb implements Db {
  readonly kind = 'postgres' as const;
  private sibling: PgDb | null = null;
  constructor(
    private readonly pool: pg.Pool,
    /** One connection for readiness checks only, with short timeouts. */
    private readonly probe: pg.Pool,
    readonly poolSize: number,
    private readonly gate: PriorityGate = new PriorityGate(poolSize),
    private readonly isUrgent = false,
    private readonly root: PgDb | null = null,
    /** Registered statements run named (prepared.ts). */
    private readonly prepare = true,
    /** Registered statements run with generic plans (prepared.ts); shared with the sibling. */
    private readonly planModes: PlanModes | null = prepare ? new PlanModes() : null,
  ) {}

  /** The query as pg takes it: named when its text is registered (prepared.ts). */
  private config(sql: string, params: unknown[]): pg.QueryConfig {
    const name = this.prepare ? preparedName(sql) : undefined;
    return name ? { name, text: sql, values: params } : { text: sql, values: params };
  }

  get urgent(): Db {
    if (this.isUrgent) return this;
    this.sibling ??= new PgDb(
      this.pool,
      this.probe,
      this.poolSize,
      this.gate,
      true,
      this,
      this.prepare,
      this.planModes,
    );
    return this.sibling;
  }

  /** Runs `fn` holding one of the pool's permits (PriorityGate). */
  private async gated<T>(fn: () => Promise<T>): Promise<T> {
    await this.gate.acquire(this.isUrgent);
    try {
      return await fn();
    } finally {
      this.gate.release();
    }
  }

  ping(timeoutMs: number): Promise<boolean> {
    return within(this.probe.query('SELECT 1'), timeoutMs);
  }

  poolCounts(): { total: number; idle: number; waiting: number; planSwitches: number } {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.gate.waiting + this.pool.waitingCount,
      planSwitches: this.planModes?.switches ?? 0,
    };
  }

  query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    return this.gated(async () => {
      const modes = this.planModes;
      if (!modes) {
        const r = await this.pool.query(this.config(sql, params));
        return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
      }
      return this.withClient(async (client) => {
        await modes.ensure(client, planModeOf(sql, params));
        const r = await client.query(this.config(sql, params));
        return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
      });
    });
  }

  /** Runs `fn` on a pooled client; a client whose connection failed (no SQLSTATE) is dropped. */
  private async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      return await fn(client);
    } catch (err) {
      broken = !(err as { code?: string }).code; // no SQLSTATE: the connection itself failed
      throw err;
    } finally {
      client.release(broken);
    }
  }

  exec(sql: string): Promise<void> {
    return this.gated(async () => {
      await this.pool.query(sql);
    });
  }

  rawRows<T>(select: string, use: (rows: Array<Array<Buffer | null>>) => T): Promise<T> {
    return this.gated(() => this.rawRowsNow(select, use));
  }

  private async rawRowsNow<T>(
    select: string,
    use: (rows: Array<Array<Buffer | null>>) => T,
  ): Promise<T> {
    const bytes = new PooledBytes(pagePool);
    const copy = new CopyOutBinary(`COPY (${select}) TO STDOUT (FORMAT binary)`, bytes);
    try {
      await this.withClient(async (client) => {
        // pg runs any object with submit()/handle*() as a query (a "submittable").
        void client.query(copy as unknown as pg.QueryConfig);
        await copy.done;
      });
      return use(parseBinaryCopy(bytes.view()));
    } finally {
      bytes.release();
    }
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.gated(() => this.transactionNow(fn));
  }

  private async transactionNow<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      const modes = this.planModes;
      const modeBefore = modes?.current(client);
      try {
        await client.query('BEGIN');
        const config = (sql: string, params: unknown[]) => this.config(sql, params);
        const q: Queryable = {
          async query<R>(sql: string, params: unknown[] = []) {
            await modes?.ensure(client, planModeOf(sql, params));
            const r = await client.query(config(sql, params));
            return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        };
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
          // A plan mode SET inside the transaction is undone with it.
          if (modes && modeBefore) modes.rolledBack(client, modeBefore);
        } catch {
          broken = true; // connection is gone: do not give it back to the pool
        }
        const code = (err as { code?: string }).code;
        if (code && RETRYABLE_PG_CODES.has(code) && attempt < 5) {
          await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
          continue;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    }
  }

  async close(): Promise<void> {
    if (this.root) return this.root.close();
    await Promise.all([this.pool.end(), this.probe.end()]);
  }
}

/** Pool size when none is configured (DATABASE_POOL_SIZE; see the README's sizing rule). */
export const DEFAULT_POOL_SIZE = 10;

/** Parses DATABASE_POOL_SIZE: a whole number 1..1000, else a clear error (not a silent default). */
export function poolSizeFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new Error(`DATABASE_POOL_SIZE must be a whole number from 1 to 1000 (got "${value}")`);
  }
  return n;
}

export interface OpenDbOptions {
  /** PostgreSQL URL; when absent, PGlite in `dataDir` (or in memory when dataDir is absent). */
  databaseUrl?: string;
  dataDir?: string;
  /** Pool size for PostgreSQL (DATABASE_POOL_SIZE; default DEFAULT_POOL_SIZE). */
  maxConnections?: number;
  /**
   * PostgreSQL: open the whole pool at start and never close idle connections (the endpoint
   * process). A storm after a quiet night must not wait for 10-20 new backends to start at
   * once; the README's sizing rule already counts every connection as held.
   */
  warmPool?: boolean;
  /** PostgreSQL: run the registered statements prepared (prepared.ts; default true). */
  prepare?: boolean;
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  if (opts.databaseUrl) {
    const size = opts.maxConnections ?? DEFAULT_POOL_SIZE;
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: size,
      // Named, so that pg_stat_activity tells an operator which connections are the endpoint's.
      application_name: 'halldesk',
      // A stuck transaction must not hold hall locks forever.
      idle_in_transaction_session_timeout: 30_000,
      statement_timeout: 30_000,
      // 0: idle connections stay open (pg's default closes them after 10 s).
      ...(opts.warmPool ? { idleTimeoutMillis: 0 } : {}),
    });
    // Surface connection errors of idle clients in the log instead of crashing the process.
    // Code only: a driver message can quote a value.
    pool.on('error', (err) =>
      console.error('[central] postgres pool error:', (err as { code?: string }).code ?? err.name),
    );
    const probe = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 1,
      connectionTimeoutMillis: 2_000,
      statement_timeout: 2_000,
      idleTimeoutMillis: 60_000,
    });
    probe.on('error', (err) =>
      console.error(
        '[central] readiness probe error:',
        (err as { code?: string }).code ?? err.name,
      ),
    );
    const db = new PgDb(pool, probe, size, undefined, false, null, opts.prepare ?? true);
    if (opts.warmPool) {
      // Every connection at once: each query below holds one until all have started.
      const clients = await Promise.all(Array.from({ length: size }, () => pool.connect()));
      for (const c of clients) c.release();
    }
    await db.query('SELECT 1');
    return db;
  }
  if (!opts.dataDir) return new PgliteDb(await PGlite.create());
  const dir = path.resolve(opts.dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Folders an older version (or a copy) left readable are closed before PGlite opens them.
  restrictDataDir(dir);
  const pglite = await withPrivateUmask(() => PGlite.create(dir));
  // initdb unpacks its files 0666 (PGlite sets the modes itself, past the umask): close them.
  restrictDataDir(dir);
  return new PgliteDb(pglite);
}

/**
 * PGlite's data folder holds every customer record (tables and WAL): the folder and its
 * subfolders 0700, its files 0600, so that no other account on the machine can read them.
 * Symbolic links are left alone (their targets are not ours to change).
 */
export function restrictDataDir(dir: string): void {
  const walk = (p: string, isDir: boolean) => {
    const want = isDir ? 0o700 : 0o600;
    if ((fs.lstatSync(p).mode & 0o777) !== want) fs.chmodSync(p, want);
    if (!isDir) return;
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory() || e.isFile()) walk(path.join(p, e.name), e.isDirectory());
    }
  };
  walk(dir, true);
}

/** Runs `fn` with umask 077 so that files created meanwhile start private; restores it after. */
async function withPrivateUmask<T>(fn: () => Promise<T>): Promise<T> {
  let previous: number | null = null;
  try {
    previous = process.umask(0o077);
  } catch {
    // Worker threads may not change the umask: restrictDataDir still fixes the modes after.
  }
  try {
    return await fn();
  } finally {
    if (previous !== null) process.umask(previous);
  }
}

/** Converts a timestamptz value from either driver to an ISO string. */
export function iso(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return new Date(String(v)).toISOString();
}

export function isoOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : iso(v);
}

/** bytea from either driver (Buffer from pg, Uint8Array from PGlite). */
export function bytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  throw new Error('expected bytea');
}
