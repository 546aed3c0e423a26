// Desk sync entry points used by the app shell: the engine starter, the status-bar segment and
// the sync page (#/sync).
import type { ComponentType } from 'react';
import { SyncPanel as Panel } from './SyncPanel';
import { SyncStatusIndicator as Indicator } from './SyncStatusIndicator';

export { startSync, syncNow, getSyncEngine } from './runtime';
export { syncStatusStore, type SyncStatus, type SyncPhase } from './status';

/** Status-bar segment: the link to the centre and the next retry (statusView.ts). */
export const SyncStatusIndicator: ComponentType = Indicator;

/** Sync panel page (#/sync; `?centre=&hall=` prefill the enrollment). */
export const SyncPanel: ComponentType<{ query?: URLSearchParams }> = Panel;
