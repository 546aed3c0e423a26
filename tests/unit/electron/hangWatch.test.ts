// A hung window is recovered after a grace period (its renderer crashed on purpose, so the crash
// path reloads it); one that answers again in time is left alone.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HangWatch } from '../../../electron/hangWatch';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('HangWatch', () => {
  it('recovers a page unresponsive for the whole grace period, once', () => {
    const recover = vi.fn();
    const w = new HangWatch(recover, 30_000);
    w.unresponsive();
    vi.advanceTimersByTime(20_000);
    w.unresponsive(); // Electron repeats the event; the clock keeps running from the first
    vi.advanceTimersByTime(9_999);
    expect(recover).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(recover).toHaveBeenCalledTimes(1);
    expect(w.waiting).toBe(false);
    vi.advanceTimersByTime(120_000);
    expect(recover).toHaveBeenCalledTimes(1);
  });

  it('leaves a page alone that answers again in time, and watches the next hang afresh', () => {
    const recover = vi.fn();
    const w = new HangWatch(recover, 30_000);
    w.unresponsive();
    vi.advanceTimersByTime(29_000);
    w.responsive();
    vi.advanceTimersByTime(60_000);
    expect(recover).not.toHaveBeenCalled();
    w.unresponsive();
    vi.advanceTimersByTime(30_000);
    expect(recover).toHaveBeenCalledTimes(1);
  });
});
