// One live connection per page to the hall service's SSE stream: a snapshot, then events folded
// with the shared reducer. Components read it with useHallQueue(); the display also listens to
// each event to announce calls. EventSource resumes with Last-Event-ID after a drop.
import { useSyncExternalStore } from 'react';
import {
  HALL_PATHS,
  reduce,
  type QueueDeltaMessage,
  type QueueEvent,
  type QueueSnapshotMessage,
  type QueueState,
} from '../../../shared/queue';
import { hallBaseUrl } from './client';

export interface HallQueueView {
  state: QueueState | null;
  seq: number;
  connected: boolean;
  /** serverTime − local time at the last snapshot (ms), to show waits in the server's clock. */
  clockOffsetMs: number;
}

type EventListener = (event: QueueEvent, seq: number) => void;

class HallConnection {
  view: HallQueueView = { state: null, seq: 0, connected: false, clockOffsetMs: 0 };
  private listeners = new Set<() => void>();
  private eventListeners = new Set<EventListener>();
  private source: EventSource | null = null;
  private retryTimer: number | null = null;

  private set(patch: Partial<HallQueueView>): void {
    this.view = { ...this.view, ...patch };
    for (const l of this.listeners) l();
  }

  private connect(): void {
    if (this.source) return;
    const es = new EventSource(`${hallBaseUrl()}${HALL_PATHS.events}`);
    this.source = es;
    es.addEventListener('open', () => this.set({ connected: true }));
    es.addEventListener('snapshot', (e) => {
      const msg = JSON.parse((e as MessageEvent<string>).data) as QueueSnapshotMessage;
      this.set({
        state: msg.state,
        seq: msg.seq,
        connected: true,
        clockOffsetMs: msg.serverTime - Date.now(),
      });
    });
    es.addEventListener('queue', (e) => {
      const msg = JSON.parse((e as MessageEvent<string>).data) as QueueDeltaMessage;
      if (msg.seq <= this.view.seq || !this.view.state) return;
      this.set({ state: reduce(this.view.state, msg.event), seq: msg.seq, connected: true });
      for (const l of this.eventListeners) l(msg.event, msg.seq);
    });
    es.addEventListener('error', () => {
      this.set({ connected: false });
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. the service answered an error): reconnect ourselves.
        this.source = null;
        this.retryTimer ??= window.setTimeout(() => {
          this.retryTimer = null;
          if (this.listeners.size > 0) this.connect();
        }, 3000);
      }
    });
  }

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb);
    this.connect();
    return () => {
      this.listeners.delete(cb);
    };
  };

  getView = (): HallQueueView => this.view;

  onEvent(cb: EventListener): () => void {
    this.eventListeners.add(cb);
    this.connect();
    return () => {
      this.eventListeners.delete(cb);
    };
  }
}

let connection: HallConnection | null = null;

export function hallConnection(): HallConnection {
  connection ??= new HallConnection();
  return connection;
}

export function useHallQueue(): HallQueueView {
  const c = hallConnection();
  return useSyncExternalStore(c.subscribe, c.getView, c.getView);
}
