// A real TCP proxy that plays a bad network between a desk and the central endpoint: bandwidth
// cap per direction, round-trip latency, random connection resets and "response lost after the
// server committed". Seeded, so a failing randomized run can be replayed. HTTP/1.1-aware only
// as far as needed to find request boundaries (Content-Length or chunked bodies).
import net from 'node:net';

export interface FaultOptions {
  /** Link speed in kbit/s (1 kbit = 1000 bit) each way; 0 or undefined = unlimited. */
  kbps?: number;
  /** Upload (desk → centre) speed when it differs from `kbps`. */
  kbpsUp?: number;
  /** Download (centre → desk) speed when it differs from `kbps`. */
  kbpsDown?: number;
  /** Round-trip time added by the link, in ms (half each way). */
  rttMs?: number;
  /** Probability that a request is cut by a TCP reset while it is being uploaded. */
  resetProbability?: number;
  /**
   * Probability that a request is forwarded whole but its response is swallowed and the
   * connection destroyed as soon as the server starts answering (i.e. after it committed).
   */
  dropResponseProbability?: number;
  /** When true, every connection is refused (reset at once): the endpoint is unreachable. */
  offline?: boolean;
  /** Simulate the TCP handshake costing one round trip before the first byte is carried. */
  handshake?: boolean;
}

export interface FaultProxyOptions extends FaultOptions {
  target: { host?: string; port: number };
  /** Seed for the random faults (default 1). */
  seed?: number;
}

export interface FaultProxyStats {
  /** Bytes received from the desk (requests, headers included). */
  bytesUp: number;
  /** Bytes delivered to the desk (responses, headers included). */
  bytesDown: number;
  /** HTTP requests seen (started). */
  requests: number;
  connections: number;
  resets: number;
  droppedResponses: number;
}

export interface FaultProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly stats: FaultProxyStats;
  /** Changes the faults for new traffic (already queued bytes keep their schedule). */
  setFaults(options: FaultOptions): void;
  /** Destroys every open connection (a cable pulled). */
  cutAll(): void;
  /**
   * Black-holes every open connection: nothing more is carried either way and nothing is
   * closed (a silent drop: a NAT or a radio link that forgot them). New connections work.
   */
  blackholeAll(): void;
  resetStats(): void;
  /** Points the proxy at another port (e.g. a restarted server). */
  setTarget(target: { host?: string; port: number }): void;
  close(): Promise<void>;
}

/** Small fast seeded PRNG (mulberry32): deterministic fault choices per seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One direction of the link: a token bucket (rate = kbps, burst = a few packets) that
 * serialises every connection's bytes through one shared pipe, then a fixed one-way delay.
 */
class LinkDirection {
  private freeAt = 0;
  constructor(
    private bytesPerMs: number,
    private oneWayMs: number,
  ) {}

  configure(kbps: number | undefined, rttMs: number | undefined): void {
    this.bytesPerMs = kbps && kbps > 0 ? (kbps * 1000) / 8 / 1000 : 0;
    this.oneWayMs = (rttMs ?? 0) / 2;
  }

  /** When `bytes` handed in now arrive at the other end (ms timestamp). */
  schedule(bytes: number): number {
    const now = performance.now();
    if (this.bytesPerMs <= 0) return now + this.oneWayMs;
    // Burst allowance: an idle link may carry ~4 KB at once (TCP's initial window, roughly).
    const burstMs = 4096 / this.bytesPerMs;
    const start = Math.max(now - burstMs, this.freeAt);
    this.freeAt = start + bytes / this.bytesPerMs;
    return Math.max(now, this.freeAt) + this.oneWayMs;
  }
}

