// Durable storage of the hall queue: an append-only journal of JSON lines (CRC-32 per line,
// written in full and fsync'd before the caller acknowledges), plus snapshots that let the
// journal be compacted so a restart with a full day of events stays fast. Plain fs, no native
// modules; the fs calls go through `JournalFs` so tests can inject short writes, ENOSPC and EIO.
import fs from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE, ensurePrivateDir } from './privateFiles';

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE) of a string's UTF-8 bytes, as 8 hex digits. */
export function crc32(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let c = -1;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return ((c ^ -1) >>> 0).toString(16).padStart(8, '0');
}

/** Every journal line carries a seq; the rest is up to the caller. */
export interface JournalEntry {
  seq: number;
  [key: string]: unknown;
}

export interface JournalOpenResult<S> {
  snapshot: { seq: number; data: S } | null;
  /** Entries after the snapshot, in order. */
  entries: JournalEntry[];
  /** Lines that failed their checksum in the middle of a segment (skipped, reported). */
  corruptLines: number;
  /** Bytes cut off a torn last line (a crash during a write). */
  truncatedBytes: number;
}

const SEGMENT_RE = /^journal-(\d{12})\.jsonl$/;
const SNAPSHOT = 'snapshot.json';

function segmentName(startSeq: number): string {
  return `journal-${String(startSeq).padStart(12, '0')}.jsonl`;
}

/** The file-system calls the journal makes (node:fs by default; a fault layer in tests). */
export type JournalFs = Pick<
  typeof fs,
  | 'openSync'
  | 'closeSync'
  | 'writeSync'
  | 'fsyncSync'
  | 'ftruncateSync'
  | 'fstatSync'
  | 'readFileSync'
  | 'readdirSync'
  | 'existsSync'
  | 'mkdirSync'
  | 'chmodSync'
  | 'renameSync'
  | 'rmSync'
>;

/**
 * The journal could not store an append (full disk, I/O error, short write). Nothing of the
 * append counts: the caller must not acknowledge it (the service answers 503 E_STORAGE).
 */
export class JournalStorageError extends Error {
  readonly code = 'E_STORAGE';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

function fsyncDir(fsx: JournalFs, dir: string): void {
  // Make the rename / new file durable; some platforms (Windows) cannot open a directory.
  try {
    const fd = fsx.openSync(dir, 'r');
    try {
      fsx.fsyncSync(fd);
    } finally {
      fsx.closeSync(fd);
    }
  } catch {
    /* best effort where directories cannot be fsync'd */
  }
}

/**
 * Writes every byte of `buf` at `position` or throws: `writeSync` may write less than asked (a
 * disk filling up), and a line half on disk must never be taken for a stored one.
 */
function writeAll(fsx: JournalFs, fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) {
    const n = fsx.writeSync(fd, buf, done, buf.length - done, position + done);
    if (!(n > 0)) throw new Error(`write made no progress at byte ${position + done}`);
    done += n;
  }
}

/** Parse one line; null when the checksum or JSON is wrong. */
function parseLine(line: string): JournalEntry | null {
  const space = line.indexOf(' ');
  if (space !== 8) return null;
  const json = line.slice(9);
  if (crc32(json) !== line.slice(0, 8)) return null;
  try {
    const v = JSON.parse(json) as unknown;
    if (typeof v === 'object' && v !== null && typeof (v as JournalEntry).seq === 'number') {
      return v as JournalEntry;
    }
  } catch {
    /* fall through */
  }
  return null;
}

export class Journal<S> {
  private fd: number | null = null;
  private segmentStart = 1;
  /** Bytes of the open segment known good (everything before is whole, fsync'd lines). */
  private size = 0;
  /** A failed append may have left bytes past `size` that could not be cut yet. */
  private dirty = false;
  private lastSeq = 0;
  private sinceSnapshot = 0;
  private readonly fsx: JournalFs;

