// Desk sync engine entry points used by the app shell: placeholder until the sync work lands.
import type { ComponentType } from 'react';

/** Starts the background sync engine (idempotent). */
export function startSync(): void {}

/** Status-bar segment: offline / syncing / synced / error, pending count and age. */
export const SyncStatusIndicator: ComponentType | null = null;

/** Sync panel page (#/sync). */
export const SyncPanel: ComponentType | null = null;
