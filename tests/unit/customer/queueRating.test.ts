// Customer-screen ratings relayed to the hall queue: level mapping, which ticket a rating belongs
// to, and the relay's send-once / wait-for-finish / service-down handling against a fake service
// that decides with the queue's real 'rate' rule (shared/queue/commands.ts).
import { describe, expect, it } from 'vitest';
import {
  QueueConfig,
  RATING_LEVELS_3,
  RATING_LEVELS_5,
  computeDayStats,
  createQueueState,
  decide,
  reduceAll,
  type QueueCommand,
  type QueueState,
} from '../../../shared/queue';
import {
  PENDING_KEY,
  QueueRatingRelay,
  classifyError,
  mapRatingLevel,
  nextStep,
  ticketForRating,
  type PendingQueueRating,
  type QueueRatingBody,
} from '../../../renderer/src/customer/queueRating';
import { hallWall } from '../../support/hallWall';

const T0 = hallWall(2026, 10, 27, 9, 0, 0);
const MIN = 60_000;

function hall(levels = RATING_LEVELS_3): QueueState {
  return createQueueState(
    QueueConfig.parse({
      categories: [{ id: 'A', name: '业扩报装' }],
      counters: [
        { no: 1, name: '1号', categories: ['A'] },
        { no: 3, name: '3号', categories: ['A'] },
      ],
      ratingLevels: levels,
    }),
  );
}

function run(state: QueueState, cmd: QueueCommand, at: number): QueueState {
  const d = decide(state, cmd, at);
  if (!d.ok) throw d.error;
  return reduceAll(state, d.events);
}

/** A hall where A001 is issued and called at counter 3 (at T0 + 1 min). */
function serving(levels = RATING_LEVELS_3): QueueState {
  let s = run(hall(levels), { type: 'issue', categoryId: 'A' }, T0);
  s = run(s, { type: 'call_next', counterNo: 3 }, T0 + MIN);
  return s;
}

const accepted = new Date(T0 + 5 * MIN).toISOString();

