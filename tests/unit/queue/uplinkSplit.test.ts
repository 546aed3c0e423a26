// The hall service's uplink (server/hall/central.ts) on an HTTP 500 for a batch: it splits the
// batch, finds the one event the centre cannot take, sends it as a placeholder and goes on,
// and says so in its push report. A centre that is down (500 for everything) loses nothing.
// The centre here is a small model of the real push: contiguous ackSeq, idempotent change ids.
import { describe, expect, it } from 'vitest';
import type { Change, PushResponse } from '../../../shared/protocol';
import type { CentralPushHook, PendingEvent } from '../../../server/hall/central';
import { CentralHttpError, Outbox } from '../../../server/hall/central';

function modelCentre(poisoned: (c: Change) => boolean, down = () => false) {
  const applied = new Map<number, Change>();
  let ackSeq = 0;
  let requests = 0;
  const hook: CentralPushHook = async (changes) => {
    requests++;
    if (down() || changes.some(poisoned))
      throw new CentralHttpError(500, 'central push HTTP 500: E_INTERNAL');
    for (const c of changes) if (!applied.has(c.seq)) applied.set(c.seq, c);
    while (applied.has(ackSeq + 1)) ackSeq++;
    return { ackSeq, maxSeq: Math.max(ackSeq, ...applied.keys()), results: [] } as PushResponse;
  };
  return { hook, applied, requests: () => requests };
}

const toChange = (p: PendingEvent): Change => ({
  changeId: p.cid,
  seq: p.os,
  entity: 'queue_event',
  entityId: p.cid,
  op: 'create',
  payload: { id: p.cid, hallCode: 'H1', ev: p.ev },
});

/** Flushes until nothing is pending (the outbox's own timers may flush in between). */
async function drain(o: Outbox, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (o.pending.length > 0 && Date.now() < end) {
    await o.flush();
    await new Promise((r) => setTimeout(r, 1));
  }
}

function fill(o: Outbox, n: number): void {
  for (let i = 1; i <= n; i++) o.add({ cid: `c-${i}`, os: i, ev: { n: i } });
}

describe('hall uplink on HTTP 500', () => {
  it('splits the batch, finds the failing event, sends the rest and reports it', async () => {
    // The centre cannot store this event's content (its change id and seq are fine).
    const centre = modelCentre((c) => (c.payload as { ev?: { n?: number } }).ev?.n === 137);
    const acks: number[] = [];
    const o = new Outbox(centre.hook, (a) => acks.push(a), toChange);
    fill(o, 450);
    await drain(o);
    o.stop();
    expect(o.pending).toHaveLength(0);
    expect(o.ackSeq).toBe(450);
    expect(centre.applied.size).toBe(450);
    // Every event arrived as it was, except the one the centre could not take: a placeholder.
    expect(centre.applied.get(137)!.payload).toMatchObject({ id: 'c-137', type: 'unsendable' });
    expect(centre.applied.get(136)!.payload).toMatchObject({ ev: { n: 136 } });
    expect(o.unsendable.map((u) => u.seq)).toEqual([137]);
    expect(o.unsendableReport()).toContain('137');
    // Found in a bounded number of requests (splitting, not resending forever).
    expect(centre.requests()).toBeLessThan(40);
  });

  it('a centre that answers 500 to everything is down, not a bad event: nothing is replaced', async () => {
    let isDown = true;
    const centre = modelCentre(
      () => false,
      () => isDown,
    );
    const o = new Outbox(centre.hook, () => undefined, toChange);
    fill(o, 10);
    for (let i = 0; i < 30; i++) {
      await o.flush();
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(o.unsendable).toHaveLength(0);
    expect(o.pending).toHaveLength(10);
    expect(o.lastError).toContain('500');
    isDown = false;
    await drain(o);
    expect(o.ackSeq).toBe(10);
    for (const c of centre.applied.values())
      expect((c.payload as { type?: string }).type).toBeUndefined();
    o.stop();
  });
});
