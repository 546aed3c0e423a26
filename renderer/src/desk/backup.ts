// Export of the whole local database as one file for the settings page (a copy the hall can
// hand to support before reinstalling or moving a desk), and its restore onto an empty desk.
// The export is the JSON of every table (attachment bytes as data: URLs) sealed with a
// password the clerk sets (shared/backup/sealed.ts): it holds full ID numbers, so it is never
// written in clear text; restoring asks for the same password.
import { BackupError, backupFileName, openBackup, sealBackup } from '../../../shared/backup/sealed';
import { recordAccess } from '../db/audit';
import { activeDb, type StoredAttachment } from '../db/db';
import { downloadBlob } from '../db/open';
import { attachmentBytes } from '../db/vault';

async function blobToDataUrl(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${blob.type || 'application/octet-stream'};base64,${btoa(bin)}`;
}

const PAGE = 2000;

/** Builds the backup (same format as the recovery screen's), seals it, offers it as a download. */
export async function exportBackup(password: string): Promise<{
  fileName: string;
  counts: Record<string, number>;
  /** The sealed file, as offered for download. */
  sealed: Blob;
}> {
  const db = activeDb();
  const parts: BlobPart[] = [];
  const counts: Record<string, number> = {};
  parts.push(
    `{"format":"halldesk-local-backup","version":1,"database":${JSON.stringify(db.name)},"exportedAt":${JSON.stringify(new Date().toISOString())},"errors":[],"tables":{`,
  );
  let firstTable = true;
  for (const table of db.tables) {
    parts.push(`${firstTable ? '' : ','}${JSON.stringify(table.name)}:[`);
    firstTable = false;
    let n = 0;
    // Page through the table so that 200,000 applications never sit in memory as objects at once.
    for (let offset = 0; ; offset += PAGE) {
      const rows: unknown[] = await table.offset(offset).limit(PAGE).toArray();
      for (const row of rows) {
        let out: unknown = row;
        if (row && typeof row === 'object' && 'blob' in row && row.blob instanceof Blob) {
          out = { ...row, blob: { $blob: await blobToDataUrl(row.blob) } };
          // Sealed scans go out opened when the key is here (a backup is for recovering them
          // elsewhere); without it, sealed, with their `enc` mark.
          if ('enc' in row && row.enc && table.name === 'attachments') {
            try {
              const { enc: _e, ...plain } = row as StoredAttachment;
              out = {
                ...plain,
                blob: {
                  $blob: await blobToDataUrl(await attachmentBytes(row as StoredAttachment)),
                },
              };
            } catch {
              /* keep it sealed */
            }
          }
        }
        parts.push(`${n === 0 ? '' : ','}${JSON.stringify(out)}`);
        n += 1;
      }
      if (rows.length < PAGE) break;
    }
    counts[table.name] = n;
    parts.push(']');
  }
  parts.push('}}');
  const fileName = backupFileName();
  const sealed = await sealBackup(new Blob(parts, { type: 'application/json' }), password);
  downloadBlob(sealed, fileName);
  // A backup carries every customer's personal data: the export itself is logged (it is in the
  // next backup, not this one, which was read before). The audit table is part of db.tables.
  await recordAccess({
    action: 'export',
    entity: 'backup',
    entityId: fileName,
    label: fileName,
    detail: `applications ${counts.applications ?? 0}, feedback ${counts.feedback ?? 0}`,
  });
  return { fileName, counts, sealed };
}

/** `data:<type>;base64,<bytes>` back to a Blob. */
function dataUrlToBlob(url: string): Blob {
  const m = /^data:([^;,]*);base64,(.*)$/s.exec(url);
  if (!m) throw new BackupError('DAMAGED');
  const bin = atob(m[2]!);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: m[1] || 'application/octet-stream' });
}

/** Undoes the export's `{ $blob: dataUrl }`; a row whose bytes could not be read is skipped. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.$blob === 'string') return dataUrlToBlob(o.$blob);
    if ('$blobError' in o) throw new SkipRow();
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = revive(v);
    return out;
  }
  return value;
}
class SkipRow extends Error {}

/** Tables whose rows mean the desk already has work of its own (a restore would mix two desks). */
const WORK_TABLES = ['applications', 'outbox', 'drafts', 'feedback'];

/**
 * Restores a sealed backup onto this desk when it holds no applications, drafts, feedback or
 * unsent changes of its own (after the recovery screen's reset, or on a new PC). Throws
 * BackupError (wrong password, damaged file) or an Error with a Chinese message.
 */
export async function restoreBackup(
  file: Blob,
  password: string,
): Promise<{ counts: Record<string, number>; skipped: number }> {
  const plain = await openBackup(file, password);
  let doc: { format?: unknown; version?: unknown; tables?: Record<string, unknown[]> };
  try {
    doc = JSON.parse(await plain.text()) as typeof doc;
  } catch {
    throw new BackupError('DAMAGED');
  }
  if (doc.format !== 'halldesk-local-backup' || doc.version !== 1 || !doc.tables) {
    throw new BackupError('UNSUPPORTED');
  }
  const db = activeDb();
  for (const name of WORK_TABLES) {
    const table = db.tables.find((t) => t.name === name);
    if (table && (await table.count()) > 0) {
      throw new Error('本机已有受理数据，只能在空的受理台上恢复备份（先在恢复界面重置本地数据库）');
    }
  }
  const counts: Record<string, number> = {};
  let skipped = 0;
  // The supervision counters are derived: the restored applications count themselves in (or the
  // counters are rebuilt), a backup's copy is never taken as is.
  const tables = db.tables.filter(
    (t) => Array.isArray(doc.tables![t.name]) && t.name !== 'supervisionCounts',
  );
  await db.transaction('rw', tables, async () => {
    for (const table of tables) {
      const rows: unknown[] = [];
      for (const row of doc.tables![table.name]!) {
        try {
          rows.push(revive(row));
        } catch (e) {
          if (!(e instanceof SkipRow)) throw e;
          skipped += 1;
        }
      }
      await table.bulkPut(rows);
      counts[table.name] = rows.length;
    }
  });
  return { counts, skipped };
}
