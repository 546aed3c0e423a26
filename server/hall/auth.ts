// Who may do what on the hall LAN: the manager secret (generated on first start, file mode 0600
// in the data folder), counter devices paired with one-time codes (one token per device, only
// its SHA-256 kept, revocable), and per-address rate limits for the anonymous kiosk calls.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { HallDevice } from '../../shared/queue';
import { ensurePrivateDir, writePrivateFile } from './privateFiles';

export const MANAGER_SECRET_FILE = 'manager.secret';
export const DEVICES_FILE = 'devices.json';
/** Pairing codes are short (typed on a counter PC) and live ten minutes. */
export const PAIRING_CODE_TTL_MS = 10 * 60_000;
const PAIRING_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export const sha256Hex = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The manager secret of this hall service. Created once (random, 0600) and kept in the data
 * folder so the host PC's operator can read it again (`npm start` prints it); `given` (tests,
 * deployments that manage it themselves) replaces the stored one.
 */
export function loadOrCreateManagerSecret(
  dataDir: string,
  given?: string,
): { secret: string; created: boolean; file: string } {
  const file = path.join(dataDir, MANAGER_SECRET_FILE);
  if (given) return { secret: given, created: false, file };
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (text.length >= 16) return { secret: text, created: false, file };
  } catch {
    /* first start */
  }
  ensurePrivateDir(dataDir);
  const secret = `hm_${randomBytes(24).toString('base64url')}`;
  writePrivateFile(file, `${secret}\n`);
  return { secret, created: true, file };
}

/** Reads the manager secret a running (or stopped) service keeps in `dataDir`, if any. */
export function readManagerSecret(dataDir: string): string | null {
  try {
    const text = fs.readFileSync(path.join(dataDir, MANAGER_SECRET_FILE), 'utf8').trim();
    return text || null;
  } catch {
    return null;
  }
}

interface StoredDevice extends HallDevice {
  tokenSha256: string;
}

interface PairingCode {
  name: string;
  counterNo: number | null;
  expiresAt: number;
}

export type Principal =
  { role: 'manager' } | { role: 'counter'; device: HallDevice } | { role: 'anonymous' };

/** Outcome of reading the Authorization header: no header is anonymous, a bad one is refused. */
export type AuthResult = Principal | { role: 'invalid' };

export function normalisePairingCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * Devices paired with this hall service, stored in devices.json (0600, token hashes only).
 * Pairing codes stay in memory (hashed): a restart simply invalidates unused ones.
 */
export class HallAuth {
  private readonly managerDigest: Buffer;
  private devices: StoredDevice[] = [];
  private byHash = new Map<string, StoredDevice>();
  private codes = new Map<string, PairingCode>();
  private readonly file: string;
  private seenDirty = false;

  constructor(
    dataDir: string,
    managerSecret: string,
    private readonly clock: () => number,
  ) {
    this.managerDigest = createHash('sha256').update(managerSecret, 'utf8').digest();
    this.file = path.join(dataDir, DEVICES_FILE);
    try {
      const raw = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { devices?: StoredDevice[] };
      this.devices = Array.isArray(raw.devices) ? raw.devices : [];
    } catch {
      this.devices = [];
    }
    this.reindex();
  }

  private reindex(): void {
    this.byHash = new Map(
      this.devices.filter((d) => d.revokedAt === null).map((d) => [d.tokenSha256, d]),
    );
  }

  private save(): void {
    writePrivateFile(this.file, JSON.stringify({ devices: this.devices }, null, 1));
    this.seenDirty = false;
  }

  /** Writes last-seen times (not fsync'd per request: they are only informative). */
  flushSeen(): void {
    if (!this.seenDirty) return;
    try {
      this.save();
    } catch {
      /* informative data only */
    }
  }

  authenticate(header: string | string[] | undefined): AuthResult {
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) return { role: 'anonymous' };
    const m = /^Bearer\s+(\S{8,200})$/i.exec(value.trim());
    if (!m) return { role: 'invalid' };
    const token = m[1]!;
    const digest = createHash('sha256').update(token, 'utf8').digest();
    if (timingSafeEqual(digest, this.managerDigest)) return { role: 'manager' };
    const device = this.byHash.get(digest.toString('hex'));
    if (!device) return { role: 'invalid' };
    const now = this.clock();
    // Minute resolution is enough for the manager's list and avoids a write per request.
    if (device.lastSeenAt === null || now - Date.parse(device.lastSeenAt) > 60_000) {
      device.lastSeenAt = new Date(now).toISOString();
      this.seenDirty = true;
    }
    return { role: 'counter', device: publicDevice(device) };
  }

  createPairingCode(name: string, counterNo: number | null): { code: string; expiresAt: string } {
    const now = this.clock();
    for (const [k, c] of this.codes) if (c.expiresAt <= now) this.codes.delete(k);
    const bytes = randomBytes(8);
    let code = '';
    for (const b of bytes) code += PAIRING_ALPHABET[b % PAIRING_ALPHABET.length];
    const expiresAt = now + PAIRING_CODE_TTL_MS;
    this.codes.set(sha256Hex(code), { name, counterNo, expiresAt });
    return {
      code: `${code.slice(0, 4)}-${code.slice(4)}`,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /** Burns a pairing code and returns the new device's token (shown to that device only). */
  pair(code: string): { token: string; device: HallDevice } | null {
    const key = sha256Hex(normalisePairingCode(code));
    const pending = this.codes.get(key);
    if (!pending) return null;
    this.codes.delete(key);
    if (pending.expiresAt <= this.clock()) return null;
    const token = `hq_${randomBytes(32).toString('base64url')}`;
    const device: StoredDevice = {
      id: randomUUID(),
      name: pending.name,
      counterNo: pending.counterNo,
      createdAt: new Date(this.clock()).toISOString(),
      lastSeenAt: null,
      revokedAt: null,
      tokenSha256: sha256Hex(token),
    };
    this.devices.push(device);
    this.save();
    this.reindex();
    return { token, device: publicDevice(device) };
  }

  list(): HallDevice[] {
    return this.devices.map(publicDevice);
  }

  revoke(id: string): HallDevice | null {
    const d = this.devices.find((x) => x.id === id);
    if (!d) return null;
    d.revokedAt ??= new Date(this.clock()).toISOString();
    this.save();
    this.reindex();
    return publicDevice(d);
  }
}

function publicDevice(d: StoredDevice): HallDevice {
  return {
    id: d.id,
    name: d.name,
    counterNo: d.counterNo,
    createdAt: d.createdAt,
    lastSeenAt: d.lastSeenAt,
    revokedAt: d.revokedAt,
  };
}

/** Token buckets per client address (anonymous ticket issue, key-customer lookup, pairing). */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly burst: number,
    readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const now = this.clock();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    if (this.buckets.size > 10_000) this.buckets.clear(); // bounded memory under a spray
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / this.perMinute));
  }
}
