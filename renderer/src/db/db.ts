// The desk's local database (IndexedDB through Dexie): typed tables and the append-only schema chain.
import { Dexie, type EntityTable, type Table } from 'dexie';
import type {
  Application,
  AttachmentMeta,
  Draft,
  Feedback,
  OutboxEntry,
} from '../../../shared/domain/model';
import type { AuditEntry } from './audit';
import type { SupervisionNote } from '../../../shared/staff/notes';
import { deskTimeZone } from './hallZone';
import { deriveApplicationKeys, deriveFeedbackKeys } from './keys';
import { supervisionCountsMiddleware, type CountRow } from './supervisionCounts';

/** Default database name used by the app; tests pass unique names. */
export const DEFAULT_DB_NAME = 'halldesk';

/**
 * An application as stored: the schema object plus fields derived on every write so that the
 * list and searches run on indexes (see keys.ts). They are stripped again on read.
 */
export interface StoredApplication extends Application {
  /** Sortable acceptance time (fixed-width base-36 epoch ms): the list's newest-first order. */
  t: string;
  /** Multi-entry search keys, each `kind:value` + U+0001 + `t`, so one range is time-ordered. */
  searchKeys: string[];
  /** The deadline while the application is still open; absent once terminal (overdue index). */
  openDeadline?: string;
}

export interface StoredFeedback extends Feedback {
  t: string;
  searchKeys: string[];
}

/** An attachment's metadata with its bytes, kept side by side. */
export interface StoredAttachment extends AttachmentMeta {
  /** The bytes; sealed (vault.ts) when `enc` is set. */
  blob: Blob;
  enc?: 'aes-gcm-v1';
}

/** 大客户: a customer marked key, found by 户号 or ID number, with the assigned manager. */
export interface KeyCustomerRecord {
  /** `acct:<户号>` or `id:<ID number>`. */
  key: string;
  accountNo?: string;
  idNumber?: string;
  customerName: string;
  managerName: string;
  managerPhone?: string;
  markedAt: string;
  markedBy: string;
}

export interface MetaRecord {
  key: string;
  value: unknown;
}

export type SettingRecord = MetaRecord;

/** An outbox entry as stored: plus a short human summary of the change for the sync panel. */
export interface StoredOutboxEntry extends OutboxEntry {
  summary?: string;
}

export interface HallDeskDBOptions {
  /** An IDBFactory (fake-indexeddb in tests); defaults to the browser's. */
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  /**
   * Only the bench's bulk seeding passes 'relaxed'. Everything the clerk is told is saved goes
   * through a 'strict' connection: Chrome >= 121 defaults to relaxed durability, where a
   * transaction can report complete before the data is on disk (lost on a power cut).
   */
  durability?: 'strict' | 'relaxed';
}

/**
 * The schema chain. Append-only: never edit a shipped version, add a new one with an
 * `upgrade()` that migrates the data. Each entry lists only the tables it changes.
 */
export const SCHEMA_V1 = {
  applications: 'id, &appNo, acceptedAt, status, businessCode, deadline',
  drafts: 'id, updatedAt',
  attachments: 'id, applicationId, sha256',
  outbox: 'seq, &changeId, state, entityId',
  feedback: 'id, &feedbackNo, acceptedAt, status',
  customers: 'key, accountNo, idNumber',
  meta: 'key',
  settings: 'key',
} as const;

/**
 * v2: derived, time-ordered search keys and compound indexes so that every list and search
 * is a bounded index range (200,000 applications must not be loaded to show 50).
 */
export const SCHEMA_V2 = {
  applications:
    'id, &appNo, t, [status+t], [businessCode+t], deadline, [openDeadline+t], *searchKeys',
  feedback: 'id, &feedbackNo, t, status, replyDue, *searchKeys',
} as const;

/**
 * v4: the access audit trail (PIPL Art. 51, audit.ts): append-only rows, auto id, listed
 * newest first by `at` and per record by `entityId`. No data to migrate.
 */
export const SCHEMA_V4 = {
  audit: '++id, at, entityId',
} as const;

/**
 * v6: commendations and corrections (shared/staff/notes.ts), per person and by period end. No
 * data to migrate.
 */
export const SCHEMA_V6 = {
  supervisionNotes: 'id, staffNo, periodTo',
} as const;

/**
 * v7: the supervision counters per acceptance day and clerk (supervisionCounts.ts), kept with
 * every write of an application; built from the records on first use (no upgrade step: the
 * meta row is missing until then).
 */
