// Attachments: bytes content-addressed by SHA-256 per hall, uploaded in chunks that can resume
// after a drop (the server says how many bytes it has), checked against the hash when complete.
import crypto from 'node:crypto';
import type { AttachmentStatus } from '../../shared/protocol';
import {
  AttachmentPutQuery,
  DEFAULT_DEVICE_QUOTA_BYTES,
  DEFAULT_UPLOAD_EXPIRY_DAYS,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENT_CHUNK_BYTES,
  Sha256Hex,
} from '../../shared/protocol';
import type { Db } from '../db/db';
import type { DeviceAuth } from './auth';
import { fail } from './errors';
import { writeFeed } from './push';

export function checkSha(sha: string): string {
  if (!Sha256Hex.safeParse(sha).success) {
    fail(
      'E_BAD_REQUEST',
      '附件标识必须是64位小写十六进制 SHA-256 (sha256 must be 64 lowercase hex)',
    );
  }
  return sha;
}

export async function attachmentStatus(
  db: Db,
  auth: DeviceAuth,
  sha256: string,
): Promise<AttachmentStatus> {
  checkSha(sha256);
  const { rows } = await db.query<{ size: number; received: number; complete: boolean }>(
    'SELECT size, received, complete FROM blobs WHERE hall_id = $1 AND sha256 = $2',
    [auth.hallId, sha256],
  );
  const b = rows[0];
  if (!b) return { sha256, size: null, received: 0, complete: false };
  return { sha256, size: b.size, received: b.received, complete: b.complete };
}

export interface AttachmentLimits {
  /** Stored plus pending bytes of uploads this device started (DEFAULT_DEVICE_QUOTA_BYTES). */
  quotaBytes?: number;
}

/**
 * Stores one chunk. Idempotent for a complete blob; strict about the offset otherwise. A new
 * upload is counted against the device that starts it: past its quota → 413 E_QUOTA.
 */
export async function putAttachmentChunk(
  db: Db,
  auth: DeviceAuth,
  sha256: string,
  query: unknown,
  chunk: Uint8Array,
  limits: AttachmentLimits = {},
): Promise<AttachmentStatus> {
  const quota = limits.quotaBytes ?? DEFAULT_DEVICE_QUOTA_BYTES;
  checkSha(sha256);
  const q = AttachmentPutQuery.safeParse(query);
  if (!q.success) fail('E_BAD_REQUEST', '需要 offset 和 size 参数 (offset and size are required)');
  const { offset, size } = q.data;
  if (size > MAX_ATTACHMENT_BYTES) {
    fail('E_TOO_LARGE', `附件超过 ${MAX_ATTACHMENT_BYTES} 字节 (attachment too large)`);
  }
  if (chunk.length > MAX_ATTACHMENT_CHUNK_BYTES) {
    fail('E_TOO_LARGE', `分块超过 ${MAX_ATTACHMENT_CHUNK_BYTES} 字节 (chunk too large)`);
  }
  if (offset + chunk.length > size) fail('E_BAD_REQUEST', '分块超出文件大小 (chunk beyond size)');

  const outcome = await db.transaction(async (tx) => {
    const known = await tx.query<{ n: number }>(
      'SELECT 1 AS n FROM blobs WHERE hall_id = $1 AND sha256 = $2',
      [auth.hallId, sha256],
    );
    if (known.rows.length === 0) {
      // Nothing here yet: only a first chunk starts an upload (a refusal writes nothing).
      if (offset !== 0) {
        return {
          kind: 'offset' as const,
          status: { sha256, size: null, received: 0, complete: false },
        };
      }
      // A new upload: what this device already holds (stored and pending) plus this one.
      const used = await tx.query<{ bytes: string | number | null }>(
        'SELECT sum(size)::float8 AS bytes FROM blobs WHERE device_id = $1',
        [auth.deviceId],
      );
      const have = Number(used.rows[0]?.bytes ?? 0);
      if (have + size > quota) return { kind: 'quota' as const, have };
    }
    await tx.query(
      `INSERT INTO blobs (hall_id, sha256, size, device_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (hall_id, sha256) DO NOTHING`,
      [auth.hallId, sha256, size, auth.deviceId],
    );
    const { rows } = await tx.query<{ size: number; received: number; complete: boolean }>(
      'SELECT size, received, complete FROM blobs WHERE hall_id = $1 AND sha256 = $2 FOR UPDATE',
      [auth.hallId, sha256],
    );
    const b = rows[0]!;
    if (b.complete)
      return {
        kind: 'ok' as const,
        status: { sha256, size: b.size, received: b.received, complete: true },
      };
    if (b.size !== size) {
      if (b.received > 0) {
        return {
          kind: 'offset' as const,
          status: { sha256, size: b.size, received: b.received, complete: false },
        };
      }
      await tx.query('UPDATE blobs SET size = $3 WHERE hall_id = $1 AND sha256 = $2', [
        auth.hallId,
        sha256,
        size,
      ]);
    }
    if (offset !== b.received) {
      return {
        kind: 'offset' as const,
        status: { sha256, size, received: b.received, complete: false },
      };
    }
    if (chunk.length > 0) {
      await tx.query(
        'INSERT INTO blob_chunks (hall_id, sha256, "offset", data) VALUES ($1, $2, $3, $4)',
        [auth.hallId, sha256, offset, chunk],
      );
    }
    const received = offset + chunk.length;
    if (received < size) {
      await tx.query('UPDATE blobs SET received = $3 WHERE hall_id = $1 AND sha256 = $2', [
        auth.hallId,
        sha256,
        received,
      ]);
      return { kind: 'ok' as const, status: { sha256, size, received, complete: false } };
    }
    // Last byte: the content must hash to its name, else the whole upload starts over.
    const all = await tx.query<{ data: Uint8Array }>(
      'SELECT data FROM blob_chunks WHERE hall_id = $1 AND sha256 = $2 ORDER BY "offset"',
      [auth.hallId, sha256],
    );
    const h = crypto.createHash('sha256');
    for (const r of all.rows) h.update(r.data);
    if (h.digest('hex') !== sha256) {
      // The whole upload is discarded (its chunks go with the row): the desk starts again at 0.
      await tx.query('DELETE FROM blobs WHERE hall_id = $1 AND sha256 = $2', [auth.hallId, sha256]);
      return { kind: 'hash' as const, status: { sha256, size, received: 0, complete: false } };
    }
    await tx.query(
      `UPDATE blobs SET received = $3, complete = true, completed_at = now()
        WHERE hall_id = $1 AND sha256 = $2`,
      [auth.hallId, sha256, received],
    );
    // The metadata records pointing at these bytes change (complete) for the hall's desks.
    await tx.query('SELECT feed_seq FROM halls WHERE id = $1 FOR UPDATE', [auth.hallId]);
    const metas = await tx.query<{ id: string }>(
      'SELECT id FROM attachments WHERE hall_id = $1 AND sha256 = $2',
      [auth.hallId, sha256],
    );
    await writeFeed(
      tx,
      auth.hallId,
      metas.rows.map((m) => ({ entity: 'attachment', id: m.id })),
    );
    return { kind: 'ok' as const, status: { sha256, size, received, complete: true } };
  });
  if (outcome.kind === 'quota') {
    fail(
      'E_QUOTA',
      `本设备的附件已占用 ${outcome.have} 字节，再加 ${size} 字节将超过配额 ${quota} 字节 (attachment quota of this device exceeded)`,
      { quotaBytes: quota, usedBytes: outcome.have, size },
    );
  }
  if (outcome.kind === 'offset') {
    fail(
      'E_OFFSET_MISMATCH',
      `服务器已有 ${outcome.status.received} 字节，请从该位置续传 (resume at ${outcome.status.received})`,
      outcome.status,
    );
  }
  if (outcome.kind === 'hash') {
    fail(
      'E_HASH_MISMATCH',
      '附件内容与 SHA-256 不符，已丢弃 (content does not match its hash)',
      outcome.status,
    );
  }
  return outcome.status;
}

