// At-rest encryption of attachment bytes: scans of ID cards and licences (sensitive personal
// information, PIPL Art. 28) and signature images are sealed with AES-GCM before IndexedDB
// stores them, under a key the desktop program keeps in the OS keystore (shell/vaultKey.ts).
// Without a key source (a browser, or a machine without a keystore) bytes are stored as they
// are, as before; each row says which it is, so both kinds live side by side.
import type { StoredAttachment } from './db';

/** The one format so far: 12-byte IV, then ciphertext and tag; the attachment id is the AAD. */
export const VAULT_FORMAT = 'aes-gcm-v1';

type KeySource = () => Promise<CryptoKey | null>;

let source: KeySource = () => Promise.resolve(null);
let cached: Promise<CryptoKey | null> | null = null;

/** Installs where the key comes from (the UI at start; tests). */
export function setVaultKeySource(next: KeySource): void {
  source = next;
  cached = null;
}

/** The key, asked for once; null = store bytes unsealed. A failing source counts as none. */
export function vaultKey(): Promise<CryptoKey | null> {
  cached ??= source().catch((e: unknown) => {
    console.warn('attachment key unavailable; new files are stored unencrypted', e);
    return null;
  });
  return cached;
}

/** A sealed attachment whose key is not here (the keystore was reset or moved). */
export class VaultLockedError extends Error {
  constructor() {
    super('本机密钥不可用，附件无法解密 (the key for stored files is not available)');
    this.name = 'VaultLockedError';
  }
}

function aad(id: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(id);
}

export async function sealBytes(blob: Blob, key: CryptoKey, id: string): Promise<Blob> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad(id) },
    key,
    await blob.arrayBuffer(),
  );
  return new Blob([iv, sealed], { type: 'application/octet-stream' });
}

export async function openBytes(
  blob: Blob,
  key: CryptoKey,
  id: string,
  type: string,
): Promise<Blob> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: aad(id) },
    key,
    bytes.slice(12),
  );
  return new Blob([plain], { type });
}

/** The row to store for these bytes: sealed when there is a key. */
export async function toStoredAttachment<M extends { id: string }>(
  meta: M,
  blob: Blob,
): Promise<M & { blob: Blob; enc?: typeof VAULT_FORMAT }> {
  const key = await vaultKey();
  if (!key) return { ...meta, blob };
  return { ...meta, blob: await sealBytes(blob, key, meta.id), enc: VAULT_FORMAT };
}

/** A stored row's bytes as they were captured. Throws VaultLockedError without the key. */
export async function attachmentBytes(row: StoredAttachment): Promise<Blob> {
  // A purged row keeps an empty blob (retention.ts): nothing to open.
  if (!row.enc || row.blob.size === 0) return row.blob;
  const key = await vaultKey();
  if (!key) throw new VaultLockedError();
  try {
    return await openBytes(row.blob, key, row.id, row.mimeType);
  } catch {
    // Authentication failed: another key (the keystore was reset) or damaged bytes.
    throw new VaultLockedError();
  }
}
