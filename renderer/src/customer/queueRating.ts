// A rating given on the customer screen counted in the hall queue's satisfaction statistics: which
// ticket it belongs to, which queue level it is, and a send-once relay. Pure: the queue state, the
// client call and the storage are handed in (queueRelay.ts wires the real ones).
import type { QueueState, RatingLevel } from '../../../shared/queue';

/** A customer-screen rating waiting to reach the hall queue service (kept across reloads). */
export interface PendingQueueRating {
  ticketNo: string;
  counterNo: number;
  /** The queue configuration's level value (1 = worst). */
  level: number;
  /** The label the customer pressed (for the clerk's note). */
  label: string;
  reason?: string;
  /** Desk time the customer answered (ms). */
  at: number;
  /** A request was made at least once (its answer may have been lost). */
  tried?: boolean;
}

/** The body of POST /api/queue/ratings, as the rating pad sends it. */
export interface QueueRatingBody {
  counterNo: number;
  ticketNo: string;
  level: number;
  reason?: string;
}

/** What the clerk is told (quietly, in the counter panel and beside the rating). */
export type QueueRatingNote =
  | { kind: 'waiting' | 'sent' | 'already' | 'retry'; ticketNo: string; label: string }
  | { kind: 'dropped'; ticketNo: string; label: string; why: string };

/** Clocks of desk and hall may differ a little; an application accepted earlier is another visit. */
const CLOCK_SLACK_MS = 10 * 60_000;
/** A runaway list (a desk left pending for weeks) must not grow without bound. */
const MAX_PENDING = 50;
export const PENDING_KEY = 'halldesk.queueRatings';

const bestFirst = (levels: readonly RatingLevel[]) => [...levels].sort((a, b) => b.value - a.value);

/**
 * The queue level for a label the customer pressed: the level with the same label, else the one
 * at the same rank (best → worst, scaled to the queue's number of levels) that keeps the
 * customer's verdict (a bad answer stays bad, a good one good). null = no such level.
 */
export function mapRatingLevel(
  label: string,
  offered: readonly RatingLevel[],
  queue: readonly RatingLevel[],
): RatingLevel | null {
  const q = bestFirst(queue);
  const same = q.find((l) => l.label === label);
  if (same) return same;
  const o = bestFirst(offered);
  const i = o.findIndex((l) => l.label === label);
  const chosen = o[i];
  if (!chosen || q.length === 0) return null;
  const rank = o.length > 1 ? i / (o.length - 1) : 0;
  const target = Math.round(rank * (q.length - 1));
  let best: RatingLevel | null = null;
  let bestDistance = Infinity;
  q.forEach((l, j) => {
    const d = Math.abs(j - target);
    if (l.bad === chosen.bad && d < bestDistance) {
      best = l;
      bestDistance = d;
    }
  });
  return best;
}

/**
 * The ticket a customer-screen rating of `app` belongs to at this desk's counter, or null (no
 * queue, no ticket, or another customer's visit). The application's own ticket (intake started
 * from the counter panel) when it is still this counter's and unrated; otherwise the ticket in
 * service at this counter. Either way the application must have been accepted after that ticket
 * was called: rating an old application must not land on today's customer.
 */
export function ticketForRating(
  state: QueueState | null,
  counterNo: number | null,
  app: { ticketNo?: string | undefined; acceptedAt: string },
  clockOffsetMs = 0,
): string | null {
  if (!state || !counterNo) return null;
  const counter = state.counters[String(counterNo)];
  if (!counter) return null;
  const ticketNo = app.ticketNo || counter.current;
  if (!ticketNo) return null;
  const t = state.tickets[ticketNo];
  if (!t || t.counterNo !== counterNo || t.rating !== null || t.firstCalledAt === null) return null;
  const allowed = app.ticketNo ? ['called', 'held', 'finished'] : ['called'];
  if (!allowed.includes(t.status)) return null;
  const accepted = Date.parse(app.acceptedAt);
  if (Number.isFinite(accepted) && accepted + clockOffsetMs < t.firstCalledAt - CLOCK_SLACK_MS) {
    return null;
  }
  return ticketNo;
}

export type RelayStep =
  { kind: 'send' } | { kind: 'wait' } | { kind: 'done' } | { kind: 'drop'; why: string };

/**
 * What to do with a pending rating given the queue as the desk sees it. The queue takes a rating
 * for a ticket finished at this counter and not rated yet (shared/queue/commands.ts 'rate'), so
 * a rating given while the ticket is still served waits for 完成 / 呼叫下一位.
 */
export function nextStep(item: PendingQueueRating, state: QueueState | null): RelayStep {
  if (!state) return { kind: 'wait' };
  const t = state.tickets[item.ticketNo];
  if (!t) return { kind: 'drop', why: '该号已清除' };
  // Rated already: by our own earlier request whose answer was lost, or on the rating pad.
  if (t.rating !== null) return { kind: 'done' };
  if (t.counterNo !== item.counterNo) return { kind: 'drop', why: '该号已转到其他窗口' };
  if (t.status === 'finished') return { kind: 'send' };
  if (t.status === 'called' || t.status === 'held') return { kind: 'wait' };
  if (t.status === 'no_show') return { kind: 'drop', why: '该号已作过号处理' };
  return { kind: 'drop', why: '该号已转移' };
}

