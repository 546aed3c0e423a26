// The link meter (issue 17): the upload rate it reads from overlapping chunk uploads whose
// answers arrive bunched, and the time a small request waits behind the uploads in flight.
import { describe, expect, it } from 'vitest';
import { LinkMeter } from '../../../renderer/src/sync/linkMeter';

describe('link meter', () => {
  it('bunched answers of overlapping uploads do not read as a faster link', () => {
    let now = 0;
    const m = new LinkMeter(() => now);
    // A 64 B/ms link with three 64,000-byte chunks always in flight: each takes 1,000 ms of
    // link time; the centre answers some of them in pairs 30 ms apart.
    const answers = [1000, 2000, 3000, 3030, 5000, 6000, 6030, 8000, 9000, 9030, 11000];
    for (let i = 0; i < 3; i++) m.begin(64_000);
    for (const at of answers) {
      now = at;
      m.end(64_000);
      m.begin(64_000);
    }
    const rate = m.bytesPerMs()!;
    expect(rate).toBeGreaterThan(32);
    expect(rate).toBeLessThan(128);
  });

  it('a small request waits behind the upload bytes in flight', () => {
    let now = 0;
    const m = new LinkMeter(() => now);
    m.begin(64_000);
    now = 1000;
    m.end(64_000);
    expect(m.bytesPerMs()).toBe(64);
    m.begin(64_000);
    m.begin(64_000);
    expect(m.queuedMs()).toBe(2000);
    m.end(0, 64_000);
    expect(m.queuedMs()).toBe(1000);
  });
});
