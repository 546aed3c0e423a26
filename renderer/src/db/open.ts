// Opening the local database in the real world: persistent storage, upgrades blocked by another
// window, a newer window upgrading under us, and broken or full storage turned into a typed
// result that the UI shows as a recovery screen (never a blank page).
import Dexie from 'dexie';
import { backupFileName, sealBackup } from '../../../shared/backup/sealed';
import {
  activeDb,
  CURRENT_SCHEMA_VERSION,
  DEFAULT_DB_NAME,
  HallDeskDB,
  type HallDeskDBOptions,
  setActiveDb,
  takePinyinBackfill,
} from './db';
import {
  deriveApplicationKeys,
  deriveFeedbackKeys,
  hasNameInitials,
  onInitialsMissing,
} from './keys';
import { ensureNameInitials } from './nameInitials';

function closeActiveDb(): void {
  try {
    activeDb().close();
  } catch {
    // none open
  }
}

/** Why the database could not be opened (the recovery screen explains each in Chinese). */
export type OpenFailureReason =
  /** "Internal error opening backing store" and other UnknownErrors: broken files on disk. */
  | 'corrupt'
  /** The disk or the origin's quota is full. */
  | 'quota'
  /** The stored database is newer than this program (downgrade): update the program. */
  | 'version'
  /** Another window with an old version keeps the upgrade waiting. */
  | 'blocked'
  /** No IndexedDB (private mode, disabled storage). */
  | 'unavailable'
  /** Anything else. */
  | 'unknown';

export type OpenResult =
  /** `persisted`: what is known at open (null: unknown yet; see persisted() / meta). */
  | {
      ok: true;
      db: HallDeskDB;
      persisted: boolean | null;
      /**
       * The write probe's outcome, settled shortly after open (never rejects): null when a
       * write went through, else the failure to show as the recovery screen.
       */
      writable: Promise<OpenFailure | null>;
    }
  | OpenFailure;

export interface OpenFailure {
  ok: false;
  reason: OpenFailureReason;
  error: unknown;
  message: string;
}

/** Chinese explanations for the recovery screen. */
export const OPEN_FAILURE_MESSAGES: Record<OpenFailureReason, string> = {
  corrupt: '本地数据库文件已损坏，无法打开。可导出可读取的数据后重建本地数据库。',
  quota: '磁盘空间或浏览器存储配额已满，无法打开本地数据库。请清理磁盘空间后重试。',
  version: '本地数据库由更新版本的受理台创建，请升级本程序后再打开。',
  blocked: '另一个受理台窗口正在使用旧版本数据库，请关闭其他窗口后重试。',
  unavailable: '此环境无法使用本地存储（可能处于隐私模式或存储被禁用）。',
  unknown: '本地数据库打开失败。',
};

function errorName(e: unknown): string {
  return typeof e === 'object' && e !== null && 'name' in e ? String(e.name) : '';
}

function errorMessage(e: unknown): string {
  return typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : String(e);
}

/** Dexie wraps IndexedDB errors (OpenFailedError, DatabaseClosedError): look at the cause too. */
function causes(e: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    out.push(cur);
    const next =
      typeof cur === 'object' && cur !== null
        ? ((cur as { inner?: unknown }).inner ?? (cur as { cause?: unknown }).cause)
        : undefined;
    cur = next;
  }
  return out;
}

/** Maps an open failure onto a reason (exported for tests). */
export function classifyOpenError(e: unknown): OpenFailureReason {
  const chain = causes(e);
  const names = chain.map(errorName);
  const text = chain.map(errorMessage).join(' | ');
  if (names.includes('QuotaExceededError') || /quota|no space|disk full/i.test(text)) {
    return 'quota';
  }
  if (names.includes('VersionError') || /less than the existing version/i.test(text)) {
    return 'version';
  }
  if (/backing store|internal error/i.test(text) || names.includes('UnknownError')) {
    return 'corrupt';
  }
  if (
    names.includes('MissingAPIError') ||
    names.includes('InvalidStateError') ||
    names.includes('SecurityError') ||
    /indexedDB API missing|not allowed|access denied/i.test(text)
  ) {
    return 'unavailable';
  }
  if (names.includes('DataError') || names.includes('NotFoundError')) return 'corrupt';
  return 'unknown';
}

export interface OpenOptions extends HallDeskDBOptions {
  name?: string;
  /** How long an upgrade may wait on an old window before we report 'blocked' (ms). */
  blockedTimeoutMs?: number;
  /** Called when another window's newer version needs this one to close (default: reload). */
  onVersionChange?: () => void;
  /** Called when our upgrade waits for another window (the UI may show a hint). */
  onBlocked?: () => void;
  /** Ask for persistent storage (default true in the browser). */
  requestPersistence?: boolean;
  /** How long start-up waits for the persistence answer (ms, default 0: it is recorded later). */
  persistWaitMs?: number;
}

