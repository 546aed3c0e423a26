// The push stage of a sync round: sends the outbox in batches ordered so that a dropped link
// costs at most the batch on the wire. The first batch is small (something lands even on a
// bad line), batches then double up to a size the link carries in a few seconds, and the next
// batch starts when the previous one's body should be up (its answer still on the way), never
// all at once. Each batch's answer is recorded as it arrives: an acknowledged batch is never
// sent again. A batch the centre fails on (500) is split until the one change it cannot store
// is found; that change is parked with the reason and the rest goes through.
import type { StoreApi } from 'zustand/vanilla';
import type { OutboxEntry } from '../../../shared/domain/model';
import type { ChangeResult } from '../../../shared/protocol';
import type { SyncStatus } from './status';
import { wirePayload, type PushOutcome, type SyncStore } from './store';
import { HttpError, type ApiClient } from './transport';

export interface PushOptions {
  deviceId: string;
  /** Most changes per batch. */
  maxChanges: number;
  /** Most uncompressed JSON bytes per batch. */
  maxBytes: number;
  /** Batches in flight at once at most. */
  window: number;
  /** Changes in the first batch of a round. */
  firstBatch: number;
  /** A batch should take about this long to go up at the measured rate. */
  batchTargetMs: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Called after each answer (the status bar's counts follow). */
  onProgress?(): Promise<void>;
}

/** A change the centre could not store, found by splitting (parked with this reason). */
export const SERVER_FAILED_REASON =
  'E_INTERNAL: 中心端保存这条记录时出错（HTTP 500），已暂停发送，其余记录照常同步；请检查内容后重新发送';

type Refusal = 'shrink' | 'parked' | 'split' | 'rethrow';

/** Pushes every unsent entry; returns how many were answered (applied, conflict, rejected). */
export async function pushAll(
  client: ApiClient,
  store: SyncStore,
  status: StoreApi<SyncStatus>,
  o: PushOptions,
): Promise<number> {
  const inRound = new Set<number>();
  /** Entries sent back to the queue this round (a shrink, the untried half of a split). */
  let requeue: OutboxEntry[] = [];
  /** The highest seq taken from the outbox this round: the walk goes on after it. */
  let cursor = 0;
  const inflight = new Map<number, Promise<void>>();
  let nextId = 0;
  let size = Math.max(1, Math.min(o.firstBatch, o.maxChanges));
  // Uncompressed JSON bytes per byte on the wire, learnt from each batch.
  let ratio = 4;
  let lastStart: { at: number; bytes: number } | null = null;
  let processed = 0;
  let failure: unknown = null;
  const isolate: OutboxEntry[][] = [];
  const startCount = status.getState().pending;
  const progress = (): void =>
    status.setState({ progress: { total: Math.max(startCount, processed), done: processed } });
  progress();

  const record = async (batch: OutboxEntry[], results: ChangeResult[]): Promise<void> => {
    const outcomes = toOutcomes(batch, results);
    if (outcomes.length > 0) await store.applyPushResults(outcomes);
    processed += outcomes.length;
    progress();
    await o.onProgress?.();
  };

  const send = async (b: { batch: OutboxEntry[]; text: string }): Promise<void> => {
    try {
      const res = await client.pushRaw(
        b.text,
        (bytes) => {
          lastStart = { at: o.now(), bytes };
          if (bytes > 0) ratio = Math.max(1, b.text.length / bytes);
        },
        b.batch.length,
      );
      await record(b.batch, res.results);
      size = Math.min(o.maxChanges, size * 2);
    } catch (e) {
      const handled = e instanceof HttpError ? await handleRefusal(store, e, b.batch) : 'rethrow';
      if (handled === 'shrink') {
        requeue = [...b.batch, ...requeue].sort((x, y) => x.seq - y.seq);
        size = Math.max(1, Math.ceil(b.batch.length / 2));
      } else if (handled === 'split') {
        isolate.push(b.batch);
      } else if (handled === 'rethrow') {
        failure ??= e;
      }
    }
  };

  const race = (extraMs?: number): Promise<unknown> =>
    Promise.race([...inflight.values(), ...(extraMs !== undefined ? [o.sleep(extraMs)] : [])]);

  for (let guard = 0; guard < 100_000; guard++) {
    if (failure) break;
    if (isolate.length > 0) {
      // Finding the one bad change goes alone, one request at a time.
      if (inflight.size > 0) {
        await Promise.allSettled(inflight.values());
        continue;
      }
      const batch = isolate.shift()!;
      try {
        processed += await isolateFailing(client, store, o, batch, processed > 0, (entries) => {
          requeue = [...entries, ...requeue].sort((x, y) => x.seq - y.seq);
        });
      } catch (e) {
        failure ??= e;
      }
      progress();
      continue;
    }
    if (inflight.size >= o.window) {
      await race();
      continue;
    }
    if (inflight.size > 0 && !lastStart) {
      // The batch just started has not reported its size yet (gzip is asynchronous).
      await race(5);
      continue;
    }
    if (inflight.size > 0 && lastStart) {
      // Pipelined: the next batch goes when the previous body should be up, so that the link
      // carries one body at a time and a drop costs one batch, not every batch in flight.
      const { at, bytes } = lastStart as { at: number; bytes: number };
      const rate = client.meter.bytesPerMs();
      const wait = at + (rate ? bytes / rate : bytes / 2) - o.now();
      if (wait > 5) {
        await race(wait);
        continue;
      }
    }
    let candidates: OutboxEntry[];
    const fromRequeue = requeue.length > 0;
    if (fromRequeue) {
      candidates = requeue.splice(0, size);
    } else {
      candidates = (await store.pendingEntries(size, cursor)).filter((e) => !inRound.has(e.seq));
    }
    if (candidates.length === 0) {
      if (inflight.size === 0) break;
      await race();
      continue;
    }
    const rate = client.meter.bytesPerMs();
    const budget = rate ? Math.max(16 * 1024, rate * o.batchTargetMs * ratio) : o.maxBytes;
    const b = buildBatch(o.deviceId, candidates.slice(0, size), Math.min(o.maxBytes, budget));
    for (const e of b.batch) {
      inRound.add(e.seq);
      cursor = Math.max(cursor, e.seq);
    }
    // What the byte budget left out of a requeued batch goes first next time (from the
    // outbox, the walk simply resumes after the last one sent).
    if (fromRequeue && b.batch.length < candidates.length) {
      requeue = [...candidates.slice(b.batch.length), ...requeue];
    }
    // Marked for the panel (a crash leaves 'sending' rows, which are simply sent again).
    await store.markSending(b.batch.map((e) => e.seq));
    const id = nextId++;
    lastStart = null;
    inflight.set(
      id,
      send(b).finally(() => inflight.delete(id)),
    );
    // Yield so the request starts (and reports its size) before the next decision.
    await o.sleep(0);
  }
  await Promise.allSettled(inflight.values());
  await store.compact();
  progress();
  if (failure) throw failure;
  return processed;
}

/**
 * A batch the centre answered 500: halves are sent one at a time until the change that fails
 * is alone. It is parked (the clerk sees it in the sync panel with the reason) only when the
 * centre stored other changes meanwhile, or the change failed on its own in several rounds:
 * a centre that fails on everything is down, and its desks must not park their whole outbox.
 * Entries of halves that were not tried are released (`release`) for the normal flow.
 */
async function isolateFailing(
  client: ApiClient,
  store: SyncStore,
  o: PushOptions,
  batch: OutboxEntry[],
  storedBefore: boolean,
  release: (entries: OutboxEntry[]) => void,
): Promise<number> {
  let answered = 0;
  let otherStored = storedBefore;
  let lastError: unknown = null;
  const attempt = async (entries: OutboxEntry[]): Promise<boolean> => {
    const b = buildBatch(o.deviceId, entries, o.maxBytes);
    try {
      const res = await client.pushRaw(b.text, undefined, b.batch.length);
      const outcomes = toOutcomes(b.batch, res.results);
      if (outcomes.length > 0) await store.applyPushResults(outcomes);
      answered += outcomes.length;
      await o.onProgress?.();
      return true;
    } catch (e) {
      if (e instanceof HttpError && e.status === 500) {
        lastError = e;
        return false;
      }
      throw e;
    }
  };
  let suspect = batch;
  while (suspect.length > 1) {
    const cut = Math.ceil(suspect.length / 2);
    const half = suspect.slice(0, cut);
    const rest = suspect.slice(cut);
    if (await attempt(half)) {
      otherStored = true;
      suspect = rest;
    } else {
      release(rest);
      suspect = half;
    }
  }
  const lone = suspect[0];
  if (!lone) return answered;
  if (await attempt([lone])) return answered;
  // Rounds that never reached the centre do not count here: it has not failed on this change.
  if (otherStored || (lone.attempts ?? 0) - (lone.connectTries ?? 0) >= 3) {
    await store.park([lone.seq], SERVER_FAILED_REASON);
    return answered + 1;
  }
  throw lastError ?? new Error('push failed');
}

/**
 * A whole push was refused. Too large or invalid as a whole: halve the batch until the one
 * bad entry is alone, then park it. Cross-hall: park the named entries. 500: split to find the
 * change the centre cannot store. Else (busy, unauthorised…): not ours to fix.
 */
async function handleRefusal(
  store: SyncStore,
  e: HttpError,
  batch: OutboxEntry[],
): Promise<Refusal> {
  if (e.status === 500) return 'split';
  const bisectable = ['E_TOO_LARGE', 'E_BATCH_TOO_LARGE', 'E_BAD_REQUEST', 'E_VALIDATION'];
  if (bisectable.includes(e.code) || e.status === 413) {
    if (batch.length > 1) return 'shrink';
    await store.park(
      batch.map((b) => b.seq),
      `${e.code}: ${e.message}`,
    );
    return 'parked';
  }
  if (e.code === 'E_FORBIDDEN_HALL') {
    const ids = (e.details as { changeIds?: unknown } | undefined)?.changeIds;
    const named = new Set(Array.isArray(ids) ? ids.filter((x) => typeof x === 'string') : []);
    const bad = batch.filter((b) => named.has(b.changeId));
    const toPark = bad.length > 0 ? bad : batch.length === 1 ? batch : [];
    if (toPark.length === 0) return 'shrink';
    await store.park(
      toPark.map((b) => b.seq),
      `E_FORBIDDEN_HALL: ${e.message}`,
    );
    return 'parked';
  }
  return 'rethrow';
}

/** The wire form of an outbox entry. */
function changeJson(e: OutboxEntry): string {
  return JSON.stringify({
    changeId: e.changeId,
    seq: e.seq,
    entity: e.entity,
    entityId: e.entityId,
    op: e.op,
    payload: wirePayload(e),
  });
}

/** Takes entries in seq order until the change count or the uncompressed byte budget is hit. */
export function buildBatch(
  deviceId: string,
  entries: OutboxEntry[],
  maxBytes: number,
): { batch: OutboxEntry[]; text: string } {
  const head = `{"deviceId":${JSON.stringify(deviceId)},"changes":[`;
  let size = head.length + 2;
  const parts: string[] = [];
  const batch: OutboxEntry[] = [];
  for (const e of entries) {
    const json = changeJson(e);
    const bytes = utf8Length(json);
    if (batch.length > 0 && size + bytes + 1 > maxBytes) break;
    parts.push(json);
    batch.push(e);
    size += bytes + 1;
  }
  return { batch, text: `${head}${parts.join(',')}]}` };
}

/** UTF-8 byte length without encoding (Chinese text is 3 bytes per character). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4; // a surrogate pair: one 4-byte character
      i += 1;
    } else n += 3;
  }
  return n;
}

/** Maps the centre's per-change results to what the store records. */
export function toOutcomes(batch: OutboxEntry[], results: ChangeResult[]): PushOutcome[] {
  const bySeq = new Map(batch.map((b) => [b.changeId, b]));
  const out: PushOutcome[] = [];
  for (const r of results) {
    const entry = bySeq.get(r.changeId);
    if (!entry) continue;
    const base = { seq: entry.seq, changeId: entry.changeId };
    switch (r.status) {
      case 'applied':
        out.push({
          ...base,
          kind: 'acked',
          ...(r.serverVersion ? { serverVersion: r.serverVersion } : {}),
        });
        break;
      case 'conflict':
        out.push({
          ...base,
          kind: 'conflict',
          current: r.current,
          notApplied: r.notApplied,
          reason: r.reason,
        });
        break;
      case 'rejected':
        out.push({ ...base, kind: 'rejected', code: r.code, reason: r.reason });
        break;
      case 'duplicate': {
        // A resend whose first answer was lost: act on what the first delivery resulted in.
        const orig = r.original;
        if (orig.status === 'rejected') {
          out.push({
            ...base,
            kind: 'rejected',
            code: orig.code ?? 'E_REJECTED',
            reason: orig.reason ?? '',
          });
        } else if (orig.status === 'conflict') {
          // The first answer (a conflict) was lost: the clerk must still be told that this
          // change was not taken, even if this answer does not carry the centre's record.
          out.push({
            ...base,
            kind: 'conflict',
            ...(r.current ? { current: r.current } : {}),
            notApplied: [],
            reason: orig.reason ?? '中心已受理，本机修改未采用',
          });
        } else {
          out.push({
            ...base,
            kind: 'acked',
            ...(r.serverVersion ? { serverVersion: r.serverVersion } : {}),
          });
        }
        break;
      }
    }
  }
  return out;
}
