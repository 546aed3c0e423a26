// The desk's backup file, sealed with a password the clerk sets: a backup holds every
// customer's full ID number, phone and address, so it never leaves the desk in clear text.
// WebCrypto only (browser, Electron renderer and Node 20 alike): PBKDF2-SHA-256 derives an
// AES-256-GCM key; the plaintext is cut into chunks, each sealed with its index and a last-chunk
// mark in the associated data, so a file cut short, reordered or altered never opens.
//
// File layout (version 1):
//   "HDBACKUP" (8 bytes) | header length (uint32 BE) | header (UTF-8 JSON, see SealedHeader)
//   then per chunk: ciphertext length (uint32 BE) | ciphertext (with its 16-byte tag)
// Chunk i: nonce = header.cipher.nonce (8 bytes) ‖ i (uint32 BE);
//          associated data = header bytes ‖ i (uint32 BE) ‖ last (1 byte, 1 on the last chunk).
// header.check is a known text sealed under the nonce prefix ‖ 0xFFFFFFFF: it tells a wrong
// password (check fails) from a damaged file (check opens, a chunk does not).

export const SEALED_BACKUP_FORMAT = 'halldesk-sealed-backup';
export const SEALED_BACKUP_VERSION = 1;
/** OWASP's figure for PBKDF2-HMAC-SHA-256 (2023); at least 310,000 is required. */
export const BACKUP_KDF_ITERATIONS = 600_000;
export const MIN_BACKUP_PASSWORD_LENGTH = 8;
/** Files naming fewer iterations than this are refused (a crafted, weakened file). */
const MIN_ACCEPTED_ITERATIONS = 310_000;
const MAX_ACCEPTED_ITERATIONS = 10_000_000;
const CHUNK_BYTES = 4 * 1024 * 1024;
const MAGIC = new TextEncoder().encode('HDBACKUP');
const CHECK_TEXT = 'halldesk-backup-password-check';
const CHECK_INDEX = 0xffffffff;

export interface SealedHeader {
  format: typeof SEALED_BACKUP_FORMAT;
  version: number;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: { name: 'AES-GCM'; nonce: string; chunkBytes: number };
  check: string;
  createdAt: string;
}

export type BackupErrorCode = 'NOT_SEALED' | 'UNSUPPORTED' | 'WRONG_PASSWORD' | 'DAMAGED';

const MESSAGES: Record<BackupErrorCode, string> = {
  NOT_SEALED: '这不是受理台的加密备份文件',
  UNSUPPORTED: '备份文件的版本不受支持，请升级受理台程序',
  WRONG_PASSWORD: '备份密码不正确',
  DAMAGED: '备份文件已损坏或不完整',
};

/** A backup that cannot be opened; `message` is the Chinese text for the clerk. */
export class BackupError extends Error {
  constructor(readonly code: BackupErrorCode) {
    super(MESSAGES[code]);
    this.name = 'BackupError';
  }
}

/** The download's name: the time it was made, and the sealed backup's own extension. */
export function backupFileName(at = new Date()): string {
  return `halldesk-backup-${at.toISOString().replace(/[:.]/g, '-')}.hdbak`;
}

/** Why a password cannot seal a backup (Chinese), or null when it can. */
export function backupPasswordProblem(password: string): string | null {
  if ([...password].length < MIN_BACKUP_PASSWORD_LENGTH)
    return `备份密码至少 ${MIN_BACKUP_PASSWORD_LENGTH} 个字符`;
  return null;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto is not available (a secure context is required)');
  return s;
}

