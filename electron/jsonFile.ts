// Small JSON files in the data folder, written atomically (temp file, fsync, rename) so that a
// power cut leaves either the old or the new file, never half of one.
import fs from 'node:fs';
import path from 'node:path';

/** Reads and parses a JSON file; null when it is missing or not valid JSON (logged by caller). */
export function readJson(file: string): { value: unknown; error: string | null } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { value: null, error: null };
    return { value: null, error: String(error) };
  }
  try {
    return { value: JSON.parse(text) as unknown, error: null };
  } catch (error) {
    return { value: null, error: `corrupt JSON in ${file}: ${String(error)}` };
  }
}

export function writeJsonAtomic(file: string, value: unknown, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeFileSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
