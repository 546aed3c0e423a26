// Short Chinese / English texts for sync times and ages (status bar and panel).
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

/** HH:mm today, else MM-DD HH:mm. */
export function timeText(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (d.toDateString() === now.toDateString()) return hm;
  return `${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${hm}`;
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