export const SCHEMA_V7 = {
  supervisionCounts: 'key',
} as const;

export const CURRENT_SCHEMA_VERSION = 7;

export class HallDeskDB extends Dexie {
  applications!: EntityTable<StoredApplication, 'id'>;
  drafts!: EntityTable<Draft, 'id'>;
  attachments!: EntityTable<StoredAttachment, 'id'>;
  outbox!: Table<StoredOutboxEntry, number>;
  feedback!: EntityTable<StoredFeedback, 'id'>;
  customers!: EntityTable<KeyCustomerRecord, 'key'>;
  meta!: EntityTable<MetaRecord, 'key'>;
  settings!: EntityTable<SettingRecord, 'key'>;
  audit!: EntityTable<AuditEntry, 'id'>;
  supervisionNotes!: EntityTable<SupervisionNote, 'id'>;
  supervisionCounts!: EntityTable<CountRow, 'key'>;

  constructor(name: string = DEFAULT_DB_NAME, options: HallDeskDBOptions = {}) {
    super(name, {
      chromeTransactionDurability: options.durability ?? 'strict',
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
    });
    defineSchema(this, CURRENT_SCHEMA_VERSION);
    this.use(supervisionCountsMiddleware(deskTimeZone));
  }
}

let pinyinBackfillDue = false;

/** True once after an upgrade to v5 ran (the opener then adds the pinyin keys). */
export function takePinyinBackfill(): boolean {
  const due = pinyinBackfillDue;
  pinyinBackfillDue = false;
  return due;
}

/**
 * Declares the chain up to `upTo` (tests declare a v1-only database to exercise the migration).
 */
export function defineSchema(db: Pick<Dexie, 'version'>, upTo: number): void {
  db.version(1).stores(SCHEMA_V1);
  if (upTo < 2) return;
  db.version(2)
    .stores(SCHEMA_V2)
    .upgrade(async (tx) => {
      // Derive the sort and search keys for everything written by v1.
      await tx
        .table<StoredApplication, string>('applications')
        .toCollection()
        .modify((row) => {
          Object.assign(row, deriveApplicationKeys(row));
          if (row.openDeadline === undefined) delete row.openDeadline;
        });
      await tx
        .table<StoredFeedback, string>('feedback')
        .toCollection()
        .modify((row) => {
          Object.assign(row, deriveFeedbackKeys(row));
        });
    });
  if (upTo < 3) return;
  // v3: address words join the search keys (keys.ts addressKeyValues); same indexes.
  db.version(3).upgrade(async (tx) => {
    await tx
      .table<StoredApplication, string>('applications')
      .toCollection()
      .modify((row) => {
        row.searchKeys = deriveApplicationKeys(row).searchKeys;
      });
  });
  if (upTo < 4) return;
  db.version(4).stores(SCHEMA_V4);
  if (upTo < 5) return;
  // v5: serial-number keys (0002, 20261207-0002) and pinyin-initial keys join the search keys;
  // same indexes. The pinyin keys follow in the background (open.ts backfillPinyinKeys).
  db.version(5).upgrade(async (tx) => {
    pinyinBackfillDue = true;
    await tx
      .table<StoredApplication, string>('applications')
      .toCollection()
      .modify((row) => {
        row.searchKeys = deriveApplicationKeys(row).searchKeys;
      });
    await tx
      .table<StoredFeedback, string>('feedback')
      .toCollection()
      .modify((row) => {
        row.searchKeys = deriveFeedbackKeys(row).searchKeys;
      });
  });
  if (upTo < 6) return;
  db.version(6).stores(SCHEMA_V6);
  if (upTo < 7) return;
  db.version(7).stores(SCHEMA_V7);
}

/**
 * The database as an older release declared it (schema chain up to `upTo`): used by the
 * migration tests to write data the way that release did.
 */
export class LegacyHallDeskDB extends Dexie {
  constructor(name: string, upTo: number, options: HallDeskDBOptions = {}) {
    super(name, {
      chromeTransactionDurability: options.durability ?? 'strict',
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
    });
    defineSchema(this, upTo);
  }
}

let active: HallDeskDB | null = null;

/** The database the repo functions use; set by openDatabase() (or tests). */
export function activeDb(): HallDeskDB {
  if (!active) throw new Error('本地数据库尚未打开 (local database not opened)');
  return active;
}

export function setActiveDb(db: HallDeskDB | null): void {
  active = db;
}