/** How a refused or failed request is handled: try again later, settled, or given up. */
export function classifyError(e: unknown): 'retry' | 'settled' | 'drop' {
  const err = (e ?? {}) as { code?: unknown; status?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  const status = typeof err.status === 'number' ? err.status : 0;
  // The queue refuses a second rating of a ticket: ours arrived already, or the pad's did.
  if (code === 'E_NOTHING_TO_RATE') return 'settled';
  if (
    code === '' ||
    code === 'E_UNREACHABLE' ||
    code === 'E_AUTH_REQUIRED' ||
    code === 'E_AUTH_INVALID' ||
    code === 'E_RATE_LIMITED' ||
    code === 'E_TOO_MANY_CLIENTS' ||
    status === 0 ||
    status >= 500
  ) {
    return 'retry';
  }
  return 'drop';
}

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

function isPending(v: unknown): v is PendingQueueRating {
  const p = v as Partial<PendingQueueRating> | null;
  return (
    !!p &&
    typeof p.ticketNo === 'string' &&
    typeof p.counterNo === 'number' &&
    typeof p.level === 'number' &&
    typeof p.label === 'string' &&
    typeof p.at === 'number' &&
    (p.reason === undefined || typeof p.reason === 'string')
  );
}

/**
 * Pending customer-screen ratings and their delivery. Each rating is sent for its ticket once
 * the ticket is finished here; a resend (after a lost answer) is either skipped because the
 * state already shows the ticket rated, or refused by the queue's own "已评价" rule, so a
 * rating never counts twice. Failures never throw: they end up in `note`.
 */
export class QueueRatingRelay {
  private items: PendingQueueRating[];
  private inFlight = new Set<string>();
  note: QueueRatingNote | null = null;

  constructor(
    private readonly deps: {
      send: (body: QueueRatingBody) => Promise<unknown>;
      storage: KeyValueStorage | null;
      onChange?: () => void;
      log?: (message: string, detail?: unknown) => void;
    },
  ) {
    this.items = this.load();
  }

  pending(): readonly PendingQueueRating[] {
    return this.items;
  }

  /** Queues a rating; false when one is already pending for that ticket (the first one counts). */
  add(item: PendingQueueRating): boolean {
    if (this.items.some((p) => p.ticketNo === item.ticketNo)) return false;
    this.items = [...this.items, item].slice(-MAX_PENDING);
    this.save();
    this.setNote({ kind: 'waiting', ticketNo: item.ticketNo, label: item.label });
    return true;
  }

  /** Tells the clerk without queuing anything (e.g. a level the queue does not know). */
  setNote(note: QueueRatingNote): void {
    this.note = note;
    if (note.kind === 'dropped' || note.kind === 'retry') {
      this.deps.log?.(`customer rating for ticket ${note.ticketNo}: ${note.kind}`, note);
    }
    this.deps.onChange?.();
  }

  /** Moves every pending rating on as far as `state` allows; true = something waits for a retry. */
  async flush(state: QueueState | null): Promise<boolean> {
    let retry = false;
    const work: Promise<void>[] = [];
    for (const item of this.items) {
      if (this.inFlight.has(item.ticketNo)) continue;
      const step = nextStep(item, state);
      if (step.kind === 'wait') continue;
      if (step.kind === 'done') {
        this.remove(item);
        this.setNote({ kind: item.tried ? 'sent' : 'already', ...this.who(item) });
        continue;
      }
      if (step.kind === 'drop') {
        this.remove(item);
        this.setNote({ kind: 'dropped', ...this.who(item), why: step.why });
        continue;
      }
      this.inFlight.add(item.ticketNo);
      this.replace(item, { ...item, tried: true });
      work.push(
        this.deps
          .send({
            counterNo: item.counterNo,
            ticketNo: item.ticketNo,
            level: item.level,
            ...(item.reason ? { reason: item.reason } : {}),
          })
          .then(
            () => {
              this.remove(item);
              this.setNote({ kind: 'sent', ...this.who(item) });
            },
            (e: unknown) => {
              const how = classifyError(e);
              if (how === 'retry') {
                retry = true;
                this.setNote({ kind: 'retry', ...this.who(item) });
                return;
              }
              this.remove(item);
              if (how === 'settled') this.setNote({ kind: 'already', ...this.who(item) });
              else this.setNote({ kind: 'dropped', ...this.who(item), why: messageOf(e) });
            },
          )
          .finally(() => this.inFlight.delete(item.ticketNo)),
      );
    }
    await Promise.all(work);
    return retry;
  }

  private who(item: PendingQueueRating) {
    return { ticketNo: item.ticketNo, label: item.label };
  }

  private remove(item: PendingQueueRating): void {
    this.items = this.items.filter((p) => p.ticketNo !== item.ticketNo);
    this.save();
  }

  private replace(item: PendingQueueRating, next: PendingQueueRating): void {
    this.items = this.items.map((p) => (p.ticketNo === item.ticketNo ? next : p));
    this.save();
  }

  private load(): PendingQueueRating[] {
    try {
      const raw = this.deps.storage?.getItem(PENDING_KEY);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? parsed.filter(isPending) : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    try {
      this.deps.storage?.setItem(PENDING_KEY, JSON.stringify(this.items));
    } catch {
      /* storage unavailable: the ratings wait in this page only */
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error && e.message ? e.message : '排队服务拒绝';
}
