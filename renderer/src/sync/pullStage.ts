// The pull stage of a sync round: pages from the stored checkpoint until the centre has nothing
// more. The desk's own pushed versions are left out (skipOwn) only once a full pull from the
// start has completed: a first pull cut short (timeout, drop, a busy centre) keeps its place at
// the stored checkpoint and goes on WITH its own records, so a rebuilt desk gets all of them.
import { MAX_PULL_LIMIT, PULL_EXTENSIONS } from '../../../shared/protocol';
import type { SyncStore } from './store';
import type { ApiClient } from './transport';

export interface PullOptions {
  pullLimit?: number;
  /** Ask the centre to leave this device's own pushed versions out of pulls (default true). */
  skipOwnEchoes?: boolean;
}

export async function pullAll(
  client: ApiClient,
  store: SyncStore,
  o: PullOptions,
): Promise<number> {
  const limit = Math.min(o.pullLimit ?? MAX_PULL_LIMIT, MAX_PULL_LIMIT);
  // A build that understands more kinds than the checkpoint was pulled with (the centre left
  // them out for the older build) pulls from the start once, so it has them too.
  const accept = PULL_EXTENSIONS.join(',');
  if (store.pullAccept && store.restartPull && (await store.pullAccept()) !== accept)
    await store.restartPull(accept);
  let checkpoint = await store.getCheckpoint();
  // A test store without the flag keeps the old rule (a checkpoint means a completed pull).
  const fullDone =
    checkpoint !== undefined && (store.fullPullDone ? await store.fullPullDone() : true);
  const skipOwn = fullDone && o.skipOwnEchoes !== false;
  let pulled = 0;
  for (let page = 0; page < 100_000; page++) {
    const res = await client.pull(checkpoint, limit, skipOwn);
    await store.applyPullPage(res.changes, res.checkpoint);
    pulled += res.changes.length;
    if (!res.hasMore || res.checkpoint === checkpoint) break;
    checkpoint = res.checkpoint;
  }
  // Reached the end with every record included: from now on the echoes may be skipped.
  if (!fullDone) await store.markFullPullDone?.();
  return pulled;
}
