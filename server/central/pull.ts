// Pull: what changed for one hall after a checkpoint (configuration first, then the hall's
// records from its compacted feed), in pages. Reads only; never blocks the hall's writers.
//
// A page is built from the JSON text the database holds (an application's stored `record_text`,
// generated from its record; `record::text` for the rarer kinds): the records are never
// parsed into objects and serialised back (that was most of a page's CPU), the answer is
// composed by string concatenation around the stored text. The route (pullRoute.ts) compresses
// it once and may serve it again from the page cache.
import type { Checkpoint, PullExtension } from '../../shared/protocol';
import {
  DEFAULT_PULL_LIMIT,
  MAX_PULL_LIMIT,
  PULL_EXTENSIONS,
  PullQuery,
  decodeCheckpoint,
  encodeCheckpoint,
} from '../../shared/protocol';
import type { Db } from '../db/db';
import { iso } from '../db/db';
import type { DeviceAuth } from './auth';
import { PooledBytes, pagePool, sqlBool, sqlInt, sqlUuid } from '../db/copyOut';
import { fail } from './errors';

export interface PullRequestParts {
  cp: Checkpoint;
  limit: number;
  skipOwn: boolean;
  /** The optional kinds the device understands (PULL_EXTENSIONS); others never reach it. */
  accept: ReadonlySet<PullExtension>;
}

/** Validates the query (400 E_BAD_REQUEST on anything malformed). */
export function parsePullQuery(query: unknown): PullRequestParts {
  const q = PullQuery.safeParse(query);
  if (!q.success) fail('E_BAD_REQUEST', '拉取参数错误 (bad pull query)');
  const cp = decodeCheckpoint(q.data.checkpoint);
  if (!cp) fail('E_BAD_REQUEST', '检查点格式错误 (malformed checkpoint)');
  const limit = Math.min(q.data.limit ?? DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT);
  const asked = new Set((q.data.accept ?? '').split(','));
  const accept = new Set(PULL_EXTENSIONS.filter((x) => asked.has(x)));
  return { cp, limit, skipOwn: q.data.skipOwn === '1', accept };
}

export interface PullHead {
  /** The hall's feed position now (every writer of the hall's records moves it). */
  feedSeq: number;
  /** Highest configuration version now. */
  configMax: number;
  /** Configuration documents newer than the checkpoint, as JSON text (usually none). */
  config: Array<{ key: string; version: number; updated_at: unknown; data: string }>;
}

export interface PullPage<T> {
  /** What `finish` made of the page's UTF-8 JSON (the compressed body). */
  body: T;
  /** Changes in the page (configuration documents included). */
  changes: number;
  hasMore: boolean;
}

/**
 * Builds one page as UTF-8 JSON and hands it to `finish` (synchronously: on PostgreSQL the bytes
 * are a view into pooled memory, reused once `finish` returns; it must copy what it keeps).
 *
 * The database sends each record's stored text as a row of its own (a binary COPY on
 * PostgreSQL: every row is its own small message, never a megabyte one that the driver would
 * grow its buffer for), and the page is framed here by copying those bytes into pooled memory.
 * Framing inside the database (string_agg over the records, as before) cost PostgreSQL about
 * half of a 1,000-record page's time there; copying bytes costs the endpoint far less.
 */
