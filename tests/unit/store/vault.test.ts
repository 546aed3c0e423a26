// Attachment bytes sealed at rest (AES-GCM under the keystore's key): stored sealed, read back as
// captured, unsealed rows still read, a missing or different key is a clear error and never a
// wrong file, the purge and the backup handle sealed rows, and the key is made once and only
// kept when the keystore really keeps it.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import * as repo from '../../../renderer/src/db/repo';
import { setVaultKeySource, VaultLockedError } from '../../../renderer/src/db/vault';
import { keystoreVaultKey, VAULT_SECRET } from '../../../renderer/src/shell/vaultKey';
import { freshDb, makeApp } from './factory';

let db: HallDeskDB;
const aesKey = () =>
  crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);

beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => {
  db.close();
  setVaultKeySource(() => Promise.resolve(null));
});

const scan = (applicationId: string) =>
  repo.addAttachment(
    { applicationId, documentCode: 'ID_CARD', fileName: '身份证.jpg', mimeType: 'image/jpeg' },
    new Blob([new TextEncoder().encode('ID CARD IMAGE 110105194912310021')], {
      type: 'image/jpeg',
    }),
  );

describe('sealed attachments', () => {
  it('stores the bytes sealed and gives them back as captured', async () => {
    const key = await aesKey();
    setVaultKeySource(() => Promise.resolve(key));
    const meta = await scan(makeApp().id);
    const row = await db.attachments.get(meta.id);
    expect(row?.enc).toBe('aes-gcm-v1');
    expect(await row!.blob.text()).not.toContain('110105194912310021');
    expect(row!.blob.size).toBe(meta.size + 12 + 16);
    const got = await repo.getAttachment(meta.id);
    expect(await got!.blob.text()).toBe('ID CARD IMAGE 110105194912310021');
    expect(got!.blob.type).toBe('image/jpeg');
    expect(got!.meta).not.toHaveProperty('enc');
    expect(await repo.listAttachments(meta.applicationId)).toEqual([got!.meta]);
  });

  it('reads rows stored before sealing existed, beside sealed ones', async () => {
    const plain = await scan(makeApp().id);
    setVaultKeySource(() => aesKey());
    const sealed = await scan(makeApp().id);
    expect((await db.attachments.get(plain.id))?.enc).toBeUndefined();
    expect((await db.attachments.get(sealed.id))?.enc).toBe('aes-gcm-v1');
    for (const id of [plain.id, sealed.id]) {
      expect(await (await repo.getAttachment(id))!.blob.text()).toContain('ID CARD IMAGE');
    }
  });

  it('refuses clearly without the key or with another one', async () => {
    setVaultKeySource(() => aesKey());
    const meta = await scan(makeApp().id);
    setVaultKeySource(() => Promise.resolve(null));
    await expect(repo.getAttachment(meta.id)).rejects.toBeInstanceOf(VaultLockedError);
    setVaultKeySource(() => aesKey());
    await expect(repo.getAttachment(meta.id)).rejects.toThrow(/本机密钥不可用/);
  });

  it('binds the bytes to their row: sealed bytes moved to another row do not open', async () => {
    const key = await aesKey();
    setVaultKeySource(() => Promise.resolve(key));
    const a = await scan(makeApp().id);
    const b = await scan(makeApp().id);
    const rowA = await db.attachments.get(a.id);
    await db.attachments.update(b.id, { blob: rowA!.blob });
    await expect(repo.getAttachment(b.id)).rejects.toBeInstanceOf(VaultLockedError);
  });
});

describe('the keystore key', () => {
  function memorySecrets(opts: { keeps?: boolean } = {}) {
    const map = new Map<string, string>();
    let sets = 0;
    return {
      map,
      sets: () => sets,
      get: (name: string) => Promise.resolve(map.get(name) ?? null),
      set: (name: string, value: string) => {
        sets += 1;
        if (opts.keeps === false) return Promise.resolve(false);
        map.set(name, value);
        return Promise.resolve(true);
      },
    };
  }

  it('is made once and then read from the keystore', async () => {
    const secrets = memorySecrets();
    const first = await keystoreVaultKey(secrets);
    expect(first).not.toBeNull();
    expect(atob(secrets.map.get(VAULT_SECRET)!)).toHaveLength(32);
    const again = await keystoreVaultKey(secrets);
    expect(again).not.toBeNull();
    expect(secrets.sets()).toBe(1);
    // The same key: what one seals, the other opens.
    setVaultKeySource(() => Promise.resolve(first));
    const meta = await scan(makeApp().id);
    setVaultKeySource(() => Promise.resolve(again));
    expect(await (await repo.getAttachment(meta.id))!.blob.text()).toContain('ID CARD');
  });

  it('is none in a browser or where the keystore does not keep it', async () => {
    expect(await keystoreVaultKey(null)).toBeNull();
    expect(await keystoreVaultKey(memorySecrets({ keeps: false }))).toBeNull();
  });
});
