// The queue's read-side rules (who is called next, people ahead, estimated wait, receipts,
// appointment slots, the daily clear's time), split from state.ts: pure functions of a state.
import type { Lane } from './events';
import type { TicketCategory } from './config';
import { DEFAULT_HALL_TIME_ZONE, hallClock, hallDate, hallInstant } from '../domain/hallTime';
import { localDay, type QueueState, type Ticket } from './state';

export function categoryOf(state: QueueState, id: string): TicketCategory | undefined {
  return state.config.categories.find((c) => c.id === id);
}

const LANE_RANK: Record<Lane, number> = { green: 0, appointment: 1, key: 2, normal: 3 };

/**
 * Sort key of a waiting ticket as seen from one counter. Order of rules (why: national rule keeps
 * green channels for the elderly first; customers who checked in within their booked slot next
 * (the point of booking); key customers next; a customer already sent over from
 * another counter has waited once; then category priority, the counter's own category order,
 * and first come first served):
 * tickets transferred to this very counter → green channel → key lane → transferred →
 * higher category priority → earlier in the counter's category list → earlier issued.
 */
function rankKey(state: QueueState, t: Ticket, counterCategories: string[], counterNo: number) {
  const cat = categoryOf(state, t.categoryId);
  const idx = counterCategories.indexOf(t.categoryId);
  return [
    t.targetCounterNo === counterNo ? 0 : 1,
    LANE_RANK[t.lane],
    t.transferred ? 0 : 1,
    -(cat?.priority ?? 0),
    idx < 0 ? 99 : idx,
    t.order,
  ];
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Waiting tickets a counter may call. */
export function callableBy(state: QueueState, counterNo: number): Ticket[] {
  const counter = state.config.counters.find((c) => c.no === counterNo);
  if (!counter) return [];
  const out: Ticket[] = [];
  for (const no of state.order) {
    const t = state.tickets[no];
    if (!t || t.status !== 'waiting') continue;
    if (t.targetCounterNo !== null) {
      if (t.targetCounterNo === counterNo) out.push(t);
    } else if (counter.categories.includes(t.categoryId)) {
      out.push(t);
    }
  }
  return out;
}

/** The ticket this counter calls next, or null when nobody it serves is waiting. */
export function nextTicketFor(counterNo: number, state: QueueState): Ticket | null {
  const counter = state.config.counters.find((c) => c.no === counterNo);
  if (!counter) return null;
  let best: Ticket | null = null;
  let bestKey: number[] = [];
  for (const t of callableBy(state, counterNo)) {
    const key = rankKey(state, t, counter.categories, counterNo);
    if (best === null || compareKeys(key, bestKey) < 0) {
      best = t;
      bestKey = key;
    }
  }
  return best;
}

export function waitingTickets(state: QueueState, categoryId?: string): Ticket[] {
  const out: Ticket[] = [];
  for (const no of state.order) {
    const t = state.tickets[no];
    if (t && t.status === 'waiting' && (categoryId === undefined || t.categoryId === categoryId)) {
      out.push(t);
    }
  }
  return out;
}

/**
 * People ahead of a ticket in its category's line: waiting tickets of the same category in a
 * better lane, or the same lane and issued earlier (transferred tickets count as ahead).
 */
export function peopleAhead(state: QueueState, ticketNo: string): number {
  const me = state.tickets[ticketNo];
  if (!me || me.status !== 'waiting') return 0;
  let n = 0;
  for (const t of waitingTickets(state, me.categoryId)) {
    if (t.no === me.no) continue;
    const laneDiff = LANE_RANK[t.lane] - LANE_RANK[me.lane];
    if (laneDiff < 0 || (laneDiff === 0 && (t.transferred || t.order < me.order))) n++;
  }
  return n;
}

/** Average recent service time of a category (ms): today's last finishes, else the default. */
export function averageServiceMs(state: QueueState, categoryId: string): number {
  const list = state.recentServiceMs[categoryId] ?? [];
  if (list.length === 0) {
    return (categoryOf(state, categoryId)?.defaultServiceMinutes ?? 6) * 60_000;
  }
  return list.reduce((a, b) => a + b, 0) / list.length;
}

/** Open counters serving a category (at least 1, so a hall with everyone paused still estimates). */
export function serversFor(state: QueueState, categoryId: string): number {
  let n = 0;
  for (const c of state.config.counters) {
    if (c.categories.includes(categoryId) && !state.counters[String(c.no)]?.paused) n++;
  }
  return Math.max(1, n);
}

/** Estimated wait in whole minutes for someone with `ahead` people before them in a category. */
export function estimateWaitMinutes(state: QueueState, categoryId: string, ahead: number): number {
  const ms = (ahead * averageServiceMs(state, categoryId)) / serversFor(state, categoryId);
  return Math.round(ms / 60_000);
}

export interface TicketReceipt {
  ticketNo: string;
  categoryId: string;
  categoryName: string;
  lane: Lane;
  issuedAt: number;
  peopleAhead: number;
  estimatedWaitMinutes: number;
}

export function receiptFor(state: QueueState, ticketNo: string): TicketReceipt | null {
  const t = state.tickets[ticketNo];
  if (!t) return null;
  const ahead = peopleAhead(state, ticketNo);
  return {
    ticketNo,
    categoryId: t.categoryId,
    categoryName: categoryOf(state, t.categoryId)?.name ?? t.categoryId,
    lane: t.lane,
    issuedAt: t.issuedAt,
    peopleAhead: ahead,
    estimatedWaitMinutes: estimateWaitMinutes(state, t.categoryId, ahead),
  };
}

/** Slot of a given start time: [start, start + slotMinutes), starts at multiples from midnight. */
export function slotBounds(
  start: number,
  slotMinutes: number,
  timeZone: string = DEFAULT_HALL_TIME_ZONE,
): { slotStart: number; slotEnd: number } | null {
  const c = hallClock(start, timeZone);
  const minutes = c.hour * 60 + c.minute;
  if (start % 60_000 !== 0 || minutes % slotMinutes !== 0) {
    return null;
  }
  return { slotStart: start, slotEnd: start + slotMinutes * 60_000 };
}

/** Live bookings of one category and slot (for the per-slot capacity). */
export function bookingsInSlot(state: QueueState, categoryId: string, slotStart: number): number {
  let n = 0;
  for (const a of Object.values(state.appointments ?? {})) {
    if (a.categoryId === categoryId && a.slotStart === slotStart && a.status !== 'cancelled') n++;
  }
  return n;
}

/** Epoch ms of today's clear time (local), for the day containing `now`. */
export function clearTimeOn(
  now: number,
  hhmm: string,
  timeZone: string = DEFAULT_HALL_TIME_ZONE,
): number {
  return hallInstant(hallDate(now, timeZone), hhmm, timeZone);
}

/**
 * Whether the daily clear is due at `now`: the numbering belongs to an earlier day (the service
 * was off over night), or today's clear time has passed and tickets issued before it remain.
 */
export function dailyClearDue(state: QueueState, now: number): boolean {
  // Stale bookings (used, cancelled, missed) go with the next clear of a day with tickets.
  if (state.order.length === 0) return false;
  const tz = state.config.timeZone;
  if (state.day !== '' && state.day !== localDay(now, tz)) return true;
  const clearAt = clearTimeOn(now, state.config.dailyClearTime, tz);
  if (now < clearAt) return false;
  const first = state.tickets[state.order[0] ?? ''];
  return first !== undefined && first.issuedAt < clearAt;
}
