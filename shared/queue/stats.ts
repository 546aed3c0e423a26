// Queue statistics per day, category and counter (tickets, waits, service times, no-shows,
// ratings) and live wait alarms. Pure functions of the queue state and a clock reading.
import {
  clerkQueueFigures,
  mergeClerkFigures,
  servedFromTickets,
  type ClerkQueueFigures,
} from '../staff/queueFigures';
import type { QueueState, Ticket } from './state';

export interface QueueAggregate {
  tickets: number;
  /** Finished (served) tickets. */
  served: number;
  noShows: number;
  waiting: number;
  /** Cleared unfinished at the daily clear (or still open when the day is summarised). */
  unfinished: number;
  avgWaitMs: number;
  maxWaitMs: number;
  avgServiceMs: number;
  maxServiceMs: number;
  /** Rating level → count. */
  ratings: Record<string, number>;
  badRatings: number;
}

export interface DayStats {
  day: string;
  total: QueueAggregate;
  categories: Record<string, QueueAggregate>;
  counters: Record<string, QueueAggregate>;
  /** Per clerk (issue 13); absent in days closed before staff existed. */
  clerks?: ClerkQueueFigures[];
}

interface Acc {
  tickets: number;
  served: number;
  noShows: number;
  waiting: number;
  unfinished: number;
  waitSum: number;
  waitN: number;
  maxWait: number;
  serviceSum: number;
  serviceN: number;
  maxService: number;
  ratings: Record<string, number>;
  bad: number;
}

const newAcc = (): Acc => ({
  tickets: 0,
  served: 0,
  noShows: 0,
  waiting: 0,
  unfinished: 0,
  waitSum: 0,
  waitN: 0,
  maxWait: 0,
  serviceSum: 0,
  serviceN: 0,
  maxService: 0,
  ratings: {},
  bad: 0,
});

function add(acc: Acc, t: Ticket, now: number, badLevels: Set<number>): void {
  acc.tickets++;
  if (t.status === 'finished') acc.served++;
  if (t.status === 'no_show') acc.noShows++;
  if (t.status === 'waiting') acc.waiting++;
  if (t.status !== 'finished' && t.status !== 'no_show') acc.unfinished++;
  // Wait = issue → first call; a ticket still waiting has waited until now (longest-wait alarms).
  const wait =
    t.firstCalledAt !== null ? t.firstCalledAt - t.issuedAt : Math.max(0, now - t.issuedAt);
  if (t.firstCalledAt !== null) {
    acc.waitSum += wait;
    acc.waitN++;
  }
  acc.maxWait = Math.max(acc.maxWait, wait);
  if (t.status === 'finished' && t.calledAt !== null && t.finishedAt !== null) {
    const service = t.finishedAt - t.calledAt;
    acc.serviceSum += service;
    acc.serviceN++;
    acc.maxService = Math.max(acc.maxService, service);
  }
  if (t.rating !== null) {
    acc.ratings[String(t.rating)] = (acc.ratings[String(t.rating)] ?? 0) + 1;
    if (badLevels.has(t.rating)) acc.bad++;
  }
}

function finish(acc: Acc): QueueAggregate {
  return {
    tickets: acc.tickets,
    served: acc.served,
    noShows: acc.noShows,
    waiting: acc.waiting,
    unfinished: acc.unfinished,
    avgWaitMs: acc.waitN ? Math.round(acc.waitSum / acc.waitN) : 0,
    maxWaitMs: acc.maxWait,
    avgServiceMs: acc.serviceN ? Math.round(acc.serviceSum / acc.serviceN) : 0,
    maxServiceMs: acc.maxService,
    ratings: acc.ratings,
    badRatings: acc.bad,
  };
}