  constructor(
    private readonly dir: string,
    fsOps: JournalFs = fs,
  ) {
    this.fsx = fsOps;
  }

  get seq(): number {
    return this.lastSeq;
  }

  get entriesSinceSnapshot(): number {
    return this.sinceSnapshot;
  }

  /** Load the snapshot and every entry after it; repair a torn tail; open for appending. */
  open(): JournalOpenResult<S> {
    const fsx = this.fsx;
    ensurePrivateDir(this.dir, fsx);
    let snapshot: { seq: number; data: S } | null = null;
    const snapPath = path.join(this.dir, SNAPSHOT);
    if (fsx.existsSync(snapPath)) {
      tighten(fsx, snapPath);
      const text = fsx.readFileSync(snapPath, 'utf8');
      const line = parseLine(text.trimEnd());
      // A snapshot is written to a temp file and renamed, so a bad one means the disk lied:
      // fall back to replaying every segment still present.
      if (line && typeof line.data === 'object') snapshot = { seq: line.seq, data: line.data as S };
    }
    const segments = fsx
      .readdirSync(this.dir)
      .filter((f) => SEGMENT_RE.test(f))
      .sort();
    const entries: JournalEntry[] = [];
    let corruptLines = 0;
    let truncatedBytes = 0;
    let lastSeq = snapshot?.seq ?? 0;
    let lastGoodEnd = 0;
    segments.forEach((name, i) => {
      const file = path.join(this.dir, name);
      tighten(fsx, file);
      const buf = fsx.readFileSync(file);
      const isLast = i === segments.length - 1;
      let offset = 0;
      let goodEnd = 0;
      while (offset < buf.length) {
        const nl = buf.indexOf(0x0a, offset);
        if (nl === -1) break; // no newline: torn write at the tail
        const entry = parseLine(buf.toString('utf8', offset, nl));
        if (entry) {
          goodEnd = nl + 1;
          if (entry.seq > lastSeq) {
            entries.push(entry);
            lastSeq = entry.seq;
          }
        } else {
          corruptLines++;
        }
        offset = nl + 1;
      }
      if (isLast) {
        lastGoodEnd = goodEnd;
        if (goodEnd < buf.length) {
          // Cut the torn / corrupt tail so new lines start on a clean boundary.
          truncatedBytes = buf.length - goodEnd;
          if (corruptLines > 0 && goodEnd < offset) corruptLines--; // the tail was counted above
          const fd = fsx.openSync(file, 'r+');
          try {
            fsx.ftruncateSync(fd, goodEnd);
            fsx.fsyncSync(fd);
          } finally {
            fsx.closeSync(fd);
          }
        }
      }
    });
    this.lastSeq = lastSeq;
    this.sinceSnapshot = entries.length;
    const last = segments[segments.length - 1];
    this.segmentStart = last ? Number(SEGMENT_RE.exec(last)?.[1]) : lastSeq + 1;
    this.fd = this.openSegment(last ?? segmentName(this.segmentStart));
    this.size = last ? lastGoodEnd : 0;
    this.dirty = false;
    return { snapshot, entries, corruptLines, truncatedBytes };
  }

  private openSegment(name: string): number {
    const file = path.join(this.dir, name);
    const existed = this.fsx.existsSync(file);
    // Read-write, not append: every write goes to an explicit offset, so a failed write can be
    // cut off and the next one lands exactly after the last good line.
    const fd = this.fsx.openSync(
      file,
      fs.constants.O_RDWR | fs.constants.O_CREAT,
      PRIVATE_FILE_MODE,
    );
    if (!existed) fsyncDir(this.fsx, this.dir);
    return fd;
  }

