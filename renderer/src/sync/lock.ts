// "Only one window syncs": a named exclusive lock. Web Locks in the browser (released by the
// browser if the window dies), an in-process lock for Node tests.

export interface SyncLock {
  /**
   * Runs `fn` while holding the lock. If another holder has it, returns `{ acquired: false }`
   * at once instead of queueing: a second window simply skips its round.
   */
  tryRun<T>(fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }>;
}

export const SYNC_LOCK_NAME = 'halldesk-sync';
/** The attachment lane's lock: one window uploads scans, beside whichever runs the rounds. */
export const UPLOAD_LOCK_NAME = 'halldesk-sync-uploads';

interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable: boolean; mode: 'exclusive' },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>;
}

/** The browser's Web Locks, shared by every window of the same origin. */
export function webLock(locks: LockManagerLike, name = SYNC_LOCK_NAME): SyncLock {
  return {
    async tryRun<T>(fn: () => Promise<T>) {
      let out: { acquired: true; value: T } | { acquired: false } = { acquired: false };
      await locks.request(name, { ifAvailable: true, mode: 'exclusive' }, async (lock) => {
        if (lock === null) return;
        out = { acquired: true, value: await fn() };
      });
      return out;
    },
  };
}

/** A lock living in this process only; tests share one instance between "windows". */
export function memoryLock(): SyncLock & { readonly held: boolean } {
  let held = false;
  return {
    get held() {
      return held;
    },
    async tryRun<T>(fn: () => Promise<T>) {
      if (held) return { acquired: false as const };
      held = true;
      try {
        return { acquired: true as const, value: await fn() };
      } finally {
        held = false;
      }
    },
  };
}

/** Web Locks when the platform has them, else a per-window lock (single-window fallback). */
export function defaultLock(name = SYNC_LOCK_NAME): SyncLock {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  if (nav?.locks) return webLock(nav.locks, name);
  return memoryLock();
}
