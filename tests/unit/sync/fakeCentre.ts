// An in-memory stand-in for the central endpoint, served through an injected fetch: enough of
// API v1 (health, push, pull) to unit-test the engine's decisions without a database. It
// follows the shared conflict policy (resolveDeskUpdate) and can refuse, fail or go offline.
import type { Application } from '../../../shared/domain/model';
import {
  encodeCheckpoint,
  decodeCheckpoint,
  resolveDeskUpdate,
  type ChangeResult,
  type PullChange,
  type PushRequest,
} from '../../../shared/protocol';
import { gunzip } from '../../../renderer/src/sync/gzip';
import type { FetchLike } from '../../../renderer/src/sync/transport';

export interface FakeCentre {
  fetch: FetchLike;
  records: Map<string, Application>;
  /** changeId → first result. */
  seen: Map<string, ChangeResult>;
  pushes: { changes: number; gzip: boolean; bytes: number }[];
  /** Highest number of push requests in flight at once. */
  maxConcurrentPushes: number;
  offline: boolean;
  /** Entity ids whose changes are rejected (E_VALIDATION). */
  poison: Set<string>;
  /** Refuse whole pushes larger than this (E_BATCH_TOO_LARGE). */
  maxBatch: number;
  /** Delay each push answer (ms) to make concurrency visible. */
  pushDelayMs: number;
  /** Entity ids the centre's database cannot store: a push holding one fails whole (500). */
  explode: Set<string>;
  /** Every push fails with 500 (a centre that is down behind its health check). */
  broken: boolean;
  /** Pushes are shed with this status and Retry-After (seconds) while set. */
  busy: { status: 429 | 503; retryAfterSec: number } | null;
  requests: number;
  /** Back office: move an application on. */
  transition(id: string, to: string): Application;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export function createFakeCentre(): FakeCentre {
  const feed: { seq: number; id: string }[] = [];
  let feedSeq = 0;
  let inFlight = 0;
  const touch = (id: string) => {
    feedSeq += 1;
    feed.push({ seq: feedSeq, id });
  };

  const centre: FakeCentre = {
    records: new Map(),
    seen: new Map(),
    pushes: [],
    maxConcurrentPushes: 0,
    offline: false,
    poison: new Set(),
    maxBatch: 500,
    pushDelayMs: 0,
    explode: new Set(),
    broken: false,
    busy: null,
    requests: 0,
    transition(id, to) {
      const r = centre.records.get(id);
      if (!r) throw new Error('unknown application');
      const at = new Date().toISOString();
      const next: Application = {
        ...r,
        status: to,
        history: [...r.history, { from: r.status, to, at, actor: '后台' }],
        updatedAt: at,
        serverVersion: r.serverVersion + 1,
      };
      centre.records.set(id, next);
      touch(id);
      return next;
    },
    async fetch(input, init) {
      centre.requests += 1;
      if (centre.offline) throw new TypeError('fetch failed');
      const url = new URL(input);
      if (url.pathname === '/api/v1/health') {
        return json(200, {
          ok: true,
          service: 'halldesk-central',
          apiVersion: 1,
          time: new Date().toISOString(),
          db: 'pglite',
        });
      }
      if (url.pathname === '/api/v1/push') {
        const headers = new Headers(init?.headers);
        let raw = new Uint8Array(init?.body as Uint8Array);
        const gz = headers.get('content-encoding') === 'gzip';
        const record = { changes: 0, gzip: gz, bytes: raw.length };
        centre.pushes.push(record);
        if (gz) raw = await gunzip(raw);
        const req = JSON.parse(new TextDecoder().decode(raw)) as PushRequest;
        record.changes = req.changes.length;
        inFlight += 1;
        centre.maxConcurrentPushes = Math.max(centre.maxConcurrentPushes, inFlight);
        try {
          if (centre.pushDelayMs) await new Promise((r) => setTimeout(r, centre.pushDelayMs));
          if (centre.busy) {
            return new Response(JSON.stringify({ error: { code: 'E_BUSY', message: '繁忙' } }), {
              status: centre.busy.status,
              headers: {
                'content-type': 'application/json',
                'retry-after': String(centre.busy.retryAfterSec),
              },
            });
          }
          if (centre.broken || req.changes.some((c) => centre.explode.has(c.entityId))) {
            return json(500, { error: { code: 'E_INTERNAL', message: 'internal error' } });
          }
          if (req.changes.length > centre.maxBatch) {
            return json(413, { error: { code: 'E_BATCH_TOO_LARGE', message: 'too many' } });
          }
          const results: ChangeResult[] = [];
          for (const c of req.changes) {
            const prior = centre.seen.get(c.changeId);
            if (prior) {
              // As server/central/push.ts answers a resend: the first outcome, and for a
              // conflict the centre's current record (the desk replaces its copy with it).
              const current = prior.status === 'conflict' ? centre.records.get(c.entityId) : null;
              results.push({
                changeId: c.changeId,
                seq: c.seq,
                status: 'duplicate',
                original:
                  prior.status === 'rejected'
                    ? { status: 'rejected', code: prior.code, reason: prior.reason }
                    : prior.status === 'conflict'
                      ? { status: 'conflict', reason: prior.reason }
                      : { status: 'applied' },
                ...(current ? { current } : {}),
              });
              continue;
            }
            let result: ChangeResult;
            if (centre.poison.has(c.entityId)) {
              result = {
                changeId: c.changeId,
                seq: c.seq,
                status: 'rejected',
                code: 'E_VALIDATION',
                reason: '地址不合格',
              };
            } else {
              const desk = c.payload as Application;
              const outcome = resolveDeskUpdate(centre.records.get(c.entityId), desk);
              if (outcome.kind === 'conflict') {
                result = {
                  changeId: c.changeId,
                  seq: c.seq,
                  status: 'conflict',
                  current: outcome.current,
                  notApplied: outcome.notApplied,
                  reason: '中心已受理',
                };
              } else {
                if (outcome.kind === 'create' || outcome.changed) {
                  centre.records.set(c.entityId, outcome.record);
                  touch(c.entityId);
                }
                result = {
                  changeId: c.changeId,
                  seq: c.seq,
                  status: 'applied',
                  serverVersion: outcome.record.serverVersion,
                };
              }
            }
            centre.seen.set(c.changeId, result);
            results.push(result);
          }
          return json(200, { results, ackSeq: 0, maxSeq: 0 });
        } finally {
          inFlight -= 1;
        }
      }
      if (url.pathname === '/api/v1/pull') {
        const cp = decodeCheckpoint(url.searchParams.get('checkpoint') ?? undefined);
        if (!cp) return json(400, { error: { code: 'E_BAD_REQUEST', message: 'checkpoint' } });
        const limit = Number(url.searchParams.get('limit') ?? '200');
        const after = feed.filter((f) => f.seq > cp.hallSeq);
        // Compacted: each record once, at its latest position.
        const latest = new Map<string, number>();
        for (const f of after) latest.set(f.id, f.seq);
        const ordered = [...latest.entries()].sort((a, b) => a[1] - b[1]);
        const page = ordered.slice(0, limit);
        const changes: PullChange[] = page.map(([id, seq]) => ({
          kind: 'application',
          seq,
          record: centre.records.get(id)!,
        }));
        const last = page[page.length - 1];
        return json(200, {
          changes,
          checkpoint: encodeCheckpoint({ hallSeq: last ? last[1] : cp.hallSeq, configVersion: 0 }),
          hasMore: ordered.length > limit,
        });
      }
      return json(404, { error: { code: 'E_METHOD', message: 'no route' } });
    },
  };
  return centre;
}
