// The hall queue as a pure event-sourced state machine: reduce(state, event); the read-side
// rules (who is called next, people ahead, estimated wait) are in queueRules.ts, re-exported
// here. No clocks: times come from events.
import { DEFAULT_HALL_TIME_ZONE, hallDate } from '../domain/hallTime';
import type { QueueConfig } from './config';
import type { Lane, QueueEvent } from './events';
import { computeDayStats, mergeDayStats, type DayStats } from './stats';

export type TicketStatus = 'waiting' | 'called' | 'held' | 'no_show' | 'finished' | 'cleared';

export interface Ticket {
  no: string;
  categoryId: string;
  lane: Lane;
  issuedAt: number;
  /** Issue order within the day (FIFO tie-break). */
  order: number;
  status: TicketStatus;
  /** Counter that called / holds / served it last. */
  counterNo: number | null;
  /** Transferred to this counter: only it may call the ticket. */
  targetCounterNo: number | null;
  transferred: boolean;
  firstCalledAt: number | null;
  /** Last (re)call or call-back: service time runs from here. */
  calledAt: number | null;
  finishedAt: number | null;
  /** Recalls since the last call (bounded by config.recallLimit). */
  recalls: number;
  rating: number | null;
  ratingReason: string | null;
  /**
   * Staff number of the clerk who called / served it last (issue 13); null or absent: nobody
   * signed in at the counter, or a ticket from before staff existed (未记录).
   */
  servedBy?: string | null;
}

export interface CounterState {
  no: number;
  paused: boolean;
  /** Ticket currently called / served at this counter. */
  current: string | null;
  /** Tickets held (挂起) by this counter, oldest first. */
  held: string[];
  /** Last finished ticket, until the customer rates it. */
  awaitingRating: string | null;
  /** The person signed in at this counter (issue 13); absent in states from before staff. */
  staffNo?: string | null;
  staffName?: string | null;
}

/** A booked time slot (预约). Only the service holds these: the code is the check-in secret. */
export interface Appointment {
  code: string;
  categoryId: string;
  slotStart: number;
  slotEnd: number;
  bookedAt: number;
  status: 'booked' | 'checked_in' | 'cancelled';
  ticketNo: string | null;
}

export interface CallEntry {
  ticketNo: string;
  counterNo: number;
  at: number;
  kind: 'called' | 'recalled' | 'called_back';
}

export interface QueueState {
  config: QueueConfig;
  /** Local day the current numbering belongs to ('' right after a clear). */
  day: string;
  lastClearedAt: number;
  nextNo: Record<string, number>;
  tickets: Record<string, Ticket>;
  /** Ticket numbers in issue order. */
  order: string[];
  counters: Record<string, CounterState>;
  /** Most recent calls, newest first (display "last calls"). */
  recentCalls: CallEntry[];
  /** Recent service times per category (ms), newest last: the basis of wait estimates. */
  recentServiceMs: Record<string, number[]>;
  /** Closed days' statistics, oldest first. */
  history: DayStats[];
  /**
   * Appointments by code (today's and future slots). Optional: states journaled before
   * appointments existed have none; screens never receive it (see publicState).
   */
  appointments?: Record<string, Appointment>;
  /**
   * Someone has signed in at a counter of this hall (issue 13): from then on a counter device
   * acts only for a signed-in person. A hall whose desks have no staff yet keeps calling as
   * before (its events count as 未记录).
   */
  staffSeen?: boolean;
}

export const RECENT_CALLS_KEPT = 12;
export const RECENT_SERVICE_KEPT = 20;
export const HISTORY_DAYS_KEPT = 92;

export function createQueueState(config: QueueConfig): QueueState {
  return {
    config,
    day: '',
    lastClearedAt: 0,
    nextNo: {},
    tickets: {},
    order: [],
    counters: countersFor(config, {}),
    recentCalls: [],
    recentServiceMs: {},
    history: [],
    appointments: {},
  };
}

function countersFor(
  config: QueueConfig,
  existing: Record<string, CounterState>,
): Record<string, CounterState> {
  const out: Record<string, CounterState> = { ...existing };
  for (const c of config.counters) {
    out[String(c.no)] ??= {
      no: c.no,
      paused: false,
      current: null,
      held: [],
      awaitingRating: null,
    };
  }
  return out;
}

/** The hall's day of an epoch-ms time (YYYY-MM-DD in the hall's zone, not the machine's). */
export function localDay(ms: number, timeZone: string = DEFAULT_HALL_TIME_ZONE): string {
  return hallDate(ms, timeZone);
}

/** Ticket number: prefix letter + at least three digits (A001 ... A999, A1000). */
export function formatTicketNo(categoryId: string, n: number): string {
  return `${categoryId}${String(n).padStart(3, '0')}`;
}

// ------------------------------------------------------------------ reducer

/** Set only while reduceInPlace runs (synchronous, so no other reduce can interleave). */
let inPlace = false;

