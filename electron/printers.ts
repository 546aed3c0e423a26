// Which printer a job goes to: the configured one by name, else the system default, else none
// (then the clerk is told, instead of a job vanishing into a printer that is not there).
import type { PrinterInfo } from '../shared/ipc/contract';

export interface PrinterChoice {
  /** Name for webContents.print's deviceName; undefined lets the OS use its default printer. */
  deviceName: string | undefined;
  reason: 'configured' | 'default' | 'only' | 'system-default' | 'none';
  /** Set when the configured printer was not found (shown to the clerk, logged). */
  warning: string | null;
}

const norm = (s: string) => s.trim().toLowerCase();

export function choosePrinter(
  printers: readonly PrinterInfo[],
  configured: string | null,
): PrinterChoice {
  let warning: string | null = null;
  if (configured) {
    const found =
      printers.find((p) => p.name === configured) ??
      printers.find(
        (p) => norm(p.name) === norm(configured) || norm(p.displayName) === norm(configured),
      );
    if (found) return { deviceName: found.name, reason: 'configured', warning: null };
    warning = `未找到设置的打印机“${configured}”，改用默认打印机 / configured printer "${configured}" not found, using the default`;
  }
  const byDefault = printers.find((p) => p.isDefault);
  if (byDefault) return { deviceName: byDefault.name, reason: 'default', warning };
  if (printers.length === 1) return { deviceName: printers[0]!.name, reason: 'only', warning };
  // Electron no longer reports which printer is the default everywhere: with printers present
  // and none flagged, leave deviceName out so the OS sends the job to its default.
  if (printers.length > 1) return { deviceName: undefined, reason: 'system-default', warning };
  return {
    deviceName: undefined,
    reason: 'none',
    warning: configured
      ? `未找到设置的打印机“${configured}”，也没有其他打印机 / printer "${configured}" not found and no other printer`
      : '未找到可用的打印机 / no printer available',
  };
}
