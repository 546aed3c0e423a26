// Export of the whole local database as one JSON file (attachment bytes as data: URLs), for the
// settings page: a copy the hall can hand to support before reinstalling or moving a desk.
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

/** Builds the backup (same format as the recovery screen's) and offers it as a download. */
export async function exportBackup(): Promise<{
  fileName: string;
  counts: Record<string, number>;
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
  const fileName = `halldesk-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  downloadBlob(new Blob(parts, { type: 'application/json' }), fileName);
  // A backup carries every customer's personal data: the export itself is logged (it is in the
  // next backup, not this one, which was read before). The audit table is part of db.tables.
  await recordAccess({
    action: 'export',
    entity: 'backup',
    entityId: fileName,
    label: fileName,
    detail: `applications ${counts.applications ?? 0}, feedback ${counts.feedback ?? 0}`,
  });
  return { fileName, counts };
}
