// Builds the ID card reader simulators (tests/fixtures/idcard/*.c) with the system's C compiler
// into a temp folder, once per test file: the reader module is then tested through koffi against
// real shared libraries with the vendors' function names and calling convention.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/idcard');

export interface Simulators {
  dir: string;
  sdt: string;
  cvr: string;
  /** Photo decoder with `unpack` (and GetBmp). */
  wlt: string;
  /** Photo decoder with only `GetBmp` (file to file). */
  wltFile: string;
  /** A copy of the SDT library marked as 32-bit: what a 32-bit sdtapi.dll is to a 64-bit app. */
  sdtWrongArch: string;
}

/** Why the simulators cannot be built here (no C compiler, not Linux), or null. */
export function simulatorsUnavailable(): string | null {
  if (process.platform !== 'linux')
    return `the simulators are built for Linux (this is ${process.platform})`;
  try {
    execFileSync(process.env.CC ?? 'gcc', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'no C compiler (gcc) on this machine';
  }
}

export function buildSimulators(): Simulators {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-idsim-'));
  const cc = process.env.CC ?? 'gcc';
  const build = (out: string, src: string, extra: string[] = []): string => {
    const file = path.join(dir, out);
    execFileSync(cc, ['-shared', '-fPIC', '-O1', '-w', ...extra, '-o', file, path.join(SRC, src)]);
    return file;
  };
  // Each library in its own folder: the CVR library writes its photo beside itself.
  const sdt = build('libsdtapi.so', 'sdtsim.c');
  const wlt = build('libwlt.so', 'wltsim.c');
  fs.mkdirSync(path.join(dir, 'cvr'));
  const cvr = build('cvr/libtermb.so', 'cvrsim.c');
  fs.mkdirSync(path.join(dir, 'wltfile'));
  const wltFile = build('wltfile/libwlt.so', 'wltsim.c', ['-DWLT_FILE_ONLY']);
  fs.mkdirSync(path.join(dir, 'arch'));
  const sdtWrongArch = path.join(dir, 'arch', 'libsdtapi.so');
  const bytes = fs.readFileSync(sdt);
  bytes[4] = 1; // EI_CLASS = ELFCLASS32
  fs.writeFileSync(sdtWrongArch, bytes);
  return { dir, sdt, cvr, wlt, wltFile, sdtWrongArch };
}
