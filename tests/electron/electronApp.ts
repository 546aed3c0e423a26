// Finding an Electron binary for the Playwright `_electron` tests, and launching the built shell
// with its own data folder. Where no binary exists the specs skip with the reason given here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ELECTRON_PATH, else the electron npm package's own downloaded binary. */
export function findElectron(): { path: string | null; reason: string } {
  const fromEnv = process.env.ELECTRON_PATH;
  if (fromEnv) {
    return fs.existsSync(fromEnv)
      ? { path: fromEnv, reason: '' }
      : { path: null, reason: `ELECTRON_PATH=${fromEnv} does not exist` };
  }
  const pathFile = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (!fs.existsSync(pathFile)) {
    return {
      path: null,
      reason:
        'ELECTRON_PATH is not set and the electron package has no downloaded binary (node_modules/electron/dist is absent)',
    };
  }
  const bin = path.join(
    root,
    'node_modules',
    'electron',
    'dist',
    fs.readFileSync(pathFile, 'utf8').trim(),
  );
  return fs.existsSync(bin)
    ? { path: bin, reason: '' }
    : { path: null, reason: `${bin} is missing` };
}

export const electron = findElectron();
export const SKIP_REASON = `No Electron binary here: ${electron.reason}`;

export function builtShellMissing(): string | null {
  for (const f of [
    'dist-electron/main.cjs',
    'dist-electron/preload.cjs',
    'dist/renderer/index.html',
  ]) {
    if (!fs.existsSync(path.join(root, f))) return `${f} is missing: run npm run build`;
  }
  return null;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-e2e-'));
}

/** Launches `electron dist-electron/main.cjs <args>` with HALLDESK_DATA_DIR set. */
export async function launchShell(
  args: string[],
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ElectronApplication> {
  if (!electron.path) throw new Error(SKIP_REASON);
  const extra = process.getuid?.() === 0 ? ['--no-sandbox'] : []; // Chromium refuses root otherwise
  return _electron.launch({
    executablePath: electron.path,
    args: [...extra, path.join(root, 'dist-electron', 'main.cjs'), ...args],
    cwd: root,
    env: { ...process.env, ...env, HALLDESK_DATA_DIR: dataDir, ELECTRON_ENABLE_LOGGING: '1' },
    timeout: 60_000,
  });
}

export { root };
