// The binary COPY reader behind pull pages (server/db/copyOut.ts): rows of raw field bytes out
// of PostgreSQL's binary COPY format, NULLs kept apart from empty values, a damaged stream
// refused; and the inliners that guard the values COPY cannot take as parameters.
import { describe, expect, it } from 'vitest';
import { parseBinaryCopy, sqlBool, sqlInt, sqlUuid } from '../../../server/db/copyOut';

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
