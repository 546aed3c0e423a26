// Short Chinese / English texts for sync times and ages (status bar and panel).
import { hallClock } from '../../../shared/domain/hallTime';
import { deskTimeZone } from '../db/hallZone';
import type { Tr } from '../i18n';

/** "3 分钟" / "3 min" for a duration in ms. */
export function ageText(ms: number, t: Tr): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t(`${s} 秒`, `${s} s`);
  const m = Math.round(s / 60);
  if (m < 60) return t(`${m} 分钟`, `${m} min`);
  const h = Math.round(m / 60);
  if (h < 48) return t(`${h} 小时`, `${h} h`);
  return t(`${Math.round(h / 24)} 天`, `${Math.round(h / 24)} d`);
}

/**
 * HH:mm on the hall's today, else MM-DD HH:mm: the hall's clock (configured zone), never the PC's
 * zone, like every business time (issue 12 §5).
 */
export function timeText(iso: string, now = new Date()): string {
  if (Number.isNaN(Date.parse(iso))) return '—';
  const zone = deskTimeZone();
  const c = hallClock(iso, zone);
  if (c.date === hallClock(now, zone).date) return c.time;
  return `${c.date.slice(5)} ${c.time}`;
}

/** "1.2 MB" / "350 KB" for a byte count. */
export function bytesText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(0, Math.round(bytes / 1024))} KB`;
}

/** "45 KB/s" for a rate in bytes per second. */
export function rateText(bytesPerSec: number): string {
  return `${bytesText(bytesPerSec)}/s`;
}
