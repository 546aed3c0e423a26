// Stores customer signatures on this machine: the PNG and its record (SHA-256 of the canonical
// document text, of the image, and a seal over both) under signatures/ in the data folder.
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

export class SignatureStore {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dir = path.join(dataDir, 'signatures');
  }

  private paths(id: string) {
    // ids are UUIDs (validated by the IPC schema and here): no path tricks possible.
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error('bad signature id');
    return { png: path.join(this.dir, `${id}.png`), json: path.join(this.dir, `${id}.json`) };
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
    const fd = fs.openSync(p.png, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, png);
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
    let png: Uint8Array | null = null;
    try {
      png = fs.readFileSync(p.png);
    } catch {
      png = null;
    }
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
