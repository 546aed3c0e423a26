// Secrets (the device token for sync) encrypted with the OS keystore through Electron's
// safeStorage, which is injected so this is tested without Electron. Stored as base64 in
// secrets.json in the data folder; nothing is written when encryption is unavailable.
import path from 'node:path';
import { readJson, writeJsonAtomic } from './jsonFile';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means a fixed key (no keyring); treated as unavailable. */
  getSelectedStorageBackend?: () => string;
}

export class SecretsUnavailableError extends Error {
  constructor(reason: string) {
    super(`安全存储不可用 / secure storage unavailable: ${reason}`);
    this.name = 'SecretsUnavailableError';
  }
}

export class SecretStore {
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly safe: SafeStorageLike,
    private readonly platform: string = process.platform,
  ) {
    this.file = path.join(dataDir, 'secrets.json');
  }

  backend(): string {
    if (this.platform === 'linux') return this.safe.getSelectedStorageBackend?.() ?? 'unknown';
    return this.platform === 'win32' ? 'dpapi' : 'keychain';
  }

  /**
   * Usable when the OS can encrypt. On Linux without a keyring Electron falls back to a key
   * built into Chromium ('basic_text'): that is obfuscation, not protection, so we refuse and
   * the caller keeps the token in IndexedDB as a browser would.
   */
  available(): { ok: boolean; reason: string | null } {
    if (!this.safe.isEncryptionAvailable()) return { ok: false, reason: 'no OS encryption' };
    if (this.platform === 'linux' && this.backend() === 'basic_text') {
      return { ok: false, reason: 'no keyring (basic_text)' };
    }
    return { ok: true, reason: null };
  }

  private read(): Record<string, string> {
    const { value } = readJson(this.file);
    if (!value || typeof value !== 'object') return {};
    const entries = (value as { entries?: unknown }).entries;
    if (!entries || typeof entries !== 'object') return {};
    return Object.fromEntries(
      Object.entries(entries as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    );
  }

  private write(entries: Record<string, string>): void {
    writeJsonAtomic(this.file, { version: 1, entries }, 0o600);
  }

  private requireAvailable(): void {
    const a = this.available();
    if (!a.ok) throw new SecretsUnavailableError(a.reason ?? 'unknown');
  }

  get(name: string): string | null {
    const stored = this.read()[name];
    if (stored === undefined) return null;
    this.requireAvailable();
    return this.safe.decryptString(Buffer.from(stored, 'base64'));
  }

  set(name: string, value: string): void {
    this.requireAvailable();
    const entries = this.read();
    entries[name] = this.safe.encryptString(value).toString('base64');
    this.write(entries);
  }

  delete(name: string): boolean {
    const entries = this.read();
    if (!(name in entries)) return false;
    delete entries[name];
    this.write(entries);
    return true;
  }
}
