// Loads a vendor's reader library through koffi (a prebuilt N-API FFI: no compiler on the PC, no
// rebuild for Electron) and turns the operating system's refusals into the clerk's words: a
// missing file, a library of the wrong architecture (a 32-bit sdtapi.dll in a 64-bit program is
// the usual one), or a library without the interface's functions.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { idCardError } from './errors';

/** The part of koffi the reader uses (typed here so the rest never imports koffi itself). */
export interface FfiFunction {
  (...args: unknown[]): unknown;
  async(...args: unknown[]): void;
}
export interface FfiLibrary {
  func(prototype: string): FfiFunction;
  unload(): void;
}
interface Koffi {
  load(path: string): FfiLibrary;
}

let koffi: Koffi | null | undefined;

/** koffi is loaded only when a reader is configured, so a desk without one never touches it. */
function loadKoffi(): Koffi {
  if (koffi === undefined) {
    try {
      // A plain require in the bundle (the packagers look for `require("…")` to ship a package).
      const require = createRequire(import.meta.url);
      koffi = require('koffi') as Koffi;
    } catch {
      koffi = null;
    }
  }
  if (!koffi) throw idCardError('E_IDCARD_FFI_UNAVAILABLE');
  return koffi;
}

const ARCH_HINTS = [
  /wrong ELF class/i,
  /ELFCLASS/i,
  /invalid ELF header/i,
  /\b193\b/, // ERROR_BAD_EXE_FORMAT: "%1 is not a valid Win32 application"
  /not a valid Win32 application/i,
  /incompatible architecture/i,
  /mach-o.*(wrong|incompatible)/i,
];

/** Opens the library file at `path` or throws an IdCardError the clerk can act on. */
export function openLibrary(path: string, arch: string = process.arch): FfiLibrary {
  if (!fs.existsSync(path)) throw idCardError('E_IDCARD_LIBRARY_MISSING', path);
  const ffi = loadKoffi();
  try {
    return ffi.load(path);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (ARCH_HINTS.some((re) => re.test(text)))
      throw idCardError('E_IDCARD_LIBRARY_ARCH', `本机为 ${arch}，需要同架构的驱动（${path}）`);
    throw idCardError('E_IDCARD_LIBRARY_INVALID', `${path}（${text.slice(0, 120)}）`);
  }
}

/** Declares a function of the library, or names the one the library lacks. */
export function bind(lib: FfiLibrary, prototype: string, libraryPath: string): FfiFunction {
  try {
    return lib.func(prototype);
  } catch {
    const name = /\b(\w+)\s*\(/.exec(prototype)?.[1] ?? prototype;
    throw idCardError('E_IDCARD_LIBRARY_INVALID', `${libraryPath} 缺少函数 ${name}`);
  }
}

/** Calls a library function on koffi's worker thread: a slow reader never blocks main. */
export function callAsync<T>(fn: FfiFunction, ...args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn.async(...args, (err: unknown, result: T) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * Whether a library exports `name`, without failing: optional functions (a photo decoder's
 * entry points differ between vendors) are probed with this.
 */
export function tryBind(lib: FfiLibrary, prototype: string): FfiFunction | null {
  try {
    return lib.func(prototype);
  } catch {
    return null;
  }
}
