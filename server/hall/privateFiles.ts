// The hall service's data folder holds key customers' phones and account numbers and rating
// reasons: it is 0700 and every file in it 0600, whoever else uses the hall PC.
import fs from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Create `dir` (and parents) 0700, and tighten it when it already existed with a looser mode. */
export function ensurePrivateDir(
  dir: string,
  fsx: Pick<typeof fs, 'mkdirSync' | 'chmodSync'> = fs,
): void {
  fsx.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    fsx.chmodSync(dir, PRIVATE_DIR_MODE);
  } catch {
    /* a file system without modes (Windows): nothing to tighten */
  }
}

/** Writes `text` to `file`, 0600, whole or not at all. */
export function writePrivateFile(file: string, text: string): void {
  // Temp file + fsync + rename: a power cut leaves the old or the new file, never half of one.
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    fs.writeFileSync(fd, text); // loops until every byte is written (writeSync may not)
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, PRIVATE_FILE_MODE);
  fs.renameSync(tmp, file);
}
