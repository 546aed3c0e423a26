// A fault-injecting file-system layer for the hall journal: a seeded schedule of short writes,
// ENOSPC (after part of the bytes went down, as a filling disk does), EIO on write / fsync /
// truncate, and failed snapshot renames, on the journal's and snapshot's files only. It wraps
// node:fs (or is installed over it in a child process) so the real files get the real bytes.
import fs from 'node:fs';
import type { JournalFs } from '../../server/hall/journal';

/** Small fast seeded PRNG (mulberry32): the same seed gives the same schedule. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultOptions {
  /** Chance that one write / fsync / truncate / rename fails (0..1). */
  rate: number;
  /** Only files whose name passes this are faulted (default: journal segments and snapshots). */
  match?: (file: string) => boolean;
}

export interface FaultFs extends JournalFs {
  /** Faults happen only while armed (recovery reads are real). */
  armed: boolean;
  /** The next this many writes to a watched file fail with ENOSPC (a disk that is full now). */
  failNextWrites: number;
  faults: { short: number; enospc: number; eio: number; fsync: number; other: number };
  /** Every fd opened through the layer and still open (a "killed" process's are closed here). */
  openFds: Set<number>;
  /**
   * From now on every call throws, as if the process had died at this instant: the bytes
   * already written stay in the (page cache of the) files, nothing more is written.
   */
  die(): void;
}

const defaultMatch = (file: string) => /journal-\d+\.jsonl$|snapshot\.json(\.tmp)?$/.test(file);

function errno(code: 'ENOSPC' | 'EIO', syscall: string): NodeJS.ErrnoException {
  const e = new Error(`${code}: injected fault, ${syscall}`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = syscall;
  return e;
}

export function faultFs(seed: number, options: FaultOptions, target: typeof fs = fs): FaultFs {
  // The real calls, captured now: installFaultFs may replace them on `target` later.
  const base = { ...target };
  const rand = rng(seed);
  const match = options.match ?? defaultMatch;
  const watched = new Set<number>();
  let dead = false;
  const self: FaultFs = {
    armed: true,
    failNextWrites: 0,
    faults: { short: 0, enospc: 0, eio: 0, fsync: 0, other: 0 },
    openFds: new Set(),
    die() {
      dead = true;
      for (const fd of self.openFds) {
        try {
          base.closeSync(fd);
        } catch {
          /* already closed */
        }
      }
      self.openFds.clear();
    },
    openSync: ((file: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode | null) => {
      if (dead) throw errno('EIO', 'open');
      const fd = base.openSync(file, flags ?? 'r', mode);
      self.openFds.add(fd);
      if (match(String(file))) watched.add(fd);
      return fd;
    }) as typeof fs.openSync,
    closeSync: (fd: number) => {
      self.openFds.delete(fd);
      watched.delete(fd);
      if (dead) return;
      base.closeSync(fd);
    },
    writeSync: ((fd: number, data: NodeJS.ArrayBufferView | string, ...rest: unknown[]) => {
      if (dead) throw errno('EIO', 'write');
      let buf: Buffer;
      let offset = 0;
      let length: number | undefined;
      let position: number | null | undefined;
      if (typeof data === 'string') {
        // writeSync(fd, string[, position[, encoding]])
        buf = Buffer.from(data, 'utf8');
        position = typeof rest[0] === 'number' ? rest[0] : null;
      } else {
        buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        [offset = 0, length, position] = rest as [number?, number?, (number | null)?];
      }
      const len = length ?? buf.length - offset;
      if (self.armed && watched.has(fd) && self.failNextWrites > 0) {
        self.failNextWrites--;
        self.faults.enospc++;
        throw errno('ENOSPC', 'write');
      }
      if (self.armed && watched.has(fd) && len > 0 && rand() < options.rate) {
        const kind = rand();
        const part = Math.floor(rand() * len);
        if (kind < 0.4 && part > 0) {
          self.faults.short++;
          return base.writeSync(fd, buf, offset, part, position);
        }
        if (kind < 0.8) {
          self.faults.enospc++;
          if (part > 0) base.writeSync(fd, buf, offset, part, position);
          throw errno('ENOSPC', 'write');
        }
        self.faults.eio++;
        throw errno('EIO', 'write');
      }
      return base.writeSync(fd, buf, offset, len, position);
    }) as typeof fs.writeSync,
    fsyncSync: (fd: number) => {
      if (dead) throw errno('EIO', 'fsync');
      if (self.armed && watched.has(fd) && rand() < options.rate) {
        self.faults.fsync++;
        throw errno('EIO', 'fsync');
      }
      base.fsyncSync(fd);
    },
    ftruncateSync: (fd: number, len?: number) => {
      if (dead) throw errno('EIO', 'ftruncate');
      if (self.armed && watched.has(fd) && rand() < options.rate / 2) {
        self.faults.other++;
        throw errno('EIO', 'ftruncate');
      }
      base.ftruncateSync(fd, len);
    },
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (dead) throw errno('EIO', 'rename');
      if (self.armed && match(String(from)) && rand() < options.rate) {
        self.faults.other++;
        throw errno('ENOSPC', 'rename');
      }
      base.renameSync(from, to);
    },
    fstatSync: ((fd: number, o?: fs.StatOptions) => {
      if (dead) throw errno('EIO', 'fstat');
      return base.fstatSync(fd, o);
    }) as typeof fs.fstatSync,
    readFileSync: ((p: fs.PathOrFileDescriptor, o?: unknown) => {
      if (dead) throw errno('EIO', 'read');
      return base.readFileSync(p, o as BufferEncoding);
    }) as typeof fs.readFileSync,
    readdirSync: ((p: fs.PathLike, o?: unknown) => {
      if (dead) throw errno('EIO', 'readdir');
      return base.readdirSync(p, o as BufferEncoding);
    }) as typeof fs.readdirSync,
    existsSync: (p: fs.PathLike) => base.existsSync(p),
    mkdirSync: ((p: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
      if (dead) throw errno('EIO', 'mkdir');
      return base.mkdirSync(p, o);
    }) as typeof fs.mkdirSync,
    chmodSync: (p: fs.PathLike, m: fs.Mode) => {
      if (dead) throw errno('EIO', 'chmod');
      base.chmodSync(p, m);
    },
    rmSync: (p: fs.PathLike, o?: fs.RmOptions) => {
      if (dead) throw errno('EIO', 'rm');
      base.rmSync(p, o);
    },
  };
  return self;
}

/**
 * Installs the layer over node:fs itself (for a child process running the real service, and
 * for code that calls `fs.writeSync` directly): only journal and snapshot files are faulted.
 */
export function installFaultFs(layer: FaultFs, target: typeof fs = fs): void {
  const keys = [
    'openSync',
    'closeSync',
    'writeSync',
    'fsyncSync',
    'ftruncateSync',
    'renameSync',
  ] as const;
  // The layer calls the real functions it captured (`base`), not the ones replaced here.
  for (const k of keys) {
    (target as unknown as Record<string, unknown>)[k] = layer[k];
  }
}
