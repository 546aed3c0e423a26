// Back-off: full jitter under an exponential ceiling, capped, reset by success.
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../renderer/src/sync/backoff';

describe('Backoff', () => {
  it('doubles the ceiling per failure up to the cap', () => {
    const b = new Backoff({ baseMs: 1_000, capMs: 300_000, random: () => 0.999999 });
    const delays = Array.from({ length: 12 }, () => b.fail());
    expect(delays[0]).toBeCloseTo(1_000, -1);
    expect(delays[1]).toBeCloseTo(2_000, -1);
    expect(delays[2]).toBeCloseTo(4_000, -1);
    expect(delays[8]).toBeCloseTo(256_000, -2);
    // Capped from the 10th failure on (2^9 s = 512 s > 300 s).
    expect(delays[9]).toBeLessThanOrEqual(300_000);
    expect(delays[11]).toBeGreaterThan(299_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(300_000);
  });

  it('draws uniformly between a small floor and the ceiling (full jitter)', () => {
    let x = 0;
    const b = new Backoff({ baseMs: 1_000, capMs: 8_000, random: () => x });
    for (let i = 0; i < 4; i++) b.fail();
    expect(b.ceilingMs()).toBe(8_000);
    x = 0;
    expect(b.fail()).toBe(100);
    x = 0.5;
    expect(b.fail()).toBeCloseTo(100 + 0.5 * 7_900);
  });

  it('spreads many desks out: jittered delays are not all the same', () => {
    const delays = Array.from({ length: 200 }, () => {
      const b = new Backoff({ baseMs: 1_000, capMs: 60_000 });
      b.fail();
      b.fail();
      return b.fail();
    });
    const distinct = new Set(delays.map((d) => Math.round(d / 100)));
    expect(distinct.size).toBeGreaterThan(20);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4_000);
  });

  it('starts from the base again after a success', () => {
    const b = new Backoff({ baseMs: 1_000, capMs: 60_000, random: () => 1 });
    for (let i = 0; i < 6; i++) b.fail();
    b.succeed();
    expect(b.attempts).toBe(0);
    expect(b.fail()).toBeLessThanOrEqual(1_000);
  });

  it('never overflows for very many failures', () => {
    const b = new Backoff({ baseMs: 1_000, capMs: 300_000, random: () => 1 });
    let last = 0;
    for (let i = 0; i < 5_000; i++) last = b.fail();
    expect(last).toBe(300_000);
  });
});
