// Where the desk's attachment key lives: in the desktop program, a random AES-256 key kept as the
// secret `data.key` in the OS keystore (safeStorage: DPAPI, Keychain, libsecret), made on first
// use. In a browser, or without a keystore, there is none and attachments are stored as they
// are (the note in 设置 says to use the disk's encryption there).
import { shell } from './bridge';

export const VAULT_SECRET = 'data.key';

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The secrets this needs (shell.secrets; injected in tests). */
export interface VaultSecrets {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<boolean>;
}

export async function keystoreVaultKey(
  secrets: VaultSecrets | null = shell.isElectron ? shell.secrets : null,
): Promise<CryptoKey | null> {
  if (!secrets) return null;
  let raw = await secrets.get(VAULT_SECRET);
  if (raw === null) {
    // First use on this machine (or no keystore: then set answers false and nothing is sealed).
    const made = toBase64(crypto.getRandomValues(new Uint8Array(32)));
    if (!(await secrets.set(VAULT_SECRET, made))) return null;
    // Read back what the keystore holds: only a key it really keeps may seal anything.
    raw = await secrets.get(VAULT_SECRET);
    if (raw === null) return null;
  }
  const bytes = fromBase64(raw);
  if (bytes.length !== 32) throw new Error('data.key is not a 256-bit key');
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}
