// Signature records (Electronic Signature Law Art. 13): the SHA-256 of exactly what was signed,
// stored with the signature image, so any later change to either is detectable. The hash
// function is injected: node:crypto in main, crypto.subtle in a browser.
import { z } from 'zod';
import { canonicalJson } from './canonical';

/** Hex SHA-256 of some bytes. */
export type Sha256 = (bytes: Uint8Array) => Promise<string>;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const SignatureRecord = z.object({
  /** Record id (UUID), also the file name of the stored image. */
  id: z.string().uuid(),
  applicationId: z.string().uuid(),
  algorithm: z.literal('sha256'),
  /** The canonical JSON text the customer saw and signed (UTF-8 when hashed). */
  documentText: z.string(),
  documentSha256: Hex64,
  imageMimeType: z.literal('image/png'),
  imageSha256: Hex64,
  signedAt: z.string().datetime({ offset: true }),
  /** Binds document, image and time together: SHA-256 of sealText(record). */
  sealSha256: Hex64,
});
export type SignatureRecord = z.infer<typeof SignatureRecord>;

export interface SignatureVerification {
  valid: boolean;
  /** The stored document text still hashes to documentSha256. */
  documentIntact: boolean;
  /** The stored image still hashes to imageSha256. */
  imageIntact: boolean;
  /** documentSha256 + imageSha256 + signedAt still hash to sealSha256. */
  sealIntact: boolean;
  /** When a current document was given: it is the same JSON as what was signed. */
  matchesCurrentDocument: boolean | null;
  problems: string[];
}

const encoder = new TextEncoder();

/** The text the seal hashes: fixed field order, one line per field. */
export function sealText(
  r: Pick<SignatureRecord, 'id' | 'applicationId' | 'documentSha256' | 'imageSha256' | 'signedAt'>,
): string {
  return [
    'halldesk-signature-v1',
    r.id,
    r.applicationId,
    r.documentSha256,
    r.imageSha256,
    r.signedAt,
  ].join('\n');
}

export async function createSignatureRecord(
  sha256: Sha256,
  input: {
    id: string;
    applicationId: string;
    document: unknown;
    png: Uint8Array;
    signedAt: string;
  },
): Promise<SignatureRecord> {
  if (!isPng(input.png)) throw new Error('signature image is not a PNG');
  const documentText = canonicalJson(input.document);
  const documentSha256 = await sha256(encoder.encode(documentText));
  const imageSha256 = await sha256(input.png);
  const partial = {
    id: input.id,
    applicationId: input.applicationId,
    documentSha256,
    imageSha256,
    signedAt: input.signedAt,
  };
  const sealSha256 = await sha256(encoder.encode(sealText(partial)));
  return SignatureRecord.parse({
    ...partial,
    algorithm: 'sha256',
    documentText,
    imageMimeType: 'image/png',
    sealSha256,
  });
}

/**
 * Recomputes every hash. `currentDocument`, when given, is what the application says now: a
 * signature stays valid for its own text, but no longer matches a document changed after signing.
 */
export async function verifySignatureRecord(
  sha256: Sha256,
  record: SignatureRecord,
  png: Uint8Array,
  currentDocument?: unknown,
): Promise<SignatureVerification> {
  const problems: string[] = [];
  const documentIntact =
    (await sha256(encoder.encode(record.documentText))) === record.documentSha256;
  if (!documentIntact) problems.push('签署内容已被修改 / signed document text changed');
  const imageIntact = (await sha256(png)) === record.imageSha256;
  if (!imageIntact) problems.push('签名图像已被修改 / signature image changed');
  const sealIntact = (await sha256(encoder.encode(sealText(record)))) === record.sealSha256;
  if (!sealIntact) problems.push('签名记录已被修改 / signature record changed');
  let matchesCurrentDocument: boolean | null = null;
  if (currentDocument !== undefined) {
    matchesCurrentDocument = canonicalJson(currentDocument) === record.documentText;
    if (!matchesCurrentDocument)
      problems.push('申请内容在签名后被修改 / document changed after signing');
  }
  return {
    valid: documentIntact && imageIntact && sealIntact && matchesCurrentDocument !== false,
    documentIntact,
    imageIntact,
    sealIntact,
    matchesCurrentDocument,
    problems,
  };
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > PNG_MAGIC.length && PNG_MAGIC.every((b, i) => bytes[i] === b);
}

/** Decodes a `data:image/png;base64,…` URL (what a canvas gives) to bytes; null if it is not one. */
export function pngFromDataUrl(dataUrl: string): Uint8Array | null {
  const prefix = 'data:image/png;base64,';
  if (!dataUrl.startsWith(prefix)) return null;
  const b64 = dataUrl.slice(prefix.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return null;
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return isPng(bytes) ? bytes : null;
}
