// Pull: what changed for one hall after a checkpoint (configuration first, then the hall's
// records from its compacted feed), in pages. Reads only; never blocks the hall's writers.
//
// A page is built from the JSON text the database holds (`record::text`): the records are never
// parsed into objects and serialised back (that was most of a page's CPU), the answer is
// composed by string concatenation around the stored text. The route (pullRoute.ts) compresses
// it once and may serve it again from the page cache.
import type { Checkpoint } from '../../shared/protocol';
import {
  DEFAULT_PULL_LIMIT,
  MAX_PULL_LIMIT,
  PullQuery,
  decodeCheckpoint,
  encodeCheckpoint,
} from '../../shared/protocol';
import type { Db } from '../db/db';
import { iso } from '../db/db';
import type { DeviceAuth } from './auth';
import { fail } from './errors';

export interface PullRequestParts {
  cp: Checkpoint;
  limit: number;
  skipOwn: boolean;
}

/** Validates the query (400 E_BAD_REQUEST on anything malformed). */
export function parsePullQuery(query: unknown): PullRequestParts {
  const q = PullQuery.safeParse(query);
  if (!q.success) fail('E_BAD_REQUEST', '拉取参数错误 (bad pull query)');
  const cp = decodeCheckpoint(q.data.checkpoint);
  if (!cp) fail('E_BAD_REQUEST', '检查点格式错误 (malformed checkpoint)');
  const limit = Math.min(q.data.limit ?? DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT);
  return { cp, limit, skipOwn: q.data.skipOwn === '1' };
}

export interface PullHead {
  /** The hall's feed position now (every writer of the hall's records moves it). */
  feedSeq: number;
  /** Highest configuration version now. */
  configMax: number;
  /** Configuration documents newer than the checkpoint, as JSON text (usually none). */
  config: Array<{ key: string; version: number; updated_at: unknown; data: string }>;
}

/**
 * One cheap round trip before any heavy work: where the hall's feed and the configuration stand
 * (the page cache's key, and how big the page can be), the configuration documents newer than
 * the checkpoint, and the device's last contact (at most every 10 s per device: pulls are
 * frequent, writes are not free).
 */
export async function pullHead(db: Db, auth: DeviceAuth, req: PullRequestParts): Promise<PullHead> {
  const { rows } = await db.query<{
    feed_seq: string | number;
    cfg: string | number;
    docs: PullHead['config'] | null;
  }>(
    `WITH touch AS (
       UPDATE devices SET last_seen_at = now()
        WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '10 seconds')
       RETURNING 1
     )
     SELECT h.feed_seq, (SELECT coalesce(max(version), 0) FROM config) AS cfg,
            (SELECT json_agg(json_build_object('key', key, 'version', version,
                      'updated_at', updated_at, 'data', data::text) ORDER BY version)
               FROM config
              WHERE version > $3 AND key IN ('catalogue', 'calendar', 'settings')) AS docs
       FROM halls h WHERE h.id = $1`,
    [auth.hallId, auth.deviceId, req.cp.configVersion],
  );
  const r = rows[0];
  return {
    feedSeq: Number(r?.feed_seq ?? 0),
    configMax: Number(r?.cfg ?? 0),
    config: r?.docs ?? [],
  };
}

export interface PullPage {
  /** The whole PullResponse as JSON text. */
  text: string;
  /** Changes in the page (configuration documents included). */
  changes: number;
  hasMore: boolean;
}

/** Builds one page as JSON text, from the stored text of the records. */
export async function buildPullPage(
  db: Db,
  auth: DeviceAuth,
  req: PullRequestParts,
  head: PullHead,
): Promise<PullPage> {
  const { cp, limit, skipOwn } = req;
  const parts: string[] = [];
  // Configuration: few, whole documents; every version newer than the checkpoint.
  let configVersion = cp.configVersion;
  for (const c of head.config) {
    parts.push(
      `{"kind":"config","key":${JSON.stringify(c.key)},"version":${Number(c.version)},` +
        `"updatedAt":${JSON.stringify(iso(c.updated_at))},"data":${c.data}}`,
    );
    configVersion = Math.max(configVersion, Number(c.version));
  }

  // The hall's feed. Positions commit in order (hall row lock), so `seq > checkpoint` never
  // misses a change that commits later. Each record comes as the text the database holds.
  const { rows } = await db.query<{ seq: string | number; entity: string; rec: string | null }>(
    `SELECT f.seq, f.entity,
            CASE f.entity
              WHEN 'application' THEN
                CASE WHEN $4::boolean AND a.version_device_id = $5::uuid THEN NULL
                     ELSE a.record::text END
              WHEN 'feedback' THEN
                CASE WHEN $4::boolean AND fb.version_device_id = $5::uuid THEN NULL
                     ELSE fb.record::text END
              WHEN 'supervision_note' THEN
                CASE WHEN $4::boolean AND sn.version_device_id = $5::uuid THEN NULL
                     ELSE sn.record::text END
              WHEN 'attachment' THEN
                (t.record || jsonb_build_object('complete', coalesce(b.complete, false)))::text
            END AS rec
       FROM hall_feed f
       LEFT JOIN applications a ON f.entity = 'application' AND a.id = f.entity_id
       LEFT JOIN feedback fb ON f.entity = 'feedback' AND fb.id = f.entity_id
       LEFT JOIN supervision_notes sn ON f.entity = 'supervision_note' AND sn.id = f.entity_id
       LEFT JOIN attachments t ON f.entity = 'attachment' AND t.id = f.entity_id
       LEFT JOIN blobs b ON f.entity = 'attachment' AND b.hall_id = f.hall_id AND b.sha256 = t.sha256
      WHERE f.hall_id = $1 AND f.seq > $2
      ORDER BY f.seq
      LIMIT $3`,
    [auth.hallId, cp.hallSeq, limit + 1, skipOwn, auth.deviceId],
  );
  const hasMore = rows.length > limit;
  // Echoes left out (skipOwn) still move the checkpoint past their feed positions.
  let hallSeq = cp.hallSeq;
  const n = Math.min(rows.length, limit);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const seq = Number(r.seq);
    hallSeq = seq;
    // A service device (the hall queue service's uplink) gets configuration only.
    if (r.rec === null || auth.kind === 'service') continue;
    if (
      r.entity === 'application' ||
      r.entity === 'feedback' ||
      r.entity === 'attachment' ||
      r.entity === 'supervision_note'
    ) {
      parts.push(`{"kind":"${r.entity}","seq":${seq},"record":${r.rec}}`);
    }
  }
  const checkpoint = encodeCheckpoint({ hallSeq, configVersion });
  return {
    text: `{"changes":[${parts.join(',')}],"checkpoint":"${checkpoint}","hasMore":${hasMore}}`,
    changes: parts.length,
    hasMore,
  };
}
