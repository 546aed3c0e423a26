// Customer signatures beside their application: the shell hashes exactly what was signed
// (shell.signature.save), and the record and the PNG are kept as two attachments of the
// application, so they are stored durably and synced to the centre like a scan. Under Electron
// main keeps its own copy as well, which verification also checks.
import {
  pngFromDataUrl,
  SignatureRecord,
  type SignatureVerification,
} from '../../../shared/signature/record';
import { addAttachment, getAttachment, listAttachments } from '../db/repo';
import { shell } from '../shell/bridge';

/** Attachment document code of the signature image (id = the signature record's id). */
export const SIGNATURE_IMAGE_DOC = 'customer_signature';
/** Attachment document code of the signature record (JSON). */
export const SIGNATURE_RECORD_DOC = 'customer_signature_record';

export interface StoredSignature {
  record: SignatureRecord;
  storedBy: 'shell' | 'caller';
}

/**
 * The local bytes were dropped by the retention purge after the upload (renderer/src/db/retention):
 * the centre keeps the signature; this machine can no longer check it.
 */
export class SignaturePurgedError extends Error {
  constructor() {
    super('签名已上传中心，本机副本已按保留期限清理，请到中心核验');
    this.name = 'SignaturePurgedError';
  }
}

/**
 * Hashes and stores a signature of `document` (the summary the customer saw) for an
 * application or draft. The image is written first: a record never points at a missing image
 * unless something removed it later (which verification then reports).
 */
export async function saveCustomerSignature(
  applicationId: string,
  document: unknown,
  pngDataUrl: string,
): Promise<StoredSignature> {
  const png = pngFromDataUrl(pngDataUrl);
  if (!png) throw new Error('签名图像无效 / the signature image is not a PNG');
  const { record, storedBy } = await shell.signature.save(applicationId, document, pngDataUrl);
  await addAttachment(
    {
      id: record.id,
      applicationId,
      documentCode: SIGNATURE_IMAGE_DOC,
      fileName: `客户签名-${record.id}.png`,
      mimeType: 'image/png',
      createdAt: record.signedAt,
    },
    new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
  );
  const stored: StoredSignature = { record, storedBy };
  await addAttachment(
    {
      applicationId,
      documentCode: SIGNATURE_RECORD_DOC,
      fileName: `客户签名记录-${record.id}.json`,
      mimeType: 'application/json',
      createdAt: record.signedAt,
    },
    new Blob([JSON.stringify(stored)], { type: 'application/json' }),
  );
  return stored;
}

/** Every signature stored for an application, newest first (unreadable records are skipped). */
export async function listCustomerSignatures(applicationId: string): Promise<StoredSignature[]> {
  return (await readSignatures(applicationId)).signatures;
}

/** Signatures of an application, and how many records were purged locally after upload. */
export async function readSignatures(
  applicationId: string,
): Promise<{ signatures: StoredSignature[]; purged: number }> {
  const metas = (await listAttachments(applicationId)).filter(
    (a) => a.documentCode === SIGNATURE_RECORD_DOC,
  );
  const out: StoredSignature[] = [];
  let purged = 0;
  for (const m of metas) {
    // One record that cannot be read (sealed, and its key is gone) must not hide the others.
    const att = await getAttachment(m.id).catch((e: unknown) => {
      console.error('unreadable signature record', m.id, e);
      return undefined;
    });
    if (!att) continue;
    if (att.blob.size === 0 && m.size > 0) {
      purged++;
      continue;
    }
    try {
      const raw = JSON.parse(await att.blob.text()) as { record?: unknown; storedBy?: unknown };
      const record = SignatureRecord.parse(raw.record);
      out.push({ record, storedBy: raw.storedBy === 'shell' ? 'shell' : 'caller' });
    } catch (e) {
      console.error('unreadable signature record', m.id, e);
    }
  }
  out.sort((a, b) =>
    a.record.signedAt < b.record.signedAt ? 1 : a.record.signedAt > b.record.signedAt ? -1 : 0,
  );
  return { signatures: out, purged };
}

/**
 * Recomputes every hash of a stored signature against its image bytes and, when given, the
 * summary as the application reads now. Under Electron a signature main stored is verified
 * against main's copy too; both must hold.
 */
export async function verifyCustomerSignature(
  stored: StoredSignature,
  currentDocument?: unknown,
): Promise<SignatureVerification> {
  const image = await getAttachment(stored.record.id);
  if (image && image.blob.size === 0 && image.meta.size > 0) throw new SignaturePurgedError();
  const png = image ? new Uint8Array(await image.blob.arrayBuffer()) : new Uint8Array();
  const local = await shell.signature.verify(stored.record, png, currentDocument);
  if (!image) local.problems.unshift('签名图像缺失 / signature image missing');
  if (stored.storedBy !== 'shell' || !shell.isElectron) return local;
  const remote = await shell.signature.verifyStored(stored.record.id, currentDocument);
  const sameRecord =
    remote.record !== null && remote.record.sealSha256 === stored.record.sealSha256;
  const problems = [...local.problems];
  for (const p of remote.problems) if (!problems.includes(p)) problems.push(p);
  if (!sameRecord)
    problems.push('签名记录与桌面程序保存的不一致 / record differs from the shell copy');
  return {
    valid: local.valid && remote.valid && sameRecord,
    documentIntact: local.documentIntact && remote.documentIntact,
    imageIntact: local.imageIntact && remote.imageIntact,
    sealIntact: local.sealIntact && remote.sealIntact && sameRecord,
    matchesCurrentDocument:
      local.matchesCurrentDocument === null
        ? remote.matchesCurrentDocument
        : local.matchesCurrentDocument && remote.matchesCurrentDocument !== false,
    problems,
  };
}
