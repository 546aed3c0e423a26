// Pull pages compressed in a worker thread (pageCompress.ts): the bytes decode to the page in
// every encoding, the caller's memory may be reused at once, a thread that dies fails only its
// pages in flight and is replaced, and after close pages are still compressed (on the loop).
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { OFF_LOOP_BYTES, PageCompressor, compressPage } from '../../../server/central/pageCompress';

function page(records: number): Buffer {
  const parts = Array.from(
    { length: records },
    (_, i) =>
      `{"kind":"application","seq":${i},"record":{"id":"${i}","notes":"客户${i}来电预约 \\"急\\""}}`,
  );
  return Buffer.from(`{"changes":[${parts.join(',')}],"checkpoint":"x","hasMore":false}`, 'utf8');
}

const decode = (b: Buffer, enc: string) =>
  enc === 'br' ? zlib.brotliDecompressSync(b) : enc === 'gzip' ? zlib.gunzipSync(b) : b;

describe('PageCompressor', () => {
  let c: PageCompressor | null = null;
  afterEach(async () => {
    await c?.close();
    c = null;
  });

  it('compresses big pages off the loop and small ones on it; every encoding decodes to the page', async () => {
    c = new PageCompressor(2);
    const big = page(4000);
    expect(big.length).toBeGreaterThan(OFF_LOOP_BYTES);
    const small = page(3);
    for (const enc of ['br', 'gzip', 'identity'] as const) {
      const [b, s] = await Promise.all([c.compress(big, enc), c.compress(small, enc)]);
      expect(decode(b, enc).equals(big)).toBe(true);
      expect(decode(s, enc).equals(small)).toBe(true);
    }
    // br and gzip of the big page went to a thread; identity and the small page did not.
    expect(c.offLoop).toBe(2);
    // The same bytes as on the loop (one implementation, two places).
    expect((await c.compress(big, 'gzip')).equals(compressPage(big, 'gzip'))).toBe(true);
  });

  it("copies the caller's bytes at once: memory reused right after the call does not change the page", async () => {
    c = new PageCompressor(1);
    const want = page(3000);
    const pooled = Buffer.from(want);
    const pending = c.compress(pooled, 'br');
    pooled.fill(0x20); // the page builder's pool hands this memory to the next page
    expect(decode(await pending, 'br').equals(want)).toBe(true);
  });

  it('a thread that dies fails its pages in flight; the next page gets a new thread', async () => {
    c = new PageCompressor(1);
    const big = page(20_000);
    const inFlight = c.compress(big, 'br');
    await c.killThread(0);
    await expect(inFlight).rejects.toThrow(/page compression thread/);
    expect(c.deaths).toBe(1);
    const again = await c.compress(big, 'br');
    expect(decode(again, 'br').equals(big)).toBe(true);
  });

  it('after close, pages are compressed on the loop', async () => {
    c = new PageCompressor(1);
    const big = page(3000);
    await c.compress(big, 'gzip');
    await c.close();
    const before = c.offLoop;
    expect(decode(await c.compress(big, 'gzip'), 'gzip').equals(big)).toBe(true);
    expect(c.offLoop).toBe(before);
  });
});
