// The update record kept in the data folder (update-pending.json): which version was downloaded,
// which install was handed to the installer and from which running version, and which version
// failed to install. Pure functions: reconcileUpdateRecord decides, at start, whether the last
// install worked (clear the record), failed (never retry that version: no boot loop) or is still
// pending.

export interface InstallAttempt {
  /** The version handed to the installer. */
  version: string;
  /** The version that was running when it was handed over. */
  fromVersion: string;
  /** At the next start (quitAndInstall) or on the way out (electron-updater's quit handler). */
  via: 'start' | 'quit';
  /** ISO time, for the logs and whoever reads the file on a support call. */
  at: string;
}

export interface UpdateRecord {
  /** Downloaded by electron-updater and not known to be installed yet. */
  version: string | null;
  attempt: InstallAttempt | null;
  /** Its install was attempted and we still ran the old version afterwards. */
  failedVersion: string | null;
}

export const EMPTY_RECORD: UpdateRecord = { version: null, attempt: null, failedVersion: null };

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * Reads the record from its JSON; anything unexpected counts as absent. The first version of the
 * file was `{ "version": "x" }` alone, which reads as a download without an attempt.
 */
export function parseUpdateRecord(value: unknown): UpdateRecord {
  if (!value || typeof value !== 'object') return { ...EMPTY_RECORD };
  const o = value as Record<string, unknown>;
  let attempt: InstallAttempt | null = null;
  if (o.attempt && typeof o.attempt === 'object') {
    const a = o.attempt as Record<string, unknown>;
    const version = str(a.version);
    const fromVersion = str(a.fromVersion);
    if (version && fromVersion) {
      attempt = {
        version,
        fromVersion,
        via: a.via === 'quit' ? 'quit' : 'start',
        at: str(a.at) ?? '',
      };
    }
  }
  return { version: str(o.version), attempt, failedVersion: str(o.failedVersion) };
}

export function isEmptyRecord(r: UpdateRecord): boolean {
  return r.version === null && r.attempt === null && r.failedVersion === null;
}

interface ParsedVersion {
  nums: number[];
  pre: string[];
}

function parseVersion(v: string): ParsedVersion | null {
  const m = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m?.[1]) return null;
  return { nums: m[1].split('.').map(Number), pre: m[2] ? m[2].split('.') : [] };
}

/**
 * Compares versions the semver way, numerically (1.10.0 > 1.9.0; 1.2.0-beta.2 < 1.2.0;
 * build metadata ignored). Negative when a < b, 0 when equal, positive when a > b; NaN when
 * either cannot be read and they differ, so that every ordered comparison with it is false.
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return a === b ? 0 : NaN;
  for (let i = 0; i < Math.max(pa.nums.length, pb.nums.length); i++) {
    const d = (pa.nums[i] ?? 0) - (pb.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  // A pre-release is older than its release.
  if (!pa.pre.length && !pb.pre.length) return 0;
  if (!pa.pre.length) return 1;
  if (!pb.pre.length) return -1;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : null;
    const ny = /^\d+$/.test(y) ? Number(y) : null;
    if (nx !== null && ny !== null) return Math.sign(nx - ny);
    if (nx !== null) return -1;
    if (ny !== null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export interface Reconciled {
  /** The record to keep (write it back when `changed`; remove the file when it is empty). */
  record: UpdateRecord;
  changed: boolean;
  /** A recorded version we now run (or run something newer than): that update is done. */
  installed: string | null;
  /** The attempted install that did not happen: we still run the version it started from. */
  failed: string | null;
  /** For decideInstall: the version never to install again. */
  failedVersion: string | null;
  /** A downloaded version that may still be installed; null means nothing to wait for at start. */
  installable: string | null;
}

/** Run at start, before the updater does anything, with the version of the running app. */
export function reconcileUpdateRecord(record: UpdateRecord, currentVersion: string): Reconciled {
  const runsAtLeast = (v: string | null): v is string =>
    v !== null && compareVersions(currentVersion, v) >= 0;
  let { version, failedVersion } = record;
  let installed: string | null = null;
  let failed: string | null = null;

  const attempt = record.attempt;
  if (attempt) {
    if (runsAtLeast(attempt.version)) {
      installed = attempt.version;
    } else if (attempt.fromVersion === currentVersion) {
      // Handed to the installer, and here we are on the same version: the installer aborted,
      // could not write, or was never started. Retrying it at every start would be a boot loop.
      failed = attempt.version;
      failedVersion = attempt.version;
    }
    // Otherwise we run neither version (put back by hand?): the outcome is unknown, so the
    // attempt is forgotten without blaming its version.
  }
  if (runsAtLeast(version)) {
    installed ??= version;
    version = null;
  }
  // Running that version or a newer one (installed some other way): the failure no longer matters.
  if (runsAtLeast(failedVersion)) failedVersion = null;

  const next: UpdateRecord = { version, attempt: null, failedVersion };
  const changed =
    next.version !== record.version ||
    next.failedVersion !== record.failedVersion ||
    record.attempt !== null;
  return {
    record: next,
    changed,
    installed,
    failed,
    failedVersion,
    installable: version !== null && version !== failedVersion ? version : null,
  };
}
