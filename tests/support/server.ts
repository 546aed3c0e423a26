// Test harness for the central endpoint: starts it on port 0 (real HTTP) on PGlite in a temp
// folder or on a fresh PostgreSQL database, plus small helpers (halls, enrollment, JSON calls).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { CentralServer, CentralServerOptions } from '../../server/central/app';
import { buildCentralServer } from '../../server/central/app';
import type { EnrollResponse } from '../../shared/protocol';
import { paths } from '../../shared/protocol';
import { freshDatabase } from './postgres';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export type DbVariant = 'pglite' | 'postgres';

/** Where a variant keeps its data; survives server restarts until cleanup(). */
export interface TestStorage {
  variant: DbVariant;
  options: Pick<CentralServerOptions, 'databaseUrl' | 'dataDir'>;
  cleanup(): Promise<void>;
}

/**
 * An initialised, empty PGlite data folder to copy: PGlite's first start in an empty folder runs
 * initdb (10-20 s on a busy 2-core machine), a start on an existing folder takes about 1 s.
 * Built once per machine and PGlite version, shared by test files running in parallel.
 */
let templatePromise: Promise<string> | undefined;
export function pgliteTemplate(): Promise<string> {
  templatePromise ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const pkg = path.resolve(path.dirname(entry), '..', 'package.json');
    const { version } = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string };
    const final = path.join(os.tmpdir(), `halldesk-pglite-template-${version}`);
    if (fs.existsSync(path.join(final, 'READY'))) return final;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-pglite-template-build-'));
    const db = await PGlite.create(tmp);
    await db.close();
    fs.writeFileSync(path.join(tmp, 'READY'), version);
    try {
      fs.renameSync(tmp, final);
    } catch {
      // Another test file won the race (or a stale half-built folder is there).
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(path.join(final, 'READY'))) {
        fs.rmSync(final, { recursive: true, force: true });
        templatePromise = undefined;
        return pgliteTemplate();
      }
    }
    return final;
  })();
  return templatePromise;
}

/** A fresh PGlite data folder (a copy of the template) for one test server. */
export async function pgliteDataDir(label: string): Promise<string> {
  const template = await pgliteTemplate();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `halldesk-central-${label}-`));
  fs.cpSync(template, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'READY'), { force: true });
  return dir;
}

/** Storage for a variant, or a reason why it is unavailable (PostgreSQL without TEST_DATABASE_URL). */
export async function testStorage(
  variant: DbVariant,
  label: string,
): Promise<TestStorage | string> {
  if (variant === 'pglite') {
    const dir = await pgliteDataDir(label);
    return {
      variant,
      options: { dataDir: dir },
      async cleanup() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const fresh = await freshDatabase(label);
  if (fresh.url === null) return fresh.reason;
  return { variant, options: { databaseUrl: fresh.url }, cleanup: fresh.drop };
}

export interface TestCentral {
  server: CentralServer;
  url: string;
  adminToken: string;
  close(): Promise<void>;
}

export async function startCentral(
  storage: TestStorage,
  extra: Partial<CentralServerOptions> = {},
): Promise<TestCentral> {
  const server = await buildCentralServer({
    ...storage.options,
    adminToken: TEST_ADMIN_TOKEN,
    logger: false,
    ...extra,
  });
  const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { server, url, adminToken: TEST_ADMIN_TOKEN, close: () => server.close() };
}

/**
 * A fresh storage of the variant and an endpoint on it for the length of `fn`, closed and
 * removed afterwards (the tests that need their own endpoint, not a suite's shared one).
 */
export async function withCentral(
  variant: 'pglite' | 'postgres',
  label: string,
  extra: Parameters<typeof startCentral>[1],
  fn: (c: TestCentral, storage: TestStorage) => Promise<void>,
): Promise<void> {
  const s = await testStorage(variant, label);
  if (typeof s === 'string') throw new Error(s);
  const c = await startCentral(s, extra);
  try {
    await fn(c, s);
  } finally {
    await c.close();
    await s.cleanup();
  }
}

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** fetch + JSON both ways; `token` goes in Authorization. Never throws on HTTP errors. */
export async function call<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  base: string,
  method: string,
  p: string,
  opts: {
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    rawBody?: BodyInit;
  } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(new URL(p, base), {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (HTML console, bytes): keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export async function createHall(
  c: TestCentral,
  code: string,
  name = `${code} 营业厅`,
): Promise<void> {
  const r = await call(c.url, 'POST', paths.adminHalls, {
    token: c.adminToken,
    body: { code, name },
  });
  if (r.status !== 201)
    throw new Error(`createHall ${code}: ${r.status} ${JSON.stringify(r.body)}`);
}

export async function enrollDevice(
  c: TestCentral,
  hallCode: string,
  deviceName = '1号窗口',
): Promise<EnrollResponse> {
  const code = await call<{ code: string }>(c.url, 'POST', paths.adminEnrollmentCodes(hallCode), {
    token: c.adminToken,
    body: {},
  });
  if (code.status !== 201) throw new Error(`code for ${hallCode}: ${code.status}`);
  const r = await call<EnrollResponse>(c.url, 'POST', paths.enroll, {
    body: { code: code.body.code, deviceName },
  });
  if (r.status !== 200) throw new Error(`enroll: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * Declares a suite once per database variant. The PostgreSQL variant is skipped (with a
 * console.warn saying why) when TEST_DATABASE_URL is unset.
 */
export function forEachDb(): Array<{ variant: DbVariant; skipReason: string | null }> {
  return [
    { variant: 'pglite', skipReason: null },
    {
      variant: 'postgres',
      skipReason: process.env.TEST_DATABASE_URL ? null : 'TEST_DATABASE_URL is not set',
    },
  ];
}

/** A gate a test opens when it is done holding something (or when something has happened). */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/**
 * Takes every connection the endpoint has (PGlite: its one connection) until the returned
 * release is called: what still answers needs no database.
 */
export async function holdEveryConnection(
  c: TestCentral,
  variant: 'pglite' | 'postgres',
): Promise<() => Promise<void>> {
  const hold = gate();
  const entered: Array<Promise<void>> = [];
  const holders = Array.from({ length: variant === 'postgres' ? 2 : 1 }, () => {
    const inside = gate();
    entered.push(inside.wait);
    return c.server.db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      inside.open();
      await hold.wait;
    });
  });
  await Promise.all(entered);
  return async () => {
    hold.open();
    await Promise.all(holders);
  };
}
