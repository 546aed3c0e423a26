// Administration on the central database: configuration documents (versions, calendar years, seed).
import fs from 'node:fs';
import { loadCalendarData, mergeCalendar } from '../../shared/domain/calendar';
import type { CalendarData } from '../../shared/domain/calendar';
import { loadCatalogue } from '../../shared/domain/catalogue';
import { loadSettings } from '../../shared/domain/settings';
import type { ConfigKey, ConfigVersionResponse } from '../../shared/protocol';
import { ConfigKey as ConfigKeySchema } from '../../shared/protocol';
import type { Db, Queryable } from '../db/db';
import { iso } from '../db/db';
import { fail } from './errors';
import { forgetPushContext } from './pushRules';

const CONFIG_LOCK = 860_002;

function validateConfig(key: ConfigKey, data: unknown): void {
  // The register is written by the workbench with its checks (keyCustomers.ts), never PUT.
  if (key === 'keyCustomers')
    fail(
      'E_BAD_REQUEST',
      '重点客户名册请在工作台维护 (the key-customer register is kept in the workbench)',
    );
  try {
    if (key === 'calendar') loadCalendarData(data);
    else if (key === 'catalogue') loadCatalogue(data);
    else loadSettings(data);
  } catch (err) {
    fail('E_VALIDATION', `配置 ${key} 无效 (invalid ${key}): ${(err as Error).message}`);
  }
}

async function writeConfig(
  tx: Queryable,
  key: ConfigKey,
  data: unknown,
): Promise<ConfigVersionResponse> {
  // One writer at a time: versions are global and handed out in commit order (see pull.ts).
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CONFIG_LOCK]);
  const { rows } = await tx.query<{ version: number; updated_at: unknown }>(
    `INSERT INTO config (key, version, data, updated_at)
     VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM config), $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET version = excluded.version, data = excluded.data,
            updated_at = now()
     RETURNING version, updated_at`,
    [key, JSON.stringify(data)],
  );
  return { key, version: rows[0]!.version, updatedAt: iso(rows[0]!.updated_at) };
}

export async function putConfig(
  db: Db,
  keyRaw: string,
  body: unknown,
): Promise<ConfigVersionResponse> {
  const key = ConfigKeySchema.safeParse(keyRaw);
  if (!key.success) fail('E_NOT_FOUND', `没有配置项 ${keyRaw} (unknown configuration key)`);
  const data = (body as { data?: unknown } | null)?.data;
  if (data === undefined) fail('E_BAD_REQUEST', '需要 data 字段 (data required)');
  validateConfig(key.data, data);
  const out = await db.transaction((tx) => writeConfig(tx, key.data, data));
  // Pushes check new applications against the catalogue from the next push on.
  forgetPushContext(db);
  return out;
}

/** Loads (or replaces) one year of the holiday calendar, e.g. 2027 once the State Council publishes it. */
export async function putCalendarYear(
  db: Db,
  yearRaw: string,
  body: unknown,
): Promise<ConfigVersionResponse> {
  if (!/^\d{4}$/.test(yearRaw)) fail('E_BAD_REQUEST', '年份格式错误 (bad year)');
  const b = body as { data?: unknown; source?: unknown } | null;
  if (!b || b.data === undefined) fail('E_BAD_REQUEST', '需要 data 字段 (data required)');
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ data: unknown }>(
      "SELECT data FROM config WHERE key = 'calendar'",
    );
    const base: CalendarData = rows[0] ? loadCalendarData(rows[0].data) : { version: 0, years: {} };
    let merged: CalendarData;
    try {
      merged = mergeCalendar(base, {
        version: base.version + 1,
        ...(typeof b.source === 'string' ? { source: b.source } : {}),
        years: { [yearRaw]: b.data },
      });
    } catch (err) {
      fail('E_VALIDATION', `日历数据无效 (invalid calendar year): ${(err as Error).message}`);
    }
    return writeConfig(tx, 'calendar', merged);
  });
}

export async function listConfig(db: Db): Promise<ConfigVersionResponse[]> {
  const { rows } = await db.query<{ key: ConfigKey; version: number; updated_at: unknown }>(
    'SELECT key, version, updated_at FROM config ORDER BY key',
  );
  return rows.map((r) => ({ key: r.key, version: r.version, updatedAt: iso(r.updated_at) }));
}

export async function getConfigData(db: Db, key: ConfigKey): Promise<unknown> {
  const { rows } = await db.query<{ data: unknown }>('SELECT data FROM config WHERE key = $1', [
    key,
  ]);
  return rows[0]?.data;
}

/**
 * Seeds configuration that the database does not have yet from shared/config/<key>.json.
 * Existing documents are never overwritten: the administrator's updates win over the build's.
 */
export async function seedConfig(db: Db, configDir: URL | string): Promise<string[]> {
  const seeded: string[] = [];
  for (const key of ConfigKeySchema.options) {
    const file = new URL(`${key}.json`, configDir);
    if (!fs.existsSync(file)) continue;
    const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    try {
      validateConfig(key, data);
    } catch (err) {
      console.warn(`[central] not seeding ${key}: ${(err as Error).message}`);
      continue;
    }
    const done = await db.transaction(async (tx) => {
      // Under the config lock: two processes starting together seed once.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [CONFIG_LOCK]);
      const { rows } = await tx.query('SELECT 1 FROM config WHERE key = $1', [key]);
      if (rows.length > 0) return false;
      await writeConfig(tx, key, data);
      return true;
    });
    if (done) seeded.push(key);
  }
  return seeded;
}
