// Raw rows from PostgreSQL without the driver decoding them: `COPY (SELECT …) TO STDOUT (FORMAT
// binary)` run as a pg "submittable", its CopyData bytes kept as bytes. A text column arrives
// as its UTF-8 bytes, so a pull page (about 1 MB of stored record text) goes from the socket to
// the compressor without becoming a JavaScript string (decoding it, re-encoding it and the
// garbage collection of megabyte strings were most of an uncached page's CPU).
//
// The bytes land in buffers borrowed from a small pool and given back once the caller has used
// them: a fresh megabyte buffer per page is memory outside V8's heap, and allocating ~7 MB of it
// per page (the driver's growing receive buffer, copies, the composed page) kept V8 running
// major collections back to back (about two thirds of an uncached page's CPU on the bench).
//
// COPY takes no bind parameters: callers inline only values they have checked (integers,
// booleans, UUIDs) — see sqlInt/sqlBool/sqlUuid below.

/**
 * Reusable byte buffers. `take` hands out a buffer of at least `min` bytes (a kept one when one
 * is big enough), `give` takes it back; at most `keep` are kept, so the pool's memory is bounded
 * by how many pages are built at once (admission control bounds that), not by traffic.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  allocations = 0;

  constructor(
    private readonly keep = 8,
    private readonly minSize = 256 * 1024,
  ) {}

  take(min: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      if (b.length >= min && (best < 0 || b.length < this.free[best]!.length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    this.allocations++;
    let size = this.minSize;
    while (size < min) size *= 2;
    return Buffer.allocUnsafe(size);
  }

  give(b: Buffer): void {
    if (this.free.length < this.keep) {
      this.free.push(b);
      return;
    }
    // Full: keep the bigger ones (pages only grow up to the page limit).
    let smallest = 0;
    for (let i = 1; i < this.free.length; i++) {
      if (this.free[i]!.length < this.free[smallest]!.length) smallest = i;
    }
    if (this.free[smallest]!.length < b.length) this.free[smallest] = b;
  }
}

/** The pool pull pages are received and composed in (one process-wide: pages share it). */
export const pagePool = new BufferPool();

/** Bytes appended into a buffer from a pool, growing (by taking a bigger one) when needed. */
export class PooledBytes {
  buf: Buffer;
  length = 0;

  constructor(
    private readonly pool: BufferPool,
    sizeHint = 0,
  ) {
    this.buf = pool.take(sizeHint);
  }

  append(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  appendText(s: string): void {
    this.reserve(s.length * 3);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = this.pool.take(this.length + n);
    this.buf.copy(bigger, 0, 0, this.length);
    this.pool.give(this.buf);
    this.buf = bigger;
  }

  /** The bytes so far: a view, valid until `release`. */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  release(): void {
    this.pool.give(this.buf);
    this.buf = Buffer.alloc(0);
    this.length = 0;
  }
}

/** The part of pg's Connection a submittable uses. */
interface PgConnection {
  query(text: string): void;
}

/**
 * A query object pg's Client accepts (`client.query(submittable)`): the client sends it with
 * `submit` and forwards the backend's messages to the handle* methods until ReadyForQuery.
 */
export class CopyOutBinary {
  private error: Error | null = null;
  private settled = false;
  /** Resolves with the whole COPY output in `bytes` (the caller releases it). */
  readonly done: Promise<PooledBytes>;
  private resolve!: (b: PooledBytes) => void;
  private reject!: (e: Error) => void;

  constructor(
    private readonly text: string,
    private readonly bytes: PooledBytes,
  ) {
    this.done = new Promise<PooledBytes>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    // The chunk is a view into the driver's receive buffer, which it reuses: copy it out.
    this.bytes.append(msg.chunk);
  }

  handleError(err: Error): void {
    this.error ??= err;
    // After a backend error ReadyForQuery follows; after a broken connection nothing does.
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  // Messages a COPY does not send, or that need nothing here.
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.error) this.reject(this.error);
    else this.resolve(this.bytes);
  }
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Splits PostgreSQL's binary COPY format into rows of raw field bytes (null for NULL). */
export function parseBinaryCopy(buf: Buffer): Array<Array<Buffer | null>> {
  if (buf.length < 19 || !buf.subarray(0, 11).equals(SIGNATURE)) {
    throw new Error('COPY BINARY: bad signature');
  }
  let at = 11 + 4; // signature, flags
  at += 4 + buf.readUInt32BE(at); // header extension
  const rows: Array<Array<Buffer | null>> = [];
  for (;;) {
    const n = buf.readInt16BE(at);
    at += 2;
    if (n === -1) return rows;
    const row: Array<Buffer | null> = [];
    for (let i = 0; i < n; i++) {
      const len = buf.readInt32BE(at);
      at += 4;
      if (len === -1) {
        row.push(null);
      } else {
        if (at + len > buf.length) throw new Error('COPY BINARY: truncated');
        row.push(buf.subarray(at, at + len));
        at += len;
      }
    }
    rows.push(row);
  }
}

/** An integer for inlining into SQL (COPY has no parameters); anything else is refused. */
export function sqlInt(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${String(n)}`);
  return String(n);
}

export function sqlBool(b: boolean): string {
  return b ? 'true' : 'false';
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function sqlUuid(s: string): string {
  if (!UUID_RE.test(s)) throw new Error('not a uuid');
  return `'${s}'::uuid`;
}
