// Limits on what a stranger can try: failed enrollment codes, failed administrator tokens and
// failed console sign-ins are counted per client address in a fixed window; past the limit the
// address is refused with 429 E_RATE_LIMITED and Retry-After until the window ends. Only
// failures count, so a hall enrolling many desks or a busy back-office script is never slowed.
// In-process: each endpoint process counts its own (behind a load balancer an address gets at
// most `max` tries per process and window).
import { ApiFailure } from './errors';

export interface RateLimitRule {
  /** Failed attempts allowed per address within the window. */
  max: number;
  windowMs: number;
}

export type RateLimitKind = 'enroll' | 'adminAuth' | 'consoleLogin';
export type RateLimits = Record<RateLimitKind, RateLimitRule>;

export const DEFAULT_RATE_LIMITS: RateLimits = {
  enroll: { max: 10, windowMs: 60_000 },
  adminAuth: { max: 20, windowMs: 60_000 },
  consoleLogin: { max: 10, windowMs: 60_000 },
};

/** Parses `max/windowSeconds` (e.g. `10/60`), as the HALLDESK_RATE_LIMIT_* variables hold. */
export function parseRateLimitRule(text: string): RateLimitRule {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0) {
    throw new Error(`rate limit "${text}" must be max/windowSeconds, e.g. 10/60`);
  }
  return { max: Number(m[1]), windowMs: Math.round(Number(m[2]) * 1000) };
}

/** Addresses kept at most; past it, expired windows are dropped (and then the oldest). */
const MAX_KEYS = 50_000;

export class FailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  constructor(
    readonly rule: RateLimitRule,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the address may try again, or 0 when it may try now. */
  blockedFor(address: string): number {
    const w = this.windows.get(address);
    if (!w) return 0;
    const t = this.now();
    if (w.resetAt <= t) {
      this.windows.delete(address);
      return 0;
    }
    return w.count >= this.rule.max ? Math.max(1, Math.ceil((w.resetAt - t) / 1000)) : 0;
  }

  /** Counts one failed attempt of the address. */
  failed(address: string): void {
    const t = this.now();
    const w = this.windows.get(address);
    if (w && w.resetAt > t) {
      w.count += 1;
      return;
    }
    if (this.windows.size >= MAX_KEYS) this.prune(t);
    this.windows.set(address, { count: 1, resetAt: t + this.rule.windowMs });
  }

  private prune(t: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
    // Still full (a flood from many addresses): forget the oldest windows.
    for (const k of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(k);
    }
  }
}

/** The error for an address that is over its limit. */
export function rateLimited(retryAfterS: number): ApiFailure {
  return new ApiFailure(
    'E_RATE_LIMITED',
    `尝试次数过多，请 ${retryAfterS} 秒后再试 (too many failed attempts: retry in ${retryAfterS} s)`,
    { retryAfter: retryAfterS },
    { 'retry-after': String(retryAfterS) },
  );
}

export function createLimiters(
  limits: Partial<RateLimits> = {},
  now?: () => number,
): Record<RateLimitKind, FailureLimiter> {
  const rule = (k: RateLimitKind) => limits[k] ?? DEFAULT_RATE_LIMITS[k];
  return {
    enroll: new FailureLimiter(rule('enroll'), now),
    adminAuth: new FailureLimiter(rule('adminAuth'), now),
    consoleLogin: new FailureLimiter(rule('consoleLogin'), now),
  };
}

/** Env overrides: HALLDESK_RATE_LIMIT_ENROLL, _ADMIN, _CONSOLE_LOGIN as `max/windowSeconds`. */
export function rateLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<RateLimits> {
  const out: Partial<RateLimits> = {};
  const vars: Array<[RateLimitKind, string]> = [
    ['enroll', 'HALLDESK_RATE_LIMIT_ENROLL'],
    ['adminAuth', 'HALLDESK_RATE_LIMIT_ADMIN'],
    ['consoleLogin', 'HALLDESK_RATE_LIMIT_CONSOLE_LOGIN'],
  ];
  for (const [k, name] of vars) {
    const v = env[name];
    if (v) out[k] = parseRateLimitRule(v);
  }
  return out;
}
