// Sync times in the status bar and the sync panel are on the hall's clock (issue 12 §5), not the
// PC's zone: a PC in Los Angeles, the hall in Shanghai (the default) or a configured zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDeskTimeZone } from '../../../renderer/src/db/hallZone';
import { timeText } from '../../../renderer/src/sync/format';

const pcZone = process.env.TZ;
beforeAll(() => {
  // Node reads TZ when a Date is next formatted: the "PC" is in Los Angeles.
  process.env.TZ = 'America/Los_Angeles';
});
afterAll(() => {
  if (pcZone === undefined) delete process.env.TZ;
  else process.env.TZ = pcZone;
  setDeskTimeZone('Asia/Shanghai');
});

describe('timeText', () => {
  it('shows HH:mm for the hall’s today and MM-DD HH:mm for another hall day', () => {
    setDeskTimeZone('Asia/Shanghai');
    // 02:30 UTC is 10:30 on the 7th in Shanghai and 18:30 on the 6th in Los Angeles.
    const now = new Date('2026-12-07T03:00:00Z');
    expect(timeText('2026-12-07T02:30:00Z', now)).toBe('10:30');
    // 15:00 UTC on the 6th: 23:00 on the 6th in Shanghai (the hall's yesterday), 07:00 in LA.
    expect(timeText('2026-12-06T15:00:00Z', now)).toBe('12-06 23:00');
    // 17:00 UTC on the 6th: the 7th 01:00 in Shanghai (today), still the 6th in LA.
    expect(timeText('2026-12-06T17:00:00Z', now)).toBe('01:00');
  });

  it('follows a configured hall zone', () => {
    setDeskTimeZone('Europe/Berlin');
    const now = new Date('2026-12-07T12:00:00Z');
    expect(timeText('2026-12-07T09:05:00Z', now)).toBe('10:05');
  });
});
