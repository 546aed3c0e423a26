// The hall queue's state and its persistence: recovery from snapshot + journal, group commit
// (decide against a pending state, one write + fsync per event-loop turn, only then publish),
// snapshots of the committed state, and the outbox to the centre. No HTTP here (service.ts).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { QueueConfig } from '../../shared/queue';
import {
  createQueueState,
  decide,
  localDay,
  maintenanceEvents,
  reduceAll,
  reduceInPlace,
  type QueueCommand,
  type QueueEvent,
  type QueueState,
} from '../../shared/queue';
import type { Change } from '../../shared/protocol';
import { Journal, JournalStorageError, type JournalEntry, type JournalFs } from './journal';
import { Outbox, type CentralPushHook, type OutboxSnapshot, type PendingEvent } from './central';

export interface SnapshotData {
  state: QueueState;
  outbox: OutboxSnapshot;
}

export interface EventEntry extends JournalEntry {
  k: 'e';
  ev: QueueEvent;
  cid: string;
  os: number;
}
interface AckEntry extends JournalEntry {
  k: 'ack';
  ackSeq: number;
}

/** Refused because the journal could not store it (answered 503 E_STORAGE, never acknowledged). */
export class StorageUnavailableError extends Error {
  readonly code = 'E_STORAGE';
}

export interface HallStoreOptions {
  dataDir: string;
  initialConfig: QueueConfig;
  clock: () => number;
  log: (line: string) => void;
  snapshotEvery: number;
  centralPush?: CentralPushHook;
  centralRetryMaxMs?: number;
  toChange: (e: PendingEvent) => Change;
  /** Called with each batch of events once it is durable (SSE broadcast). */
  onCommitted: (entries: EventEntry[]) => void;
  /** File-system calls of the journal (tests inject faults). */
  fs?: JournalFs;
}

/** Snapshots stall the event loop: they wait for a quiet second in the hall. */
const SNAPSHOT_IDLE_MS = 1000;

export type HallStore = ReturnType<typeof openHallStore>;

