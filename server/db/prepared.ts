// Statements the endpoint runs thousands of times a minute (pull heads, token lookups, the push
// path's reads and writes), prepared once per PostgreSQL connection. bench:fleet measured these
// spending more of PostgreSQL's CPU planning than executing (10,715 pull heads: 3.9 s of planning,
// 1.7 s of execution); a named statement is parsed once per connection, and after five runs
// PostgreSQL keeps a generic plan when it costs no more than the custom ones.
//
// Only texts registered here are prepared: a registered text must be fixed (its values in
// parameters, never inlined), else every distinct text would stay prepared on every connection.
//
// Registered statements also run with generic plans only (plan_cache_mode = force_generic_plan
// on their connection, PlanModes below). PostgreSQL keeps re-planning a prepared statement
// whose generic plan it estimates dearer than its custom ones, and with `= ANY($n)` arrays it
// always does (a parameter array is assumed to hold 10 elements; the desks send one or two):
// bench:fleet's first 10 s spent 1.4 s of PostgreSQL's CPU planning the push path's reads
// again and again (1.2 ms each). The registered statements are key lookups and writes whose
// plan does not depend on the values; every other statement with parameters (a console search
// with a LIKE prefix needs its value to use an index) runs in the server's own mode.
import crypto from 'node:crypto';

const names = new Map<string, string>();

/** Registers `sql` as prepared and returns it unchanged (use it where the statement is defined). */
export function preparedSql(sql: string): string {
  if (!names.has(sql)) {
    names.set(sql, `hd_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 24)}`);
  }
  return sql;
}

/**
 * A registered text built on first use: for a statement put together from another module's
 * helpers, which a module-level constant could call before that module has run (an import
 * cycle through admin.ts).
 */
export function preparedOnce(build: () => string): () => string {
  let sql: string | undefined;
  return () => (sql ??= preparedSql(build()));
}

/** The statement name of a registered text, else undefined (run unnamed). */
export function preparedName(sql: string): string | undefined {
  return names.get(sql);
}

/** Parses HALLDESK_PG_PREPARE: "0" turns prepared statements off (e.g. behind PgBouncer < 1.21). */
export function prepareFromEnv(value: string | undefined): boolean {
  return value?.trim() !== '0';
}

/** The plan mode a statement wants, or null when it has no parameters (nothing to choose). */
export function planModeOf(sql: string, params: readonly unknown[]): PlanMode | null {
  if (params.length === 0) return null;
  return names.has(sql) ? 'generic' : 'server';
}

export type PlanMode = 'generic' | 'server';

/** The part of a pg client PlanModes uses. */
interface Client {
  query(sql: string): Promise<unknown>;
}

/**
 * Each connection's plan_cache_mode as last set here, switched only when a statement wants the
 * other one (a round trip then, none otherwise). A new connection is in the server's mode. A SET
 * inside a transaction is undone by its rollback: `rolledBack` puts back the mode from before.
 */
export class PlanModes {
  private readonly modes = new WeakMap<object, PlanMode>();
  /** SETs sent (for the metrics: a storm should need a few per connection, not per statement). */
  switches = 0;

  async ensure(client: Client, want: PlanMode | null): Promise<void> {
    if (want === null || (this.modes.get(client) ?? 'server') === want) return;
    await client.query(
      want === 'generic' ? 'SET plan_cache_mode = force_generic_plan' : 'RESET plan_cache_mode',
    );
    this.switches++;
    this.modes.set(client, want);
  }

  /** The mode now, to give back to `rolledBack` if the transaction started here is undone. */
  current(client: Client): PlanMode {
    return this.modes.get(client) ?? 'server';
  }

  rolledBack(client: Client, before: PlanMode): void {
    this.modes.set(client, before);
  }
}
