// The sync lock: a second holder is turned away at once rather than queued.
import { describe, expect, it } from 'vitest';
import { memoryLock, webLock } from '../../../renderer/src/sync/lock';

describe('memoryLock', () => {
  it('refuses a second concurrent holder and frees after the first finishes', async () => {
    const lock = memoryLock();
    let release!: () => void;
    const first = lock.tryRun(() => new Promise<string>((r) => (release = () => r('one'))));
    expect(lock.held).toBe(true);
    expect(await lock.tryRun(async () => 'two')).toEqual({ acquired: false });
    release();
    expect(await first).toEqual({ acquired: true, value: 'one' });
    expect(await lock.tryRun(async () => 'three')).toEqual({ acquired: true, value: 'three' });
  });

  it('frees the lock when the holder throws', async () => {
    const lock = memoryLock();
    await expect(lock.tryRun(async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(lock.held).toBe(false);
  });
});

describe('webLock', () => {
  it('maps ifAvailable=null to "not acquired"', async () => {
    let busy = false;
    const fake = {
      async request(
        _name: string,
        _opts: { ifAvailable: boolean; mode: 'exclusive' },
        cb: (lock: unknown) => Promise<unknown>,
      ) {
        if (busy) return cb(null);
        busy = true;
        try {
          return await cb({});
        } finally {
          busy = false;
        }
      },
    };
    const lock = webLock(fake);
    let release!: () => void;
    const first = lock.tryRun(() => new Promise<number>((r) => (release = () => r(1))));
    expect(await lock.tryRun(async () => 2)).toEqual({ acquired: false });
    release();
    expect(await first).toEqual({ acquired: true, value: 1 });
  });
});
