// bench:fleet's virtual desks: one object per enrolled device doing what the desk's sync engine
// does, over real HTTP with its own keep-alive agent: a round is health (beside the work), push
// of the outbox, paged pull from the stored checkpoint (limit 1,000; skipOwn only once a full
// pull from the start has completed), access-log upload; timeouts as the engine's ApiClient
// (30 s + 1 ms per 2 bytes of body, health 10 s); a failed round waits the engine's Backoff
// (full jitter) or the Retry-After the endpoint sent, whichever is longer. Pages are decoded in a
// worker thread, once per distinct body, so that the generator's own event loop and CPU do not
// inflate the latencies measured;
// the desks themselves are spread over several generator processes (fleetGen.ts).
import crypto from 'node:crypto';
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { Backoff } from '../../renderer/src/sync/backoff';
import { makeApplicationNo } from '../../shared/domain/appNumber';
import { fleetResidentId } from './fleetData';
import { emptyCounters, type DeskCounters } from './fleetStats';
import type { Application } from '../../shared/domain/model';
import { initialHistory } from '../../shared/domain/workflow';
import type { AuditRecord, PushResponse } from '../../shared/protocol';
import { MAX_PULL_LIMIT, paths } from '../../shared/protocol';

const gzip = promisify(zlib.gzip);

export interface FleetStats extends DeskCounters {
  t0: number;
  /** Latencies are recorded while true (the run), not during the drain after it. */
  recording: boolean;
}

export function newStats(): FleetStats {
  return { t0: performance.now(), recording: true, ...emptyCounters() };
}