let lastPersisted: boolean | null = null;

/** The answer of the last persistence request: true, false, or null when not asked/supported. */
export function persisted(): boolean | null {
  return lastPersisted;
}

/**
 * Asks the browser to keep our storage even under pressure (`navigator.storage.persist()`).
 * Returns the answer (null where the API is missing); also recorded for persisted().
 */
export async function requestPersistentStorage(): Promise<boolean | null> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persist) return (lastPersisted = null);
  try {
    const already = storage.persisted ? await storage.persisted() : false;
    lastPersisted = already ? true : await storage.persist();
  } catch {
    lastPersisted = null;
  }
  return lastPersisted;
}

/** Whether storage is already persistent, without asking (fast; null where unsupported). */
export async function queryPersisted(): Promise<boolean | null> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persisted) return null;
  try {
    return await storage.persisted();
  } catch {
    return null;
  }
}

/** Storage usage and quota for the settings page (bytes; null where unknown). */
export async function storageEstimate(): Promise<{ usage: number | null; quota: number | null }> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.estimate) return { usage: null, quota: null };
  try {
    const e = await storage.estimate();
    return { usage: e.usage ?? null, quota: e.quota ?? null };
  } catch {
    return { usage: null, quota: null };
  }
}

function reloadWindow(): void {
  if (typeof window !== 'undefined' && typeof window.location?.reload === 'function') {
    window.location.reload();
  }
}

/**
 * Opens (creating or upgrading) the desk's database, makes it the active one for repo.ts, and
 * asks for persistent storage. Never throws: failures come back as `{ ok: false, reason }`.
 * - Another window upgrading to a newer version: we close our connection and reload, so the
 *   upgrade proceeds and this window comes back on the new code.
 * - Our upgrade blocked by an old window: that window reloads itself (it runs the handler
 *   above); if it does not within `blockedTimeoutMs`, we report 'blocked'.
 */
/**
 * After an upgrade to v5 the pinyin-initial keys of the records already stored are added in the
 * background (the pinyin table loads off the start-up path; the upgrade itself cannot wait for
 * it). Tests await it; the desk does not.
 */
export let pinyinBackfill: Promise<void> | null = null;

/**
 * Meta key set while some record may lack its pinyin keys (saved before the pinyin module
 * loaded, or an upgrade whose backfill did not finish): the next open runs the backfill again.
 */
export const PINYIN_BACKFILL_META = 'search.pinyinBackfillDue';

let backfillRunning = false;

/** Runs the backfill once at a time; the meta mark stays until one has finished. */
function schedulePinyinBackfill(db: HallDeskDB, mark: boolean): void {
  if (backfillRunning) return;
  backfillRunning = true;
  // Outside whatever transaction the write that missed the initials runs in (it is still open).
  pinyinBackfill = Dexie.ignoreTransaction(async () => {
    if (mark) await db.meta.put({ key: PINYIN_BACKFILL_META, value: true });
    await ensureNameInitials();
    // Still no pinyin (its chunk failed to load): the mark stays for the next start.
    if (!hasNameInitials()) return;
    await backfillPinyinKeys(db);
    await db.meta.delete(PINYIN_BACKFILL_META);
  })
    .catch((e: unknown) => {
      // The database was closed under it (a restore, a switch of profile, a test's teardown):
      // the meta mark stays, so the next open runs it again. Nothing to report.
      if (e instanceof Error && e.name === 'DatabaseClosedError') return;
      console.error('pinyin keys backfill failed', e);
    })
    .finally(() => {
      backfillRunning = false;
    });
}

async function backfillPinyinKeys(db: HallDeskDB): Promise<void> {
  await db.transaction('rw', db.applications, db.feedback, async () => {
    await db.applications.toCollection().modify((row) => {
      row.searchKeys = deriveApplicationKeys(row).searchKeys;
    });
    await db.feedback.toCollection().modify((row) => {
      row.searchKeys = deriveFeedbackKeys(row).searchKeys;
    });
  });
}

