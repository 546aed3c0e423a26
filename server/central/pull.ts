// Pull: what changed for one hall after a checkpoint (configuration first, then the hall's
// records from its compacted feed), in pages. Reads only; never blocks the hall's writers.
import type { PullChange, PullResponse } from '../../shared/protocol';
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

export async function processPull(db: Db, auth: DeviceAuth, query: unknown): Promise<PullResponse> {
  const q = PullQuery.safeParse(query);
  if (!q.success) fail('E_BAD_REQUEST', '拉取参数错误 (bad pull query)');
  const cp = decodeCheckpoint(q.data.checkpoint);
  if (!cp) fail('E_BAD_REQUEST', '检查点格式错误 (malformed checkpoint)');
  const limit = Math.min(q.data.limit ?? DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT);

  const changes: PullChange[] = [];
  // Configuration: few, whole documents; every version newer than the checkpoint.
  const cfg = await db.query<{ key: string; version: number; data: unknown; updated_at: unknown }>(
    'SELECT key, version, data, updated_at FROM config WHERE version > $1 ORDER BY version',
    [cp.configVersion],
  );
  let configVersion = cp.configVersion;
  for (const c of cfg.rows) {
    if (c.key !== 'catalogue' && c.key !== 'calendar' && c.key !== 'settings') continue;
    changes.push({
      kind: 'config',
      key: c.key,
      version: c.version,
      updatedAt: iso(c.updated_at),
      data: c.data,
    });
    configVersion = Math.max(configVersion, c.version);
  }

  // The hall's feed. Positions commit in order (hall row lock), so `seq > checkpoint` never
  // misses a change that commits later.
  const { rows } = await db.query<{
    seq: number;
    entity: string;
    app: unknown;
    fb: unknown;
    att: unknown;
    complete: boolean | null;
  }>(
    `SELECT f.seq, f.entity,
            CASE WHEN $4::boolean AND a.version_device_id = $5::uuid THEN NULL ELSE a.record END AS app,
            CASE WHEN $4::boolean AND fb.version_device_id = $5::uuid THEN NULL ELSE fb.record END AS fb,
            t.record AS att, b.complete
       FROM hall_feed f
       LEFT JOIN applications a ON f.entity = 'application' AND a.id = f.entity_id
       LEFT JOIN feedback fb ON f.entity = 'feedback' AND fb.id = f.entity_id
       LEFT JOIN attachments t ON f.entity = 'attachment' AND t.id = f.entity_id
       LEFT JOIN blobs b ON f.entity = 'attachment' AND b.hall_id = f.hall_id AND b.sha256 = t.sha256
      WHERE f.hall_id = $1 AND f.seq > $2
      ORDER BY f.seq
      LIMIT $3`,
    [auth.hallId, cp.hallSeq, limit + 1, q.data.skipOwn === '1', auth.deviceId],
  );
  const hasMore = rows.length > limit;
  // Echoes left out (skipOwn) still move the checkpoint past their feed positions.
  let hallSeq = cp.hallSeq;
  for (const r of rows.slice(0, limit)) {
    hallSeq = r.seq;
    if (r.entity === 'application' && r.app) {
      changes.push({ kind: 'application', seq: r.seq, record: r.app as never });
    } else if (r.entity === 'feedback' && r.fb) {
      changes.push({ kind: 'feedback', seq: r.seq, record: r.fb as never });
    } else if (r.entity === 'attachment' && r.att) {
      changes.push({
        kind: 'attachment',
        seq: r.seq,
        record: { ...(r.att as object), complete: r.complete === true } as never,
      });
    }
  }
  // Last contact, at most every 10 s per device (pulls are frequent; writes are not free).
  await db.query(
    `UPDATE devices SET last_seen_at = now()
      WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '10 seconds')`,
    [auth.deviceId],
  );
  return { changes, checkpoint: encodeCheckpoint({ hallSeq, configVersion }), hasMore };
}
