// Durable storage of the hall queue: an append-only journal of JSON lines (CRC-32 per line,
// written and fsync'd before the caller acknowledges), plus snapshots that let the journal be
// compacted so a restart with a full day of events stays fast. Plain fs, no native modules.
import fs from 'node:fs';
import path from 'node:path';

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

function fsyncDir(dir: string): void {
  // Make the rename / new file durable; some platforms (Windows) cannot open a directory.
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* best effort where directories cannot be fsync'd */
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
  private lastSeq = 0;
  private sinceSnapshot = 0;

  constructor(private readonly dir: string) {}

  get seq(): number {
    return this.lastSeq;
  }

  get entriesSinceSnapshot(): number {
    return this.sinceSnapshot;
  }

  /** Load the snapshot and every entry after it; repair a torn tail; open for appending. */
  open(): JournalOpenResult<S> {
    fs.mkdirSync(this.dir, { recursive: true });
    let snapshot: { seq: number; data: S } | null = null;
    const snapPath = path.join(this.dir, SNAPSHOT);
    if (fs.existsSync(snapPath)) {
      const text = fs.readFileSync(snapPath, 'utf8');
      const line = parseLine(text.trimEnd());
      // A snapshot is written to a temp file and renamed, so a bad one means the disk lied:
      // fall back to replaying every segment still present.
      if (line && typeof line.data === 'object') snapshot = { seq: line.seq, data: line.data as S };
    }
    const segments = fs
      .readdirSync(this.dir)
      .filter((f) => SEGMENT_RE.test(f))
      .sort();
    const entries: JournalEntry[] = [];
    let corruptLines = 0;
    let truncatedBytes = 0;
    let lastSeq = snapshot?.seq ?? 0;
    segments.forEach((name, i) => {
      const file = path.join(this.dir, name);
      const buf = fs.readFileSync(file);
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
      if (isLast && goodEnd < buf.length) {
        // Cut the torn / corrupt tail so new lines start on a clean boundary.
        truncatedBytes = buf.length - goodEnd;
        if (corruptLines > 0 && goodEnd < offset) corruptLines--; // the tail was counted above
        fs.truncateSync(file, goodEnd);
      }
    });
    this.lastSeq = lastSeq;
    this.sinceSnapshot = entries.length;
    const last = segments[segments.length - 1];
    this.segmentStart = last ? Number(SEGMENT_RE.exec(last)?.[1]) : lastSeq + 1;
    this.openSegment(last ?? segmentName(this.segmentStart));
    return { snapshot, entries, corruptLines, truncatedBytes };
  }

  private openSegment(name: string): void {
    const file = path.join(this.dir, name);
    const existed = fs.existsSync(file);
    this.fd = fs.openSync(file, 'a');
    if (!existed) fsyncDir(this.dir);
  }

  /**
   * Append entries (seq is assigned here) and fsync before returning: only then may the caller
   * acknowledge. One write + one fsync per call, however many entries.
   */
  append(bodies: Array<Record<string, unknown>>): JournalEntry[] {
    if (this.fd === null) throw new Error('journal is not open');
    if (bodies.length === 0) return [];
    const entries: JournalEntry[] = [];
    let text = '';
    for (const body of bodies) {
      const entry = { ...body, seq: this.lastSeq + entries.length + 1 } as JournalEntry;
      const json = JSON.stringify(entry);
      text += `${crc32(json)} ${json}\n`;
      entries.push(entry);
    }
    fs.writeSync(this.fd, text);
    fs.fsyncSync(this.fd);
    this.lastSeq += entries.length;
    this.sinceSnapshot += entries.length;
    return entries;
  }

  /**
   * Write a snapshot of everything up to the current seq, start a new segment and delete the
   * old ones. Order matters for crash safety: the snapshot is durable (temp + fsync + rename +
   * dir fsync) before any segment it covers is removed.
   */
  snapshot(data: S): void {
    const json = JSON.stringify({ seq: this.lastSeq, data });
    const tmp = path.join(this.dir, `${SNAPSHOT}.tmp`);
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, `${crc32(json)} ${json}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, SNAPSHOT));
    fsyncDir(this.dir);
    if (this.fd !== null) fs.closeSync(this.fd);
    const newStart = this.lastSeq + 1;
    const newName = segmentName(newStart);
    this.openSegment(newName);
    this.segmentStart = newStart;
    for (const f of fs.readdirSync(this.dir)) {
      if (SEGMENT_RE.test(f) && f !== newName) fs.rmSync(path.join(this.dir, f), { force: true });
    }
    this.sinceSnapshot = 0;
  }

  close(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}
