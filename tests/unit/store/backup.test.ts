// The desk's sealed backup: PBKDF2 → AES-GCM in chunks, versioned; a wrong password, a damaged,
// cut or lengthened file and a plain file each give their clear Chinese error; the export holds
// no ID number in clear; restore puts every table back on an empty desk and refuses a busy one.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import * as repo from '../../../renderer/src/db/repo';
import { exportBackup, restoreBackup } from '../../../renderer/src/desk/backup';
import {
  BACKUP_KDF_ITERATIONS,
  BackupError,
  backupPasswordProblem,
  openBackup,
  sealBackup,
} from '../../../shared/backup/sealed';
import { freshDb, makeApp } from './factory';

const PW = '柜台备份-2026';

async function bytes(b: Blob): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await b.arrayBuffer());
}

function headerOf(file: Uint8Array<ArrayBuffer>): { len: number; json: Record<string, unknown> } {
  const len = new DataView(file.buffer, file.byteOffset + 8, 4).getUint32(0);
  return { len, json: JSON.parse(new TextDecoder().decode(file.subarray(12, 12 + len))) };
}

async function expectError(p: Promise<unknown>, code: string, message: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BackupError);
  expect(e).toMatchObject({ code, message });
}

describe('sealed backup format', () => {
  it('round-trips a multi-chunk plaintext and names PBKDF2-SHA-256 (≥ 310k) and AES-GCM, version 1', async () => {
    const plain = new Uint8Array(9 * 1024 * 1024 + 123);
    for (let i = 0; i < plain.length; i++) plain[i] = (i * 31) & 0xff;
    const sealed = await sealBackup(new Blob([plain]), PW);
    const file = await bytes(sealed);
    expect(new TextDecoder().decode(file.subarray(0, 8))).toBe('HDBACKUP');
    const { json } = headerOf(file);
    expect(json).toMatchObject({
      format: 'halldesk-sealed-backup',
      version: 1,
      kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: BACKUP_KDF_ITERATIONS },
      cipher: { name: 'AES-GCM' },
    });
    expect(BACKUP_KDF_ITERATIONS).toBeGreaterThanOrEqual(310_000);
    const back = await bytes(await openBackup(sealed, PW));
    expect(back.length).toBe(plain.length);
    expect(Buffer.from(back).equals(Buffer.from(plain))).toBe(true);
    // Each seal is fresh: same input, different file.
    const again = await bytes(await sealBackup(new Blob([plain.subarray(0, 100)]), PW));
    const twice = await bytes(await sealBackup(new Blob([plain.subarray(0, 100)]), PW));
    expect(Buffer.from(again).equals(Buffer.from(twice))).toBe(false);
  });

  it('tells a wrong password, a damaged, cut or lengthened file and a plain file apart, in Chinese', async () => {
    const plain = new Uint8Array(5 * 1024 * 1024).fill(7);
    const sealed = await sealBackup(new Blob([plain]), PW);
    const file = await bytes(sealed);
    await expectError(openBackup(sealed, 'not the password'), 'WRONG_PASSWORD', '备份密码不正确');

    const flipped = file.slice();
    flipped[flipped.length - 100]! ^= 1;
    await expectError(openBackup(new Blob([flipped]), PW), 'DAMAGED', '备份文件已损坏或不完整');

    // Cut after the first chunk (a whole chunk missing): the first is not marked last.
    const { len } = headerOf(file);
    const first = new DataView(file.buffer, 12 + len, 4).getUint32(0);
    const cut = file.subarray(0, 12 + len + 4 + first);
    await expectError(openBackup(new Blob([cut]), PW), 'DAMAGED', '备份文件已损坏或不完整');
    await expectError(
      openBackup(new Blob([file, new Uint8Array(20)]), PW),
      'DAMAGED',
      '备份文件已损坏或不完整',
    );
    await expectError(
      openBackup(new Blob(['{"format":"halldesk-local-backup"}']), PW),
      'NOT_SEALED',
      '这不是受理台的加密备份文件',
    );

    // A header changed to ask for fewer iterations (or a newer version) is refused.
    const { json } = headerOf(file);
    const rewrite = (h: unknown) => {
      const hb = new TextEncoder().encode(JSON.stringify(h));
      const lenB = new Uint8Array(4);
      new DataView(lenB.buffer).setUint32(0, hb.length);
      return new Blob([file.subarray(0, 8), lenB, hb, file.subarray(12 + len)]);
    };
    await expectError(
      openBackup(rewrite({ ...json, kdf: { ...(json.kdf as object), iterations: 1000 } }), PW),
      'UNSUPPORTED',
      '备份文件的版本不受支持，请升级受理台程序',
    );
    await expectError(
      openBackup(rewrite({ ...json, version: 2 }), PW),
      'UNSUPPORTED',
      '备份文件的版本不受支持，请升级受理台程序',
    );
  });

  it('refuses a short password', async () => {
    expect(backupPasswordProblem('1234567')).toBe('备份密码至少 8 个字符');
    expect(backupPasswordProblem('12345678')).toBeNull();
    await expect(sealBackup(new Blob(['x']), 'short')).rejects.toThrow('备份密码至少 8 个字符');
  });
});

describe('export and restore on the desk', () => {
  let db: HallDeskDB | undefined;
  afterEach(() => db?.close());

  it('exports sealed (no ID number in clear) and restores every table onto an empty desk', async () => {
    db = await freshDb();
    const app = makeApp();
    await repo.submitApplication(app);
    await repo.addAttachment(
      { applicationId: app.id, documentCode: 'ID', fileName: 'a.jpg', mimeType: 'image/jpeg' },
      new Blob(['jpeg-bytes'], { type: 'image/jpeg' }),
    );
    const outbox = await db.outbox.toArray();
    const r = await exportBackup(PW);
    expect(r.fileName).toMatch(/^halldesk-backup-.*\.hdbak$/);
    const file = Buffer.from(await bytes(r.sealed));
    for (const clear of [app.customer.idNumber, app.customer.phone, app.appNo]) {
      expect(file.includes(Buffer.from(clear!))).toBe(false);
    }
    db.close();

    db = await freshDb();
    await expectError(
      restoreBackup(r.sealed, 'wrong-password'),
      'WRONG_PASSWORD',
      '备份密码不正确',
    );
    expect(await db.applications.count()).toBe(0);
    const restored = await restoreBackup(r.sealed, PW);
    expect(restored.counts).toMatchObject({ applications: 1, attachments: 1 });
    expect((await repo.getApplication(app.id))?.customer.idNumber).toBe(app.customer.idNumber);
    expect((await db.outbox.toArray()).map((e) => e.changeId)).toEqual(
      outbox.map((e) => e.changeId),
    );
    const att = (await db.attachments.toArray())[0]!;
    expect(await att.blob.text()).toBe('jpeg-bytes');
    expect(att.blob.type).toBe('image/jpeg');

    // A desk with work of its own is not overwritten.
    await expect(restoreBackup(r.sealed, PW)).rejects.toThrow(/只能在空的受理台上恢复/);
  });
});
