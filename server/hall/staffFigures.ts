// Per-clerk queue figures of this hall for a range of days (issue 13 §3): the days the service
// has closed (kept in its history, 92 days) plus today's live tickets, summed per staff number.
import { computeDayStats, localDay, type QueueState } from '../../shared/queue';
import type { StaffFiguresResponse } from '../../shared/queue/protocol';
import { mergeClerkFigures } from '../../shared/staff/queueFigures';
import { HttpError } from './httpUtil';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function staffFigures(
  state: QueueState,
  params: URLSearchParams,
  now: number,
): StaffFiguresResponse {
  const today = state.day || localDay(now);
  const from = params.get('from') ?? today;
  const to = params.get('to') ?? today;
  if (!DAY.test(from) || !DAY.test(to) || from > to) {
    throw new HttpError(400, 'E_VALIDATION', '日期范围错误，格式 YYYY-MM-DD');
  }
  const days = state.history.filter((d) => d.day >= from && d.day <= to).map((d) => d.clerks ?? []);
  if (state.order.length > 0 && state.day >= from && state.day <= to) {
    days.push(computeDayStats(state, now).clerks ?? []);
  }
  return { from, to, clerks: mergeClerkFigures(...days) };
}