/** Statistics of the day in progress (the numbering day) as of `now`. */
export function computeDayStats(state: QueueState, now: number): DayStats {
  const bad = new Set(state.config.ratingLevels.filter((l) => l.bad).map((l) => l.value));
  const total = newAcc();
  const categories = new Map<string, Acc>();
  const counters = new Map<string, Acc>();
  for (const c of state.config.categories) categories.set(c.id, newAcc());
  for (const c of state.config.counters) counters.set(String(c.no), newAcc());
  for (const no of state.order) {
    const t = state.tickets[no];
    if (!t) continue;
    add(total, t, now, bad);
    let cat = categories.get(t.categoryId);
    if (!cat) categories.set(t.categoryId, (cat = newAcc()));
    add(cat, t, now, bad);
    if (t.counterNo !== null) {
      const key = String(t.counterNo);
      let counter = counters.get(key);
      if (!counter) counters.set(key, (counter = newAcc()));
      add(counter, t, now, bad);
    }
  }
  const out: DayStats = {
    day: state.day,
    total: finish(total),
    categories: {},
    counters: {},
    clerks: clerkQueueFigures(
      servedFromTickets(
        state.day,
        state.order.map((no) => state.tickets[no]).filter((t) => t !== undefined),
      ),
      { from: state.day, to: state.day, badLevels: bad },
    ),
  };
  for (const [k, v] of categories) out.categories[k] = finish(v);
  for (const [k, v] of counters) out.counters[k] = finish(v);
  return out;
}

export interface WaitAlarm {
  categoryId: string;
  categoryName: string;
  waiting: number;
  longestWaitMs: number;
  limitMs: number;
}

/** Categories whose longest current wait passed their limit (the manager's live alarm). */
export function computeAlarms(state: QueueState, now: number): WaitAlarm[] {
  const out: WaitAlarm[] = [];
  for (const cat of state.config.categories) {
    let waiting = 0;
    let longest = 0;
    for (const no of state.order) {
      const t = state.tickets[no];
      if (!t || t.status !== 'waiting' || t.categoryId !== cat.id) continue;
      waiting++;
      longest = Math.max(longest, now - t.issuedAt);
    }
    const limitMs = cat.waitAlarmMinutes * 60_000;
    if (waiting > 0 && longest > limitMs) {
      out.push({
        categoryId: cat.id,
        categoryName: cat.name,
        waiting,
        longestWaitMs: longest,
        limitMs,
      });
    }
  }
  return out;
}

function mergeAggregate(a: QueueAggregate, b: QueueAggregate): QueueAggregate {
  // Weights: tickets whose wait / service is known (closed ones), as the averages were taken.
  const wa = a.served + a.noShows;
  const wb = b.served + b.noShows;
  const ratings: Record<string, number> = { ...a.ratings };
  for (const [k, v] of Object.entries(b.ratings)) ratings[k] = (ratings[k] ?? 0) + v;
  return {
    tickets: a.tickets + b.tickets,
    served: a.served + b.served,
    noShows: a.noShows + b.noShows,
    waiting: a.waiting + b.waiting,
    unfinished: a.unfinished + b.unfinished,
    avgWaitMs: wa + wb ? Math.round((a.avgWaitMs * wa + b.avgWaitMs * wb) / (wa + wb)) : 0,
    maxWaitMs: Math.max(a.maxWaitMs, b.maxWaitMs),
    avgServiceMs:
      a.served + b.served
        ? Math.round(
            (a.avgServiceMs * a.served + b.avgServiceMs * b.served) / (a.served + b.served),
          )
        : 0,
    maxServiceMs: Math.max(a.maxServiceMs, b.maxServiceMs),
    ratings,
    badRatings: a.badRatings + b.badRatings,
  };
}

function mergeRecord(
  a: Record<string, QueueAggregate>,
  b: Record<string, QueueAggregate>,
): Record<string, QueueAggregate> {
  const out: Record<string, QueueAggregate> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = prev ? mergeAggregate(prev, v) : v;
  }
  return out;
}

/**
 * One day's statistics from two clear periods of the same day (tickets issued after the clear
 * time are cleared the next morning but belong to the day they were issued).
 */
export function mergeDayStats(a: DayStats, b: DayStats): DayStats {
  return {
    day: a.day,
    total: mergeAggregate(a.total, b.total),
    categories: mergeRecord(a.categories, b.categories),
    counters: mergeRecord(a.counters, b.counters),
    ...(a.clerks || b.clerks ? { clerks: mergeClerkFigures(a.clerks ?? [], b.clerks ?? []) } : {}),
  };
}