/**
 * Apply one event. Returns a new top-level object; nested records that change are copied, so
 * callers may keep references to old states (React) without seeing them mutate.
 */
export function reduce(state: QueueState, event: QueueEvent): QueueState {
  switch (event.type) {
    case 'ticket_issued': {
      const n = Number(event.ticketNo.slice(1));
      const ticket: Ticket = {
        no: event.ticketNo,
        categoryId: event.categoryId,
        lane: event.lane,
        issuedAt: event.at,
        order: state.order.length,
        status: 'waiting',
        counterNo: null,
        targetCounterNo: null,
        transferred: false,
        firstCalledAt: null,
        calledAt: null,
        finishedAt: null,
        recalls: 0,
        rating: null,
        ratingReason: null,
      };
      const nextNo = Math.max(state.nextNo[event.categoryId] ?? 1, n + 1);
      if (inPlace) {
        state.day = state.day || event.day;
        state.nextNo[event.categoryId] = nextNo;
        state.tickets[event.ticketNo] = ticket;
        state.order.push(event.ticketNo);
        return state;
      }
      return {
        ...state,
        day: state.day || event.day,
        nextNo: { ...state.nextNo, [event.categoryId]: nextNo },
        tickets: { ...state.tickets, [event.ticketNo]: ticket },
        order: [...state.order, event.ticketNo],
      };
    }
    case 'called':
    case 'called_back': {
      const t = state.tickets[event.ticketNo];
      if (!t) return state;
      const counter = counterOf(state, event.counterNo);
      const next = withTicket(state, {
        ...t,
        status: 'called',
        counterNo: event.counterNo,
        targetCounterNo: null,
        firstCalledAt: t.firstCalledAt ?? event.at,
        calledAt: event.at,
        recalls: 0,
        servedBy: event.staffNo ?? null,
      });
      return withCall(
        withCounter(next, {
          ...counter,
          current: event.ticketNo,
          held: counter.held.filter((h) => h !== event.ticketNo),
        }),
        { ticketNo: event.ticketNo, counterNo: event.counterNo, at: event.at, kind: event.type },
      );
    }
    case 'recalled': {
      const t = state.tickets[event.ticketNo];
      if (!t) return state;
      return withCall(withTicket(state, { ...t, recalls: t.recalls + 1 }), {
        ticketNo: event.ticketNo,
        counterNo: event.counterNo,
        at: event.at,
        kind: 'recalled',
      });
    }
    case 'no_show':
    case 'finished': {
      const t = state.tickets[event.ticketNo];
      if (!t) return state;
      const counter = counterOf(state, event.counterNo);
      let next = withTicket(state, {
        ...t,
        status: event.type === 'finished' ? 'finished' : 'no_show',
        finishedAt: event.at,
        // Whoever closes it answers for it (a shift change between call and finish).
        servedBy: event.staffNo ?? t.servedBy ?? null,
      });
      next = withCounter(next, {
        ...counter,
        current: counter.current === event.ticketNo ? null : counter.current,
        awaitingRating: event.type === 'finished' ? event.ticketNo : counter.awaitingRating,
      });
      if (event.type === 'finished' && t.calledAt !== null) {
        const list = [...(next.recentServiceMs[t.categoryId] ?? []), event.at - t.calledAt];
        if (inPlace) {
          next.recentServiceMs[t.categoryId] = list.slice(-RECENT_SERVICE_KEPT);
        } else {
          next = {
            ...next,
            recentServiceMs: {
              ...next.recentServiceMs,
              [t.categoryId]: list.slice(-RECENT_SERVICE_KEPT),
            },
          };
        }
      }
      return next;
    }
    case 'transferred': {
      const t = state.tickets[event.ticketNo];
      if (!t) return state;
      const counter = counterOf(state, event.counterNo);
      const next = withTicket(state, {
        ...t,
        status: 'waiting',
        categoryId: event.toCategoryId,
        targetCounterNo: event.toCounterNo,
        transferred: true,
        counterNo: null,
        calledAt: null,
        recalls: 0,
      });
      return withCounter(next, {
        ...counter,
        current: counter.current === event.ticketNo ? null : counter.current,
        held: counter.held.filter((h) => h !== event.ticketNo),
      });
    }
    case 'held': {
      const t = state.tickets[event.ticketNo];
      if (!t) return state;
      const counter = counterOf(state, event.counterNo);
      const next = withTicket(state, { ...t, status: 'held', counterNo: event.counterNo });
      return withCounter(next, {
        ...counter,
        current: counter.current === event.ticketNo ? null : counter.current,
        held: [...counter.held.filter((h) => h !== event.ticketNo), event.ticketNo],
      });
    }
    case 'paused':
    case 'resumed': {
      const counter = counterOf(state, event.counterNo);
      return withCounter(state, { ...counter, paused: event.type === 'paused' });
    }
    case 'rated': {
      const t = state.tickets[event.ticketNo];
      if (!t) return state;
      const counter = counterOf(state, event.counterNo);
      const next = withTicket(state, {
        ...t,
        rating: event.level,
        ratingReason: event.reason ?? null,
      });
      return withCounter(next, {
        ...counter,
        awaitingRating: counter.awaitingRating === event.ticketNo ? null : counter.awaitingRating,
      });
    }
    case 'daily_cleared': {
      let history = state.history;
      if (state.order.length > 0) {
        const today = computeDayStats(state, event.at);
        const last = history[history.length - 1];
        history =
          last && last.day === today.day
            ? [...history.slice(0, -1), mergeDayStats(last, today)]
            : [...history, today].slice(-HISTORY_DAYS_KEPT);
      }
      const counters: Record<string, CounterState> = {};
      for (const [key, c] of Object.entries(state.counters)) {
        // Pauses survive the night (a closed counter stays closed); tickets and the person
        // signed in do not (a new day starts with a new sign-in).
        counters[key] = {
          ...c,
          current: null,
          held: [],
          awaitingRating: null,
          ...(c.staffNo !== undefined ? { staffNo: null, staffName: null } : {}),
        };
      }
      // Bookings for slots still to come survive the night; the day's used or missed ones go.
      const appointments: Record<string, Appointment> = {};
      for (const [code, a] of Object.entries(state.appointments ?? {})) {
        if (a.status === 'booked' && a.slotEnd > event.at) appointments[code] = a;
      }
      return {
        ...state,
        day: '',
        lastClearedAt: event.at,
        nextNo: {},
        tickets: {},
        order: [],
        counters,
        recentCalls: [],
        history,
        ...(state.appointments ? { appointments } : {}),
      };
    }
    case 'appointment_booked': {
      const a: Appointment = {
        code: event.code,
        categoryId: event.categoryId,
        slotStart: event.slotStart,
        slotEnd: event.slotEnd,
        bookedAt: event.at,
        status: 'booked',
        ticketNo: null,
      };
      return withAppointment(state, a);
    }
    case 'appointment_cancelled':
    case 'appointment_checked_in': {
      const a = state.appointments?.[event.code];
      if (!a) return state;
      return withAppointment(
        state,
        event.type === 'appointment_cancelled'
          ? { ...a, status: 'cancelled' }
          : { ...a, status: 'checked_in', ticketNo: event.ticketNo },
      );
    }
    case 'counter_signed_in':
    case 'counter_signed_out': {
      const counter = counterOf(state, event.counterNo);
      const signedIn = event.type === 'counter_signed_in';
      const seen = signedIn && !state.staffSeen ? { ...state, staffSeen: true } : state;
      return withCounter(seen, {
        ...counter,
        staffNo: signedIn ? event.staffNo : null,
        staffName: signedIn ? event.name : null,
      });
    }
    case 'config_changed':
      return {
        ...state,
        config: event.config,
        counters: countersFor(event.config, state.counters),
      };
  }
}

