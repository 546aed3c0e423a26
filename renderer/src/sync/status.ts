// The sync engine's observable state for the UI (status bar, sync panel): a small zustand store
// holding session state only; the outbox rows themselves are read from Dexie with live queries.
import { createStore } from 'zustand/vanilla';

/**
 * unconfigured: no endpoint/enrollment yet; offline: the endpoint did not answer the health
 * check; syncing: a round is running; synced: the last round finished with nothing left to
 * send; error: the endpoint answered but refused (auth, server error) or items are parked.
 */
export type SyncPhase = 'unconfigured' | 'offline' | 'syncing' | 'synced' | 'error';

export interface SyncProgress {
  /** Entries to send when the round started. */
  total: number;
  /** Entries acknowledged (applied, duplicate, conflict or rejected) so far this round. */
  done: number;
}

/**
 * The attachment lane (uploads run beside the record rounds, never holding them back).
 * idle: nothing to upload; uploading; retrying: a transfer failed and is being resumed while
 * the centre answers; offline: the centre does not answer; waitingHours: outside the hours the
 * outlet set for attachments; error: a transfer keeps failing (lastError says why).
 */
export interface UploadProgress {
  state: 'idle' | 'uploading' | 'retrying' | 'offline' | 'waitingHours' | 'error';
  /** Scans of this backlog (uploaded in this backlog + waiting). */
  filesTotal: number;
  filesDone: number;
  bytesTotal: number;
  bytesDone: number;
  /** Measured upload rate (bytes per second), null before the first chunk. */
  rateBytesPerSec: number | null;
  /** Estimated time left at that rate. */
  etaMs: number | null;
  /** The application whose scans go up now. */
  currentApplicationId: string | null;
  /** Epoch ms when the attachment hours open again (state waitingHours). */
  resumeAt: number | null;
  lastError: string | null;
}

export const idleUploads: UploadProgress = {
  state: 'idle',
  filesTotal: 0,
  filesDone: 0,
  bytesTotal: 0,
  bytesDone: 0,
  rateBytesPerSec: null,
  etaMs: null,
  currentApplicationId: null,
  resumeAt: null,
  lastError: null,
};

export interface SyncStatus {
  phase: SyncPhase;
  /** ISO time of the last round that reached the centre and finished. */
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  /** Outbox entries not yet acknowledged (pending or sending). */
  pending: number;
  /** ISO creation time of the oldest unacknowledged entry. */
  oldestPendingAt: string | null;
  /** Entries parked because the centre rejected them. */
  rejected: number;
  /** A short Chinese message for the last failure (shown once, not as a toast storm). */
  lastError: string | null;
  /** Stable code of the last failure (e.g. `unreachable`, `unauthorized`). */
  lastErrorCode: string | null;
  /** Epoch ms of the next scheduled attempt (back-off or timer). */
  nextAttemptAt: number | null;
  /** Rounds that failed in a row (0 after a success): the tries the status bar shows. */
  failedRounds: number;
  progress: SyncProgress | null;
  /** Attachments whose bytes still have to go up (the status bar shows them beside `pending`). */
  uploadsWaiting: number;
  uploads: UploadProgress;
}

export const initialSyncStatus: SyncStatus = {
  phase: 'unconfigured',
  lastSuccessAt: null,
  lastAttemptAt: null,
  pending: 0,
  oldestPendingAt: null,
  rejected: 0,
  lastError: null,
  lastErrorCode: null,
  nextAttemptAt: null,
  failedRounds: 0,
  progress: null,
  uploadsWaiting: 0,
  uploads: idleUploads,
};

export type SyncStatusStore = ReturnType<typeof createSyncStatusStore>;

export function createSyncStatusStore(initial: SyncStatus = initialSyncStatus) {
  return createStore<SyncStatus>()(() => ({ ...initial }));
}

/** The app-wide store the engine started by `startSync()` writes into. */
export const syncStatusStore = createSyncStatusStore();
