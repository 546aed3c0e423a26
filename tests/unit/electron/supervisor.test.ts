// The hall-service supervisor: restarts a dying service with exponential back-off, resets the
// back-off after a healthy run, and stops cleanly (also while a start is in flight).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HallHostStatus } from '../../../shared/ipc/contract';
import { backoffDelay, Supervisor, type RunningService } from '../../../electron/supervisor';

const backoff = { initialMs: 1000, maxMs: 8000, factor: 2, resetAfterMs: 30_000 };

/** A fake service process we can kill from the test. */
function fakeService(port: number) {
  let die: (reason: string) => void = () => {};
  const exited = new Promise<string>((r) => (die = r));
  const stop = vi.fn(async () => die('stopped'));
  const service: RunningService = { port, exited, stop };
  return { service, die, stop };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('backoffDelay', () => {
  it('doubles up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(backoff, n))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });
});

describe('Supervisor', () => {
  it('restarts a service that dies, backing off between failures', async () => {
    const runs: ReturnType<typeof fakeService>[] = [];
    const start = vi.fn(async () => {
      const f = fakeService(8700);
      runs.push(f);
      return f.service;
    });
    const states: HallHostStatus[] = [];
    const sup = new Supervisor(start, { backoff, onStatus: (s) => states.push(s) });
    sup.run();
    await vi.advanceTimersByTimeAsync(0);
    expect(sup.getStatus()).toMatchObject({ state: 'running', port: 8700, restarts: 0 });

    runs[0]!.die('crash');
    await vi.advanceTimersByTimeAsync(0);
    expect(sup.getStatus()).toMatchObject({
      state: 'backoff',
      restarts: 1,
      lastError: 'exited: crash',
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(start).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(start).toHaveBeenCalledTimes(2);
    expect(sup.getStatus().state).toBe('running');

    // Dies again quickly: the next wait doubles.
    runs[1]!.die('crash again');
    await vi.advanceTimersByTimeAsync(1999);
    expect(start).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(start).toHaveBeenCalledTimes(3);
    expect(states.map((s) => s.state)).toContain('backoff');
    await sup.stop();
  });

  it('backs off when the service cannot start at all, capped at maxMs', async () => {
    const start = vi.fn(async (): Promise<RunningService> => {
      throw new Error('EADDRINUSE');
    });
    const sup = new Supervisor(start, { backoff });
    sup.run();
    // Attempts at 0, 1 s, 3 s, 7 s, 15 s, 23 s (cap 8 s).
    await vi.advanceTimersByTimeAsync(23_000);
    expect(start).toHaveBeenCalledTimes(6);
    expect(sup.getStatus()).toMatchObject({
      state: 'backoff',
      lastError: 'start failed: EADDRINUSE',
    });
    expect(sup.getStatus().nextAttemptAt! - Date.now()).toBe(8000);
    await sup.stop();
  });

  it('resets the back-off after a healthy run', async () => {
    const runs: ReturnType<typeof fakeService>[] = [];
    let failNext = 0;
    const start = vi.fn(async () => {
      if (failNext > 0) {
        failNext--;
        throw new Error('busy');
      }
      const f = fakeService(1);
      runs.push(f);
      return f.service;
    });
    const sup = new Supervisor(start, { backoff });
    failNext = 3;
    sup.run();
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000); // three failures, then it runs
    expect(sup.getStatus().state).toBe('running');
    await vi.advanceTimersByTimeAsync(60_000); // healthy for a minute
    runs[0]!.die('crash');
    await vi.advanceTimersByTimeAsync(0);
    expect(sup.getStatus().nextAttemptAt! - Date.now()).toBe(1000);
    await sup.stop();
  });

  it('stops the running service and does not restart it', async () => {
    const f = fakeService(2);
    const start = vi.fn(async () => f.service);
    const sup = new Supervisor(start, { backoff });
    sup.run();
    await vi.advanceTimersByTimeAsync(0);
    await sup.stop();
    expect(f.stop).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(start).toHaveBeenCalledOnce();
    expect(sup.getStatus()).toMatchObject({ state: 'stopped', port: null });
  });

  it('stops a service that finishes starting after stop() was called', async () => {
    const f = fakeService(3);
    let release: () => void = () => {};
    const start = vi.fn(
      () =>
        new Promise<RunningService>((resolve) => {
          release = () => resolve(f.service);
        }),
    );
    const sup = new Supervisor(start, { backoff });
    sup.run();
    const stopping = sup.stop();
    release();
    await stopping;
    await vi.advanceTimersByTimeAsync(0);
    expect(f.stop).toHaveBeenCalledOnce();
    expect(sup.getStatus().state).toBe('stopped');
  });
});
