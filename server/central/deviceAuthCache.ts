// A short-lived memory of device tokens already checked: on a storm every request of 500 desks
// otherwise costs a database round trip (and a pooled connection) before its route even starts.
//
// Only successful lookups are kept, keyed by the token's SHA-256 (an unknown or revoked token is
// looked up every time: random tokens cannot fill the memory). A revoke in this process forgets
// the device at once; another endpoint process on the same database sees it within `ttlMs`, and a
// push checks `revoked_at` under the hall lock anyway (pushSnapshot.ts), so a revoked device
// never writes, at most it reads its own hall for those seconds.
import type { DeviceAuth } from './auth';

/** Default time a checked token is trusted without the database (HALLDESK_AUTH_CACHE_MS). */
export const DEFAULT_AUTH_CACHE_MS = 5_000;

export class DeviceAuthCache {
  private readonly map = new Map<string, { auth: DeviceAuth; at: number }>();

  constructor(
    readonly ttlMs = DEFAULT_AUTH_CACHE_MS,
    /** Bound on entries (far above a province's devices); the oldest go first. */
    private readonly maxEntries = 50_000,
  ) {}

  get(tokenHash: string): DeviceAuth | undefined {
    if (this.ttlMs <= 0) return undefined;
    const v = this.map.get(tokenHash);
    if (!v) return undefined;
    if (performance.now() - v.at > this.ttlMs) {
      this.map.delete(tokenHash);
      return undefined;
    }
    return v.auth;
  }

  set(tokenHash: string, auth: DeviceAuth): void {
    if (this.ttlMs <= 0) return;
    this.map.delete(tokenHash);
    this.map.set(tokenHash, { auth, at: performance.now() });
    if (this.map.size > this.maxEntries) {
      // Map keeps insertion order: the first key is the oldest entry.
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }

  /** A revoke: every token of the device is looked up again. */
  forgetDevice(deviceId: string): void {
    for (const [k, v] of this.map) if (v.auth.deviceId === deviceId) this.map.delete(k);
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * The cache of one endpoint's database (one per Db object): the device routes read it, the
 * revoke functions (adminDevices.ts) forget into it, without being handed it around.
 */
const byDb = new WeakMap<object, DeviceAuthCache>();
export function deviceAuthCacheFor(db: object, ttlMs?: number): DeviceAuthCache {
  let c = byDb.get(db);
  if (!c || (ttlMs !== undefined && c.ttlMs !== ttlMs)) {
    c = new DeviceAuthCache(ttlMs);
    byDb.set(db, c);
  }
  return c;
}
