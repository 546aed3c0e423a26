// Per-clerk queue figures (issue 13 §3): customers served, handling time (call → finish, and
// call → application submit where an application names the ticket), waiting time of their
// customers (ticket → first call), ratings and the reasons of bad ones, for a date range. Pure:
// the hall service (its day's tickets), the desk and the centre (queue events as stored) feed the
// same facts in. A ticket served with nobody signed in counts apart under staffNo null (未记录).
import type { QueueEvent } from '../queue/events';
import type { Ticket } from '../queue/state';

/** One ticket as the figures need it. `day` is the hall's numbering day (YYYY-MM-DD). */
export interface ServedTicket {
  day: string;
  ticketNo: string;
  counterNo: number | null;
  /** Who called / served it last; null: 未记录. */
  staffNo: string | null;
  issuedAt: number;
  firstCalledAt: number | null;
  calledAt: number | null;
  finishedAt: number | null;
  outcome: 'finished' | 'no_show' | 'open';
  rating: number | null;
  ratingReason: string | null;
}

export interface ClerkQueueFigures {
  /** null: tickets served with nobody signed in, or from before staff existed (未记录). */
  staffNo: string | null;
  /** Tickets this person called (whatever came of them). */
  called: number;
  served: number;
  noShows: number;
  /** Call → finish. */
  handlingMsSum: number;
  handlingN: number;
  handlingMaxMs: number;
  /** Call → submit of the application that names the ticket. */
  submitMsSum: number;
  submitN: number;
  /** Their customers' wait: ticket → first call. */
  waitMsSum: number;
  waitN: number;
  waitMaxMs: number;
  rated: number;
  /** Rating level → count. */
  ratings: Record<string, number>;
  badRatings: number;
  badReasons: Record<string, number>;
  /** Counters they worked at, ascending. */
  counters: number[];
}

/** An application that names its queue ticket (call → submit). */
export interface TicketSubmit {
  day: string;
  ticketNo: string;
  /** Epoch ms the application was accepted (submitted). */
  submittedAt: number;
}

export interface QueueFigureOptions {
  /** Inclusive range of numbering days. */
  from: string;
  to: string;
  /** Rating levels that count as bad (the hall's configuration). */
  badLevels: ReadonlySet<number>;
  submits?: Iterable<TicketSubmit>;
}

export const avgMs = (sum: number, n: number): number => (n ? Math.round(sum / n) : 0);

function emptyFigures(staffNo: string | null): ClerkQueueFigures {
  return {
    staffNo,
    called: 0,
    served: 0,
    noShows: 0,
    handlingMsSum: 0,
    handlingN: 0,
    handlingMaxMs: 0,
    submitMsSum: 0,
    submitN: 0,
    waitMsSum: 0,
    waitN: 0,
    waitMaxMs: 0,
    rated: 0,
    ratings: {},
    badRatings: 0,
    badReasons: {},
    counters: [],
  };
}

/** Today's tickets of a hall's state, as facts. */
export function servedFromTickets(day: string, tickets: Iterable<Ticket>): ServedTicket[] {
  const out: ServedTicket[] = [];
  for (const t of tickets) {
    if (t.firstCalledAt === null) continue; // never called: nobody's work yet
    out.push({
      day,
      ticketNo: t.no,
      counterNo: t.counterNo,
      staffNo: t.servedBy ?? null,
      issuedAt: t.issuedAt,
      firstCalledAt: t.firstCalledAt,
      calledAt: t.calledAt,
      finishedAt: t.finishedAt,
      outcome: t.status === 'finished' ? 'finished' : t.status === 'no_show' ? 'no_show' : 'open',
      rating: t.rating,
      ratingReason: t.ratingReason,
    });
  }
  return out;
}

/**
 * Folds stored queue events (in the order they happened) into ticket facts: the centre's
 * queue_events rows, or a hall's journal. `day` is the numbering day the event was sent with.
 */
export function servedFromEvents(rows: Iterable<{ day: string; event: QueueEvent }>) {
  const byKey = new Map<string, ServedTicket>();
  const get = (day: string, no: string, at: number): ServedTicket => {
    const key = `${day}|${no}`;
    let t = byKey.get(key);
    if (!t) {
      // A ticket whose issue event is missing (sent before the centre knew the hall): its
      // wait is unknown, so it starts at its first call.
      t = {
        day,
        ticketNo: no,
        counterNo: null,
        staffNo: null,
        issuedAt: at,
        firstCalledAt: null,
        calledAt: null,
        finishedAt: null,
        outcome: 'open',
        rating: null,
        ratingReason: null,
      };
      byKey.set(key, t);
    }
    return t;
  };
  for (const { day, event: e } of rows) {
    switch (e.type) {
      case 'ticket_issued':
        get(day, e.ticketNo, e.at).issuedAt = e.at;
        break;
      case 'called':
      case 'called_back': {
        const t = get(day, e.ticketNo, e.at);
        t.firstCalledAt ??= e.at;
        t.calledAt = e.at;
        t.counterNo = e.counterNo;
        t.staffNo = e.staffNo ?? null;
        t.outcome = 'open';
        break;
      }
      case 'finished':
      case 'no_show': {
        const t = get(day, e.ticketNo, e.at);
        t.finishedAt = e.at;
        t.counterNo = e.counterNo;
        t.staffNo = e.staffNo ?? t.staffNo;
        t.outcome = e.type === 'finished' ? 'finished' : 'no_show';
        break;
      }
      case 'rated': {
        const t = get(day, e.ticketNo, e.at);
        t.rating = e.level;
        t.ratingReason = e.reason ?? null;
        if (e.staffNo) t.staffNo = e.staffNo;
        break;
      }
      default:
        break;
    }
  }
  return [...byKey.values()].filter((t) => t.firstCalledAt !== null);
}

