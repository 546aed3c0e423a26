// A small LRU of compressed pull pages, bounded in bytes. When a hall's desks start together
// they all ask for the same pages from the start (same checkpoint, same limit): the first one
// builds and compresses the page, the others get the same bytes. Entries expire after `ttlMs`;
// what a key must contain for the page to be valid is the caller's business (pullRoute.ts).
export class PageCache {
  private readonly map = new Map<string, { body: Buffer; at: number }>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly ttlMs = 60_000,
  ) {}

  /** The page under `key` if fresh; `countMiss` false for a look that another will follow. */
  get(key: string, countMiss = true): Buffer | undefined {
    const v = this.map.get(key);
    if (v === undefined || performance.now() - v.at > this.ttlMs) {
      if (v) {
        this.map.delete(key);
        this.bytes -= v.body.length;
      }
      if (countMiss) this.misses++;
      return undefined;
    }
    this.hits++;
    // Most recently used goes last (Map keeps insertion order).
    this.map.delete(key);
    this.map.set(key, v);
    return v.body;
  }

  set(key: string, value: Buffer): void {
    if (value.length > this.maxBytes) return;
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.body.length;
      this.map.delete(key);
    }
    this.map.set(key, { body: value, at: performance.now() });
    this.bytes += value.length;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.map.delete(k);
      this.bytes -= v.body.length;
    }
  }

  get size(): number {
    return this.map.size;
  }
}
