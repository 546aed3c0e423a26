// Refuses to install or run the tests on a Node.js older than package.json's engines.node
// (">=MAJOR.MINOR"): npm itself only warns. Plain JavaScript: it runs before node_modules exists.
import fs from 'node:fs';

const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const m = /^>=\s*(\d+)\.(\d+)/.exec(pkg.engines?.node ?? '');
if (m) {
  const [maj, min] = process.versions.node.split('.').map(Number);
  const want = [Number(m[1]), Number(m[2])];
  if (maj < want[0] || (maj === want[0] && min < want[1])) {
    console.error(
      `HallDesk 需要 Node.js ${want.join('.')}+，当前为 ${process.versions.node} / HallDesk needs Node.js ${want.join('.')}+ (this is ${process.versions.node}); see README "Node.js version"`,
    );
    process.exit(1);
  }
}