/** Per clerk, most served first; 未记录 (staffNo null) last. */
export function clerkQueueFigures(
  tickets: Iterable<ServedTicket>,
  o: QueueFigureOptions,
): ClerkQueueFigures[] {
  const submits = new Map<string, number>();
  for (const s of o.submits ?? []) {
    const key = `${s.day}|${s.ticketNo}`;
    // The first application submitted for the ticket ends its handling.
    const prev = submits.get(key);
    if (prev === undefined || s.submittedAt < prev) submits.set(key, s.submittedAt);
  }
  const by = new Map<string, ClerkQueueFigures>();
  for (const t of tickets) {
    if (t.day < o.from || t.day > o.to) continue;
    const key = t.staffNo ?? '';
    let f = by.get(key);
    if (!f) by.set(key, (f = emptyFigures(t.staffNo)));
    f.called++;
    if (t.counterNo !== null && !f.counters.includes(t.counterNo)) f.counters.push(t.counterNo);
    if (t.firstCalledAt !== null) {
      const wait = Math.max(0, t.firstCalledAt - t.issuedAt);
      f.waitMsSum += wait;
      f.waitN++;
      f.waitMaxMs = Math.max(f.waitMaxMs, wait);
    }
    if (t.outcome === 'no_show') f.noShows++;
    if (t.outcome === 'finished') {
      f.served++;
      if (t.calledAt !== null && t.finishedAt !== null) {
        const ms = Math.max(0, t.finishedAt - t.calledAt);
        f.handlingMsSum += ms;
        f.handlingN++;
        f.handlingMaxMs = Math.max(f.handlingMaxMs, ms);
      }
    }
    const submitted = submits.get(`${t.day}|${t.ticketNo}`);
    if (submitted !== undefined && t.calledAt !== null && submitted >= t.calledAt) {
      f.submitMsSum += submitted - t.calledAt;
      f.submitN++;
    }
    if (t.rating !== null) {
      f.rated++;
      f.ratings[String(t.rating)] = (f.ratings[String(t.rating)] ?? 0) + 1;
      if (o.badLevels.has(t.rating)) {
        f.badRatings++;
        const r = t.ratingReason?.trim() || '（未说明）';
        f.badReasons[r] = (f.badReasons[r] ?? 0) + 1;
      }
    }
  }
  for (const f of by.values()) f.counters.sort((a, b) => a - b);
  return sortFigures([...by.values()]);
}

function sortFigures(list: ClerkQueueFigures[]): ClerkQueueFigures[] {
  return list.sort((x, y) =>
    x.staffNo === null
      ? 1
      : y.staffNo === null
        ? -1
        : y.served - x.served || x.staffNo.localeCompare(y.staffNo),
  );
}

const addCounts = (a: Record<string, number>, b: Record<string, number>) => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** Sums figures of several periods (days kept by the hall service, today's live ones). */
export function mergeClerkFigures(...lists: ClerkQueueFigures[][]): ClerkQueueFigures[] {
  const by = new Map<string, ClerkQueueFigures>();
  for (const list of lists)
    for (const f of list) {
      const key = f.staffNo ?? '';
      const a = by.get(key);
      if (!a) {
        by.set(key, { ...f, ratings: { ...f.ratings }, badReasons: { ...f.badReasons } });
        continue;
      }
      by.set(key, {
        staffNo: f.staffNo,
        called: a.called + f.called,
        served: a.served + f.served,
        noShows: a.noShows + f.noShows,
        handlingMsSum: a.handlingMsSum + f.handlingMsSum,
        handlingN: a.handlingN + f.handlingN,
        handlingMaxMs: Math.max(a.handlingMaxMs, f.handlingMaxMs),
        submitMsSum: a.submitMsSum + f.submitMsSum,
        submitN: a.submitN + f.submitN,
        waitMsSum: a.waitMsSum + f.waitMsSum,
        waitN: a.waitN + f.waitN,
        waitMaxMs: Math.max(a.waitMaxMs, f.waitMaxMs),
        rated: a.rated + f.rated,
        ratings: addCounts(a.ratings, f.ratings),
        badRatings: a.badRatings + f.badRatings,
        badReasons: addCounts(a.badReasons, f.badReasons),
        counters: [...new Set([...a.counters, ...f.counters])].sort((x, y) => x - y),
      });
    }
  return sortFigures([...by.values()]);
}