export async function attachmentContent(
  db: Db,
  auth: DeviceAuth,
  sha256: string,
): Promise<{ bytes: Buffer; mimeType: string; fileName: string | null }> {
  checkSha(sha256);
  const st = await attachmentStatus(db, auth, sha256);
  if (!st.complete)
    fail('E_NOT_FOUND', '附件不存在或未上传完 (attachment not found or incomplete)');
  const { rows } = await db.query<{ data: Uint8Array }>(
    'SELECT data FROM blob_chunks WHERE hall_id = $1 AND sha256 = $2 ORDER BY "offset"',
    [auth.hallId, sha256],
  );
  const meta = await db.query<{ mime: string | null; file_name: string | null }>(
    `SELECT record->>'mimeType' AS mime, record->>'fileName' AS file_name
       FROM attachments WHERE hall_id = $1 AND sha256 = $2 LIMIT 1`,
    [auth.hallId, sha256],
  );
  return {
    bytes: Buffer.concat(
      rows.map((r) => Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)),
    ),
    mimeType: meta.rows[0]?.mime ?? 'application/octet-stream',
    fileName: meta.rows[0]?.file_name ?? null,
  };
}

/**
 * Removes unfinished uploads started more than `expiryDays` ago, with their bytes (chunks go
 * with the blob row). A desk that still wants one starts again from offset 0. Returns how many.
 */
export async function sweepExpiredUploads(
  db: Db,
  expiryDays: number = DEFAULT_UPLOAD_EXPIRY_DAYS,
): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM blobs WHERE NOT complete AND created_at < now() - make_interval(secs => $1)`,
    [expiryDays * 86400],
  );
  return rowCount;
}

/** Types served as recorded: raster images a browser shows inertly, and PDF. */
const SERVABLE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/avif',
  'image/tiff',
  'application/pdf',
]);

/** The Content-Type to serve for a recorded type: itself if servable, else octet-stream. */
export function servedContentType(recorded: string | null | undefined): string {
  const base = (recorded ?? '').split(';')[0]!.trim().toLowerCase();
  return SERVABLE_TYPES.has(base) ? base : 'application/octet-stream';
}

/** RFC 5987 ext-value characters: attr-char stays, everything else is %-encoded UTF-8. */
function rfc5987(s: string): string {
  return encodeURIComponent(s).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * `attachment` with the recorded file name (RFC 6266/5987: an ASCII fallback plus filename*
 * in UTF-8). Path separators, quotes and control characters never reach the header.
 */
// eslint-disable-next-line no-control-regex
const NOT_IN_FILE_NAMES = /[\u0000-\u001f\u007f-\u009f/\\]/g;

export function contentDisposition(fileName: string | null, sha256: string): string {
  const clean = (fileName ?? '').replace(NOT_IN_FILE_NAMES, '_').trim().slice(0, 200);
  const name = clean && clean !== '.' && clean !== '..' ? clean : sha256;
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(name)}`;
}
