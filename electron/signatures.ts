// Stores customer signatures on this machine: the PNG and its record (SHA-256 of the canonical
// document text, of the image, and a seal over both) under signatures/ in the data folder. With
// an OS keystore the image is kept encrypted by it (`<id>.png.sealed`, safeStorage), like the
// desk's scans; the record's hashes are of the PNG as drawn either way.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  SignatureRecord,
  createSignatureRecord,
  pngFromDataUrl,
  verifySignatureRecord,
  type Sha256,
  type SignatureVerification,
} from '../shared/signature/record';
import { readJson, writeJsonAtomic } from './jsonFile';

export const nodeSha256: Sha256 = (bytes) =>
  Promise.resolve(createHash('sha256').update(bytes).digest('hex'));

/** Encryption of image bytes at rest (safeStorage in main); null = stored as drawn. */
export interface ImageSealer {
  seal(bytes: Uint8Array): Buffer;
  open(sealed: Buffer): Uint8Array;
}

/** safeStorage as an ImageSealer (it encrypts strings: the bytes travel as base64). */
export function safeStorageSealer(safe: {
  encryptString(s: string): Buffer;
  decryptString(b: Buffer): string;
}): ImageSealer {
  return {
    seal: (bytes) => safe.encryptString(Buffer.from(bytes).toString('base64')),
    open: (sealed) => new Uint8Array(Buffer.from(safe.decryptString(sealed), 'base64')),
  };
}

export class SignatureStore {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly sealer: ImageSealer | null = null,
  ) {
    this.dir = path.join(dataDir, 'signatures');
  }

  private paths(id: string) {
    // ids are UUIDs (validated by the IPC schema and here): no path tricks possible.
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error('bad signature id');
    return {
      png: path.join(this.dir, `${id}.png`),
      sealed: path.join(this.dir, `${id}.png.sealed`),
      json: path.join(this.dir, `${id}.json`),
    };
  }

  /** The image as drawn, from whichever file holds it; null when missing or unreadable. */
  private readImage(p: { png: string; sealed: string }): Uint8Array | null {
    try {
      return new Uint8Array(fs.readFileSync(p.png));
    } catch {
      /* not stored as drawn: try the sealed file */
    }
    if (!this.sealer) return null;
    try {
      return this.sealer.open(fs.readFileSync(p.sealed));
    } catch {
      return null;
    }
  }

  async save(input: {
    applicationId: string;
    document: unknown;
    pngDataUrl: string;
  }): Promise<SignatureRecord> {
    const png = pngFromDataUrl(input.pngDataUrl);
    if (!png) throw new Error('签名图像不是 PNG / signature image is not a PNG');
    const record = await createSignatureRecord(nodeSha256, {
      id: randomUUID(),
      applicationId: input.applicationId,
      document: input.document,
      png,
      signedAt: this.now().toISOString(),
    });
    const p = this.paths(record.id);
    fs.mkdirSync(this.dir, { recursive: true });
    // Image first, record second: a record never points at a missing image.
    const fd = fs.openSync(this.sealer ? p.sealed : p.png, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, this.sealer ? this.sealer.seal(png) : png);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    writeJsonAtomic(p.json, record);
    return record;
  }

  async verify(
    id: string,
    currentDocument?: unknown,
  ): Promise<SignatureVerification & { record: SignatureRecord | null }> {
    const p = this.paths(id);
    const parsed = SignatureRecord.safeParse(readJson(p.json).value);
    const png = this.readImage(p);
    if (!parsed.success || !png) {
      return {
        record: parsed.success ? parsed.data : null,
        valid: false,
        documentIntact: false,
        imageIntact: false,
        sealIntact: false,
        matchesCurrentDocument: null,
        problems: ['签名记录缺失或损坏 / signature record or image missing'],
      };
    }
    const result = await verifySignatureRecord(nodeSha256, parsed.data, png, currentDocument);
    return { ...result, record: parsed.data };
  }
}
