// The queue ticket as a small HTML page sized for 58 or 80 mm thermal paper (printed silently
// from a hidden, script-less window). Everything user-provided is HTML-escaped.
import { hallDateTime } from '../shared/domain/hallTime';
import type { TicketPrint, TicketWidthMm } from '../shared/ipc/contract';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Printable width and font sizes per paper: 58 mm rolls print ~48 mm, 80 mm rolls ~72 mm. */
export const TICKET_PAPER: Record<
  TicketWidthMm,
  { printableMm: number; numberPt: number; textPt: number }
> = {
  58: { printableMm: 48, numberPt: 30, textPt: 9 },
  80: { printableMm: 72, numberPt: 40, textPt: 11 },
};

/** Paper size for webContents.print, in microns; the height fits the content of one ticket. */
export function ticketPageSize(widthMm: TicketWidthMm): { width: number; height: number } {
  return { width: widthMm * 1000, height: (widthMm === 58 ? 90 : 110) * 1000 };
}

export function ticketHtml(ticket: TicketPrint, widthMm: TicketWidthMm): string {
  const paper = TICKET_PAPER[widthMm];
  const wait = ticket.estimatedWaitMin === null ? '—' : `约 ${ticket.estimatedWaitMin} 分钟`;
  const note = ticket.note ? `<p class="note">${escapeHtml(ticket.note)}</p>` : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(ticket.ticketNo)}</title>
<style>
@page { size: ${widthMm}mm auto; margin: 0; }
html, body { margin: 0; padding: 0; }
body { width: ${paper.printableMm}mm; margin: 0 auto; padding: 2mm 0 6mm;
  font-family: "Noto Sans CJK SC", "Microsoft YaHei", "SimHei", sans-serif;
  font-size: ${paper.textPt}pt; color: #000; text-align: center; }
h1 { font-size: ${paper.textPt + 2}pt; margin: 0 0 1mm; }
.no { font-size: ${paper.numberPt}pt; font-weight: 700; letter-spacing: 1px; margin: 2mm 0; }
.cat { font-size: ${paper.textPt + 1}pt; margin: 0 0 2mm; }
table { width: 100%; border-collapse: collapse; text-align: left; }
td { padding: 0.5mm 0; } td.v { text-align: right; }
.note { margin-top: 2mm; font-size: ${paper.textPt - 1}pt; }
hr { border: 0; border-top: 1px dashed #000; margin: 2mm 0; }
</style></head>
<body>
<h1>${escapeHtml(ticket.hallName)}</h1>
<hr>
<div class="no">${escapeHtml(ticket.ticketNo)}</div>
<div class="cat">${escapeHtml(ticket.categoryName)}</div>
<table>
<tr><td>前面等候</td><td class="v">${ticket.waitingAhead} 人</td></tr>
<tr><td>预计等候</td><td class="v">${wait}</td></tr>
<tr><td>取号时间</td><td class="v">${escapeHtml(hallDateTime(ticket.issuedAt, ticket.timeZone))}</td></tr>
</table>
<hr>
<p class="note">请留意叫号，过号请重新取号</p>${note}
</body></html>`;
}
