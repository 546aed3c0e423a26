// The pull page cache (pageCache.ts): pages come back byte for byte, the cache keeps copies in
// one arena (never the caller's buffer, never a buffer per page: those lived long enough to cost
// V8 a major collection every half second), the oldest pages go when the bytes run out, a page
// handed out is never changed by later writes, and pages expire.
import { describe, expect, it, vi } from 'vitest';
import { PageCache } from '../../../server/central/pageCache';

const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('PageCache', () => {
  it('returns what was stored, as a copy: the caller may reuse its buffer at once', () => {
    const c = new PageCache(1024);
    const page = bytes(100, 7);
    c.set('a', page);
    page.fill(9); // the builder's pooled memory, reused for the next page
    const got = c.get('a');
    expect(got).toEqual(bytes(100, 7));
    expect(c.get('nope')).toBeUndefined();
    expect(c.hits).toBe(1);
    expect(c.misses).toBe(1);
  });

  it('keeps every page in one arena, however many pages pass through it', () => {
    const c = new PageCache(10_000);
    for (let i = 0; i < 500; i++) c.set(`p${i}`, bytes(300 + (i % 7) * 50, i % 256));
    expect(c.allocations).toBe(1);
    // The newest pages are all there, intact.
    for (let i = 490; i < 500; i++)
      expect(c.get(`p${i}`)).toEqual(bytes(300 + (i % 7) * 50, i % 256));
  });

  it('evicts the oldest pages first and never holds more than its bytes', () => {
    const c = new PageCache(1000);
    for (let i = 0; i < 4; i++) c.set(`p${i}`, bytes(300, i)); // 1,200 bytes: p0 must go
    expect(c.get('p0')).toBeUndefined();
    for (let i = 1; i < 4; i++) expect(c.get(`p${i}`)).toEqual(bytes(300, i));
    expect(c.size).toBe(3);
    c.set('big', bytes(1000, 5)); // the whole arena
    expect(c.size).toBe(1);
    expect(c.get('big')).toEqual(bytes(1000, 5));
    c.set('too-big', bytes(1001, 6));
    expect(c.get('too-big')).toBeUndefined();
    expect(c.get('big')).toEqual(bytes(1000, 5));
  });

  it('a page handed out stays as it was while the ring wraps over its place', () => {
    const c = new PageCache(600);
    c.set('a', bytes(300, 1));
    const sending = c.get('a')!; // a socket may still be writing this
    for (let i = 0; i < 10; i++) c.set(`x${i}`, bytes(250, 2 + i));
    expect(c.get('a')).toBeUndefined();
    expect(sending).toEqual(bytes(300, 1));
  });

  it('a key stored again serves its newest bytes', () => {
    const c = new PageCache(1000);
    c.set('k', bytes(200, 1));
    c.set('other', bytes(200, 2));
    c.set('k', bytes(100, 3));
    expect(c.get('k')).toEqual(bytes(100, 3));
    for (let i = 0; i < 8; i++) c.set(`f${i}`, bytes(100, 4)); // wraps over the first 'k' and 'other'
    expect(c.get('k')).toEqual(bytes(100, 3));
    expect(c.get('other')).toBeUndefined();
  });

  it('pages expire after their time', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const c = new PageCache(1000, 60_000);
      c.set('a', bytes(10, 1));
      vi.advanceTimersByTime(59_000);
      expect(c.get('a')).toEqual(bytes(10, 1));
      vi.advanceTimersByTime(2_000);
      expect(c.get('a')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});
