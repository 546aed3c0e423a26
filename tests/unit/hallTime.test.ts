// The hall's clock under a PC set to another zone: business dates and times (receipt acceptance
// time, the queue ticket, numbers) follow the configured hall zone, never the machine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hallClock, hallDate, hallDateTime, hallTime } from '../../shared/domain/hallTime';
import { ticketHtml } from '../../electron/ticketLayout';
import { shanghaiDate } from '../../shared/domain/calendar';

const before = process.env.TZ;
beforeAll(() => {
  // Node reads TZ at each Date call: the rest of this file runs as on a PC set to New York.
  process.env.TZ = 'America/New_York';
});
afterAll(() => {
  process.env.TZ = before;
});

describe('hall time on a PC in New York', () => {
  // 2026-12-06 12:30 in New York is 2026-12-07 01:30 in the hall (Asia/Shanghai).
  const at = '2026-12-06T17:30:00.000Z';

  it('the machine really is in another zone', () => {
    expect(new Date(at).getDate()).toBe(6);
  });

  it('gives the hall day and time', () => {
    expect(hallDate(at)).toBe('2026-12-07');
    expect(hallDateTime(at)).toBe('2026-12-07 01:30');
    expect(hallTime(at)).toBe('01:30');
    // The same day the number and the deadline are counted from.
    expect(hallDate(at)).toBe(shanghaiDate(at));
  });

  it('follows another configured zone through Intl', () => {
    expect(hallDateTime(at, 'Europe/Berlin')).toBe('2026-12-06 18:30');
    expect(hallClock(at, 'Asia/Urumqi').date).toBe('2026-12-06');
  });

  it('the printed ticket carries the hall time', () => {
    const html = ticketHtml(
      {
        ticketNo: 'A001',
        categoryName: '业扩报装',
        hallName: '营业厅',
        waitingAhead: 0,
        estimatedWaitMin: 0,
        issuedAt: at,
        widthMm: 80,
      },
      80,
    );
    expect(html).toContain('2026-12-07 01:30');
  });
});
