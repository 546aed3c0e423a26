// Silent printing: receipts from the page the clerk sees (its print stylesheet), to the
// configured receipt printer or to a PDF file; queue tickets from a hidden, script-less window
// laid out for 58/80 mm thermal paper.
import fs from 'node:fs';
import path from 'node:path';
import { BrowserWindow, type WebContents } from 'electron';
import type {
  PrintResult,
  PrinterInfo,
  ReceiptPrint,
  Settings,
  TicketPrint,
} from '../shared/ipc/contract';
import { choosePrinter } from './printers';
import { ticketHtml, ticketPageSize } from './ticketLayout';

export async function listPrinters(contents: WebContents): Promise<PrinterInfo[]> {
  const printers = await contents.getPrintersAsync();
  return printers.map((p) => ({
    name: p.name,
    displayName: p.displayName || p.name,
    // Electron removed PrinterInfo.isDefault; some platforms still send it, CUPS may in options.
    isDefault:
      (p as { isDefault?: boolean }).isDefault === true ||
      (p.options as Record<string, unknown> | undefined)?.['is-default'] === 'true',
  }));
}

function print(
  contents: WebContents,
  options: Electron.WebContentsPrintOptions,
): Promise<{ ok: boolean; reason: string }> {
  return new Promise((resolve) => {
    contents.print(options, (ok, reason) => resolve({ ok, reason }));
  });
}

export function safePdfName(fileName: string | undefined, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const base = (fileName ?? `receipt-${stamp}`).replace(/\.pdf$/i, '');
  return `${base.replace(/[^\p{L}\p{N}_.-]/gu, '_').replace(/^\.+/, '_')}.pdf`;
}

export async function printReceipt(
  contents: WebContents,
  arg: ReceiptPrint,
  settings: Settings,
  dataDir: string,
): Promise<PrintResult> {
  if (arg.mode === 'pdf') {
    const pdf = await contents.printToPDF({
      pageSize: arg.pageSize ?? 'A4',
      printBackground: true,
    });
    const dir = path.join(dataDir, 'receipts');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, safePdfName(arg.fileName, new Date()));
    fs.writeFileSync(file, pdf);
    return { printed: true, printer: null, pdfPath: file, message: null };
  }
  const choice = choosePrinter(await listPrinters(contents), settings.printers.receipt);
  if (choice.reason === 'none') {
    return { printed: false, printer: null, pdfPath: null, message: choice.warning };
  }
  const result = await print(contents, {
    silent: true,
    printBackground: true,
    deviceName: choice.deviceName,
    copies: arg.copies ?? 1,
    pageSize: arg.pageSize ?? 'A4',
  });
  return {
    printed: result.ok,
    printer: choice.deviceName ?? null,
    pdfPath: null,
    message: result.ok ? choice.warning : `打印失败 / print failed: ${result.reason}`,
  };
}

export async function printTicket(
  arg: TicketPrint,
  settings: Settings,
  anyContents: WebContents,
): Promise<PrintResult> {
  const widthMm = arg.widthMm ?? settings.printers.ticketWidthMm;
  const choice = choosePrinter(await listPrinters(anyContents), settings.printers.ticket);
  if (choice.reason === 'none') {
    return { printed: false, printer: null, pdfPath: null, message: choice.warning };
  }
  const win = new BrowserWindow({
    show: false,
    width: 400,
    height: 600,
    webPreferences: {
      javascript: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    },
  });
  try {
    await win.loadURL(
      `data:text/html;charset=utf-8,${encodeURIComponent(ticketHtml(arg, widthMm))}`,
    );
    const result = await print(win.webContents, {
      silent: true,
      printBackground: false,
      deviceName: choice.deviceName,
      margins: { marginType: 'none' },
      pageSize: ticketPageSize(widthMm),
    });
    return {
      printed: result.ok,
      printer: choice.deviceName ?? null,
      pdfPath: null,
      message: result.ok
        ? choice.warning
        : `取号单打印失败 / ticket print failed: ${result.reason}`,
    };
  } finally {
    win.destroy();
  }
}