export async function openDatabase(opts: OpenOptions = {}): Promise<OpenResult> {
  const name = opts.name ?? DEFAULT_DB_NAME;
  let db: HallDeskDB;
  try {
    db = new HallDeskDB(name, opts);
  } catch (error) {
    const reason = classifyOpenError(error);
    return { ok: false, reason, error, message: OPEN_FAILURE_MESSAGES[reason] };
  }
  db.on('versionchange', () => {
    db.close();
    (opts.onVersionChange ?? reloadWindow)();
    return false; // we handled it: stop Dexie's default handling
  });
  let blockedTimer: ReturnType<typeof setTimeout> | undefined;
  const blocked = new Promise<'blocked'>((resolve) => {
    db.on('blocked', () => {
      opts.onBlocked?.();
      blockedTimer ??= setTimeout(() => resolve('blocked'), opts.blockedTimeoutMs ?? 10_000);
    });
  });
  try {
    const outcome = await Promise.race([db.open().then(() => 'open' as const), blocked]);
    if (outcome === 'blocked') {
      db.close();
      return {
        ok: false,
        reason: 'blocked',
        error: new Error('upgrade blocked by another window'),
        message: OPEN_FAILURE_MESSAGES.blocked,
      };
    }
  } catch (error) {
    db.close();
    const reason = classifyOpenError(error);
    return { ok: false, reason, error, message: OPEN_FAILURE_MESSAGES[reason] };
  } finally {
    if (blockedTimer) clearTimeout(blockedTimer);
  }
  performance.mark('halldesk:db-dexie-open');
  // Dexie 4 opens a database a newer program has upgraded (downgrade) on its schema as it is:
  // fine while our stores are all there, a 'version' failure when one is missing.
  const present = new Set(Array.from(db.backendDB().objectStoreNames));
  const missing = db.tables.map((t) => t.name).filter((n) => !present.has(n));
  if (missing.length > 0) {
    const storedVersion = db.backendDB().version / 10;
    const reason: OpenFailureReason =
      storedVersion > CURRENT_SCHEMA_VERSION ? 'version' : 'corrupt';
    db.close();
    return {
      ok: false,
      reason,
      error: new Error(`missing object stores: ${missing.join(', ')}`),
      message: OPEN_FAILURE_MESSAGES[reason],
    };
  }
  // After the v5 upgrade, or while a mark says some record may lack its pinyin keys; and
  // whenever a record is saved before the pinyin module loaded (keys.ts onInitialsMissing).
  const upgraded = takePinyinBackfill();
  if (upgraded || (await db.meta.get(PINYIN_BACKFILL_META))?.value === true) {
    schedulePinyinBackfill(db, upgraded);
  }
  onInitialsMissing(() => schedulePinyinBackfill(db, true));
  // Write probe: a full disk or broken files show up at start-up, as a recovery screen, not at
  // the clerk's first submit. Relaxed durability (raw IndexedDB): this record need not survive
  // a power cut. It runs beside the first page rather than before it (it takes a good part of
  // the open time on a busy disk): the caller swaps the page for the recovery screen if it fails.
  const writable = probeWrite(db, { openedAt: new Date().toISOString() }).then(
    () => {
      performance.mark('halldesk:db-probed');
      return null;
    },
    (error: unknown): OpenFailure => {
      const reason = classifyOpenError(error);
      return { ok: false, reason, error, message: OPEN_FAILURE_MESSAGES[reason] };
    },
  );
  setActiveDb(db);
  let persistedAnswer = await queryPersisted();
  if (persistedAnswer !== null) lastPersisted = persistedAnswer;
  if (opts.requestPersistence !== false && persistedAnswer !== true) {
    // Chromium may take a while to decide: start-up does not wait for it (unless told to);
    // the answer is recorded in meta `storage.persisted` and persisted() when it comes.
    const asking = requestPersistentStorage().then(async (answer) => {
      try {
        await db.meta.put({
          key: 'storage.persisted',
          value: { persisted: answer, at: new Date().toISOString() },
        });
      } catch {
        // the database may have been closed meanwhile (reload); the answer is re-asked next start
      }
      return answer;
    });
    const wait = opts.persistWaitMs ?? 0;
    if (wait > 0) {
      persistedAnswer = await Promise.race([
        asking,
        new Promise<boolean | null>((r) => setTimeout(() => r(persistedAnswer), wait)),
      ]);
    }
  }
  return { ok: true, db, persisted: persistedAnswer, writable };
}

