// Signatures: SHA-256 of exactly what was signed (canonical JSON), stored with the image and
// sealed; any later change to document, image or record is detected. Node and WebCrypto agree.
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError } from '../../../shared/signature/canonical';
import {
  createSignatureRecord,
  pngFromDataUrl,
  verifySignatureRecord,
  type Sha256,
} from '../../../shared/signature/record';
import { nodeSha256, safeStorageSealer, SignatureStore } from '../../../electron/signatures';

// A real 1×1 PNG (what a signature canvas exports, only smaller).
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const png = Uint8Array.from(Buffer.from(PNG_B64, 'base64'));
const dataUrl = `data:image/png;base64,${PNG_B64}`;

const subtleSha256: Sha256 = async (bytes) => {
  const digest = await webcrypto.subtle.digest('SHA-256', bytes);
  return Buffer.from(digest).toString('hex');
};

const summary = {
  title: '低压居民新装',
  rows: [
    { label: '户名', value: '张*' },
    { label: '证件号码', value: '110105********002X' },
    { label: '联系电话', value: '138****5678' },
  ],
  capacityKw: 8,
};
const appId = '3f1c1b8e-8d63-4d55-9f4e-2d9a3c1e7b21';

describe('canonicalJson', () => {
  it('sorts keys at every level and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 0, y: null }], c: '中' } })).toBe(
      '{"a":{"c":"中","d":[3,{"y":null,"z":0}]},"b":1}',
    );
  });

  it('is independent of key insertion order', () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('refuses values that JSON would silently drop or change', () => {
    expect(() => canonicalJson({ a: undefined })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ a: new Date(0) })).toThrow(/plain object/);
    expect(() => canonicalJson(() => 1)).toThrow(/unsupported function/);
  });
});

