// A hall wall-clock time as epoch ms for queue tests: the queue reads days, the daily clear and
// slots in the hall's zone (QueueConfig.timeZone, Asia/Shanghai by default), not the machine's,
// so tests say the hall's time, whatever zone the test machine is set to.
import { hallInstant } from '../../shared/domain/hallTime';

/** Month is 0-based as in the Date constructor these calls replace. */
export function hallWall(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const p = (n: number) => String(n).padStart(2, '0');
  return hallInstant(`${y}-${p(mo + 1)}-${p(d)}`, `${p(h)}:${p(mi)}`) + s * 1000;
}