/** One relaxed-durability write to `meta` through raw IndexedDB (see openDatabase). */
function probeWrite(db: HallDeskDB, value: unknown): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    try {
      const tx = db.backendDB().transaction('meta', 'readwrite', { durability: 'relaxed' });
      tx.objectStore('meta').put({ key: 'storage.lastOpen', value });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('write probe failed'));
      tx.onabort = () => reject(tx.error ?? new Error('write probe aborted'));
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** Reads every object store of a database with raw IndexedDB (works when Dexie cannot open). */
async function readRawDatabase(
  name: string,
  factory: IDBFactory,
): Promise<{ tables: Record<string, unknown[]>; errors: string[] }> {
  const tables: Record<string, unknown[]> = {};
  const errors: string[] = [];
  const idb = await new Promise<IDBDatabase | null>((resolve) => {
    try {
      const req = factory.open(name); // no version: never triggers an upgrade
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => {
        errors.push(`open: ${errorMessage(req.error)}`);
        resolve(null);
      };
      req.onblocked = () => {
        errors.push('open: blocked');
        resolve(null);
      };
    } catch (e) {
      errors.push(`open: ${errorMessage(e)}`);
      resolve(null);
    }
  });
  if (!idb) return { tables, errors };
  for (const store of Array.from(idb.objectStoreNames)) {
    try {
      tables[store] = await new Promise<unknown[]>((resolve, reject) => {
        const req = idb.transaction(store, 'readonly').objectStore(store).getAll();
        req.onsuccess = () => resolve(req.result as unknown[]);
        req.onerror = () => reject(req.error ?? new Error('read failed'));
      });
    } catch (e) {
      errors.push(`${store}: ${errorMessage(e)}`);
    }
  }
  idb.close();
  return { tables, errors };
}

async function blobToDataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${blob.type || 'application/octet-stream'};base64,${btoa(bin)}`;
}

/** Replaces Blobs (attachment bytes) with data URLs so the backup is plain JSON. */
async function jsonable(value: unknown): Promise<unknown> {
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    try {
      return { $blob: await blobToDataUrl(value) };
    } catch (e) {
      return { $blobError: errorMessage(e) };
    }
  }
  if (Array.isArray(value)) return Promise.all(value.map(jsonable));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await jsonable(v);
    return out;
  }
  return value;
}

export interface ResetResult {
  /**
   * The backup of everything that could be read, sealed with the clerk's password (already
   * offered as a download): full ID numbers never leave the desk in clear text.
   */
  backup: Blob;
  fileName: string;
  /** Rows exported per table. */
  counts: Record<string, number>;
  /** What could not be read. */
  errors: string[];
  deleted: boolean;
}

/** Offers a blob as a file download in the browser (no-op elsewhere). */
export function downloadBlob(blob: Blob, fileName: string): void {
  if (typeof document === 'undefined' || typeof URL.createObjectURL !== 'function') return;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Recovery: exports every row that can still be read to a JSON backup (offered as a download
 * before anything is deleted), then deletes the local database so the desk can start afresh
 * (and re-pull from the centre). Unsent changes are in the backup's `outbox`.
 */
export async function resetLocalDatabase(opts: {
  /** The backup's password (backupPasswordProblem() says what is acceptable). */
  password: string;
  name?: string;
  indexedDB?: IDBFactory;
  download?: boolean;
}): Promise<ResetResult> {
  const name = opts.name ?? DEFAULT_DB_NAME;
  const factory = opts.indexedDB ?? (typeof indexedDB !== 'undefined' ? indexedDB : undefined);
  const errors: string[] = [];
  let tables: Record<string, unknown[]> = {};
  if (factory) {
    const raw = await readRawDatabase(name, factory);
    tables = raw.tables;
    errors.push(...raw.errors);
  } else {
    errors.push('IndexedDB unavailable');
  }
  const counts: Record<string, number> = {};
  for (const [k, rows] of Object.entries(tables)) counts[k] = rows.length;
  const doc = {
    format: 'halldesk-local-backup',
    version: 1,
    database: name,
    exportedAt: new Date().toISOString(),
    errors,
    tables: await jsonable(tables),
  };
  // Sealed before anything is deleted; a bad password throws here and nothing is lost.
  const backup = await sealBackup(
    new Blob([JSON.stringify(doc)], { type: 'application/json' }),
    opts.password,
  );
  const fileName = backupFileName();
  if (opts.download !== false) downloadBlob(backup, fileName);
  // Our own connection would block the deletion: close it first.
  closeActiveDb();
  let deleted = false;
  if (factory) {
    deleted = await new Promise<boolean>((resolve) => {
      const req = factory.deleteDatabase(name);
      req.onsuccess = () => resolve(true);
      req.onerror = () => {
        errors.push(`delete: ${errorMessage(req.error)}`);
        resolve(false);
      };
      // Another window still holds it: the deletion completes once that window closes.
      req.onblocked = () => errors.push('delete: blocked by another window');
    });
  }
  setActiveDb(null);
  return { backup, fileName, counts, errors, deleted };
}
