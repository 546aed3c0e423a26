// Statements the endpoint runs thousands of times a minute (pull heads, token lookups, the push
// path's reads and writes), prepared once per PostgreSQL connection. bench:fleet measured these
// spending more of PostgreSQL's CPU planning than executing (10,715 pull heads: 3.9 s of planning,
// 1.7 s of execution); a named statement is parsed once per connection, and after five runs
// PostgreSQL keeps a generic plan when it costs no more than the custom ones.
//
// Only texts registered here are prepared: a registered text must be fixed (its values in
// parameters, never inlined), else every distinct text would stay prepared on every connection.
import crypto from 'node:crypto';

const names = new Map<string, string>();

/** Registers `sql` as prepared and returns it unchanged (use it where the statement is defined). */
export function preparedSql(sql: string): string {
  if (!names.has(sql)) {
    names.set(sql, `hd_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 24)}`);
  }
  return sql;
}

/** The statement name of a registered text, else undefined (run unnamed). */
export function preparedName(sql: string): string | undefined {
  return names.get(sql);
}

/** Parses HALLDESK_PG_PREPARE: "0" turns prepared statements off (e.g. behind PgBouncer < 1.21). */
export function prepareFromEnv(value: string | undefined): boolean {
  return value?.trim() !== '0';
}
