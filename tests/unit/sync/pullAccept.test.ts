// A desk whose build understands pull kinds its stored checkpoint was pulled without (the centre
// leaves later kinds out for older builds, shared/protocol PULL_EXTENSIONS) pulls from the start
// once, with its own records, and then keeps its place as before.
import { describe, expect, it } from 'vitest';
import { PULL_EXTENSIONS, type PullResponse } from '../../../shared/protocol';
import { pullAll } from '../../../renderer/src/sync/pullStage';
import type { SyncStore } from '../../../renderer/src/sync/store';
import type { ApiClient } from '../../../renderer/src/sync/transport';

function fakes(stored: { checkpoint?: string; full?: boolean; accept?: string }) {
  const calls: Array<{ checkpoint: string | undefined; skipOwn: boolean }> = [];
  const client = {
    async pull(checkpoint: string | undefined, _limit: number, skipOwn: boolean) {
      calls.push({ checkpoint, skipOwn });
      return { changes: [], checkpoint: 'cp-end', hasMore: false } satisfies PullResponse;
    },
  } as unknown as ApiClient;
  const store = {
    async getCheckpoint() {
      return stored.checkpoint;
    },
    async applyPullPage(_c: unknown, cp: string) {
      stored.checkpoint = cp;
    },
    async fullPullDone() {
      return stored.full === true;
    },
    async markFullPullDone() {
      stored.full = true;
    },
    async pullAccept() {
      return stored.accept;
    },
    async restartPull(accept: string) {
      delete stored.checkpoint;
      stored.full = false;
      stored.accept = accept;
    },
  } as unknown as SyncStore;
  return { client, store, calls, stored };
}

describe('pull accept list', () => {
  it('an upgraded desk (checkpoint pulled without the later kinds) starts over with its own records', async () => {
    const f = fakes({ checkpoint: 'cp-old', full: true });
    await pullAll(f.client, f.store, {});
    expect(f.calls[0]).toEqual({ checkpoint: undefined, skipOwn: false });
    expect(f.stored).toMatchObject({ accept: PULL_EXTENSIONS.join(','), full: true });
    // The next round goes on from its place, leaving its echoes out.
    await pullAll(f.client, f.store, {});
    expect(f.calls[1]).toEqual({ checkpoint: 'cp-end', skipOwn: true });
  });

  it('a desk already pulling with this list keeps its place', async () => {
    const f = fakes({ checkpoint: 'cp-7', full: true, accept: PULL_EXTENSIONS.join(',') });
    await pullAll(f.client, f.store, {});
    expect(f.calls).toEqual([{ checkpoint: 'cp-7', skipOwn: true }]);
  });
});
