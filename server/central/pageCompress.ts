// Pull pages compressed off the event loop, in a worker thread. A 1,000-record page takes a few
// milliseconds of brotli; on a Monday morning four of them finished in the same loop iteration
// and every request that arrived meanwhile (a /health among them) waited for all of them
// (bench:fleet's start: iterations of 80–100 ms, compression the largest named share). One
// thread of our own, not the libuv pool: zlib's asynchronous API cuts a page into 16 KB chunks
// and calls back into the loop for each, which cost the loop more than the compression it moved.
// A page goes over once (its bytes transferred, not copied twice) and comes back once.
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';

/**
 * Compression levels, chosen for CPU: a 1,000-record page is ~0.95 MB of JSON. Measured on the
 * bench's varied records: brotli 1 takes 2.9 ms → 93 KB, brotli 4 7.8 ms → 93 KB; gzip 2 4.8 ms
 * → 107 KB, gzip 6 7.5 ms → 97 KB. Higher levels buy nothing worth the CPU that runs out first.
 */
export const BROTLI_QUALITY = 1;
export const GZIP_LEVEL = 2;

export type Encoding = 'br' | 'gzip' | 'identity';

/** Below this many bytes a page is compressed on the loop: the hop would cost more. */
export const OFF_LOOP_BYTES = 64 * 1024;

/** zlib's options for a page of `size` bytes: one place for both the loop and the thread. */
function zlibOptions(enc: 'br' | 'gzip', size: number): zlib.BrotliOptions | zlib.ZlibOptions {
  if (enc === 'gzip') return { level: GZIP_LEVEL };
  return {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
    },
  };
}

/**
 * Compresses on the calling thread, synchronously. The result never shares memory with `raw`
 * (a page is composed in pooled memory that is reused as soon as the caller returns).
 */
export function compressPage(raw: Uint8Array, enc: Encoding): Buffer {
  if (enc === 'br') return zlib.brotliCompressSync(raw, zlibOptions(enc, raw.length));
  if (enc === 'gzip') return zlib.gzipSync(raw, zlibOptions(enc, raw.length));
  return Buffer.from(raw);
}

// The worker: plain JavaScript (it runs the same under tsx, the built endpoint and tests).
const WORKER_CODE = String.raw`
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', (m) => {
  try {
    const raw = new Uint8Array(m.ab);
    // The options come with the page (zlibOptions): the levels live in one place.
    const out = m.enc === 'br' ? zlib.brotliCompressSync(raw, m.opts) : zlib.gzipSync(raw, m.opts);
    // A result that is a view into a larger buffer is copied out: only whole buffers transfer.
    const ab = out.byteOffset === 0 && out.buffer.byteLength === out.length
      ? out.buffer
      : out.buffer.slice(out.byteOffset, out.byteOffset + out.length);
    parentPort.postMessage({ id: m.id, ok: true, ab }, [ab]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: String(e && e.message || e) });
  }
});
`;

interface Pending {
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * A small set of compression threads (default one: the loop keeps the other core). A thread that
 * dies fails only its pages in flight and is replaced on the next page; after `close`, pages are
 * compressed on the loop.
 */
export class PageCompressor {
  private readonly threads: Array<Thread | null>;
  private next = 0;
  private id = 0;
  private closed = false;
  /** Pages compressed off the loop, and threads that died (for metrics and tests). */
  offLoop = 0;
  deaths = 0;

  constructor(threads = 1) {
    this.threads = Array.from({ length: Math.max(1, threads) }, () => null);
  }

  /**
   * The page compressed in `enc`. Copies `raw` before returning (the caller may reuse its memory
   * at once); small pages and `identity` are done here, synchronously.
   */
  compress(raw: Uint8Array, enc: Encoding): Promise<Buffer> {
    if (enc === 'identity' || raw.length < OFF_LOOP_BYTES || this.closed) {
      return Promise.resolve(compressPage(raw, enc));
    }
    const ab = new ArrayBuffer(raw.length);
    new Uint8Array(ab).set(raw);
    const k = this.next++ % this.threads.length;
    const t = this.threads[k] ?? this.start(k);
    const id = ++this.id;
    this.offLoop++;
    return new Promise<Buffer>((resolve, reject) => {
      t.pending.set(id, { resolve, reject });
      t.worker.postMessage({ id, enc, ab, opts: zlibOptions(enc, raw.length) }, [ab]);
    });
  }

  private start(k: number): Thread {
    const worker = new Worker(WORKER_CODE, { eval: true });
    const t: Thread = { worker, pending: new Map() };
    worker.on('message', (m: { id: number; ok: boolean; ab?: ArrayBuffer; error?: string }) => {
      const p = t.pending.get(m.id);
      t.pending.delete(m.id);
      if (!p) return;
      if (m.ok && m.ab) p.resolve(Buffer.from(m.ab));
      else p.reject(new Error(`page compression failed: ${m.error ?? 'unknown'}`));
    });
    const died = (why: string) => {
      if (this.threads[k] !== t) return;
      this.threads[k] = null;
      if (!this.closed) this.deaths++;
      for (const p of t.pending.values()) p.reject(new Error(`page compression thread ${why}`));
      t.pending.clear();
    };
    worker.on('error', (e) => died(`failed: ${e.message}`));
    worker.on('exit', (code) => died(`exited (${code})`));
    // Idle threads do not keep the process alive (close() ends them on shutdown anyway).
    worker.unref();
    this.threads[k] = t;
    return t;
  }

  /** Ends the threads; pages in flight fail, later pages are compressed on the loop. */
  async close(): Promise<void> {
    this.closed = true;
    const live = this.threads.filter((t): t is Thread => t !== null);
    await Promise.all(live.map((t) => t.worker.terminate()));
  }

  /** For tests: ends thread `k` as a crash would. */
  async killThread(k = 0): Promise<void> {
    const t = this.threads[k];
    if (t) await t.worker.terminate();
  }
}