export async function buildPullPage<T>(
  db: Db,
  auth: DeviceAuth,
  req: PullRequestParts,
  head: PullHead,
  finish: (json: Buffer) => T,
): Promise<PullPage<T>> {
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
  // misses a change that commits later. Each record is the text the database holds; an echo
  // left out (skipOwn) or a record for a service device (the hall queue service's uplink gets
  // configuration only) is NULL, so it is not in the page but still moves the checkpoint.
  // Values are inlined (checked by sqlInt/sqlBool/sqlUuid): on PostgreSQL this runs as a
  // binary COPY, which takes no parameters. The first row (part 0) is the page's head; the
  // others carry one record each (its position as text, its kind, its stored text), in order.
  const hall = sqlInt(auth.hallId);
  const after = sqlInt(cp.hallSeq);
  const sql = `WITH page AS (
       SELECT f.seq, f.entity,
              CASE WHEN ${sqlBool(auth.kind === 'service')} THEN NULL ELSE
              CASE f.entity
                WHEN 'application' THEN
                  CASE WHEN ${sqlBool(skipOwn)} AND a.version_device_id = ${sqlUuid(auth.deviceId)}
                       THEN NULL ELSE a.record_text END
                WHEN 'feedback' THEN
                  CASE WHEN ${sqlBool(skipOwn)} AND fb.version_device_id = ${sqlUuid(auth.deviceId)}
                       THEN NULL ELSE fb.record::text END
                WHEN 'supervision_note' THEN
                  CASE WHEN ${sqlBool(!req.accept.has('supervision_note'))} THEN NULL
                       WHEN ${sqlBool(skipOwn)} AND sn.version_device_id = ${sqlUuid(auth.deviceId)}
                       THEN NULL ELSE sn.record::text END
                WHEN 'attachment' THEN
                  (t.record || jsonb_build_object('complete', coalesce(b.complete, false)))::text
              END END AS rec
         FROM hall_feed f
         LEFT JOIN applications a ON f.entity = 'application' AND a.id = f.entity_id
         LEFT JOIN feedback fb ON f.entity = 'feedback' AND fb.id = f.entity_id
         LEFT JOIN supervision_notes sn ON f.entity = 'supervision_note' AND sn.id = f.entity_id
         LEFT JOIN attachments t ON f.entity = 'attachment' AND t.id = f.entity_id
         LEFT JOIN blobs b ON f.entity = 'attachment' AND b.hall_id = f.hall_id AND b.sha256 = t.sha256
        WHERE f.hall_id = ${hall} AND f.seq > ${after}
        ORDER BY f.seq
        LIMIT ${sqlInt(limit)}
     ),
     kept AS (
       SELECT seq, entity, rec FROM page WHERE rec IS NOT NULL
     )
     SELECT 0::bigint AS part,
            coalesce((SELECT max(seq) FROM page), ${after})::text AS last_seq,
            (SELECT count(*) FROM kept)::text AS kept,
            (EXISTS (SELECT 1 FROM hall_feed g
                      WHERE g.hall_id = ${hall}
                        AND g.seq > coalesce((SELECT max(seq) FROM page), ${after})))::text AS more,
            NULL::text AS entity,
            NULL::text AS body
     UNION ALL
     SELECT seq::bigint, seq::text, NULL, NULL, entity, rec FROM kept
     ORDER BY 1`;

  /** A record's row: its feed position and kind (ASCII) and its stored JSON text. */
  type Rec = { seq: string; entity: string; rec: Uint8Array | string };
  const compose = (
    head: Array<string | null>,
    records: Rec[],
    out: { appendText(s: string): void; append(b: Uint8Array): void },
  ) => {
    const [lastSeq, kept, more] = head;
    const hasMore = more === 'true';
    const hallSeq = lastSeq ? Number(lastSeq) : cp.hallSeq;
    const checkpoint = encodeCheckpoint({ hallSeq, configVersion });
    out.appendText(`{"changes":[${parts.join(',')}`);
    let first = parts.length === 0;
    for (const r of records) {
      out.appendText(`${first ? '' : ','}{"kind":"${r.entity}","seq":${r.seq},"record":`);
      first = false;
      if (typeof r.rec === 'string') out.appendText(r.rec);
      else out.append(r.rec);
      out.appendText('}');
    }
    out.appendText(`],"checkpoint":"${checkpoint}","hasMore":${hasMore}}`);
    return { changes: parts.length + Number(kept ?? 0), hasMore };
  };

  if (db.rawRows) {
    return db.rawRows(sql, (rows) => {
      const head = (rows[0] ?? []).slice(1, 4).map((b) => (b ? b.toString('latin1') : null));
      const records: Rec[] = [];
      let size = 256 + parts.reduce((n, p) => n + p.length * 3, 0);
      for (let i = 1; i < rows.length; i++) {
        const [, seq, , , entity, rec] = rows[i]!;
        if (!seq || !entity || !rec) continue;
        records.push({ seq: seq.toString('latin1'), entity: entity.toString('latin1'), rec });
        size += rec.length + 64;
      }
      const out = new PooledBytes(pagePool, size);
      try {
        const meta = compose(head, records, out);
        return { body: finish(out.view()), ...meta };
      } finally {
        out.release();
      }
    });
  }
  const { rows } = await db.query<{
    last_seq: string | null;
    kept: string | null;
    more: string | null;
    entity: string | null;
    body: string | null;
  }>(sql);
  const chunks: string[] = [];
  const out = {
    appendText: (s: string) => void chunks.push(s),
    append: (b: Uint8Array) => void chunks.push(Buffer.from(b).toString('utf8')),
  };
  const r = rows[0];
  const records = rows
    .slice(1)
    .flatMap((x) =>
      x.last_seq && x.entity && x.body ? [{ seq: x.last_seq, entity: x.entity, rec: x.body }] : [],
    );
  const meta = compose([r?.last_seq ?? null, r?.kept ?? null, r?.more ?? null], records, out);
  return { body: finish(Buffer.from(chunks.join(''), 'utf8')), ...meta };
}
