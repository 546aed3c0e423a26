// Printer choice (configured by name, fallback default) and the 58/80 mm ticket layout.
import { describe, expect, it } from 'vitest';
import type { PrinterInfo, TicketPrint } from '../../../shared/ipc/contract';
import { choosePrinter } from '../../../electron/printers';
import { escapeHtml, ticketHtml, ticketPageSize } from '../../../electron/ticketLayout';

const p = (name: string, isDefault = false, displayName = name): PrinterInfo => ({
  name,
  displayName,
  isDefault,
});
const office = p('HP_LaserJet_M404', true, 'HP LaserJet M404');
const thermal = p('XP-80C');
const pdf = p('Microsoft Print to PDF');

describe('choosePrinter', () => {
  it('uses the configured printer by exact name', () => {
    expect(choosePrinter([office, thermal, pdf], 'XP-80C')).toEqual({
      deviceName: 'XP-80C',
      reason: 'configured',
      warning: null,
    });
  });

  it('matches the configured name loosely (case, spaces, display name)', () => {
    expect(choosePrinter([office, thermal], ' xp-80c ').deviceName).toBe('XP-80C');
    expect(choosePrinter([office, thermal], 'HP LaserJet M404').deviceName).toBe(
      'HP_LaserJet_M404',
    );
  });

  it('falls back to the default printer with a warning when the configured one is gone', () => {
    const c = choosePrinter([office, pdf], 'XP-80C');
    expect(c.deviceName).toBe('HP_LaserJet_M404');
    expect(c.reason).toBe('default');
    expect(c.warning).toContain('XP-80C');
  });

  it('uses the default printer when none is configured', () => {
    expect(choosePrinter([thermal, office], null)).toMatchObject({
      deviceName: 'HP_LaserJet_M404',
      reason: 'default',
      warning: null,
    });
  });

  it('uses the only printer when no default is reported', () => {
    expect(choosePrinter([thermal], null)).toMatchObject({ deviceName: 'XP-80C', reason: 'only' });
  });

  it('leaves the choice to the OS default when several printers exist and none is flagged', () => {
    expect(choosePrinter([thermal, pdf], null)).toMatchObject({
      deviceName: undefined,
      reason: 'system-default',
    });
  });

  it('reports that there is no printer at all', () => {
    const c = choosePrinter([], 'XP-80C');
    expect(c.reason).toBe('none');
    expect(c.warning).toMatch(/未找到/);
  });
});

describe('ticket layout', () => {
  const ticket: TicketPrint = {
    ticketNo: 'A001',
    categoryName: '居民业务',
    hallName: '城关供电营业厅',
    waitingAhead: 5,
    estimatedWaitMin: 12,
    issuedAt: '2026-03-02T09:05:00+08:00',
  };

  it('lays out 58 mm and 80 mm paper differently', () => {
    const narrow = ticketHtml(ticket, 58);
    const wide = ticketHtml(ticket, 80);
    expect(narrow).toContain('size: 58mm auto');
    expect(narrow).toContain('width: 48mm');
    expect(wide).toContain('size: 80mm auto');
    expect(wide).toContain('width: 72mm');
    expect(ticketPageSize(58)).toEqual({ width: 58000, height: 90000 });
    expect(ticketPageSize(80).width).toBe(80000);
  });

  it('shows number, category, people ahead and estimated wait, never personal data', () => {
    const html = ticketHtml(ticket, 80);
    for (const text of ['A001', '居民业务', '城关供电营业厅', '5 人', '约 12 分钟'])
      expect(html).toContain(text);
    expect(ticketHtml({ ...ticket, estimatedWaitMin: null }, 80)).toContain('<td class="v">—</td>');
  });

  it('escapes everything it prints and runs no script', () => {
    const html = ticketHtml({ ...ticket, hallName: '<script>alert(1)</script>', note: '"&\'' }, 58);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain("default-src 'none'");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;',
    );
  });
});
