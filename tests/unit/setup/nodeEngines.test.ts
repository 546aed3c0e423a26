// The Node.js requirement stated in README and package.json is the real one: every installed
// package whose engines.node excludes it is a known, documented piece of Electron tooling.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NEWER_NODE_TOOLING, satisfiesRange } from '../../../scripts/nodeEngines';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
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

describe('the stated Node.js requirement', () => {
  it('package.json says >=MAJOR.MINOR and the README says the same', () => {
    expect(minimum).toMatch(/^\d+\.\d+$/);
    expect(readme).toContain(`Node.js ${minimum}+`);
  });

  it('every package needing a newer Node is documented Electron tooling (or require(esm))', () => {
    const newer = new Map<string, string>();
    for (const [key, p] of Object.entries(lock.packages)) {
      const range = p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
      if (!key || !range) continue;
      if (!satisfiesRange(`${minimum}.0`, range)) {
        newer.set(key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length), range);
      }
    }
    const undocumented = [...newer.keys()].filter((n) => !(n in NEWER_NODE_TOOLING));
    expect(undocumented, `packages needing a newer Node than ${minimum}`).toEqual([]);
    for (const name of newer.keys()) expect(readme).toContain(`\`${name}\``);
  });
});
