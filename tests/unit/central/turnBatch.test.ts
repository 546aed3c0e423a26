// TurnBatch (server/db/turnBatch.ts): the requests of one event-loop turn go to one query per
// batch, each gets its own answer, and a failed query fails only its own batch.
import { describe, expect, it } from 'vitest';
import { TurnBatch, perOwner } from '../../../server/db/turnBatch';

describe('TurnBatch', () => {
  it('answers the asks of one turn with one run per batch of `most`, in order', async () => {
    const runs: number[][] = [];
    const b = new TurnBatch<number, string>(async (qs) => {
      runs.push(qs);
      return qs.map((q) => `a${q}`);
    }, 3);
    const got = await Promise.all([1, 2, 3, 4, 5].map((q) => b.ask(q)));
    expect(got).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(runs).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    // A later turn is a new batch; a lone ask is answered too.
    expect(await b.ask(9)).toBe('a9');
    expect(runs).toHaveLength(3);
  });

  it('a failed run (thrown or rejected) fails its own batch only', async () => {
    const b = new TurnBatch<number, number>(async (qs) => {
      if (qs.includes(2)) throw new Error('boom');
      return qs;
    }, 2);
    const got = await Promise.allSettled([1, 2, 3, 4].map((q) => b.ask(q)));
    expect(got.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    const sync = new TurnBatch<number, number>((): Promise<number[]> => {
      throw new Error('at once');
    }, 2);
    await expect(sync.ask(1)).rejects.toThrow('at once');
  });

  it('perOwner makes one batcher per owner', () => {
    const of = perOwner((o: { n: number }) => ({ owner: o.n }));
    const a = { n: 1 };
    expect(of(a)).toBe(of(a));
    expect(of({ n: 1 })).not.toBe(of(a));
  });
});
