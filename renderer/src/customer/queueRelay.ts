// The desk's one relay of customer-screen ratings to the hall queue service (queueRating.ts with
// the real client, the live queue connection and localStorage). A desk without a counter or a
// pairing sends nothing and opens no connection; the desk's own save never waits for any of it.
import { useSyncExternalStore } from 'react';
import { HALL_PATHS, type RatingLevel } from '../../../shared/queue';
import { hallCredentials, hallRequest } from '../queue/client';
import { hallConnection } from '../queue/store';
import {
  mapRatingLevel,
  QueueRatingRelay,
  ticketForRating,
  type QueueRatingNote,
} from './queueRating';

/** The counter the counter panel last chose (CounterPanel.tsx keeps it under this key). */
const COUNTER_KEY = 'halldesk.counterNo';
/** A service that stays unreachable is asked again this often (a reconnect also retries). */
const RETRY_MS = 15_000;

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** This desk's counter when it works with the hall queue (paired, counter known), else null. */
export function deskCounterNo(): number | null {
  const creds = hallCredentials();
  if (!creds.device && !creds.managerKey) return null;
  const bound = creds.device?.device.counterNo ?? null;
  if (bound) return bound;
  const stored = Number(safeStorage()?.getItem(COUNTER_KEY));
  return Number.isInteger(stored) && stored > 0 ? stored : null;
}

const listeners = new Set<() => void>();
const relay = new QueueRatingRelay({
  send: (body) => hallRequest(HALL_PATHS.ratings, { body, auth: 'counter' }),
  storage: safeStorage(),
  onChange: () => {
    for (const l of listeners) l();
  },
  log: (message, detail) => console.warn(message, detail),
});

let unsubscribe: (() => void) | null = null;
let retryTimer: number | null = null;
let running = false;
let again = false;

async function run(): Promise<void> {
  // One flush at a time; a change during it asks for one more pass.
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      const retry = await relay.flush(hallConnection().getView().state);
      if (retry && retryTimer === null) {
        retryTimer = window.setTimeout(() => {
          retryTimer = null;
          void run();
        }, RETRY_MS);
      }
    } while (again);
  } catch (e) {
    console.warn('customer rating relay failed', e);
  } finally {
    running = false;
  }
  if (relay.pending().length === 0) {
    unsubscribe?.();
    unsubscribe = null;
  }
}

/** Follows the queue while ratings are pending. */
function watch(): void {
  if (relay.pending().length === 0) return;
  unsubscribe ??= hallConnection().subscribe(() => void run());
  void run();
}

/**
 * Keeps the queue connection live while a rating may be asked (so the ticket in service is known
 * when the customer answers). No-op on a desk without the queue.
 */
export function followQueueForRating(): () => void {
  if (deskCounterNo() === null) return () => {};
  return hallConnection().subscribe(() => {});
}

/**
 * The customer rated `app` on the customer screen: when this desk's counter has the ticket, the
 * rating goes to the queue service for it (once, when the ticket is finished). Returns the ticket
 * the clerk's note is about (null: nothing for the queue). Never throws.
 */
export function relayCustomerRating(input: {
  app: { ticketNo?: string | undefined; acceptedAt: string };
  label: string;
  offered: readonly RatingLevel[];
  reason?: string | undefined;
}): string | null {
  try {
    const counterNo = deskCounterNo();
    if (counterNo === null) return null;
    const view = hallConnection().getView();
    const ticketNo = ticketForRating(view.state, counterNo, input.app, view.clockOffsetMs);
    if (!ticketNo || !view.state) return null;
    const level = mapRatingLevel(input.label, input.offered, view.state.config.ratingLevels);
    const reason = input.reason?.trim().slice(0, 200) || undefined;
    if (!level || (level.bad && !reason)) {
      relay.setNote({
        kind: 'dropped',
        ticketNo,
        label: input.label,
        why: '评价等级与排队服务的配置不一致',
      });
      return ticketNo;
    }
    relay.add({
      ticketNo,
      counterNo,
      level: level.value,
      label: input.label,
      ...(reason ? { reason } : {}),
      at: Date.now(),
    });
    watch();
    return ticketNo;
  } catch (e) {
    console.warn('customer rating not relayed to the queue', e);
    return null;
  }
}

/** The latest note for the clerk (null = nothing to say). */
export function useQueueRatingNote(): QueueRatingNote | null {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => relay.note,
    () => relay.note,
  );
}

// Ratings left pending by an earlier session (desk closed before 完成) resume here.
watch();
