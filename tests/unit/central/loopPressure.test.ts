// The event loop's recent lateness (loopPressure.ts): a stall over the threshold makes it high
// for the window and no longer; a loop that stays on time never is; threshold 0 turns it off.
import { afterEach, describe, expect, it } from 'vitest';
import { LoopPressure } from '../../../server/central/loopPressure';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: the loop runs nothing else
  }
}

describe('LoopPressure', () => {
  let p: LoopPressure | null = null;
  afterEach(() => {
    p?.close();
    p = null;
  });

  it('a stall over the threshold is high during the stall and for the window after it, then not', async () => {
    // Thresholds well above what a busy test machine's loop does on its own.
    p = new LoopPressure({ thresholdMs: 150, windowMs: 300, intervalMs: 10 });
    await sleep(50);
    stall(300);
    // Still inside the stalled turn: the overdue tick counts.
    expect(p.high()).toBe(true);
    await sleep(30);
    expect(p.high()).toBe(true);
    expect(p.recentLagMs()).toBeGreaterThan(150);
    await sleep(450);
    expect(p.high()).toBe(false);
  });

  it('a loop that keeps time is not high; threshold 0 never is', async () => {
    p = new LoopPressure({ thresholdMs: 1_000, windowMs: 300, intervalMs: 10 });
    await sleep(60);
    stall(30);
    await sleep(20);
    expect(p.high()).toBe(false);
    p.close();
    p = new LoopPressure({ thresholdMs: 0 });
    stall(60);
    expect(p.high()).toBe(false);
  });
});