function counterOf(state: QueueState, no: number): CounterState {
  return (
    state.counters[String(no)] ?? {
      no,
      paused: false,
      current: null,
      held: [],
      awaitingRating: null,
    }
  );
}

function withTicket(state: QueueState, t: Ticket): QueueState {
  if (inPlace) {
    state.tickets[t.no] = t;
    return state;
  }
  return { ...state, tickets: { ...state.tickets, [t.no]: t } };
}

function withCounter(state: QueueState, c: CounterState): QueueState {
  if (inPlace) {
    state.counters[String(c.no)] = c;
    return state;
  }
  return { ...state, counters: { ...state.counters, [String(c.no)]: c } };
}

function withAppointment(state: QueueState, a: Appointment): QueueState {
  if (inPlace) {
    state.appointments ??= {};
    state.appointments[a.code] = a;
    return state;
  }
  return { ...state, appointments: { ...state.appointments, [a.code]: a } };
}

function withCall(state: QueueState, call: CallEntry): QueueState {
  const recentCalls = [call, ...state.recentCalls].slice(0, RECENT_CALLS_KEPT);
  if (inPlace) {
    state.recentCalls = recentCalls;
    return state;
  }
  return { ...state, recentCalls };
}

export function reduceAll(state: QueueState, events: Iterable<QueueEvent>): QueueState {
  let s = state;
  for (const e of events) s = reduce(s, e);
  return s;
}

/**
 * Same result as `reduce`, but updates `state`'s records in place (and returns the same object).
 * For the service, which keeps one state of a whole day (thousands of tickets) and never needs
 * old versions: copying every map per event would make each event cost O(tickets).
 */
export function reduceInPlace(state: QueueState, event: QueueEvent): QueueState {
  inPlace = true;
  try {
    return reduce(state, event);
  } finally {
    inPlace = false;
  }
}

// ------------------------------------------------------------------ read side

export * from './queueRules';
