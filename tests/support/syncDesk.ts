// Test desks for the sync tests and the bench: a Dexie database on fake-indexeddb (unique name
// per desk), application factories, an outbox writer that mirrors the desk's save path (record
// and outbox entry in one transaction, seq from a counter that survives compaction) and a sync
// engine wired to real fetch.
import { randomUUID } from 'node:crypto';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import type { Application, OutboxEntry } from '../../shared/domain/model';
import { HallDeskDB, setActiveDb } from '../../renderer/src/db/db';
import { submitApplication, updateApplication } from '../../renderer/src/db/repo';
import {
  SyncEngine,
  type Credentials,
  type SyncEngineOptions,
} from '../../renderer/src/sync/engine';
import { memoryLock, type SyncLock } from '../../renderer/src/sync/lock';
import { createDexieSyncStore, fromStoredApplication } from '../../renderer/src/sync/store';

export function openDeskDb(label = 'desk'): HallDeskDB {
  return new HallDeskDB(`${label}-${randomUUID()}`, { indexedDB, IDBKeyRange });
}

let counter = 0;

/** A valid application (schema-valid, resident, low voltage) with overrides. */
export function makeApplication(
  hallCode: string,
  deskCode: string,
  overrides: Partial<Application> = {},
): Application {
  counter += 1;
  const at = new Date(Date.UTC(2026, 10, 26, 8, 0, 0) + counter * 1000).toISOString();
  return {
    id: randomUUID(),
    appNo: `${hallCode}-${deskCode}-20261126-${String(counter).padStart(5, '0')}-${randomUUID().slice(0, 4)}`,
    hallCode,
    deskCode,
    businessCode: '101',
    customerKind: 'resident',
    customer: {
      name: `张三${counter}`,
      idType: 'resident_id',
      idNumber: '11010519491231002X',
      phone: '13800138000',
    },
    address: `幸福路${counter}号`,
    fields: { capacityKw: 8, voltage: '220V', usage: '居民生活' },
    documents: [
      { code: 'id_card', status: 'received', attachmentIds: [] },
      { code: 'property_cert', status: 'to_follow', attachmentIds: [] },
    ],
    commitmentSigned: true,
    acceptedAt: at,
    acceptedBy: '李四',
    deadline: '2026-12-03',
    status: 'accepted',
    history: [{ from: null, to: 'accepted', at, actor: '李四' }],
    updatedAt: at,
    serverVersion: 0,
    ...overrides,
  };
}

/**
 * Saves an application the way the desk does (the store's submitApplication: record and
 * outbox entry in one transaction, seq from the store's counter) on this desk's database.
 */
export async function saveWithOutbox(db: HallDeskDB, app: Application): Promise<OutboxEntry> {
  // The store's functions work on the active database: point it at this desk for the call
  // (synchronously before the call starts, so concurrent desks in one process do not mix).
  setActiveDb(db);
  const r = await submitApplication(app);
  const entry = await db.outbox.get(r.seq);
  if (!entry) throw new Error('outbox entry missing');
  return entry;
}

/** Edits hall-owned data of a local application and queues the update (updateApplication). */
export async function editLocal(
  db: HallDeskDB,
  id: string,
  change: (a: Application) => Application,
): Promise<Application> {
  const row = await db.applications.get(id);
  if (!row) throw new Error(`no local application ${id}`);
  const next = change({ ...fromStoredApplication(row), updatedAt: new Date().toISOString() });
  setActiveDb(db);
  await updateApplication(next, { kind: 'edit', actor: '李四' });
  return next;
}

export async function localApplication(
  db: HallDeskDB,
  id: string,
): Promise<Application | undefined> {
  const row = await db.applications.get(id);
  return row ? fromStoredApplication(row) : undefined;
}

export interface TestDesk {
  db: HallDeskDB;
  engine: SyncEngine;
  credentials: Credentials;
  close(): Promise<void>;
}

export function createTestDesk(
  credentials: Credentials,
  options: Partial<SyncEngineOptions> & { db?: HallDeskDB; lock?: SyncLock } = {},
): TestDesk {
  const db = options.db ?? openDeskDb(`desk-${credentials.hallCode}`);
  const engine = new SyncEngine({
    store: createDexieSyncStore(db),
    fetch: (input, init) => fetch(input, init),
    credentials: async () => credentials,
    lock: options.lock ?? memoryLock(),
    backoffBaseMs: 50,
    backoffCapMs: 1_000,
    intervalMs: 60_000,
    ...options,
  });
  return {
    db,
    engine,
    credentials,
    async close() {
      engine.stop();
      db.close();
      await db.delete().catch(() => undefined);
    },
  };
}
