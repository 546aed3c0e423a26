// The binary COPY reader behind pull pages (server/db/copyOut.ts): rows of raw field bytes out
// of PostgreSQL's binary COPY format, NULLs kept apart from empty values, a damaged stream
// refused; the pooled buffers pages are received and composed in (reused, never shared while
// in use); and the inliners that guard the values COPY cannot take as parameters.
import { describe, expect, it } from 'vitest';
import {
  BufferPool,
  CopyOutBinary,
  PooledBytes,
  parseBinaryCopy,
  sqlBool,
  sqlInt,
  sqlUuid,
} from '../../../server/db/copyOut';

function copyStream(rows: Array<Array<string | null>>, ext = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const i16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return b;
  };
  parts.push(u32(0), u32(ext.length), ext);
  for (const row of rows) {
    parts.push(i16(row.length));
    for (const f of row) {
      if (f === null) parts.push(u32(0xffffffff));
      else {
        const b = Buffer.from(f, 'utf8');
        parts.push(u32(b.length), b);
      }
    }
  }
  parts.push(i16(-1));
  return Buffer.concat(parts);
}

describe('parseBinaryCopy', () => {
  it('gives each field as its UTF-8 bytes, NULL as null, empty as empty', () => {
    const text = '{"name":"王芳","note":"a\\"b 😀"}';
    const rows = parseBinaryCopy(
      copyStream(
        [
          ['12', null, '', text],
          ['7', 'true', 'x', null],
        ],
        Buffer.from('ext'),
      ),
    );
    expect(rows.map((r) => r.map((b) => (b === null ? null : b.toString('utf8'))))).toEqual([
      ['12', null, '', text],
      ['7', 'true', 'x', null],
    ]);
  });

  it('refuses a stream that is not binary COPY or is cut short', () => {
    expect(() => parseBinaryCopy(Buffer.from('12\tabc\n'))).toThrow(/signature/);
    const whole = copyStream([['0123456789']]);
    expect(() => parseBinaryCopy(whole.subarray(0, whole.length - 6))).toThrow();
  });
});

describe('pooled page memory', () => {
  it('reuses a given-back buffer instead of allocating, and never hands one out twice', () => {
    const pool = new BufferPool(2, 1024);
    const a = pool.take(100);
    const b = pool.take(100);
    expect(a).not.toBe(b);
    expect(pool.allocations).toBe(2);
    pool.give(a);
    const c = pool.take(500);
    expect(c).toBe(a);
    expect(pool.allocations).toBe(2);
    // Too small a kept buffer is not handed out for a bigger need.
    pool.give(c);
    const d = pool.take(5000);
    expect(d).not.toBe(a);
    expect(d.length).toBeGreaterThanOrEqual(5000);
    expect(pool.allocations).toBe(3);
  });

  it('keeps at most `keep` buffers, the biggest ones', () => {
    const pool = new BufferPool(1, 16);
    const small = pool.take(16);
    const big = pool.take(4096);
    pool.give(small);
    pool.give(big);
    expect(pool.take(4096)).toBe(big);
    expect(pool.take(16)).not.toBe(small); // dropped when the bigger one came back
  });

  it('appends across growth without losing bytes, and gives its buffer back on release', () => {
    const pool = new BufferPool(4, 8);
    const bytes = new PooledBytes(pool);
    const want: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const piece = Buffer.from(`{"n":${i},"name":"王芳${i}"},`, 'utf8');
      want.push(piece);
      if (i % 2) bytes.append(piece);
      else bytes.appendText(piece.toString('utf8'));
    }
    expect(bytes.view().equals(Buffer.concat(want))).toBe(true);
    const held = bytes.buf;
    bytes.release();
    expect(pool.take(held.length)).toBe(held);
  });

  it('copies each CopyData chunk out of the driver buffer it arrives in', async () => {
    const pool = new BufferPool(4, 8);
    const bytes = new PooledBytes(pool);
    const copy = new CopyOutBinary('COPY (SELECT 1) TO STDOUT (FORMAT binary)', bytes);
    const stream = copyStream([
      ['12', 'abc'],
      [null, '王芳'],
    ]);
    // The driver reuses its receive buffer: overwrite each chunk after handing it over.
    const driver = Buffer.alloc(7);
    for (let at = 0; at < stream.length; at += 7) {
      const n = stream.copy(driver, 0, at, at + 7);
      copy.handleCopyData({ chunk: driver.subarray(0, n) });
      driver.fill(0);
    }
    copy.handleReadyForQuery();
    const got = await copy.done;
    expect(got).toBe(bytes);
    expect(
      parseBinaryCopy(got.view()).map((r) => r.map((b) => b?.toString('utf8') ?? null)),
    ).toEqual([
      ['12', 'abc'],
      [null, '王芳'],
    ]);
  });
});

describe('values inlined into COPY', () => {
  it('lets through only integers, booleans and UUIDs', () => {
    expect(sqlInt(42)).toBe('42');
    expect(sqlBool(true)).toBe('true');
    expect(sqlUuid('0b5e8f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(
      "'0b5e8f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b'::uuid",
    );
    for (const bad of [1.5, Number.NaN, 2 ** 60]) expect(() => sqlInt(bad)).toThrow();
    expect(() => sqlUuid("x'; DROP TABLE halls; --")).toThrow();
  });
});
