// `npm run dist`: installers with electron-builder where an Electron runtime is at hand
// (ELECTRON_DIST, or node_modules/electron/dist); otherwise, and always with --asar-only, the
// app bundle release/app.asar built with @electron/asar and its contents listed.
// Extra arguments pass the targets: --linux, --win, --x64, --arm64 (default: this platform).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUIET_FROM, satisfiesRange } from '../scripts/nodeEngines';
import { packAppAsar } from './appBundle';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronDist(): string | null {
  const fromEnv = process.env.ELECTRON_DIST;
  if (fromEnv) {
    if (fs.existsSync(fromEnv)) return path.resolve(fromEnv);
    console.warn(`ELECTRON_DIST=${fromEnv} does not exist`);
    return null;
  }
  const local = path.join(root, 'node_modules', 'electron', 'dist');
  const bin = process.platform === 'win32' ? 'electron.exe' : 'electron';
  return fs.existsSync(path.join(local, bin)) ? local : null;
}

async function builderBuild(dist: string, args: string[]): Promise<void> {
  // electron-builder's @electron/rebuild and node-abi declare Node 22.12+, but packaging never
  // runs them (npmRebuild: false, no native module to rebuild): checked on Node 20.20 with a
  // local Electron (README "Requirements"), so an older Node is told, not refused.
  if (!satisfiesRange(process.versions.node, `>=${QUIET_FROM}`)) {
    console.log(
      `Node.js ${process.versions.node}: electron-builder 的 @electron/rebuild、node-abi 声明需要 Node 22.12+，打包不运行它们（npmRebuild: false）/ they declare Node 22.12+ but packaging does not run them (npmRebuild: false)`,
    );
  }
  process.env.ELECTRON_DIST = dist;
  const config = require('./electron-builder.config.cjs') as Record<string, unknown>;
  const mod = await import('electron-builder');
  // electron-builder is CommonJS: its named exports may only be on default under some loaders.
  const build = (mod.build as typeof mod.build | undefined) ?? mod.default.build;
  const platformFlags = { '--linux': 'linux', '--win': 'win', '--windows': 'win' } as const;
  const archFlags = { '--x64': 'x64', '--arm64': 'arm64' } as const;
  const platforms = args.map((a) => platformFlags[a as keyof typeof platformFlags]).filter(Boolean);
  const archs = args.map((a) => archFlags[a as keyof typeof archFlags]).filter(Boolean);
  const cli: Record<string, unknown> = { projectDir: root, config, publish: 'never' };
  if (platforms.includes('linux')) cli.linux = [];
  if (platforms.includes('win')) cli.win = [];
  if (archs.includes('x64')) cli.x64 = true;
  if (archs.includes('arm64')) cli.arm64 = true;
  const artifacts = await build(cli as Parameters<typeof build>[0]);
  console.log('installers:');
  for (const a of artifacts) console.log(`  ${path.relative(root, a)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dist = args.includes('--asar-only') ? null : electronDist();
  if (dist) {
    console.log(`electron-builder with the local Electron at ${dist}`);
    await builderBuild(dist, args);
    return;
  }
  if (!args.includes('--asar-only')) {
    console.log(
      '没有可用的 Electron 运行时，只生成应用包 / No Electron runtime here (set ELECTRON_DIST to an unpacked Electron to build installers): building release/app.asar only',
    );
  }
  const result = await packAppAsar({ root, outDir: path.join(root, 'release') });
  const listing = path.join(root, 'release', 'app.asar.txt');
  fs.writeFileSync(listing, `${result.entries.join('\n')}\n`);
  const own = result.entries.filter((e) => !e.startsWith('/node_modules/'));
  console.log(
    `${path.relative(root, result.asarPath)}: ${result.entries.length} entries, ${(result.bytes / 1e6).toFixed(1)} MB`,
  );
  console.log(`runtime packages: ${result.packages.join(', ')}`);
  console.log('app files:');
  for (const e of own) console.log(`  ${e}`);
  console.log(`full listing: ${path.relative(root, listing)}`);
}

main().catch((error: unknown) => {
  console.error('打包失败 / dist failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