/** Delivers chunks to a socket in order, each not before its due time. */
class OrderedDelivery {
  private queue: { due: number; data: Buffer; after?: () => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  constructor(private readonly write: (data: Buffer) => void) {}

  push(due: number, data: Buffer, after?: () => void): void {
    if (this.closed) return;
    this.queue.push(after ? { due, data, after } : { due, data });
    this.pump();
  }

  /** Runs `fn` once everything queued so far has been delivered. */
  then(due: number, fn: () => void): void {
    this.push(due, Buffer.alloc(0), fn);
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private pump(): void {
    if (this.timer || this.closed) return;
    const head = this.queue[0];
    if (!head) return;
    const wait = head.due - performance.now();
    if (wait > 0.5) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    this.queue.shift();
    if (head.data.length > 0) this.write(head.data);
    head.after?.();
    // Deliver everything already due in one go; yield otherwise.
    this.pump();
  }
}

/** Finds request boundaries in a client byte stream (HTTP/1.1, no pipelining assumptions). */
class RequestTracker {
  private state: 'head' | 'body' | 'chunkSize' | 'chunkData' | 'chunkTrailer' = 'head';
  private head = '';
  private remaining = 0;
  private line = '';

  constructor(
    private readonly onStart: () => void,
    private readonly onEnd: () => void,
    /** Called once the head is read, with the request's whole length (head + body, if known). */
    private readonly onHead: (totalBytes: number) => void = () => undefined,
  ) {}

  feed(data: Buffer): void {
    let i = 0;
    while (i < data.length) {
      switch (this.state) {
        case 'head': {
          if (this.head.length === 0) this.onStart();
          // Header may straddle chunks: accumulate and search the joined text.
          const slice = data.subarray(i).toString('latin1');
          const joined = this.head + slice;
          const end = joined.indexOf('\r\n\r\n');
          if (end < 0) {
            this.head = joined;
            i = data.length;
            break;
          }
          const headText = joined.slice(0, end);
          const consumedFromSlice = end + 4 - this.head.length;
          i += consumedFromSlice;
          this.head = '';
          const lower = headText.toLowerCase();
          const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower);
          this.onHead(end + 4 + (cl ? Number(cl[1]) : 0));
          if (/\r\ntransfer-encoding:[^\r]*chunked/.test(lower)) {
            this.state = 'chunkSize';
            this.line = '';
          } else if (cl && Number(cl[1]) > 0) {
            this.state = 'body';
            this.remaining = Number(cl[1]);
          } else {
            this.onEnd();
          }
          break;
        }
        case 'body': {
          const take = Math.min(this.remaining, data.length - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.state = 'head';
            this.onEnd();
          }
          break;
        }
        case 'chunkSize':
        case 'chunkTrailer': {
          const nl = data.indexOf(10, i);
          if (nl < 0) {
            this.line += data.subarray(i).toString('latin1');
            i = data.length;
            break;
          }
          this.line += data.subarray(i, nl).toString('latin1');
          i = nl + 1;
          const text = this.line.trim();
          this.line = '';
          if (this.state === 'chunkSize') {
            const size = parseInt(text.split(';')[0] ?? '0', 16);
            if (size === 0) {
              this.state = 'chunkTrailer';
            } else {
              this.remaining = size + 2; // data + CRLF
              this.state = 'chunkData';
            }
          } else if (text === '') {
            this.state = 'head';
            this.onEnd();
          }
          break;
        }
        case 'chunkData': {
          const take = Math.min(this.remaining, data.length - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = 'chunkSize';
          break;
        }
      }
    }
  }
}

const SLICE = 8 * 1024;

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let target = { host: options.target.host ?? '127.0.0.1', port: options.target.port };
  let faults: FaultOptions = { ...options };
  const random = seededRandom(options.seed ?? 1);
  const up = new LinkDirection(0, 0);
  const down = new LinkDirection(0, 0);
  const configure = (): void => {
    up.configure(faults.kbpsUp ?? faults.kbps, faults.rttMs);
    down.configure(faults.kbpsDown ?? faults.kbps, faults.rttMs);
  };
  configure();
  const stats: FaultProxyStats = {
    bytesUp: 0,
    bytesDown: 0,
    requests: 0,
    connections: 0,
    resets: 0,
    droppedResponses: 0,
  };
  const open = new Set<() => void>();
  const holes = new Set<() => void>();
  /** Black-holed connections, destroyed when the proxy closes. */
  const zombies = new Set<() => void>();

  const server = net.createServer((client) => {
    stats.connections += 1;
    client.setNoDelay(true);
    if (faults.offline) {
      stats.resets += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    let dead = false;
    const toServer = new OrderedDelivery((d) => {
      if (!upstream.destroyed) upstream.write(d);
    });
    const toClient = new OrderedDelivery((d) => {
      if (client.destroyed) return;
      stats.bytesDown += d.length;
      client.write(d);
    });
    const kill = (reset: boolean): void => {
      if (dead) return;
      dead = true;
      open.delete(killHard);
      holes.delete(blackhole);
      toServer.close();
      toClient.close();
      if (reset && !client.destroyed) client.resetAndDestroy();
      else client.destroy();
      upstream.destroy();
    };
    const killHard = (): void => kill(true);
    open.add(killHard);
    const blackhole = (): void => {
      if (dead) return;
      // Stop carrying anything; the sockets stay open until the ends give up on them.
      dead = true;
      open.delete(killHard);
      holes.delete(blackhole);
      toServer.close();
      toClient.close();
      const destroy = (): void => {
        zombies.delete(destroy);
        client.destroy();
        upstream.destroy();
      };
      zombies.add(destroy);
      client.on('close', destroy);
    };
    holes.add(blackhole);

    // Per request fault plan, drawn when the request starts.
    let resetAfterBytes = -1; // cut the upload after this many bytes of the current request
    let resetFraction = -1; // where in the request to cut, once its length is known
    let requestBytes = 0;
    let dropNextResponse = false;
    let responsePending = false;
    const tracker = new RequestTracker(
      () => {
        stats.requests += 1;
        requestBytes = 0;
        resetAfterBytes = -1;
        resetFraction = random() < (faults.resetProbability ?? 0) ? random() : -1;
      },
      () => {
        responsePending = true;
        if (random() < (faults.dropResponseProbability ?? 0)) dropNextResponse = true;
      },
      (total) => {
        // Somewhere inside this request, so the server never sees all of it.
        if (resetFraction >= 0)
          resetAfterBytes = Math.floor(resetFraction * Math.max(1, total - 1));
      },
    );

    // The handshake round trip: nothing flows before it completes.
    const handshakeDone =
      faults.handshake && faults.rttMs ? performance.now() + faults.rttMs : performance.now();

    client.on('data', (chunk: Buffer) => {
      if (dead) return;
      stats.bytesUp += chunk.length;
      for (let off = 0; off < chunk.length; off += SLICE) {
        const piece = chunk.subarray(off, off + SLICE);
        // Track the request boundaries to plan faults; resets fire at the planned byte.
        tracker.feed(piece);
        const cut = resetAfterBytes >= 0 && requestBytes + piece.length > resetAfterBytes;
        requestBytes += piece.length;
        const due = Math.max(up.schedule(piece.length), handshakeDone);
        if (cut) {
          const keep = piece.subarray(
            0,
            Math.max(0, resetAfterBytes - (requestBytes - piece.length)),
          );
          toServer.push(due, Buffer.from(keep), () => {
            stats.resets += 1;
            kill(true);
          });
          return;
        }
        toServer.push(due, Buffer.from(piece));
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (dead) return;
      if (dropNextResponse && responsePending) {
        // The server has committed and started to answer: the answer never reaches the desk.
        stats.droppedResponses += 1;
        kill(true);
        return;
      }
      responsePending = false;
      for (let off = 0; off < chunk.length; off += SLICE) {
        const piece = chunk.subarray(off, off + SLICE);
        toClient.push(down.schedule(piece.length), Buffer.from(piece));
      }
    });
    // Half-closes and errors: end the other side after queued bytes are delivered.
    upstream.on('end', () => toClient.then(performance.now(), () => client.end()));
    client.on('end', () => toServer.then(performance.now(), () => upstream.end()));
    upstream.on('error', () => kill(true));
    client.on('error', () => kill(false));
    upstream.on('close', () => toClient.then(performance.now(), () => kill(false)));
    client.on('close', () => kill(false));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  const port = address.port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stats,
    setFaults(next: FaultOptions): void {
      faults = { ...faults, ...next };
      configure();
      if (faults.offline) for (const k of [...open]) k();
    },
    cutAll(): void {
      for (const k of [...open]) k();
    },
    blackholeAll(): void {
      for (const h of [...holes]) h();
    },
    resetStats(): void {
      stats.bytesUp = 0;
      stats.bytesDown = 0;
      stats.requests = 0;
      stats.connections = 0;
      stats.resets = 0;
      stats.droppedResponses = 0;
    },
    setTarget(next: { host?: string; port: number }): void {
      target = { host: next.host ?? '127.0.0.1', port: next.port };
    },
    async close(): Promise<void> {
      for (const k of [...open]) k();
      for (const z of [...zombies]) z();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
