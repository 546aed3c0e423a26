// Renderer crash handling: reload after a crash (drafts are in IndexedDB), stop reloading in a
// crash loop, and forgive old crashes.
import { describe, expect, it } from 'vitest';
import { CrashGuard } from '../../../electron/crashGuard';

describe('CrashGuard', () => {
  it('reloads up to the limit within the window, then stops', () => {
    let t = 0;
    const g = new CrashGuard(3, 60_000, () => t);
    expect([g.recordCrash(), g.recordCrash(), g.recordCrash()]).toEqual([true, true, true]);
    t = 10_000;
    expect(g.recordCrash()).toBe(false);
  });

  it('forgets crashes older than the window', () => {
    let t = 0;
    const g = new CrashGuard(2, 60_000, () => t);
    g.recordCrash();
    g.recordCrash();
    t = 61_000;
    expect(g.recordCrash()).toBe(true);
    t = 62_000;
    expect(g.recordCrash()).toBe(true);
    t = 63_000;
    expect(g.recordCrash()).toBe(false);
  });
});
