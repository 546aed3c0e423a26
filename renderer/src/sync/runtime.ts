// The app's one sync engine: created by startSync() on the open local database, wired to the
// browser (fetch, Web Locks, 'online' hints, new outbox rows) and to the status store the UI reads.
import { activeDb, type HallDeskDB } from '../db/db';
import { watchDeskConfig } from '../desk/config';
import { credentialsOrPending } from './credentials';
import { refreshGate } from '../staff/session';
import { syncStaff } from '../staff/sync';
import { SyncEngine, type RoundResult } from './engine';
import { defaultLock, UPLOAD_LOCK_NAME } from './lock';
import { syncStatusStore } from './status';
import { createDexieSyncStore } from './store';

let engine: SyncEngine | null = null;
let engineDb: HallDeskDB | null = null;
let waiting: ReturnType<typeof setTimeout> | null = null;

/** Starts the background sync engine (idempotent); waits for the local database to open. */
export function startSync(): void {
  if (engine || waiting) return;
  let db: HallDeskDB;
  try {
    db = activeDb();
  } catch {
    // The database opens asynchronously at start-up: try again shortly.
    waiting = setTimeout(() => {
      waiting = null;
      startSync();
    }, 500);
    return;
  }
  engineDb = db;
  // The configuration the centre pushes takes effect as soon as a pull stores it.
  watchDeskConfig(db);
  const e = new SyncEngine({
    store: createDexieSyncStore(db),
    fetch: (input, init) => globalThis.fetch(input, init),
    // A desk that took its enrollment code offline completes the enrollment at first contact.
    credentials: () => credentialsOrPending(db, (input, init) => globalThis.fetch(input, init)),
    lock: defaultLock(),
    uploadLock: defaultLock(UPLOAD_LOCK_NAME),
    status: syncStatusStore,
    adoptProfile: true,
    // The hall's staff directory comes with every round; the gate follows what it says.
    afterPull: [
      async (client) => {
        await syncStaff(db, client);
        await refreshGate(db);
      },
    ],
    onlineHint: (cb) => {
      window.addEventListener('online', cb);
      return () => window.removeEventListener('online', cb);
    },
  });
  engine = e;
  // A new outbox row (a submit, an edit): push soon, coalescing a burst of saves.
  db.outbox.hook('creating', (_key, _obj, tx) => {
    e.requestSoon(2_000);
    // The status bar's pending count follows at once (not only at the next round).
    tx.on('complete', () => void e.refreshCounts().catch(() => undefined));
  });
  e.start();
}

export function getSyncEngine(): SyncEngine | null {
  return engine;
}

/** The database the engine works on (the panel's live queries use the same one). */
export function syncDb(): HallDeskDB | null {
  if (engineDb) return engineDb;
  try {
    return activeDb();
  } catch {
    return null;
  }
}

/** "Sync now" from anywhere in the app. */
export async function syncNow(): Promise<RoundResult | null> {
  startSync();
  return engine ? engine.syncNow() : null;
}