function b64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function unb64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function u32(n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function deriveKey(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const base = await subtle().importKey(
    'raw',
    new TextEncoder().encode(password.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

const nonceFor = (prefix: Uint8Array, i: number) => concat(prefix, u32(i));
const aadFor = (header: Uint8Array, i: number, last: boolean) =>
  concat(header, u32(i), new Uint8Array([last ? 1 : 0]));

/** Seals a backup's plaintext (the JSON export) with the password. */
export async function sealBackup(plain: Blob, password: string): Promise<Blob> {
  const problem = backupPasswordProblem(password);
  if (problem) throw new Error(problem);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const prefix = globalThis.crypto.getRandomValues(new Uint8Array(8));
  const key = await deriveKey(password, salt, BACKUP_KDF_ITERATIONS);
  const check = await subtle().encrypt(
    { name: 'AES-GCM', iv: nonceFor(prefix, CHECK_INDEX) },
    key,
    new TextEncoder().encode(CHECK_TEXT),
  );
  const header: SealedHeader = {
    format: SEALED_BACKUP_FORMAT,
    version: SEALED_BACKUP_VERSION,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: BACKUP_KDF_ITERATIONS, salt: b64(salt) },
    cipher: { name: 'AES-GCM', nonce: b64(prefix), chunkBytes: CHUNK_BYTES },
    check: b64(new Uint8Array(check)),
    createdAt: new Date().toISOString(),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const parts: BlobPart[] = [concat(MAGIC, u32(headerBytes.length), headerBytes)];
  const chunks = Math.max(1, Math.ceil(plain.size / CHUNK_BYTES));
  for (let i = 0; i < chunks; i++) {
    // One chunk in memory at a time: a 200,000-application backup never sits there whole.
    const slice = new Uint8Array(
      await plain.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES).arrayBuffer(),
    );
    const sealed = new Uint8Array(
      await subtle().encrypt(
        {
          name: 'AES-GCM',
          iv: nonceFor(prefix, i),
          additionalData: aadFor(headerBytes, i, i === chunks - 1),
        },
        key,
        slice,
      ),
    );
    parts.push(u32(sealed.length), sealed);
  }
  return new Blob(parts, { type: 'application/octet-stream' });
}

async function bytesAt(file: Blob, from: number, n: number): Promise<Uint8Array<ArrayBuffer>> {
  const b = new Uint8Array(await file.slice(from, from + n).arrayBuffer());
  if (b.length !== n) throw new BackupError('DAMAGED');
  return b;
}

/** True when the file starts like a sealed backup. */
export async function isSealedBackup(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, MAGIC.length).arrayBuffer());
  return head.length === MAGIC.length && head.every((b, i) => b === MAGIC[i]);
}

/** Reads and checks the header (no password needed). */
async function readHeader(
  file: Blob,
): Promise<{ header: SealedHeader; bytes: Uint8Array; end: number }> {
  if (!(await isSealedBackup(file))) throw new BackupError('NOT_SEALED');
  const len = new DataView((await bytesAt(file, MAGIC.length, 4)).buffer).getUint32(0);
  if (len > 64 * 1024) throw new BackupError('DAMAGED');
  const bytes = await bytesAt(file, MAGIC.length + 4, len);
  let header: SealedHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes)) as SealedHeader;
  } catch {
    throw new BackupError('DAMAGED');
  }
  if (header.format !== SEALED_BACKUP_FORMAT) throw new BackupError('NOT_SEALED');
  if (header.version !== SEALED_BACKUP_VERSION) throw new BackupError('UNSUPPORTED');
  const it = header.kdf?.iterations;
  if (
    header.kdf?.name !== 'PBKDF2' ||
    header.kdf.hash !== 'SHA-256' ||
    header.cipher?.name !== 'AES-GCM' ||
    !Number.isInteger(it) ||
    it < MIN_ACCEPTED_ITERATIONS ||
    it > MAX_ACCEPTED_ITERATIONS ||
    !(header.cipher.chunkBytes > 0 && header.cipher.chunkBytes <= 64 * 1024 * 1024)
  ) {
    throw new BackupError('UNSUPPORTED');
  }
  return { header, bytes, end: MAGIC.length + 4 + len };
}

/**
 * Opens a sealed backup: the plaintext JSON export as a Blob. Throws BackupError
 * WRONG_PASSWORD, DAMAGED (cut, altered), NOT_SEALED or UNSUPPORTED.
 */
export async function openBackup(file: Blob, password: string): Promise<Blob> {
  const { header, bytes, end } = await readHeader(file);
  let key: CryptoKey;
  let prefix: Uint8Array<ArrayBuffer>;
  try {
    prefix = unb64(header.cipher.nonce);
    key = await deriveKey(password, unb64(header.kdf.salt), header.kdf.iterations);
  } catch {
    throw new BackupError('DAMAGED');
  }
  if (prefix.length !== 8) throw new BackupError('DAMAGED');
  try {
    const check = await subtle().decrypt(
      { name: 'AES-GCM', iv: nonceFor(prefix, CHECK_INDEX) },
      key,
      unb64(header.check),
    );
    if (new TextDecoder().decode(check) !== CHECK_TEXT) throw new Error('check');
  } catch {
    throw new BackupError('WRONG_PASSWORD');
  }
  const parts: BlobPart[] = [];
  let at = end;
  for (let i = 0; ; i++) {
    if (at >= file.size) throw new BackupError('DAMAGED'); // no chunk marked last
    const n = new DataView((await bytesAt(file, at, 4)).buffer).getUint32(0);
    if (n < 16 || n > header.cipher.chunkBytes + 16) throw new BackupError('DAMAGED');
    const sealed = await bytesAt(file, at + 4, n);
    at += 4 + n;
    const last = at === file.size;
    try {
      parts.push(
        await subtle().decrypt(
          { name: 'AES-GCM', iv: nonceFor(prefix, i), additionalData: aadFor(bytes, i, last) },
          key,
          sealed,
        ),
      );
    } catch {
      throw new BackupError('DAMAGED');
    }
    if (last) break;
  }
  return new Blob(parts, { type: 'application/json' });
}
