// bench:fleet's page decoder: reads what the bench verifies (ids, versions, checkpoint) from a
// compressed page, in a worker, once per distinct body.
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PageDecoder } from '../../../bench/support/fleetDevice';

const ID1 = '0f8fad5b-d9cb-469f-a165-70867728950e';
const ID2 = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

function page(version: number, checkpoint: string): string {
  const rec = (id: string, v: number) =>
    `{"kind":"application","seq":${v},"record":{"id":"${id}","customer":{"name":"张三"},"serverVersion":${v}}}`;
  return `{"changes":[${rec(ID1, version)},${rec(ID2, version + 1)}],"checkpoint":"${checkpoint}","hasMore":true}`;
}

describe('PageDecoder', () => {
  const decoder = new PageDecoder(1);
  afterAll(() => decoder.close());

  it('reads ids, versions, checkpoint and hasMore past multi-byte text, in every encoding', async () => {
    const text = page(3, 'v1.4.1');
    for (const [enc, body] of [
      ['br', zlib.brotliCompressSync(text)],
      ['gzip', zlib.gzipSync(text)],
      ['identity', Buffer.from(text)],
    ] as const) {
      const d = await decoder.decode(body, enc);
      expect(d.apps).toEqual([ID1, 3, ID2, 4]);
      expect(d.checkpoint).toBe('v1.4.1');
      expect(d.hasMore).toBe(true);
    }
  });

  it('decodes identical bodies once, different ones each', async () => {
    const a = zlib.gzipSync(page(5, 'v1.6.1'));
    const first = decoder.decode(a, 'gzip');
    expect(decoder.decode(Buffer.from(a), 'gzip')).toBe(first);
    const other = await decoder.decode(zlib.gzipSync(page(7, 'v1.8.1')), 'gzip');
    expect(other.apps).toEqual([ID1, 7, ID2, 8]);
    expect((await first).apps).toEqual([ID1, 5, ID2, 6]);
  });

  it('forgets a body that failed, so that it is tried again', async () => {
    const bad = Buffer.from('not a page');
    const p = decoder.decode(bad, 'identity');
    await expect(p).rejects.toThrow(/checkpoint/);
    expect(decoder.decode(bad, 'identity')).not.toBe(p);
    await expect(decoder.decode(bad, 'identity')).rejects.toThrow();
  });
});