describe('signature records', () => {
  it('hashes the canonical document text with SHA-256 (known vector)', async () => {
    const r = await createSignatureRecord(nodeSha256, {
      id: '00000000-0000-4000-8000-000000000001',
      applicationId: appId,
      document: { b: 'x', a: 1 },
      png,
      signedAt: '2026-03-02T09:00:00.000Z',
    });
    expect(r.documentText).toBe('{"a":1,"b":"x"}');
    // echo -n '{"a":1,"b":"x"}' | sha256sum
    expect(r.documentSha256).toBe(await nodeSha256(new TextEncoder().encode('{"a":1,"b":"x"}')));
    expect(r.documentSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same record with node:crypto and crypto.subtle (main and browser)', async () => {
    const input = {
      id: '00000000-0000-4000-8000-000000000002',
      applicationId: appId,
      document: summary,
      png,
      signedAt: '2026-03-02T09:00:00.000Z',
    };
    expect(await createSignatureRecord(nodeSha256, input)).toEqual(
      await createSignatureRecord(subtleSha256, input),
    );
  });

  it('verifies an untouched record and detects every later change', async () => {
    const r = await createSignatureRecord(nodeSha256, {
      id: '00000000-0000-4000-8000-000000000003',
      applicationId: appId,
      document: summary,
      png,
      signedAt: '2026-03-02T09:00:00.000Z',
    });
    expect((await verifySignatureRecord(nodeSha256, r, png, summary)).valid).toBe(true);

    const changedDoc = { ...summary, capacityKw: 80 };
    const v1 = await verifySignatureRecord(nodeSha256, r, png, changedDoc);
    expect(v1).toMatchObject({ valid: false, matchesCurrentDocument: false, documentIntact: true });

    const v2 = await verifySignatureRecord(
      nodeSha256,
      { ...r, documentText: r.documentText.replace('8', '9') },
      png,
    );
    expect(v2).toMatchObject({ valid: false, documentIntact: false });

    const otherImage = png.slice();
    otherImage[otherImage.length - 5] = (otherImage[otherImage.length - 5] ?? 0) ^ 0xff;
    expect(await verifySignatureRecord(nodeSha256, r, otherImage)).toMatchObject({
      valid: false,
      imageIntact: false,
    });

    // Swapping in another image together with its hash still breaks the seal.
    const v4 = await verifySignatureRecord(
      nodeSha256,
      { ...r, imageSha256: await nodeSha256(otherImage) },
      otherImage,
    );
    expect(v4).toMatchObject({ valid: false, imageIntact: true, sealIntact: false });

    const v5 = await verifySignatureRecord(
      nodeSha256,
      { ...r, signedAt: '2026-03-01T09:00:00.000Z' },
      png,
    );
    expect(v5.sealIntact).toBe(false);
  });

  it('accepts only PNG data URLs', () => {
    expect(pngFromDataUrl(dataUrl)).toEqual(png);
    expect(pngFromDataUrl('data:image/jpeg;base64,/9j/4AAQ')).toBeNull();
    expect(
      pngFromDataUrl(`data:image/png;base64,${Buffer.from('<svg/>').toString('base64')}`),
    ).toBeNull();
    expect(pngFromDataUrl('data:image/png;base64,@@@')).toBeNull();
  });
});

describe('SignatureStore (files on disk)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-sig-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves image and record, verifies them, and detects tampering on disk', async () => {
    const store = new SignatureStore(dir, () => new Date('2026-03-02T09:00:00.000Z'));
    const record = await store.save({
      applicationId: appId,
      document: summary,
      pngDataUrl: dataUrl,
    });
    expect(fs.readFileSync(path.join(dir, 'signatures', `${record.id}.png`))).toEqual(
      Buffer.from(png),
    );
    expect((await store.verify(record.id, summary)).valid).toBe(true);

    const jsonFile = path.join(dir, 'signatures', `${record.id}.json`);
    const stored = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { documentText: string };
    stored.documentText = stored.documentText.replace('张*', '李*');
    fs.writeFileSync(jsonFile, JSON.stringify(stored));
    const v = await store.verify(record.id);
    expect(v.valid).toBe(false);
    expect(v.documentIntact).toBe(false);
  });

  it('keeps the image encrypted by the keystore where there is one, and verifies it', async () => {
    // A stand-in for safeStorage: reversible, and the PNG is not readable in what it writes.
    const safe = {
      encryptString: (t: string) => Buffer.from(`enc:${Buffer.from(t).toString('hex')}`),
      decryptString: (b: Buffer) =>
        Buffer.from(b.toString().replace(/^enc:/, ''), 'hex').toString(),
    };
    const store = new SignatureStore(dir, undefined, safeStorageSealer(safe));
    const record = await store.save({
      applicationId: appId,
      document: summary,
      pngDataUrl: dataUrl,
    });
    const folder = path.join(dir, 'signatures');
    expect(fs.existsSync(path.join(folder, `${record.id}.png`))).toBe(false);
    const sealed = fs.readFileSync(path.join(folder, `${record.id}.png.sealed`));
    expect(sealed.includes(Buffer.from(png).subarray(0, 8))).toBe(false);
    expect(await store.verify(record.id, summary)).toMatchObject({
      valid: true,
      imageIntact: true,
    });
    // Signatures kept as drawn by an earlier version still verify.
    const plain = await new SignatureStore(dir).save({
      applicationId: appId,
      document: summary,
      pngDataUrl: dataUrl,
    });
    expect((await store.verify(plain.id, summary)).valid).toBe(true);
    // Without the keystore's key the image cannot be read: reported, never a false "valid".
    const keyless = new SignatureStore(dir);
    expect((await keyless.verify(record.id, summary)).valid).toBe(false);
  });

  it('reports a missing record as invalid, and refuses a non-PNG image', async () => {
    const store = new SignatureStore(dir);
    const v = await store.verify('11111111-1111-4111-8111-111111111111');
    expect(v).toMatchObject({ valid: false, record: null });
    await expect(
      store.save({ applicationId: appId, document: {}, pngDataUrl: 'data:image/png;base64,AAAA' }),
    ).rejects.toThrow(/PNG/);
  });
});
