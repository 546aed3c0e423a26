// Rotating log files for a shell that runs all day for years: main.log is appended to and,
// when the next line would pass maxBytes, shifted to main.1.log … main.N.log (oldest dropped).
import fs from 'node:fs';
import path from 'node:path';

export interface RotatingLogOptions {
  dir: string;
  /** File name without extension, e.g. "main" → main.log, main.1.log, … */
  name: string;
  maxBytes: number;
  /** Rotated files kept besides the current one. */
  maxFiles: number;
  now?: () => Date;
}

export class RotatingLog {
  private size: number;
  private readonly file: string;

  constructor(private readonly opts: RotatingLogOptions) {
    if (opts.maxBytes < 256) throw new Error('maxBytes too small');
    fs.mkdirSync(opts.dir, { recursive: true });
    this.file = path.join(opts.dir, `${opts.name}.log`);
    this.size = fileSize(this.file);
  }

  get currentFile(): string {
    return this.file;
  }

  rotatedFile(n: number): string {
    return path.join(this.opts.dir, `${this.opts.name}.${n}.log`);
  }

  /** Appends one line (timestamp and level added). Never throws: logging must not crash main. */
  write(level: 'info' | 'warn' | 'error', message: string): void {
    const now = (this.opts.now ?? (() => new Date()))();
    // One line per entry: newlines inside a message are escaped so the file stays greppable.
    const line = `${now.toISOString()} ${level.toUpperCase()} ${message.replace(/\r?\n/g, '\\n')}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (this.size > 0 && this.size + bytes > this.opts.maxBytes) this.rotate();
      fs.appendFileSync(this.file, line);
      this.size += bytes;
    } catch {
      // Disk full or folder gone: drop the line rather than take the shell down.
    }
  }

  /** Shifts main.log → main.1.log → … → main.N.log; the oldest is deleted. */
  rotate(): void {
    const { maxFiles } = this.opts;
    if (maxFiles <= 0) {
      fs.rmSync(this.file, { force: true });
    } else {
      fs.rmSync(this.rotatedFile(maxFiles), { force: true });
      for (let n = maxFiles - 1; n >= 1; n--) {
        const from = this.rotatedFile(n);
        if (fs.existsSync(from)) fs.renameSync(from, this.rotatedFile(n + 1));
      }
      if (fs.existsSync(this.file)) fs.renameSync(this.file, this.rotatedFile(1));
    }
    this.size = 0;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