class MemoryStorage {
  data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The hall service as far as ratings go: 'rate' decided by the real rule against its state.
 * `loseAnswers` applies the rating and then fails the request like a dropped connection;
 * `down` refuses to connect at all.
 */
class FakeHall {
  calls: QueueRatingBody[] = [];
  down = false;
  loseAnswers = 0;
  constructor(public state: QueueState) {}
  send = (body: QueueRatingBody): Promise<unknown> => {
    this.calls.push(body);
    if (this.down) return Promise.reject(new ApiError('E_UNREACHABLE', '无法连接排队服务', 0));
    const d = decide(this.state, { type: 'rate', ...body }, T0 + 30 * MIN);
    if (!d.ok) {
      const e = d.error;
      return Promise.reject(new ApiError(e.code, e.message, 409));
    }
    this.state = reduceAll(this.state, d.events);
    if (this.loseAnswers > 0) {
      this.loseAnswers--;
      return Promise.reject(new ApiError('E_UNREACHABLE', '无法连接排队服务', 0));
    }
    return Promise.resolve({ seq: 1 });
  };
  finish(counterNo = 3): void {
    this.state = run(this.state, { type: 'finish', counterNo }, T0 + 20 * MIN);
  }
}

function item(over: Partial<PendingQueueRating> = {}): PendingQueueRating {
  return {
    ticketNo: 'A001',
    counterNo: 3,
    level: 1,
    label: '不满意',
    reason: '等候时间长',
    at: T0,
    ...over,
  };
}

describe('mapRatingLevel', () => {
  it('maps by label first', () => {
    expect(mapRatingLevel('基本满意', RATING_LEVELS_3, RATING_LEVELS_3)?.value).toBe(2);
    expect(mapRatingLevel('不满意', RATING_LEVELS_3, RATING_LEVELS_5)?.value).toBe(2);
    expect(mapRatingLevel('满意', RATING_LEVELS_3, RATING_LEVELS_5)?.value).toBe(4);
  });

  it('falls back to the same rank and keeps the verdict (bad stays bad)', () => {
    // A desk that offered five levels, a hall configured with three.
    expect(mapRatingLevel('非常满意', RATING_LEVELS_5, RATING_LEVELS_3)?.label).toBe('满意');
    const worst = mapRatingLevel('非常不满意', RATING_LEVELS_5, RATING_LEVELS_3);
    expect(worst).toMatchObject({ label: '不满意', bad: true });
    // Custom labels, same shape.
    const custom = [
      { value: 3, label: '好', bad: false },
      { value: 2, label: '一般', bad: false },
      { value: 1, label: '差', bad: true },
    ];
    expect(mapRatingLevel('差', custom, RATING_LEVELS_5)).toMatchObject({ value: 1, bad: true });
    expect(mapRatingLevel('好', custom, RATING_LEVELS_5)?.value).toBe(5);
    expect(mapRatingLevel('一般', custom, RATING_LEVELS_5)?.value).toBe(3);
  });

  it('gives null for a label nobody offered', () => {
    expect(mapRatingLevel('还行', RATING_LEVELS_3, RATING_LEVELS_3)).toBeNull();
  });
});

describe('ticketForRating', () => {
  it('is the ticket in service at this counter', () => {
    const s = serving();
    expect(ticketForRating(s, 3, { acceptedAt: accepted })).toBe('A001');
  });

  it('is null without a queue, a counter or a ticket in service', () => {
    expect(ticketForRating(null, 3, { acceptedAt: accepted })).toBeNull();
    expect(ticketForRating(serving(), null, { acceptedAt: accepted })).toBeNull();
    expect(ticketForRating(serving(), 1, { acceptedAt: accepted })).toBeNull();
    expect(ticketForRating(hall(), 3, { acceptedAt: accepted })).toBeNull();
  });

  it("uses the application's own ticket, also once finished, but not another counter's", () => {
    let s = serving();
    s = run(s, { type: 'finish', counterNo: 3 }, T0 + 10 * MIN);
    expect(ticketForRating(s, 3, { acceptedAt: accepted })).toBeNull(); // nothing in service
    expect(ticketForRating(s, 3, { ticketNo: 'A001', acceptedAt: accepted })).toBe('A001');
    expect(ticketForRating(s, 1, { ticketNo: 'A001', acceptedAt: accepted })).toBeNull();
    // A second customer in service does not take the rating of the first one's application.
    s = run(s, { type: 'issue', categoryId: 'A' }, T0 + 11 * MIN);
    s = run(s, { type: 'call_next', counterNo: 3 }, T0 + 12 * MIN);
    expect(ticketForRating(s, 3, { ticketNo: 'A001', acceptedAt: accepted })).toBe('A001');
    expect(ticketForRating(s, 3, { acceptedAt: accepted })).toBe('A002');
  });

  it('is null for a ticket already rated, or an application accepted before the call', () => {
    let s = serving();
    const yesterday = new Date(T0 - 20 * 60 * MIN).toISOString();
    expect(ticketForRating(s, 3, { acceptedAt: yesterday })).toBeNull();
    s = run(s, { type: 'finish', counterNo: 3 }, T0 + 10 * MIN);
    s = run(s, { type: 'rate', counterNo: 3, level: 3 }, T0 + 11 * MIN);
    expect(ticketForRating(s, 3, { ticketNo: 'A001', acceptedAt: accepted })).toBeNull();
  });
});

describe('nextStep and classifyError', () => {
  it('waits while served or held, sends when finished here, drops otherwise', () => {
    const s = serving();
    expect(nextStep(item(), null)).toEqual({ kind: 'wait' });
    expect(nextStep(item(), s)).toEqual({ kind: 'wait' });
    const held = run(s, { type: 'hold', counterNo: 3 }, T0 + 2 * MIN);
    expect(nextStep(item(), held)).toEqual({ kind: 'wait' });
    const done = run(s, { type: 'finish', counterNo: 3 }, T0 + 2 * MIN);
    expect(nextStep(item(), done)).toEqual({ kind: 'send' });
    const gone = run(s, { type: 'no_show', counterNo: 3 }, T0 + 2 * MIN);
    expect(nextStep(item(), gone).kind).toBe('drop');
    const moved = run(s, { type: 'transfer', counterNo: 3, toCounterNo: 1 }, T0 + 2 * MIN);
    expect(nextStep(item(), moved).kind).toBe('drop');
    expect(nextStep(item(), hall()).kind).toBe('drop');
    const rated = run(done, { type: 'rate', counterNo: 3, level: 3 }, T0 + 3 * MIN);
    expect(nextStep(item(), rated)).toEqual({ kind: 'done' });
  });

  it('retries when unreachable or unpaired, settles on 已评价, drops other refusals', () => {
    expect(classifyError(new ApiError('E_UNREACHABLE', 'x', 0))).toBe('retry');
    expect(classifyError(new ApiError('E_HTTP', 'x', 502))).toBe('retry');
    expect(classifyError(new ApiError('E_AUTH_INVALID', 'x', 401))).toBe('retry');
    expect(classifyError(new TypeError('fetch'))).toBe('retry');
    expect(classifyError(new ApiError('E_NOTHING_TO_RATE', '该业务已评价', 409))).toBe('settled');
    expect(classifyError(new ApiError('E_FORBIDDEN', 'x', 403))).toBe('drop');
    expect(classifyError(new ApiError('E_REASON_REQUIRED', 'x', 409))).toBe('drop');
  });
});

describe('QueueRatingRelay', () => {
  it('sends nothing while the ticket is served, then exactly once after 完成 (with the reason)', async () => {
    const svc = new FakeHall(serving());
    const relay = new QueueRatingRelay({ send: svc.send, storage: new MemoryStorage() });
    expect(relay.add(item())).toBe(true);
    expect(relay.note?.kind).toBe('waiting');
    await relay.flush(svc.state);
    expect(svc.calls).toEqual([]);
    svc.finish();
    await Promise.all([relay.flush(svc.state), relay.flush(svc.state)]);
    expect(svc.calls).toEqual([{ counterNo: 3, ticketNo: 'A001', level: 1, reason: '等候时间长' }]);
    expect(svc.state.tickets.A001).toMatchObject({ rating: 1, ratingReason: '等候时间长' });
    expect(relay.pending()).toEqual([]);
    expect(relay.note?.kind).toBe('sent');
    await relay.flush(svc.state);
    expect(svc.calls).toHaveLength(1);
    const stats = computeDayStats(svc.state, T0 + 40 * MIN);
    expect(stats.counters['3']).toMatchObject({ ratings: { '1': 1 }, badRatings: 1 });
  });

  it('a lost answer is not counted twice: resent with a stale state, the queue refuses 已评价', async () => {
    const svc = new FakeHall(serving());
    svc.finish();
    svc.loseAnswers = 1;
    const relay = new QueueRatingRelay({ send: svc.send, storage: new MemoryStorage() });
    relay.add(item({ level: 3, label: '满意', reason: undefined }));
    const stale = svc.state; // the desk's view before the rating landed
    expect(await relay.flush(stale)).toBe(true); // answer lost: retry later
    expect(relay.note?.kind).toBe('retry');
    expect(relay.pending()).toHaveLength(1);
    expect(await relay.flush(stale)).toBe(false);
    expect(svc.calls).toHaveLength(2);
    expect(relay.pending()).toEqual([]);
    const stats = computeDayStats(svc.state, T0 + 40 * MIN);
    expect(stats.total.ratings).toEqual({ '3': 1 });
  });

  it('a lost answer is not resent once the state shows the ticket rated', async () => {
    const svc = new FakeHall(serving());
    svc.finish();
    svc.loseAnswers = 1;
    const relay = new QueueRatingRelay({ send: svc.send, storage: new MemoryStorage() });
    relay.add(item({ level: 2, label: '基本满意', reason: undefined }));
    await relay.flush(svc.state);
    await relay.flush(svc.state); // the SSE stream brought the 'rated' event
    expect(svc.calls).toHaveLength(1);
    expect(relay.pending()).toEqual([]);
    expect(relay.note?.kind).toBe('sent');
  });

  it('a ticket rated on the rating pad first is left alone', async () => {
    const svc = new FakeHall(serving());
    svc.finish();
    svc.state = run(svc.state, { type: 'rate', counterNo: 3, level: 3 }, T0 + 21 * MIN);
    const relay = new QueueRatingRelay({ send: svc.send, storage: new MemoryStorage() });
    relay.add(item());
    await relay.flush(svc.state);
    expect(svc.calls).toEqual([]);
    expect(relay.note?.kind).toBe('already');
    expect(svc.state.tickets.A001?.rating).toBe(3);
  });

  it('service down: nothing thrown, kept (also across a reload) and sent when it is back', async () => {
    const svc = new FakeHall(serving());
    svc.finish();
    svc.down = true;
    const storage = new MemoryStorage();
    const logged: string[] = [];
    const relay = new QueueRatingRelay({
      send: svc.send,
      storage,
      log: (m) => logged.push(m),
    });
    relay.add(item());
    expect(await relay.flush(svc.state)).toBe(true);
    expect(relay.note?.kind).toBe('retry');
    expect(logged).toHaveLength(1);
    expect(JSON.parse(storage.getItem(PENDING_KEY) ?? '[]')).toHaveLength(1);
    // The desk reloads; the service is back.
    svc.down = false;
    const again = new QueueRatingRelay({ send: svc.send, storage });
    expect(again.pending()).toMatchObject([{ ticketNo: 'A001', tried: true }]);
    expect(await again.flush(svc.state)).toBe(false);
    expect(svc.state.tickets.A001?.rating).toBe(1);
    expect(again.note?.kind).toBe('sent');
    expect(JSON.parse(storage.getItem(PENDING_KEY) ?? '[]')).toEqual([]);
  });

  it('drops with a reason when the ticket went elsewhere, and when the queue refuses the level', async () => {
    const svc = new FakeHall(serving());
    const relay = new QueueRatingRelay({ send: svc.send, storage: null });
    relay.add(item());
    await relay.flush(run(svc.state, { type: 'no_show', counterNo: 3 }, T0 + 2 * MIN));
    expect(relay.note).toMatchObject({ kind: 'dropped', why: '该号已作过号处理' });
    expect(relay.pending()).toEqual([]);
    svc.finish();
    relay.add(item({ level: 1, reason: undefined })); // a bad level without a reason
    await relay.flush(svc.state);
    expect(relay.note).toMatchObject({ kind: 'dropped', why: '请选择或填写不满意的原因' });
    expect(svc.state.tickets.A001?.rating).toBeNull();
  });

  it('keeps the first rating pending for a ticket', () => {
    const relay = new QueueRatingRelay({ send: () => Promise.resolve(), storage: null });
    expect(relay.add(item())).toBe(true);
    expect(relay.add(item({ level: 3, label: '满意' }))).toBe(false);
    expect(relay.pending()).toMatchObject([{ level: 1 }]);
  });

  it('ignores unreadable storage', () => {
    const storage = new MemoryStorage();
    storage.setItem(PENDING_KEY, '{not json');
    expect(new QueueRatingRelay({ send: () => Promise.resolve(), storage }).pending()).toEqual([]);
    storage.setItem(PENDING_KEY, JSON.stringify([{ ticketNo: 1 }, item()]));
    expect(new QueueRatingRelay({ send: () => Promise.resolve(), storage }).pending()).toHaveLength(
      1,
    );
  });
});
