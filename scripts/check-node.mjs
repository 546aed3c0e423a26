// Refuses to install or run the tests on a Node.js older than package.json's engines.node
// (">=MAJOR.MINOR"): npm itself only warns. On a Node that some installed packages declare too
// old (scripts/newerNodePackages.json), says which npm will warn about (EBADENGINE) and what
// HallDesk does with each, as README "Requirements" does. Plain JavaScript: it runs before
// node_modules exists.
import fs from 'node:fs';

const read = (rel) => JSON.parse(fs.readFileSync(new URL(rel, import.meta.url), 'utf8'));
const pkg = read('../package.json');
const newer = read('./newerNodePackages.json');
const [maj, min, patch] = process.versions.node.split('.').map(Number);
const before = ([a, b, c]) => maj < a || (maj === a && (min < b || (min === b && patch < c)));

const m = /^>=\s*(\d+)\.(\d+)/.exec(pkg.engines?.node ?? '');
if (m) {
  const want = [Number(m[1]), Number(m[2]), 0];
  if (before(want)) {
    console.error(
      `HallDesk 需要 Node.js ${want.slice(0, 2).join('.')}+，当前为 ${process.versions.node} / HallDesk needs Node.js ${want.slice(0, 2).join('.')}+ (this is ${process.versions.node}); see README "Requirements"`,
    );
    process.exit(1);
  }
}
const quiet = newer.quietFrom.split('.').map(Number);
if (before(quiet)) {
  const lines = Object.entries(newer.packages).map(([name, what]) => `  ${name}: ${what}`);
  console.log(
    [
      `注意：Node.js ${process.versions.node} 下 npm 会对以下 ${lines.length} 个包提示 EBADENGINE（它们声明需要 Node 22 以上），对 HallDesk 无碍，见 README“Requirements”。`,
      `Note: on Node.js ${process.versions.node} npm warns EBADENGINE for these ${lines.length} packages (they declare Node 22+); harmless for HallDesk, see README "Requirements":`,
      ...lines,
    ].join('\n'),
  );
}
