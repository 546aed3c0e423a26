// The Node.js requirement stated in README and package.json is the real one (issue 12 §8): the
// installed packages whose engines.node excludes the stated minimum or the running Node are
// exactly those README's Requirements table, scripts/newerNodePackages.json and the install-time
// note (check-node.mjs) list, each with what HallDesk does with it on Node 20.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NEWER_NODE_TOOLING, QUIET_FROM, satisfiesRange } from '../../../scripts/nodeEngines';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const minimum = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(pkg.engines.node)?.[1] ?? '';

describe('engines ranges', () => {
  it('reads npm ranges', () => {
    expect(satisfiesRange('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfiesRange('20.18.9', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfiesRange('20.19.0', '>= 22.12.0')).toBe(false);
    expect(satisfiesRange('22.12.0', '>= 22.12.0')).toBe(true);
    expect(satisfiesRange('20.19.0', '18 || 20 || >=22')).toBe(true);
    expect(satisfiesRange('21.0.0', '18 || 20 || >=22')).toBe(false);
    expect(satisfiesRange('20.19.0', '>=22')).toBe(false);
    expect(satisfiesRange('20.19.0', '^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(true);
  });
});

/** Installed packages (by name) whose own package.json `engines.node` excludes Node `version`. */
function excludedAt(version: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(lock.packages)) {
    if (!key.startsWith('node_modules/') && !key.includes('/node_modules/')) continue;
    const file = path.join(root, key, 'package.json');
    // Optional packages for other platforms are in the lockfile but not installed here.
    if (!fs.existsSync(file)) continue;
    const installed = JSON.parse(fs.readFileSync(file, 'utf8')) as { engines?: unknown };
    const engines = installed.engines as { node?: unknown } | undefined;
    const range = engines && typeof engines.node === 'string' ? engines.node : undefined;
    if (range && !satisfiesRange(version, range))
      out.set(key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length), range);
  }
  return out;
}

/** The package names in the README's Requirements table (first column, in backticks). */
function readmeTable(): Map<string, string> {
  const section = readme.slice(readme.indexOf('### Requirements'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| package |')));
  return new Map(
    [...table.matchAll(/^\| `([^`]+)` \| ≥ ([\d.]+) \|/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

describe('the stated Node.js requirement', () => {
  it('package.json says >=MAJOR.MINOR and the README says the same', () => {
    expect(minimum).toMatch(/^\d+\.\d+$/);
    expect(readme).toContain(`Node.js ${minimum}+`);
  });

  it('the packages needing a newer Node than the minimum are exactly the documented ones', () => {
    const documented = Object.keys(NEWER_NODE_TOOLING).sort();
    const excluded = excludedAt(`${minimum}.0`);
    expect([...excluded.keys()].sort()).toEqual(documented);
    const table = readmeTable();
    expect([...table.keys()].sort()).toEqual(documented);
    // The "declares" column is what the installed package says (">= 22.12.0" for "≥ 22.12").
    for (const [name, declared] of table) expect(excluded.get(name)).toContain(declared);
  });

  it('on the running Node, every package npm warns about is documented (and the note shows)', () => {
    const running = [...excludedAt(process.versions.node).keys()];
    expect(running.filter((n) => !(n in NEWER_NODE_TOOLING))).toEqual([]);
    // From QUIET_FROM on nothing is excluded: the install-time note shows whenever npm warns.
    expect([...excludedAt(QUIET_FROM).keys()]).toEqual([]);
    const note = execFileSync(process.execPath, [path.join(root, 'scripts/check-node.mjs')], {
      encoding: 'utf8',
    });
    if (running.length === 0) expect(note).not.toContain('EBADENGINE');
    for (const name of Object.keys(NEWER_NODE_TOOLING))
      if (running.length > 0) expect(note).toContain(`  ${name}: `);
  });
});
