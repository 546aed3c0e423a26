// A small cache of compressed pull pages, bounded in bytes. When a hall's desks start together
// they all ask for the same pages from the start (same checkpoint, same limit): the first one
// builds and compresses the page, the others get the same bytes. Entries expire after `ttlMs`;
// what a key must contain for the page to be valid is the caller's business (pullRoute.ts).
//
// The pages live in one arena (a ring, allocated once), not each in a buffer of its own. A
// cached page lives for minutes, long enough to be promoted into V8's old generation, and only
// a major collection frees such buffers: with every page its own ~100 KB buffer, the cache's
// churn kept V8 running major collections every half second once it had filled, and an
// uncached page's CPU went from ~8 ms to 12–15 ms (bench:fleet's calibration). A page is
// written into the ring and read out as a copy, so what a reader holds never changes under it
// (a socket may still be sending it when the ring wraps over its place).

interface Entry {
  key: string;
  start: number;
  length: number;
  at: number;
}

export class PageCache {
  private readonly map = new Map<string, Entry>();
  /** Entries in the order they were written (= ring order); replaced ones are skipped. */
  private readonly order: Entry[] = [];
  private orderHead = 0;
  private arena: Buffer | null = null;
  private head = 0;
  hits = 0;
  misses = 0;
  /** Buffers the cache allocated for its pages (one arena: at most 1). */
  allocations = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly ttlMs = 60_000,
  ) {}

  /** A copy of the page under `key` if fresh; `countMiss` false for a look that another will follow. */
  get(key: string, countMiss = true): Buffer | undefined {
    const v = this.map.get(key);
    if (v === undefined || performance.now() - v.at > this.ttlMs) {
      if (v) this.map.delete(key);
      if (countMiss) this.misses++;
      return undefined;
    }
    this.hits++;
    const out = Buffer.allocUnsafe(v.length);
    this.arena!.copy(out, 0, v.start, v.start + v.length);
    return out;
  }

  /** Stores a copy of `value` (the caller may reuse its memory), evicting the oldest pages. */
  set(key: string, value: Uint8Array): void {
    if (value.length === 0 || value.length > this.maxBytes) return;
    if (!this.arena) {
      this.arena = Buffer.allocUnsafeSlow(this.maxBytes);
      this.allocations++;
    }
    this.map.delete(key);
    if (this.head + value.length > this.arena.length) {
      // Wrap: whatever lies between the head and the end is the oldest; it goes.
      this.evictWhile((e) => e.start >= this.head);
      this.head = 0;
    }
    const end = this.head + value.length;
    this.evictWhile((e) => e.start >= this.head && e.start < end);
    this.arena.set(value, this.head);
    const entry: Entry = { key, start: this.head, length: value.length, at: performance.now() };
    this.head = end;
    this.map.set(key, entry);
    this.order.push(entry);
  }

  /** Drops the oldest entries while `test` holds for them. */
  private evictWhile(test: (e: Entry) => boolean): void {
    while (this.orderHead < this.order.length && test(this.order[this.orderHead]!)) {
      const e = this.order[this.orderHead++]!;
      if (this.map.get(e.key) === e) this.map.delete(e.key);
    }
    // Compact now and then: the array's dead front is dropped in one go.
    if (this.orderHead > 1024 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
      this.orderHead = 0;
    }
  }

  /** Pages held now (expired ones included until they are looked up or overwritten). */
  get size(): number {
    return this.map.size;
  }
}
