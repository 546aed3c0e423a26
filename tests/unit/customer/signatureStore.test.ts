// Customer signatures kept beside the application (browser mode, fake-indexeddb): the record hashes
// exactly the summary shown, the image and record are attachments that go to the centre with the
// application, verification detects a changed image and a changed application; the rating is an
// additive field of the application, stored with its own outbox entry.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../../shared/domain/catalogue';
import { Application } from '../../../shared/domain/model';
import { canonicalJson } from '../../../shared/signature/canonical';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import * as repo from '../../../renderer/src/db/repo';
import { setVaultKeySource } from '../../../renderer/src/db/vault';
import {
  listCustomerSignatures,
  readSignatures,
  saveCustomerSignature,
  SignaturePurgedError,
  SIGNATURE_IMAGE_DOC,
  SIGNATURE_RECORD_DOC,
  verifyCustomerSignature,
} from '../../../renderer/src/customer/signatureStore';
import { buildCustomerSummary } from '../../../renderer/src/customer/summary';
import { freshDb, makeApp } from '../store/factory';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let db: HallDeskDB;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

function app() {
  return makeApp(
    { businessCode: '101', address: '北京市东城区和平里1号' },
    { idNumber: '11010519491231002X', phone: '13812345678' },
  );
}

describe('customer signatures', () => {
  it('stores record and image under the draft id; the submit sends both like scans', async () => {
    const a = app();
    const summary = buildCustomerSummary(a, defaultCatalogue);
    const stored = await saveCustomerSignature(a.id, summary, PNG);
    expect(stored.storedBy).toBe('caller');
    expect(stored.record.documentText).toBe(canonicalJson(summary));
    expect(stored.record.documentText).not.toContain('11010519491231002X');

    const atts = await repo.listAttachments(a.id);
    expect(atts.map((x) => x.documentCode).sort()).toEqual(
      [SIGNATURE_IMAGE_DOC, SIGNATURE_RECORD_DOC].sort(),
    );
    expect(atts.find((x) => x.documentCode === SIGNATURE_IMAGE_DOC)?.id).toBe(stored.record.id);
    expect(await db.outbox.count()).toBe(0); // a draft: nothing to send yet

    await repo.submitApplication(a);
    const out = await db.outbox.orderBy('seq').toArray();
    expect(out.map((e) => e.entity)).toEqual(['application', 'attachment', 'attachment']);

    const listed = await listCustomerSignatures(a.id);
    expect(listed).toHaveLength(1);
    expect(listed[0]?.record).toEqual(stored.record);
  });

  it('verifies as intact, and detects a changed image or a changed application', async () => {
    const a = app();
    const summary = buildCustomerSummary(a, defaultCatalogue);
    const stored = await saveCustomerSignature(a.id, summary, PNG);
    const ok = await verifyCustomerSignature(stored, buildCustomerSummary(a, defaultCatalogue));
    expect(ok.valid).toBe(true);

    const moved = { ...a, address: '北京市东城区和平里2号' };
    const changedApp = await verifyCustomerSignature(
      stored,
      buildCustomerSummary(moved, defaultCatalogue),
    );
    expect(changedApp.valid).toBe(false);
    expect(changedApp.matchesCurrentDocument).toBe(false);

    const row = await db.attachments.get(stored.record.id);
    const bytes = new Uint8Array(await row!.blob.arrayBuffer());
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
    await db.attachments.put({ ...row!, blob: new Blob([bytes], { type: 'image/png' }) });
    const changedImage = await verifyCustomerSignature(stored, summary);
    expect(changedImage.valid).toBe(false);
    expect(changedImage.imageIntact).toBe(false);

    await db.attachments.delete(stored.record.id);
    const missing = await verifyCustomerSignature(stored, summary);
    expect(missing.valid).toBe(false);
    expect(missing.problems[0]).toContain('签名图像缺失');
  });

  it('says the local copy was purged (retention) instead of calling it changed', async () => {
    const a = app();
    const summary = buildCustomerSummary(a, defaultCatalogue);
    const stored = await saveCustomerSignature(a.id, summary, PNG);
    // What the retention purge does to uploaded files: bytes dropped, metadata kept.
    const image = await db.attachments.get(stored.record.id);
    await db.attachments.put({ ...image!, blob: new Blob([], { type: 'image/png' }) });
    await expect(verifyCustomerSignature(stored, summary)).rejects.toBeInstanceOf(
      SignaturePurgedError,
    );
    for (const row of await db.attachments.where('applicationId').equals(a.id).toArray()) {
      await db.attachments.put({ ...row, blob: new Blob([], { type: row.mimeType }) });
    }
    expect(await readSignatures(a.id)).toEqual({ signatures: [], purged: 1 });
  });

  it('sealed at rest, it verifies; without the key it is left out, not a crash', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    setVaultKeySource(() => Promise.resolve(key));
    try {
      const a = app();
      const summary = buildCustomerSummary(a, defaultCatalogue);
      const stored = await saveCustomerSignature(a.id, summary, PNG);
      expect((await db.attachments.get(stored.record.id))?.enc).toBe('aes-gcm-v1');
      expect((await verifyCustomerSignature(stored, summary)).valid).toBe(true);
      expect((await readSignatures(a.id)).signatures).toHaveLength(1);
      setVaultKeySource(() => Promise.resolve(null));
      expect(await readSignatures(a.id)).toEqual({ signatures: [], purged: 0 });
    } finally {
      setVaultKeySource(() => Promise.resolve(null));
    }
  });

  it('refuses something that is not a PNG and stores nothing', async () => {
    const a = app();
    await expect(
      saveCustomerSignature(
        a.id,
        buildCustomerSummary(a, defaultCatalogue),
        'data:image/png;base64,AAAA',
      ),
    ).rejects.toThrow('签名图像无效');
    expect(await repo.listAttachments(a.id)).toEqual([]);
  });
});

describe('customer rating on the application', () => {
  it('is an optional field that round-trips through the store with an update entry', async () => {
    const a = app();
    expect(Application.parse(a).customerRating).toBeUndefined();
    await repo.submitApplication(a);
    const at = new Date().toISOString();
    await repo.updateApplication(
      {
        ...a,
        customerRating: { level: '不满意', bad: true, reason: '等候时间长', at },
        updatedAt: at,
      },
      { kind: 'note', actor: '王受理', note: '客户评价：不满意' },
    );
    const back = await repo.getApplication(a.id);
    expect(back?.customerRating).toEqual({ level: '不满意', bad: true, reason: '等候时间长', at });
    const out = await db.outbox.orderBy('seq').toArray();
    expect(out.at(-1)?.op).toBe('update');
    expect((out.at(-1)?.payload as Application).customerRating?.level).toBe('不满意');
  });
});
