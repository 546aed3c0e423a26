// PostgreSQL for tests: a fresh, uniquely named database per test file on the server named by
// TEST_DATABASE_URL (.ci/run starts one), dropped afterwards; null with a reason when unset.
import crypto from 'node:crypto';
import pg from 'pg';

export type FreshDatabase =
  | { url: string; drop(): Promise<void>; reason?: undefined }
  | { url: null; reason: string; drop?: undefined };

export async function freshDatabase(label = 'test'): Promise<FreshDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { url: null, reason: 'TEST_DATABASE_URL is not set (run via .ci/run)' };
  const name = `halldesk_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    return {
      url: null,
      reason: `cannot create a database on TEST_DATABASE_URL: ${(err as Error).message}`,
    };
  } finally {
    await admin.end().catch(() => undefined);
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
