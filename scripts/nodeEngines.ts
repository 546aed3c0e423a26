// The Node.js versions the project runs on, against what its dependencies declare: a small
// reader of npm `engines.node` ranges (>=, >, <, <=, ^, bare majors, ||) so that a test can
// list every installed package whose declared range excludes the project's minimum.
import newerNode from './newerNodePackages.json';

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(v: string): Version {
  const [major = 0, minor = 0, patch = 0] = v
    .replace(/^v/, '')
    .split('.')
    .map((x) => (/^\d+$/.test(x) ? Number(x) : 0));
  return { major, minor, patch };
}

function cmp(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function satisfiesComparator(v: Version, c: string): boolean {
  const m = /^(>=|<=|>|<|\^|~|=)?\s*v?([\dx*]+(?:\.[\dx*]+)?(?:\.[\dx*]+)?)$/.exec(c.trim());
  if (!m) return true; // unknown syntax: do not claim an exclusion we cannot read
  const op = m[1] ?? '';
  const parts = m[2]!.split('.');
  const wild = parts.findIndex((p) => p === 'x' || p === '*');
  const given = wild === -1 ? parts.length : wild;
  const base = parseVersion(parts.slice(0, given).join('.'));
  if (op === '>=') return cmp(v, base) >= 0;
  if (op === '>') return cmp(v, base) > 0;
  if (op === '<') return cmp(v, base) < 0;
  if (op === '<=') return cmp(v, base) <= 0;
  if (op === '^') return v.major === base.major && cmp(v, base) >= 0;
  if (op === '~') return v.major === base.major && v.minor === base.minor && cmp(v, base) >= 0;
  // "20", "20.x", "=20.1.2": the given parts must match
  if (given === 0) return true;
  if (v.major !== base.major) return false;
  if (given >= 2 && v.minor !== base.minor) return false;
  return given < 3 || v.patch === base.patch;
}

/** Does Node `version` satisfy the npm range `range`? */
export function satisfiesRange(version: string, range: string): boolean {
  const v = parseVersion(version);
  return range.split('||').some((alt) => {
    const comps = alt
      .trim()
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return comps.every((c) => satisfiesComparator(v, c));
  });
}

/**
 * Packages that declare a newer Node than the project needs, and what HallDesk does with them on
 * Node 20.19+ (scripts/newerNodePackages.json, also read by check-node.mjs and listed in README
 * "Requirements"). Electron's own engines field covers its binary download and packaging tools,
 * not the app: the desk runs inside Electron's bundled Node.
 */
export const NEWER_NODE_TOOLING: Record<string, string> = newerNode.packages;

/** From this Node on, no installed package declares a newer one (npm prints no EBADENGINE). */
export const QUIET_FROM: string = newerNode.quietFrom;