  /**
   * Append entries (seq is assigned here) and fsync before returning: only then may the caller
   * acknowledge. One write + one fsync per call, however many entries. All or nothing: on any
   * failure the segment is cut back to its last good line and JournalStorageError is thrown.
   * The seqs of a failed append are never handed out again by this journal (a reader may have
   * seen a half-written line's seq; gaps are harmless on replay).
   */
  append(bodies: Array<Record<string, unknown>>): JournalEntry[] {
    const fd = this.fd;
    if (fd === null) throw new Error('journal is not open');
    if (bodies.length === 0) return [];
    if (this.dirty) this.cutBack(fd, true);
    const entries: JournalEntry[] = [];
    let text = '';
    for (const body of bodies) {
      const entry = { ...body, seq: this.lastSeq + entries.length + 1 } as JournalEntry;
      const json = JSON.stringify(entry);
      text += `${crc32(json)} ${json}\n`;
      entries.push(entry);
    }
    const buf = Buffer.from(text, 'utf8');
    try {
      writeAll(this.fsx, fd, buf, this.size);
      this.fsx.fsyncSync(fd);
    } catch (error) {
      this.lastSeq += entries.length; // burnt, see above
      this.dirty = true;
      try {
        this.cutBack(fd, false);
      } catch {
        /* still dirty: cut again before the next append (which fails until it can) */
      }
      throw new JournalStorageError(`journal append failed: ${String(error)}`, error);
    }
    this.size += buf.length;
    this.lastSeq += entries.length;
    this.sinceSnapshot += entries.length;
    return entries;
  }

  /** Cut the segment back to its last good line (after a failed write) and make that durable. */
  private cutBack(fd: number, wrap: boolean): void {
    try {
      this.fsx.ftruncateSync(fd, this.size);
      this.fsx.fsyncSync(fd);
      this.dirty = false;
    } catch (error) {
      if (!wrap) throw error;
      throw new JournalStorageError(`journal cannot be repaired: ${String(error)}`, error);
    }
  }

  /**
   * Write a snapshot of everything up to the current seq, start a new segment and delete the
   * old ones. `data` must be the state at exactly `seq` (nothing decided after it). Order
   * matters for crash safety: the snapshot is durable (temp + fsync + rename + dir fsync) before
   * any segment it covers is removed, and the new segment is open before the old one is let go.
   */
  snapshot(data: S): void {
    const fsx = this.fsx;
    const json = JSON.stringify({ seq: this.lastSeq, data });
    const tmp = path.join(this.dir, `${SNAPSHOT}.tmp`);
    fsx.rmSync(tmp, { force: true });
    const fd = fsx.openSync(tmp, 'w', PRIVATE_FILE_MODE);
    try {
      writeAll(fsx, fd, Buffer.from(`${crc32(json)} ${json}\n`, 'utf8'), 0);
      fsx.fsyncSync(fd);
    } finally {
      fsx.closeSync(fd);
    }
    fsx.renameSync(tmp, path.join(this.dir, SNAPSHOT));
    fsyncDir(fsx, this.dir);
    const newStart = this.lastSeq + 1;
    const newName = segmentName(newStart);
    const newFd = this.openSegment(newName);
    if (this.fd !== null) {
      try {
        fsx.closeSync(this.fd);
      } catch {
        /* the old segment is covered by the snapshot */
      }
    }
    this.fd = newFd;
    this.segmentStart = newStart;
    this.size = 0;
    this.dirty = false;
    this.sinceSnapshot = 0;
    for (const f of fsx.readdirSync(this.dir)) {
      if (SEGMENT_RE.test(f) && f !== newName) {
        try {
          fsx.rmSync(path.join(this.dir, f), { force: true });
        } catch {
          /* left for the next snapshot; replay skips what the snapshot covers */
        }
      }
    }
  }

  close(): void {
    if (this.fd !== null) {
      this.fsx.closeSync(this.fd);
      this.fd = null;
    }
  }
}

/** Files from before modes were enforced (or copied in) are made private on open. */
function tighten(fsx: JournalFs, file: string): void {
  try {
    fsx.chmodSync(file, PRIVATE_FILE_MODE);
  } catch {
    /* best effort (e.g. a file system without modes) */
  }
}