export function openHallStore(options: HallStoreOptions) {
  const { clock, log, snapshotEvery } = options;
  const journal = new Journal<SnapshotData>(path.resolve(options.dataDir), options.fs);
  const outbox = new Outbox(
    options.centralPush,
    (ackSeq) => {
      try {
        journal.append([{ k: 'ack', ackSeq }]);
      } catch (error) {
        // Losing an ack only means the centre sees a duplicate later (idempotent): log, go on.
        log(`could not journal central ack: ${String(error)}`);
      }
    },
    options.toChange,
    options.centralRetryMaxMs,
  );

  /** State and outbox exactly as on disk: snapshot, then the journal after it. */
  function loadFromDisk(): QueueState {
    const opened = journal.open();
    let s: QueueState = opened.snapshot?.data.state ?? createQueueState(options.initialConfig);
    outbox.restore(opened.snapshot?.data.outbox ?? { nextSeq: 1, ackSeq: 0, pending: [] });
    for (const entry of opened.entries) {
      if (entry.k === 'e') {
        const e = entry as EventEntry;
        s = reduceInPlace(s, e.ev);
        outbox.add({ cid: e.cid, os: e.os, ev: e.ev });
      } else if (entry.k === 'ack') {
        outbox.ack((entry as AckEntry).ackSeq);
      }
    }
    if (opened.corruptLines || opened.truncatedBytes) {
      log(
        `journal repaired: ${opened.corruptLines} corrupt line(s) skipped, ${opened.truncatedBytes} torn byte(s) cut`,
      );
    }
    return s;
  }

  /**
   * Two states, never sharing a mutable record: `committed` is exactly what the journal holds
   * at `journal.seq` (what clients see and what snapshots write); `pending` is committed plus
   * the events decided this turn and not yet fsync'd (what the next command is decided on, so
   * two calls in the same instant never get the same ticket). Both are updated in place.
   */
  let committed: QueueState = loadFromDisk();
  let pending: QueueState = structuredClone(committed);
  /**
   * Ticket numbers decided for an append that failed: never handed out again (the kiosk may
   * have shown one before the refusal arrived, or the line may yet surface on disk).
   */
  let burnt: { day: string; nextNo: Record<string, number> } | null = null;

  function burn(events: QueueEvent[]): void {
    for (const e of events) {
      if (e.type !== 'ticket_issued') continue;
      const n = Number(e.ticketNo.slice(e.categoryId.length));
      if (!Number.isFinite(n)) continue;
      if (burnt?.day !== e.day) burnt = { day: e.day, nextNo: {} };
      burnt.nextNo[e.categoryId] = Math.max(burnt.nextNo[e.categoryId] ?? 1, n + 1);
    }
  }

  /** Raise `s`'s next numbers past every burnt one of the same day (s is ours to mutate). */
  function skipBurnt(s: QueueState, now: number): QueueState {
    if (!burnt || (s.day || localDay(now, s.config.timeZone)) !== burnt.day) return s;
    for (const [cat, n] of Object.entries(burnt.nextNo)) {
      if ((s.nextNo[cat] ?? 1) < n) s.nextNo[cat] = n;
    }
    return s;
  }

  // ---------------------------------------------------------------- snapshots
  let closed = false;
  let snapshotPending = false;
  let lastCommitAt = 0;
  let idleTimer: NodeJS.Timeout | null = null;

  function snapshotNow(): void {
    // `committed` is the state at journal.seq exactly: nothing decided later is in it.
    journal.snapshot({ state: committed, outbox: outbox.toSnapshot() });
  }

  function scheduleSnapshot(): void {
    if (snapshotPending) return;
    snapshotPending = true;
    // After the response: the snapshot is a full state write, the ack must not wait for it.
    setImmediate(() => {
      snapshotPending = false;
      if (closed) return;
      try {
        snapshotNow();
      } catch (error) {
        log(`snapshot failed (journal still intact): ${String(error)}`);
      }
    });
  }

  /**
   * Only a journal that keeps growing without pause (5× the interval) or the daily clear
   * forces a snapshot; otherwise it waits for a quiet second.
   */
  function considerSnapshot(cleared: boolean): void {
    const n = journal.entriesSinceSnapshot;
    if (cleared || n >= snapshotEvery * 5) {
      scheduleSnapshot();
      return;
    }
    if (n < snapshotEvery || idleTimer) return;
    const check = () => {
      idleTimer = null;
      if (closed || journal.entriesSinceSnapshot < snapshotEvery) return;
      if (performance.now() - lastCommitAt >= SNAPSHOT_IDLE_MS) scheduleSnapshot();
      else {
        idleTimer = setTimeout(check, SNAPSHOT_IDLE_MS);
        idleTimer.unref();
      }
    };
    idleTimer = setTimeout(check, SNAPSHOT_IDLE_MS);
    idleTimer.unref();
  }

  // ---------------------------------------------------------------- group commit
  let buffer: QueueEvent[] = [];
  let waiters: Array<{ resolve: (seq: number) => void; reject: (e: unknown) => void }> = [];
  let flushScheduled = false;

  /** Journal (fsync) first, then advance the committed state, broadcast, queue for the centre. */
  function commitBuffered(): void {
    const events = buffer;
    buffer = [];
    if (events.length === 0) return;
    const bodies = events.map((ev, i) => ({
      k: 'e',
      ev,
      cid: randomUUID(),
      os: outbox.nextSeq + i,
    }));
    let entries: EventEntry[];
    try {
      entries = journal.append(bodies) as EventEntry[];
    } catch (error) {
      // Not on disk: these decisions never happened (their requests are refused), but the
      // ticket numbers they took stay taken.
      burn(events);
      pending = structuredClone(committed);
      if (error instanceof JournalStorageError) throw new StorageUnavailableError(error.message);
      throw error;
    }
    let cleared = false;
    for (const e of entries) {
      committed = reduceInPlace(committed, e.ev);
      outbox.add({ cid: e.cid, os: e.os, ev: e.ev });
      if (e.ev.type === 'daily_cleared') cleared = true;
    }
    options.onCommitted(entries);
    outbox.kick();
    lastCommitAt = performance.now();
    considerSnapshot(cleared);
  }

  function flush(): void {
    flushScheduled = false;
    const ws = waiters;
    waiters = [];
    try {
      commitBuffered();
    } catch (error) {
      log(`journal write failed: ${String(error)}`);
      const refusal =
        error instanceof StorageUnavailableError
          ? error
          : new StorageUnavailableError(String(error));
      for (const w of ws) w.reject(refusal);
      return;
    }
    for (const w of ws) w.resolve(journal.seq);
  }

  function submit(events: QueueEvent[]): Promise<number> {
    for (const e of events) pending = reduceInPlace(pending, e);
    buffer.push(...events);
    return new Promise<number>((resolve, reject) => {
      waiters.push({ resolve, reject });
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
  }

  /** Resolves once nothing decided is waiting for its fsync. */
  function whenDurable(): Promise<void> {
    if (buffer.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      waiters.push({ resolve: () => resolve(), reject: () => resolve() });
    });
  }

  async function execute(cmd: QueueCommand): Promise<{ seq: number; events: QueueEvent[] }> {
    const now = clock();
    const maintenance = maintenanceEvents(pending, now);
    const decision = decide(skipBurnt(reduceAll(pending, maintenance), now), cmd, now);
    if (!decision.ok) {
      if (maintenance.length > 0) await submit(maintenance);
      throw decision.error;
    }
    const seq = await submit([...maintenance, ...decision.events]);
    return { seq, events: decision.events };
  }

  /** Synchronous commit for start-up (before any request). */
  function commitNow(events: QueueEvent[]): void {
    for (const e of events) pending = reduceInPlace(pending, e);
    buffer.push(...events);
    commitBuffered();
  }

  // A brand-new hall: journal its configuration so it is durable like everything else.
  if (journal.seq === 0) {
    commitNow([{ type: 'config_changed', at: clock(), config: options.initialConfig }]);
  }
  try {
    commitNow(maintenanceEvents(committed, clock()));
  } catch (error) {
    // A full disk must not keep the hall from starting: the clear is tried again by the timer.
    log(`daily clear at start failed: ${String(error)}`);
  }
  // The uplink's centre device owns the outbox's seqs. First uplink: recorded. Another device
  // than before (enrolled again): the unsent events are renumbered for it, and the snapshot
  // makes that durable before anything is sent.
  const uplinkDevice = options.centralPush?.deviceId;
  let outboxChanged = false;
  if (uplinkDevice && outbox.deviceId !== uplinkDevice) {
    if (outbox.deviceId) {
      const n = outbox.rebase(uplinkDevice, () => randomUUID());
      log(`central uplink is now device ${uplinkDevice}: ${n} unsent event(s) renumbered`);
    } else {
      outbox.deviceId = uplinkDevice;
    }
    outboxChanged = true;
  }
  if (outboxChanged)
    snapshotNow(); // the renumbering must be durable before anything is sent
  else if (journal.entriesSinceSnapshot >= snapshotEvery) {
    try {
      snapshotNow();
    } catch (error) {
      log(`snapshot at start failed (journal still intact): ${String(error)}`);
    }
  }

  return {
    journal,
    outbox,
    /** What the journal holds (read-only for callers). */
    get state(): QueueState {
      return committed;
    },
    /** Committed + decided-but-not-yet-durable (read-only for callers). */
    get pending(): QueueState {
      return pending;
    },
    execute,
    submit,
    whenDurable,
    /** The daily clear when it is due (called by a timer). */
    maintain(): void {
      const due = maintenanceEvents(pending, clock());
      if (due.length > 0) {
        submit(due).catch((error: unknown) => log(`daily clear failed: ${String(error)}`));
      }
    },
    /** Stop: write what is decided, leave a fresh snapshot (the next start replays nothing). */
    close(): void {
      if (closed) return;
      closed = true;
      if (idleTimer) clearTimeout(idleTimer);
      if (flushScheduled) flush();
      if (journal.entriesSinceSnapshot > 0) {
        try {
          snapshotNow();
        } catch (error) {
          log(`snapshot at close failed (journal still intact): ${String(error)}`);
        }
      }
      outbox.stop();
      journal.close();
    },
  };
}
