// Where vendors install their reader libraries, for the settings page's default search: the
// program's own folder, the system folders, and the vendors' usual install folders (one level).
import fs from 'node:fs';
import path from 'node:path';

export type ReaderKind = 'sdt' | 'cvr';

export const LIBRARY_NAMES: Record<ReaderKind, { win32: string[]; other: string[] }> = {
  sdt: { win32: ['sdtapi.dll', 'SDTAPI.dll'], other: ['libsdtapi.so'] },
  cvr: { win32: ['termb.dll', 'Termb.dll'], other: ['libtermb.so'] },
};

export const PHOTO_DECODER_NAMES = { win32: ['WltRS.dll', 'wltrs.dll'], other: ['libwlt.so'] };

export interface LocateEnv {
  platform: string;
  /** Folders to look in first (the program's folder, the data folder). */
  extraDirs: string[];
  env: Record<string, string | undefined>;
  exists?: (p: string) => boolean;
  listDirs?: (p: string) => string[];
}

function defaultListDirs(p: string): string[] {
  try {
    return fs
      .readdirSync(p, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => path.join(p, d.name));
  } catch {
    return [];
  }
}

/** The folders searched, in order. */
export function searchDirs(e: LocateEnv): string[] {
  const list = e.listDirs ?? defaultListDirs;
  const join = e.platform === 'win32' ? path.win32.join : path.posix.join;
  if (e.platform === 'win32') {
    const windir = e.env.SystemRoot ?? e.env.windir ?? 'C:\\Windows';
    const pf = [e.env.ProgramFiles, e.env['ProgramFiles(x86)']].filter((x): x is string => !!x);
    return [
      ...e.extraDirs,
      join(windir, 'System32'),
      join(windir, 'SysWOW64'),
      ...pf.flatMap((p) => [p, ...list(p)]),
      'C:\\sdtapi',
    ];
  }
  const roots = ['/usr/local/lib', '/usr/lib', '/usr/lib64', '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu']; // prettier-ignore
  return [...e.extraDirs, ...roots, ...list('/opt').flatMap((d) => [d, join(d, 'lib')])];
}

/** The first library of this kind found, or null. */
export function locateLibrary(kind: ReaderKind, e: LocateEnv): string | null {
  return locateFirst(
    e.platform === 'win32' ? LIBRARY_NAMES[kind].win32 : LIBRARY_NAMES[kind].other,
    e,
  );
}

/** The photo decoder beside the reader library first, then the usual places. */
export function locatePhotoDecoder(libraryPath: string, e: LocateEnv): string | null {
  const names = e.platform === 'win32' ? PHOTO_DECODER_NAMES.win32 : PHOTO_DECODER_NAMES.other;
  const dirname = e.platform === 'win32' ? path.win32.dirname : path.posix.dirname;
  return locateFirst(names, { ...e, extraDirs: [dirname(libraryPath), ...e.extraDirs] });
}

function locateFirst(names: string[], e: LocateEnv): string | null {
  const exists = e.exists ?? ((p: string) => fs.existsSync(p));
  const join = e.platform === 'win32' ? path.win32.join : path.posix.join;
  for (const dir of searchDirs(e))
    for (const n of names) if (exists(join(dir, n))) return join(dir, n);
  return null;
}
