// Packs the app bundle (release/app.asar) without electron-builder: the whitelisted files plus
// the production packages the Electron bundles require at run time. `npm run dist` uses it
// where no Electron runtime is available, so CI still proves the bundle is complete.
import fs from 'node:fs';
import path from 'node:path';
import { createPackageWithOptions, listPackage } from '@electron/asar';

/** Files that must be in every bundle, or the app cannot start. */
export const REQUIRED_ENTRIES = [
  '/package.json',
  '/dist-electron/main.cjs',
  '/dist-electron/preload.cjs',
  '/dist-electron/hallHost.cjs',
  '/dist/renderer/index.html',
];

/** Bare package names required by the built Electron files (node: and electron excluded). */
export function requiredPackages(distElectron: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(c?js)$/.test(e.name)) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/require\("([^"./][^"]*)"\)/g)) {
          const id = m[1]!;
          if (id.startsWith('node:') || id === 'electron') continue;
          found.add(id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]!);
        }
      }
    }
  };
  walk(distElectron);
  return [...found].sort();
}

/**
 * Packages main loads only when needed (koffi, for the ID card reader), named in package.json's
 * `halldeskLazyPackages`: the bundler leaves no plain require of them for the scan above to find.
 */
export function lazyPackages(root: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    halldeskLazyPackages?: unknown;
  };
  return Array.isArray(pkg.halldeskLazyPackages)
    ? pkg.halldeskLazyPackages.filter((x): x is string => typeof x === 'string')
    : [];
}

/** Node's lookup: node_modules/<name> in fromDir and each parent up to (and including) top. */
function resolvePackageDir(name: string, fromDir: string, top: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.resolve(dir) === path.resolve(top)) return null;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The package folders (with their dependencies, transitively) that the app needs at run time. */
export function packageClosure(names: readonly string[], nodeModulesRoot: string): string[] {
  const seen = new Set<string>();
  const missing: string[] = [];
  const visit = (name: string, fromDir: string) => {
    const dir = resolvePackageDir(name, fromDir, nodeModulesRoot);
    if (!dir) {
      missing.push(name);
      return;
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir);
    // Optional ones where installed: a prebuilt binary for this platform (koffi's) is one.
    for (const dep of Object.keys(pkg.optionalDependencies ?? {}))
      if (resolvePackageDir(dep, dir, nodeModulesRoot)) visit(dep, dir);
  };
  for (const n of names) visit(n, nodeModulesRoot);
  if (missing.length) throw new Error(`packages not installed: ${missing.join(', ')}`);
  return [...seen].sort();
}

export interface AppBundleResult {
  asarPath: string;
  entries: string[];
  packages: string[];
  bytes: number;
}

export async function packAppAsar(opts: {
  /** Project root holding dist/renderer, dist-electron and package.json. */
  root: string;
  outDir: string;
  /** Where node_modules is (usually the root). */
  nodeModulesRoot?: string;
}): Promise<AppBundleResult> {
  const { root, outDir } = opts;
  const nmRoot = opts.nodeModulesRoot ?? root;
  for (const p of [
    'dist/renderer/index.html',
    'dist-electron/main.cjs',
    'dist-electron/preload.cjs',
  ]) {
    if (!fs.existsSync(path.join(root, p)))
      throw new Error(`${p} is missing: run npm run build first`);
  }
  const staging = path.join(outDir, 'app-staging');
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });

  const copy = (rel: string) =>
    fs.cpSync(path.join(root, rel), path.join(staging, rel), {
      recursive: true,
      filter: (src) => !src.endsWith('.map'),
    });
  copy('dist/renderer');
  copy('dist-electron');

  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const packages = [
    ...new Set([...requiredPackages(path.join(root, 'dist-electron')), ...lazyPackages(root)]),
  ].sort();
  const deps = (pkg.dependencies ?? {}) as Record<string, string>;
  // The app's package.json inside the bundle: what Electron reads (name, version, main).
  const appPkg = {
    name: pkg.name,
    productName: 'HallDesk',
    version: pkg.version,
    description: pkg.description,
    main: 'dist-electron/main.cjs',
    dependencies: Object.fromEntries(packages.map((p) => [p, deps[p] ?? '*'])),
  };
  fs.writeFileSync(path.join(staging, 'package.json'), `${JSON.stringify(appPkg, null, 2)}\n`);

  const dirs = packageClosure(packages, nmRoot);
  for (const dir of dirs) {
    const rel = path.relative(nmRoot, dir);
    fs.cpSync(dir, path.join(staging, rel), { recursive: true, dereference: true });
  }

  fs.mkdirSync(outDir, { recursive: true });
  const asarPath = path.join(outDir, 'app.asar');
  fs.rmSync(asarPath, { force: true });
  await createPackageWithOptions(staging, asarPath, { unpack: '*.node' });
  fs.rmSync(staging, { recursive: true, force: true });

  const entries = listPackage(asarPath, { isPack: false }).map((e) => e.replace(/\\/g, '/'));
  const missing = REQUIRED_ENTRIES.filter((e) => !entries.includes(e));
  for (const p of packages)
    if (!entries.includes(`/node_modules/${p}/package.json`)) missing.push(`/node_modules/${p}`);
  if (missing.length) throw new Error(`app.asar is missing: ${missing.join(', ')}`);
  return {
    asarPath,
    entries,
    packages: dirs.map((d) =>
      path
        .relative(nmRoot, d)
        .replace(/\\/g, '/')
        .replace(/^node_modules\//, ''),
    ),
    bytes: fs.statSync(asarPath).size,
  };
}
