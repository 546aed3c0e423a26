// Whether dist/renderer is an up-to-date build of its sources, so that `npm start` reuses it
// instead of spending ~20 s on a rebuild every time. The build writes a stamp (a hash of every
// input file's path and content) beside its output; a start compares it with the sources now.
// Content, not mtimes: a git checkout or a copied tree changes mtimes without changing the build.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What the renderer build reads (relative to the project root); folders are walked. */
export const RENDERER_INPUTS = [
  'renderer',
  'shared',
  'vite.config.ts',
  'tsconfig.json',
  'package.json',
  'package-lock.json',
] as const;

/** The stamp file inside the build's output folder. */
export const STAMP_FILE = '.inputs-sha256';

function walk(abs: string, rel: string, out: string[]): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return; // an input that does not exist hashes as absent
  }
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(abs).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      walk(path.join(abs, name), `${rel}/${name}`, out);
    }
  } else if (st.isFile()) {
    out.push(rel);
  }
}

/** SHA-256 over the sorted input files' relative paths and contents. */
export function inputsHash(root: string, inputs: readonly string[] = RENDERER_INPUTS): string {
  const files: string[] = [];
  for (const i of inputs) walk(path.join(root, i), i, files);
  const h = crypto.createHash('sha256');
  for (const rel of files) {
    h.update(rel);
    h.update('\0');
    h.update(fs.readFileSync(path.join(root, rel)));
    h.update('\0');
  }
  return h.digest('hex');
}

export function writeStamp(outDir: string, hash: string): void {
  fs.writeFileSync(path.join(outDir, STAMP_FILE), `${hash}\n`);
}

export interface Freshness {
  fresh: boolean;
  /** Why a build is needed (for the one line `npm start` prints). */
  reason: string;
}

/** Is `outDir` a complete build of the inputs as they are now? */
export function buildFreshness(
  root: string,
  outDir: string,
  inputs: readonly string[] = RENDERER_INPUTS,
): Freshness {
  if (!fs.existsSync(path.join(outDir, 'index.html'))) {
    return { fresh: false, reason: '尚未构建 / no build yet' };
  }
  let stamp: string;
  try {
    stamp = fs.readFileSync(path.join(outDir, STAMP_FILE), 'utf8').trim();
  } catch {
    return { fresh: false, reason: '构建没有输入记录 / build has no input stamp' };
  }
  if (stamp !== inputsHash(root, inputs)) {
    return { fresh: false, reason: '源文件已改变 / sources changed since the build' };
  }
  return { fresh: true, reason: '' };
}