class RoundFailed extends Error {
  constructor(
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- page decoding worker

const WORKER_CODE = String.raw`
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', (msg) => {
  try {
    const buf = Buffer.from(msg.buf);
    const raw = msg.enc === 'br' ? zlib.brotliDecompressSync(buf)
      : msg.enc === 'gzip' ? zlib.gunzipSync(buf) : buf;
    // The desk parses the page (its own CPU, on its own PC); 500 desks share the bench's two
    // cores with the endpoint, so only what the bench needs is read: each application's id and
    // serverVersion (jsonb text starts every object with "id"; serverVersion is top-level only),
    // the checkpoint and hasMore.
    // latin1: one char per byte, no UTF-8 decoding of a megabyte of Chinese text (it was the
    // decoder's largest cost); every value read here (ids, numbers, the checkpoint) is ASCII.
    const text = raw.toString('latin1');
    const apps = [];
    const start = /"kind":\s?"application",\s?"seq":\s?\d+,\s?"record":\s?\{"id":\s?"([0-9a-f-]{36})"/g;
    const version = /"serverVersion":\s?(\d+)/g;
    let m;
    let n = 0;
    while ((m = start.exec(text))) {
      version.lastIndex = start.lastIndex;
      const v = version.exec(text);
      apps.push(m[1], v ? Number(v[1]) : -1);
      n++;
    }
    const tail = /"checkpoint":\s?"([^"]*)",\s?"hasMore":\s?(true|false)\}$/.exec(text);
    if (!tail) throw new Error('page without checkpoint');
    parentPort.postMessage({ id: msg.id, ok: true, apps, checkpoint: tail[1],
      hasMore: tail[2] === 'true', n });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, error: String(e) });
  }
});
`;

interface Decoded {
  apps: Array<string | number>;
  checkpoint: string;
  hasMore: boolean;
  n: number;
}

/** Decoded pages remembered by content (a page's result is ~1,000 ids and versions). */
const MEMO_PAGES = 2_000;

export class PageDecoder {
  private readonly workers: Worker[];
  private readonly memo = new Map<string, Promise<Decoded>>();
  private next = 0;
  private id = 0;
  private readonly pending = new Map<
    number,
    { resolve: (d: Decoded) => void; reject: (e: Error) => void }
  >();

  constructor(threads: number) {
    this.workers = Array.from({ length: threads }, () => {
      const w = new Worker(WORKER_CODE, { eval: true });
      w.on('message', (m: { id: number; ok: boolean; error?: string } & Decoded) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (!p) return;
        if (m.ok) p.resolve(m);
        else p.reject(new Error(m.error));
      });
      w.unref();
      return w;
    });
  }

  /**
   * Decodes a page, once per distinct body: the desks of a hall are sent byte-identical pages
   * (the endpoint's shared page cache), and identical bytes decode to identical content. On the
   * desks' own PCs each would parse its copy; here 500 desks share the endpoint's two cores, and
   * decoding every copy again made the generators use half the CPU of the storm, which the bench
   * then counted as the endpoint's latency.
   */
  decode(buf: Buffer, enc: string): Promise<Decoded> {
    const key = `${enc}:${crypto.createHash('sha1').update(buf).digest('base64')}`;
    const known = this.memo.get(key);
    if (known) return known;
    const p = this.decodeNow(buf, enc);
    if (this.memo.size >= MEMO_PAGES) this.memo.delete(this.memo.keys().next().value as string);
    this.memo.set(key, p);
    p.catch(() => this.memo.delete(key));
    return p;
  }

  private decodeNow(buf: Buffer, enc: string): Promise<Decoded> {
    const id = ++this.id;
    const w = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
      w.postMessage({ id, buf: copy, enc }, [copy as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

// ---------------------------------------------------------------- one virtual desk

export interface DeskCreds {
  deviceId: string;
  token: string;
  hallCode: string;
  endpoint: string;
}

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Sent on a new connection (else on a kept-alive one). */
  fresh: boolean;
}

export class VirtualDesk {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private readonly url: URL;
  private readonly backoff = new Backoff({ baseMs: 1_000, capMs: 5 * 60_000 });
  checkpoint: string | undefined;
  /** A full pull from the start has completed: from then on skipOwn=1 (the engine's fix). */
  fullPullDone = false;
  firstPullDoneMs: number | null = null;
  /**
   * What the desk applied to its view of the hall, in order: decoded pages (shared by the hall's
   * desks: PageDecoder) and single versions from push results. The view (application id →
   * serverVersion) is built from it when asked, after the run: writing every desk's 4,000
   * records into a map of its own as they came was a second of the generators' CPU (and their
   * collections) in the storm's first 10 s, taken from the endpoint they share the cores with.
   */
  private readonly applied: Array<Decoded | readonly [string, number]> = [];

  /** The desk's view of its hall: application id → serverVersion. */
  get view(): Map<string, number> {
    const view = new Map<string, number>();
    for (const a of this.applied) {
      if (!('apps' in a)) view.set(a[0], a[1]);
      else
        for (let i = 0; i < a.apps.length; i += 2)
          view.set(a.apps[i] as string, a.apps[i + 1] as number);
    }
    return view;
  }
  /** Changes not yet acknowledged, in seq order. */
  outbox: Array<{ changeId: string; seq: number; app: Application }> = [];
  /** changeId → application id, every change the centre acknowledged. */
  readonly acked = new Map<string, string>();
  private nextSeq = 1;
  private nextAudit = 1;
  private audit: AuditRecord[] = [];
  private appCounter = 0;

  constructor(
    readonly creds: DeskCreds,
    readonly deskCode: string,
    private readonly stats: FleetStats,
    private readonly decoder: PageDecoder,
  ) {
    this.url = new URL(creds.endpoint);
  }

  /** A clerk accepts an application: saved with its outbox entry and an access-log row. */
  accept(): void {
    this.appCounter++;
    const app = makeDeskApplication(this.creds.hallCode, this.deskCode, this.appCounter);
    this.outbox.push({ changeId: crypto.randomUUID(), seq: this.nextSeq++, app });
    this.audit.push({
      localId: this.nextAudit++,
      at: new Date().toISOString(),
      actor: '柜员',
      action: 'create',
      entity: 'application',
      entityId: app.id,
      label: app.appNo,
    });
  }

  private request(
    method: string,
    path: string,
    opts: { body?: Buffer; gzipped?: boolean; timeoutMs: number },
  ): Promise<Raw> {
    return new Promise<Raw>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {
        accept: 'application/json',
        // What Chromium sends.
        'accept-encoding': 'gzip, deflate, br',
      };
      if (path !== paths.apiHealth) headers.authorization = `Bearer ${this.creds.token}`;
      if (opts.body) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(opts.body.length);
        if (opts.gzipped) headers['content-encoding'] = 'gzip';
      }
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              fresh,
            });
          });
          res.on('error', (e) => {
            clearTimeout(timer);
            reject(e);
          });
        },
      );
      let fresh = false;
      req.on('socket', (socket) => {
        fresh = socket.connecting;
        // A new connection (keep-alive reuses the others): how long the handshake took.
        if (!socket.connecting) return;
        const t = performance.now();
        socket.once('connect', () => {
          if (this.stats.recording) this.stats.connect.push(performance.now() - t);
        });
      });
      const timeout = opts.timeoutMs + (opts.body ? opts.body.length / 2 : 0);
      const timer = setTimeout(() => {
        this.stats.timeouts++;
        req.destroy(new Error('timeout'));
      }, timeout);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end(opts.body);
    });
  }

  /** A request whose failure ends the round (network, timeout, any error status). */
  private async call(
    method: string,
    path: string,
    opts: { body?: Buffer; gzipped?: boolean; timeoutMs: number },
    latencies?: number[],
  ): Promise<Raw> {
    const t = performance.now();
    let r: Raw;
    try {
      r = await this.request(method, path, opts);
    } catch (e) {
      this.stats.networkErrors++;
      throw new RoundFailed(`network: ${(e as Error).message}`);
    }
    if (this.stats.recording && latencies) {
      const ms = performance.now() - t;
      latencies.push(ms);
      if (latencies === this.stats.health)
        (r.fresh ? this.stats.healthFresh : this.stats.healthKept).push(ms);
    }
    if (r.status >= 200 && r.status < 300) return r;
    if (r.status >= 500) this.stats.errors5xx++;
    if (r.status === 429) this.stats.status429++;
    let code = `HTTP_${r.status}`;
    try {
      code = (JSON.parse(this.plain(r).toString('utf8')) as { error: { code: string } }).error.code;
    } catch {
      // not JSON
    }
    this.stats.refused[code] = (this.stats.refused[code] ?? 0) + 1;
    const ra = Number(r.headers['retry-after']);
    throw new RoundFailed(`${r.status} ${code}`, Number.isFinite(ra) ? ra * 1000 : 0);
  }

  private plain(r: Raw): Buffer {
    const enc = r.headers['content-encoding'];
    if (enc === 'br') return zlib.brotliDecompressSync(r.body);
    if (enc === 'gzip') return zlib.gunzipSync(r.body);
    return r.body;
  }

  private async json<T>(method: string, path: string, body: unknown, lat?: number[]): Promise<T> {
    const raw = Buffer.from(JSON.stringify(body), 'utf8');
    const big = raw.length >= 1024;
    const r = await this.call(
      method,
      path,
      { body: big ? await gzip(raw) : raw, gzipped: big, timeoutMs: 30_000 },
      lat,
    );
    return JSON.parse(this.plain(r).toString('utf8')) as T;
  }

  /** One round of the engine; throws RoundFailed. */
  async round(): Promise<void> {
    const health = this.call('GET', paths.apiHealth, { timeoutMs: 10_000 }, this.stats.health).then(
      () => null,
      (e: unknown) => e,
    );
    // Push: the outbox in batches (the engine's batches are bigger; these outboxes are small).
    while (this.outbox.length > 0) {
      const batch = this.outbox.slice(0, 200);
      const res = await this.json<PushResponse>(
        'POST',
        paths.push,
        {
          deviceId: this.creds.deviceId,
          changes: batch.map((e) => ({
            changeId: e.changeId,
            seq: e.seq,
            entity: 'application',
            entityId: e.app.id,
            op: 'create',
            payload: e.app,
          })),
        },
        this.stats.push,
      );
      for (const r of res.results) {
        const e = batch.find((b) => b.changeId === r.changeId);
        if (!e) continue;
        const ok =
          r.status === 'applied' || (r.status === 'duplicate' && r.original.status === 'applied');
        if (!ok) {
          const why = `push_${r.status}${r.status === 'rejected' ? `_${r.code}` : ''}`;
          this.stats.refused[why] = (this.stats.refused[why] ?? 0) + 1;
          if (r.status === 'rejected' && !this.stats.firstRefusal)
            this.stats.firstRefusal = r.reason;
          continue;
        }
        this.acked.set(e.changeId, e.app.id);
        this.stats.pushedChanges++;
        // The push result carried serverVersion; with skipOwn the echo will not come.
        this.applied.push([e.app.id, r.serverVersion ?? 0]);
      }
      const done = new Set(res.results.map((r) => r.changeId));
      this.outbox = this.outbox.filter((e) => !done.has(e.changeId));
    }
    // Pull from the stored checkpoint until there is no more.
    for (let page = 0; page < 10_000; page++) {
      const q = new URLSearchParams({ limit: String(MAX_PULL_LIMIT) });
      if (this.checkpoint) q.set('checkpoint', this.checkpoint);
      if (this.fullPullDone) q.set('skipOwn', '1');
      const t = performance.now();
      const r = await this.call('GET', `${paths.pull}?${q.toString()}`, { timeoutMs: 30_000 });
      // The endpoint's latency: until the whole answer is in (the desk's parse is its own).
      if (this.stats.recording)
        this.stats.pull.push([t - this.stats.t0, performance.now() - t, this.fullPullDone]);
      const enc = String(r.headers['content-encoding'] ?? 'identity');
      const d = await this.decoder.decode(r.body, enc);
      if (d.n > 0) this.applied.push(d);
      const same = d.checkpoint === this.checkpoint;
      this.checkpoint = d.checkpoint;
      if (!d.hasMore || same) break;
    }
    if (!this.fullPullDone) {
      this.fullPullDone = true;
      this.firstPullDoneMs = performance.now() - this.stats.t0;
    }
    // Access log.
    if (this.audit.length > 0) {
      const entries = this.audit.slice(0, 500);
      const res = await this.json<{ ackId: number }>('POST', paths.audit, { entries });
      this.audit = this.audit.filter((a) => a.localId > res.ackId);
    }
    const h = await health;
    if (h) throw h;
  }

  /** Rounds until `stopAt`: every ~intervalMs after success, after backoff/Retry-After after failure. */
  async run(opts: {
    firstJitterMs: number;
    intervalMs: number;
    stopAt: number;
    acceptEveryMs: number;
  }): Promise<void> {
    await sleep(Math.random() * opts.firstJitterMs);
    let nextAccept = performance.now() + Math.random() * opts.acceptEveryMs * 2;
    while (performance.now() < opts.stopAt) {
      while (performance.now() >= nextAccept) {
        this.accept();
        nextAccept += Math.random() * opts.acceptEveryMs * 2;
      }
      let delay: number;
      try {
        await this.round();
        this.backoff.succeed();
        delay = opts.intervalMs * (0.5 + Math.random());
      } catch (e) {
        const ra = e instanceof RoundFailed ? e.retryAfterMs : 0;
        delay = Math.max(this.backoff.fail(), ra > 0 ? ra + Math.random() * 1_000 : 0);
      }
      const left = opts.stopAt - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(delay, left));
    }
  }

  /** After the run: rounds until the outbox is empty and a round succeeded (bounded). */
  async drain(deadline: number): Promise<boolean> {
    while (performance.now() < deadline) {
      try {
        await this.round();
        if (this.outbox.length === 0) return true;
      } catch (e) {
        const ra = e instanceof RoundFailed ? e.retryAfterMs : 0;
        await sleep(Math.max(this.backoff.fail(), ra));
      }
    }
    return false;
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * What a desk's acceptance form saves (and the centre's push rules ask of a new record): status
 * accepted, one acceptance entry whose actor is the accepting clerk, a number of the desk's own
 * daily sequence (makeApplicationNo), and the customer fields of the valid template.
 */
function makeDeskApplication(hallCode: string, deskCode: string, n: number): Application {
  const id = crypto.randomUUID();
  const at = new Date().toISOString();
  return {
    ...BASE_APP,
    id,
    appNo: makeApplicationNo({ hallCode, deskCode, date: at, seq: n }),
    hallCode,
    deskCode,
    customer: { ...BASE_APP.customer, idNumber: fleetResidentId() },
    acceptedAt: at,
    updatedAt: at,
    history: initialHistory(BASE_APP.acceptedBy, at),
  };
}

let BASE_APP: Application;
/** The bench passes one valid application (from the domain factories) as the template. */
export function setTemplate(app: Application): void {
  BASE_APP = app;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
