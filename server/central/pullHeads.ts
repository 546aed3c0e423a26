// The pull heads of one event-loop turn in one query. On a Monday morning hundreds of desks pull
// at once; each head was its own round trip, and each round trip wakes a database backend that
// takes the CPU from the event loop (bench:fleet, issue 16). The token lookups are batched the
// same way (auth.ts).
//
// A head names the configuration documents newer than the checkpoint (key and version); their
// text comes from a small cache of this process (configDocs below). A document's version never
// changes its content (every write of a key takes a new version), so the cache needs no expiry.
// Heads used to carry the documents themselves: every desk starting from nothing had the 47 KB
// catalogue built by PostgreSQL, sent and parsed again (a turn of 200 first pulls: 10 MB of
// JSON, 210 ms of database time and 90 ms of the event loop in one piece).
import type { Db } from '../db/db';
import type { DeviceAuth } from './auth';
import type { PullHead, PullRequestParts } from './pull';
import { TurnBatch, perOwner } from '../db/turnBatch';
import { preparedSql } from '../db/prepared';

/** Heads per query at most (a busy turn is split). */
const HEAD_BATCH = 200;

interface HeadAsk {
  hallId: number;
  deviceId: string;
  configVersion: number;
  keyCustomers: boolean;
}

/**
 * Where each asker's hall feed and the configuration stand, the configuration documents newer
 * than each asker's checkpoint, and the askers' last contact (at most every 10 s per device:
 * pulls are frequent, writes are not free). The touch skips a device row that a push holds
 * locked (that push is the contact) and never waits: no pull waits for a push, and a batch that
 * touches several devices cannot deadlock with a push group locking them in id order. The
 * checkpoint's configuration version is the only value a device chooses: bigint, because a
 * checkpoint may carry 15 digits, and one device's value must not fail the turn's other heads.
 */
const HEADS_SQL = preparedSql(`WITH req AS (
     SELECT * FROM unnest($1::integer[], $2::uuid[], $3::bigint[], $4::boolean[])
       WITH ORDINALITY AS r(hall_id, device_id, cv, kc, i)
   ),
   touch AS (
     UPDATE devices d SET last_seen_at = now()
       FROM (SELECT id FROM devices
              WHERE id IN (SELECT device_id FROM req)
                AND (last_seen_at IS NULL OR last_seen_at < now() - interval '10 seconds')
              ORDER BY id
                FOR UPDATE SKIP LOCKED) l
      WHERE d.id = l.id
     RETURNING 1
   )
   SELECT r.i, h.feed_seq, (SELECT coalesce(max(version), 0) FROM config) AS cfg,
          (SELECT json_agg(json_build_object('key', key, 'version', version) ORDER BY version)
             FROM config
            WHERE version > r.cv
              AND (key IN ('catalogue', 'calendar', 'settings')
                   OR (key = 'keyCustomers' AND r.kc))) AS docs
     FROM req r JOIN halls h ON h.id = r.hall_id
    ORDER BY r.i`);

type HeadRow = {
  i: string | number;
  feed_seq: string | number;
  cfg: string | number;
  docs: Array<{ key: string; version: number }> | null;
};

type ConfigDoc = PullHead['config'][number];

const DOCS_SQL = preparedSql(
  `SELECT key, version, updated_at, data::text AS data FROM config WHERE key = ANY($1::text[])`,
);

/**
 * The configuration documents this process has read, newest version per key. Given what a turn's
 * heads name, it first reads the keys it lacks at that version (one query for the turn) and
 * returns the cache; a version newer than a head's is as good (the desk gets it, and its
 * checkpoint).
 */
const configDocs = perOwner((db: Db) => {
  const byKey = new Map<string, ConfigDoc>();
  return async (wanted: Array<{ key: string; version: number }>) => {
    const missing = [
      ...new Set(
        wanted.filter((w) => (byKey.get(w.key)?.version ?? -1) < w.version).map((w) => w.key),
      ),
    ];
    if (missing.length > 0) {
      const { rows } = await db.query<ConfigDoc>(DOCS_SQL, [missing]);
      for (const r of rows) {
        const doc = { ...r, version: Number(r.version) };
        if ((byKey.get(doc.key)?.version ?? -1) < doc.version) byKey.set(doc.key, doc);
      }
    }
    return byKey;
  };
});

const headsFor = perOwner(
  (db: Db) =>
    new TurnBatch<HeadAsk, PullHead>(async (asks) => {
      const { rows } = await db.query<HeadRow>(HEADS_SQL, [
        asks.map((a) => a.hallId),
        asks.map((a) => a.deviceId),
        asks.map((a) => a.configVersion),
        asks.map((a) => a.keyCustomers),
      ]);
      const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
      const docs = await configDocs(db)(rows.flatMap((r) => r.docs ?? []));
      return asks.map((_, j) => {
        const r = byIndex.get(j + 1);
        return {
          feedSeq: Number(r?.feed_seq ?? 0),
          configMax: Number(r?.cfg ?? 0),
          config: (r?.docs ?? [])
            .flatMap((d) => {
              const doc = docs.get(d.key);
              return doc && doc.version >= d.version ? [doc] : [];
            })
            .sort((x, y) => x.version - y.version),
        };
      });
    }, HEAD_BATCH),
);

/**
 * One cheap round trip before any heavy work: where the hall's feed and the configuration stand
 * (the page cache's key, and how big the page can be), the configuration documents newer than
 * the checkpoint, and the device's last contact; asked together with the other pulls of its
 * event-loop turn.
 */
export function pullHead(db: Db, auth: DeviceAuth, req: PullRequestParts): Promise<PullHead> {
  return headsFor(db).ask({
    hallId: auth.hallId,
    deviceId: auth.deviceId,
    configVersion: req.cp.configVersion,
    keyCustomers: req.accept.has('keyCustomers'),
  });
}
