// GET /api/v1/pull over HTTP: a cheap head query, then the page from the cache or built from
// stored text under admission control (a page of many records is heavy work), compressed once
// with a level chosen for CPU off the event loop (pageCompress.ts), never built for a desk that
// has hung up.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { paths } from '../../shared/protocol';
import type { Db } from '../db/db';
import type { Admission } from './admission';
import { ClientGone, clientGone } from './admission';
import type { DeviceAuth } from './auth';
import { PageCache } from './pageCache';
import type { Encoding, PageCompressor } from './pageCompress';
import { buildPullPage, parsePullQuery } from './pull';
import { pullHead } from './pullHeads';

/** The best encoding the client accepts (q=0 means "not this one"). */
export function pickEncoding(header: string | string[] | undefined): Encoding {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ok = new Set<string>();
  for (const part of text.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) ok.add(name.trim());
  }
  if (ok.has('br')) return 'br';
  if (ok.has('gzip') || ok.has('*')) return 'gzip';
  return 'identity';
}

/** How long a shared page is served (its records may be older than the latest by this much). */
const PAGE_TTL_MS = 60_000;

/**
 * A page that is not the last one can be served from the cache without the head query when this
 * process read the configuration version less than HEAD_TTL_MS ago and touched the device's
 * last contact less than TOUCH_SKIP_MS ago (pullHead touches it only when it is older than 10 s,
 * so the query would have changed nothing). On a Monday morning that is every page of a desk's
 * first pull after its first: no database round trip at all.
 */
const HEAD_TTL_MS = 1_000;
const TOUCH_SKIP_MS = 9_000;

export interface PullRouteOptions {
  /** A page of at least this many records is heavy work (admission control). Default 200. */
  heavyRecords?: number;
  /** Page cache size in bytes (default 64 MB; 0 turns it off). */
  cacheBytes?: number;
}

export function registerPull(
  app: FastifyInstance,
  db: Db,
  admission: Admission,
  device: (req: FastifyRequest) => Promise<void>,
  compressor: PageCompressor,
  opts: PullRouteOptions = {},
): PageCache {
  const heavyRecords = opts.heavyRecords ?? 200;
  const cache = new PageCache(opts.cacheBytes ?? 64 * 1024 * 1024, PAGE_TTL_MS);
  // Pages being built now: desks of one hall asking for the same page wait for the one build.
  const inflight = new Map<string, Promise<Buffer>>();
  // The configuration version as last read by a head query, and when each device's last contact
  // was last touched by one (see HEAD_TTL_MS).
  let config = { at: -Infinity, max: 0 };
  const touched = new Map<string, number>();

  const send = (reply: FastifyReply, body: Buffer, enc: Encoding) => {
    void reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('vary', 'accept-encoding')
      .header('cache-control', 'no-store');
    if (enc !== 'identity') void reply.header('content-encoding', enc);
    return reply.send(body);
  };

  app.get(
    paths.pull,
    { onRequest: device, config: { compress: false } },
    async (req: FastifyRequest, reply) => {
      const auth = req.device as DeviceAuth;
      const parts = parsePullQuery(req.query);
      const enc = pickEncoding(req.headers['accept-encoding']);
      // Pages that leave out this device's echoes differ per device: not shared. A page that is
      // not the last one stays valid while the hall is written to: a record changed since
      // comes again at a later position (positions only grow), so the desk still ends with the
      // latest version; such pages are shared for PAGE_TTL_MS whatever the feed position. The
      // last page is shared only while the feed has not moved (else new records would wait).
      const shareable = !parts.skipOwn && auth.kind !== 'service';
      const keyFor = (configMax: number) =>
        `${auth.hallId}:${configMax}:${parts.cp.hallSeq}:${parts.cp.configVersion}:${parts.limit}:${enc}:${[...parts.accept].join(',')}`;
      const t0 = performance.now();
      if (
        shareable &&
        t0 - config.at < HEAD_TTL_MS &&
        t0 - (touched.get(auth.deviceId) ?? -Infinity) < TOUCH_SKIP_MS
      ) {
        const hit = cache.get(`full:${keyFor(config.max)}`, false);
        if (hit) return send(reply, hit, enc);
      }
      const head = await pullHead(db, auth, parts);
      config = { at: t0, max: head.configMax };
      if (touched.size >= 100_000) touched.clear(); // bounded; a forgotten device just asks again
      touched.set(auth.deviceId, t0);
      const base = keyFor(head.configMax);
      const key = shareable ? base : null;
      const tailKey = `${base}:${head.feedSeq}`;
      const hit = key ? (cache.get(`full:${key}`) ?? cache.get(`tail:${tailKey}`)) : undefined;
      if (hit) return send(reply, hit, enc);
      const shared = key ? inflight.get(key) : undefined;
      if (shared) {
        try {
          return send(reply, await shared, enc);
        } catch (e) {
          // The building desk hung up: build it for this one.
          if (!(e instanceof ClientGone)) throw e;
        }
      }

      const gone = () => clientGone(req, reply);
      const build = async () => {
        if (gone()) throw new ClientGone('client closed the connection');
        // The page's bytes are copied before the builder reuses their memory (pageCompress.ts).
        const page = await buildPullPage(db, auth, parts, head, (json) => {
          if (gone()) throw new ClientGone('client closed the connection');
          return compressor.compress(json, enc);
        });
        const body = await page.body;
        if (key) cache.set(page.hasMore ? `full:${key}` : `tail:${tailKey}`, body);
        return body;
      };
      // At most this many records can follow the checkpoint: small pages are not heavy.
      const pending = Math.min(parts.limit, Math.max(0, head.feedSeq - parts.cp.hallSeq));
      const work = pending >= heavyRecords ? admission.run(auth.deviceId, gone, build) : build();
      if (key && !inflight.has(key)) {
        inflight.set(key, work);
        work.then(
          () => inflight.delete(key),
          () => inflight.delete(key),
        );
      }
      return send(reply, await work, enc);
    },
  );
  return cache;
}
