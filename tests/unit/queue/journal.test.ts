// The hall journal on a real temp folder: checksummed lines, a torn tail cut on open, a corrupt
// middle line skipped, snapshots that compact the journal and survive reopening.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, crc32 } from '../../../server/hall/journal';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-journal-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const segments = () => fs.readdirSync(dir).filter((f) => f.startsWith('journal-'));

describe('journal', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32('123456789')).toBe('cbf43926');
  });

  it('appends with sequence numbers and reads them back', () => {
    const j = new Journal<unknown>(dir);
    expect(j.open().entries).toEqual([]);
    j.append([
      { k: 'x', n: 1 },
      { k: 'x', n: 2 },
    ]);
    j.append([{ k: 'x', n: 3 }]);
    j.close();
    const again = new Journal<unknown>(dir);
    const r = again.open();
    expect(r.entries.map((e) => [e.seq, e.n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(again.seq).toBe(3);
    again.close();
  });

  it('cuts a torn last line and keeps appending after it', () => {
    const j = new Journal<unknown>(dir);
    j.open();
    j.append([{ n: 1 }, { n: 2 }]);
    j.close();
    const file = path.join(dir, segments()[0]!);
    fs.appendFileSync(file, '1234abcd {"seq":3,"n":'); // crash mid-write
    const j2 = new Journal<unknown>(dir);
    const r = j2.open();
    expect(r.entries).toHaveLength(2);
    expect(r.truncatedBytes).toBeGreaterThan(0);
    j2.append([{ n: 3 }]);
    j2.close();
    const r3 = new Journal<unknown>(dir).open();
    expect(r3.entries.map((e) => e.n)).toEqual([1, 2, 3]);
    expect(r3.truncatedBytes).toBe(0);
  });

  it('skips a corrupt line in the middle (bit rot) and reports it', () => {
    const j = new Journal<unknown>(dir);
    j.open();
    j.append([{ n: 1 }, { n: 2 }, { n: 3 }]);
    j.close();
    const file = path.join(dir, segments()[0]!);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"n":2', '"n":9');
    fs.writeFileSync(file, lines.join('\n'));
    const r = new Journal<unknown>(dir).open();
    expect(r.entries.map((e) => e.n)).toEqual([1, 3]);
    expect(r.corruptLines).toBe(1);
  });

  it('snapshots compact the journal; reopening gives the snapshot plus later entries', () => {
    const j = new Journal<{ total: number }>(dir);
    j.open();
    j.append([{ n: 1 }, { n: 2 }]);
    j.snapshot({ total: 3 });
    j.append([{ n: 4 }]);
    j.close();
    expect(segments()).toEqual(['journal-000000000003.jsonl']);
    const r = new Journal<{ total: number }>(dir).open();
    expect(r.snapshot).toEqual({ seq: 2, data: { total: 3 } });
    expect(r.entries.map((e) => [e.seq, e.n])).toEqual([[3, 4]]);
  });
});
