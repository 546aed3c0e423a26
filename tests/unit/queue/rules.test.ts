// Queue rules: routing (counter order, category priority, green channel, key lane), recall limit,
// transfer, hold / call back, pause, daily clear, estimated wait, statistics and alarms.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUEUE_CONFIG,
  QueueConfig,
  RATING_LEVELS_5,
  announcementText,
  computeAlarms,
  computeDayStats,
  createQueueState,
  dailyClearDue,
  decide,
  estimateWaitMinutes,
  maintenanceEvents,
  nextTicketFor,
  peopleAhead,
  reduceAll,
  reduceInPlace,
  type QueueCommand,
  type QueueConfigInput,
  type QueueState,
} from '../../../shared/queue';
import { hallWall } from '../../support/hallWall';

const T0 = hallWall(2026, 10, 26, 9, 0, 0);
const MIN = 60_000;

function config(over: Partial<QueueConfigInput> = {}): QueueConfig {
  return QueueConfig.parse({
    categories: [
      { id: 'A', name: '业扩报装', keyLane: true, defaultServiceMinutes: 10 },
      { id: 'B', name: '变更用电', defaultServiceMinutes: 6 },
      { id: 'C', name: '电费缴纳', defaultServiceMinutes: 2, greenChannel: false },
      { id: 'V', name: '大客户', priority: 5 },
    ],
    counters: [
      { no: 1, name: '1号', categories: ['A', 'B'] },
      { no: 2, name: '2号', categories: ['B', 'A'] },
      { no: 3, name: '3号', categories: ['C', 'A', 'V'] },
    ],
    keyCustomers: [{ ref: '0101234567' }],
    ...over,
  });
}

/** A tiny driver: runs commands through decide + reduce like the service does. */
class Hall {
  state: QueueState;
  now = T0;
  constructor(cfg = config()) {
    this.state = createQueueState(cfg);
  }
  run(cmd: QueueCommand, advanceMin = 0) {
    this.now += advanceMin * MIN;
    const maint = maintenanceEvents(this.state, this.now);
    this.state = reduceAll(this.state, maint);
    const d = decide(this.state, cmd, this.now);
    if (!d.ok) throw d.error;
    this.state = reduceAll(this.state, d.events);
    return d.events;
  }
  issue(categoryId: string, extra: { green?: boolean; customerRef?: string } = {}, adv = 0) {
    const [e] = this.run({ type: 'issue', categoryId, ...extra }, adv).filter(
      (x) => x.type === 'ticket_issued',
    );
    return e && e.type === 'ticket_issued' ? e.ticketNo : '';
  }
  call(counterNo: number, adv = 0): string | null {
    this.run({ type: 'call_next', counterNo }, adv);
    return this.state.counters[String(counterNo)]?.current ?? null;
  }
  fails(cmd: QueueCommand): string {
    const d = decide(this.state, cmd, this.now);
    return d.ok ? 'ok' : d.error.code;
  }
}

describe('numbering and routing', () => {
  it('numbers tickets per category with the prefix letter', () => {
    const h = new Hall();
    expect([h.issue('A'), h.issue('A'), h.issue('B'), h.issue('A')]).toEqual([
      'A001',
      'A002',
      'B001',
      'A003',
    ]);
  });

  it("calls by the counter's category order, first come first served within a category", () => {
    const h = new Hall();
    h.issue('B');
    h.issue('A');
    h.issue('A');
    expect(h.call(1)).toBe('A001'); // counter 1 prefers A
    expect(h.call(2)).toBe('B001'); // counter 2 prefers B
    expect(h.call(2)).toBe('A002'); // then A
    expect(h.fails({ type: 'call_next', counterNo: 1 })).toBe('E_QUEUE_EMPTY');
  });

  it('calls a higher-priority category first whatever the counter order', () => {
    const h = new Hall();
    h.issue('C');
    h.issue('V');
    expect(h.call(3)).toBe('V001');
  });

  it('green channel goes first, then key customers, then the rest', () => {
    const h = new Hall();
    h.issue('A');
    h.issue('A', { customerRef: '010-1234567' }); // key customer (dashes ignored)
    h.issue('A', { green: true });
    expect(h.state.tickets.A002?.lane).toBe('key');
    expect(h.state.tickets.A003?.lane).toBe('green');
    expect(h.call(1)).toBe('A003');
    expect(h.call(1)).toBe('A002');
    expect(h.call(1)).toBe('A001');
  });

  it('a key customer gets a ticket for the business they pressed, in its key lane', () => {
    // Issue 12 §6: a key customer who pressed 变更用电 got a 业扩报装 ticket.
    const h = new Hall(
      config({
        categories: [
          { id: 'A', name: '业扩报装', keyLane: true },
          { id: 'B', name: '变更用电', keyLane: true },
          { id: 'C', name: '电费缴纳' },
        ],
        counters: [{ no: 1, name: '1号', categories: ['A', 'B', 'C'] }],
      }),
    );
    expect(h.issue('B', { customerRef: '0101234567' })).toBe('B001');
    expect(h.state.tickets.B001?.lane).toBe('key');
    expect(h.issue('B', { customerRef: '999999' })).toBe('B002');
    expect(h.state.tickets.B002?.lane).toBe('normal');
    // A category without a key lane: still their business, an ordinary ticket.
    expect(h.issue('C', { customerRef: '0101234567' })).toBe('C001');
    expect(h.state.tickets.C001?.lane).toBe('normal');
  });

  it('the default hall offers the key lane for 变更用电 too', () => {
    const h = new Hall({ ...DEFAULT_QUEUE_CONFIG, keyCustomers: [{ ref: '0101234567' }] });
    expect(h.issue('B', { customerRef: '0101234567' })).toBe('B001');
    expect(h.state.tickets.B001?.lane).toBe('key');
  });

  it('green is ignored in a category without a green channel', () => {
    const h = new Hall();
    h.issue('C', { green: true });
    expect(h.state.tickets.C001?.lane).toBe('normal');
  });

  it('refuses unknown or disabled categories and counters', () => {
    const h = new Hall(
      config({
        categories: [
          { id: 'A', name: 'a' },
          { id: 'B', name: 'b', enabled: false },
        ],
        counters: [{ no: 1, name: '1', categories: ['A', 'B'] }],
      }),
    );
    expect(h.fails({ type: 'issue', categoryId: 'B' })).toBe('E_UNKNOWN_CATEGORY');
    expect(h.fails({ type: 'issue', categoryId: 'Q' })).toBe('E_UNKNOWN_CATEGORY');
    expect(h.fails({ type: 'call_next', counterNo: 7 })).toBe('E_UNKNOWN_COUNTER');
  });

  it('calling next finishes the customer being served', () => {
    const h = new Hall();
    h.issue('A');
    h.issue('A');
    h.call(1);
    h.call(1, 5);
    expect(h.state.tickets.A001?.status).toBe('finished');
    expect(h.state.counters['1']?.awaitingRating).toBe('A001');
  });
});

describe('counter actions', () => {
  it('bounds recalls by the configured limit', () => {
    const h = new Hall(config({ recallLimit: 2 }));
    h.issue('A');
    h.call(1);
    h.run({ type: 'recall', counterNo: 1 });
    h.run({ type: 'recall', counterNo: 1 });
    expect(h.fails({ type: 'recall', counterNo: 1 })).toBe('E_RECALL_LIMIT');
    expect(h.state.recentCalls.map((c) => c.kind)).toEqual(['recalled', 'recalled', 'called']);
    h.run({ type: 'no_show', counterNo: 1 });
    expect(h.state.tickets.A001?.status).toBe('no_show');
    expect(h.fails({ type: 'recall', counterNo: 1 })).toBe('E_NO_CURRENT_TICKET');
  });

  it('default recall limit is 6', () => {
    expect(config().recallLimit).toBe(6);
  });

  it('transfers to another category, where it is called before ordinary tickets', () => {
    const h = new Hall();
    h.issue('B');
    h.issue('A');
    expect(h.call(1)).toBe('A001');
    h.run({ type: 'transfer', counterNo: 1, toCategoryId: 'B' });
    const t = h.state.tickets.A001;
    expect(t?.status).toBe('waiting');
    expect(t?.categoryId).toBe('B');
    expect(h.state.counters['1']?.current).toBeNull();
    expect(h.call(2)).toBe('A001'); // ahead of B001 (already waited once)
    expect(h.call(2)).toBe('B001');
  });

  it('transfers to a named counter: only that counter may call it', () => {
    const h = new Hall();
    h.issue('A');
    h.call(1);
    h.run({ type: 'transfer', counterNo: 1, toCounterNo: 3 });
    expect(h.fails({ type: 'call_next', counterNo: 2 })).toBe('E_QUEUE_EMPTY');
    expect(h.call(3)).toBe('A001');
    expect(h.fails({ type: 'transfer', counterNo: 3, toCounterNo: 3 })).toBe('E_BAD_TRANSFER');
    expect(h.fails({ type: 'transfer', counterNo: 3, toCounterNo: 42 })).toBe('E_UNKNOWN_COUNTER');
  });

  it('holds and calls back', () => {
    const h = new Hall();
    h.issue('A');
    h.issue('A');
    h.call(1);
    h.run({ type: 'hold', counterNo: 1 });
    expect(h.state.counters['1']?.held).toEqual(['A001']);
    expect(h.state.tickets.A001?.status).toBe('held');
    expect(h.call(1)).toBe('A002');
    expect(h.fails({ type: 'call_back', counterNo: 1, ticketNo: 'A001' })).toBe('E_COUNTER_BUSY');
    h.run({ type: 'finish', counterNo: 1 });
    expect(h.fails({ type: 'call_back', counterNo: 2, ticketNo: 'A001' })).toBe('E_UNKNOWN_TICKET');
    h.run({ type: 'call_back', counterNo: 1, ticketNo: 'A001' });
    expect(h.state.counters['1']?.current).toBe('A001');
    expect(h.state.counters['1']?.held).toEqual([]);
    expect(h.state.recentCalls[0]?.kind).toBe('called_back');
  });

  it('a paused counter cannot call; resume restores it', () => {
    const h = new Hall();
    h.issue('A');
    h.run({ type: 'pause', counterNo: 1 });
    expect(h.state.counters['1']?.paused).toBe(true);
    expect(h.fails({ type: 'call_next', counterNo: 1 })).toBe('E_COUNTER_PAUSED');
    h.run({ type: 'resume', counterNo: 1 });
    expect(h.call(1)).toBe('A001');
  });

  it('rates the last finished ticket; a bad rating needs a reason', () => {
    const h = new Hall(config({ ratingLevels: RATING_LEVELS_5 }));
    h.issue('A');
    h.call(1);
    expect(h.fails({ type: 'rate', counterNo: 1, level: 5 })).toBe('E_NOTHING_TO_RATE');
    h.run({ type: 'finish', counterNo: 1 }, 4);
    expect(h.fails({ type: 'rate', counterNo: 1, level: 1 })).toBe('E_REASON_REQUIRED');
    h.run({ type: 'rate', counterNo: 1, level: 1, reason: '等候时间长' });
    expect(h.state.tickets.A001).toMatchObject({ rating: 1, ratingReason: '等候时间长' });
    expect(h.state.counters['1']?.awaitingRating).toBeNull();
    expect(h.fails({ type: 'rate', counterNo: 1, level: 5, ticketNo: 'A001' })).toBe(
      'E_NOTHING_TO_RATE',
    );
  });

  it('fills the announcement template', () => {
    expect(announcementText(config(), 'A001', 3)).toBe('请A001号到3号窗口办理');
  });
});

describe('estimated wait', () => {
  it('uses the default service time until there are real ones, divided by open counters', () => {
    const h = new Hall();
    h.issue('A');
    h.issue('A');
    h.issue('A');
    expect(peopleAhead(h.state, 'A003')).toBe(2);
    // A: 10 min default, served by counters 1, 2 and 3 → 2 × 10 / 3 ≈ 7
    expect(estimateWaitMinutes(h.state, 'A', 2)).toBe(7);
    h.run({ type: 'pause', counterNo: 2 });
    h.run({ type: 'pause', counterNo: 3 });
    expect(estimateWaitMinutes(h.state, 'A', 2)).toBe(20);
  });

  it('follows recent service times', () => {
    const h = new Hall();
    for (let i = 0; i < 4; i++) h.issue('C');
    h.call(3);
    h.call(3, 4); // A: C001 served 4 min
    h.call(3, 6); // C002 served 6 min
    expect(estimateWaitMinutes(h.state, 'C', 3)).toBe(15); // 3 × 5 min, one counter
  });

  it('green tickets have only green tickets ahead', () => {
    const h = new Hall();
    h.issue('A');
    h.issue('A');
    h.issue('A', { green: true });
    expect(peopleAhead(h.state, 'A003')).toBe(0);
    expect(peopleAhead(h.state, 'A002')).toBe(2);
  });
});

describe('daily clear', () => {
  it('clears every unfinished ticket at the configured time and restarts numbering', () => {
    const h = new Hall(config({ dailyClearTime: '17:30' }));
    h.issue('A');
    h.issue('A');
    h.call(1);
    h.run({ type: 'hold', counterNo: 1 });
    expect(dailyClearDue(h.state, hallWall(2026, 10, 26, 17, 29))).toBe(false);
    const at = hallWall(2026, 10, 26, 17, 31);
    expect(dailyClearDue(h.state, at)).toBe(true);
    h.now = at;
    expect(h.issue('A')).toBe('A001');
    expect(h.state.order).toEqual(['A001']);
    expect(h.state.counters['1']?.held).toEqual([]);
    expect(h.state.history).toHaveLength(1);
    expect(h.state.history[0]).toMatchObject({ day: '2026-11-26' });
    expect(h.state.history[0]?.total.tickets).toBe(2);
    // A ticket issued after the clear time stays until the day changes.
    expect(dailyClearDue(h.state, at + 10 * MIN)).toBe(false);
    expect(dailyClearDue(h.state, hallWall(2026, 10, 27, 8, 0))).toBe(true);
  });

  it('catches up after a night off: the next morning starts at 001', () => {
    const h = new Hall(config({ dailyClearTime: '23:59' }));
    h.issue('B');
    h.now = hallWall(2026, 10, 27, 8, 30);
    expect(h.issue('B')).toBe('B001');
    expect(h.state.day).toBe('2026-11-27');
  });

  it('keeps pauses across the clear', () => {
    const h = new Hall();
    h.issue('A');
    h.run({ type: 'pause', counterNo: 2 });
    h.run({ type: 'daily_clear' });
    expect(h.state.counters['2']?.paused).toBe(true);
    expect(h.state.order).toEqual([]);
  });
});

describe('statistics and alarms', () => {
  it('aggregates per category and counter', () => {
    const h = new Hall();
    h.issue('A'); // 09:00
    h.issue('B', {}, 2); // 09:02
    h.call(1, 3); // 09:05 A001 waited 5
    h.call(2, 1); // 09:06 B001 waited 4
    h.run({ type: 'finish', counterNo: 1 }, 6); // 09:12 A001 service 7
    h.run({ type: 'rate', counterNo: 1, level: 3 });
    h.run({ type: 'no_show', counterNo: 2 });
    h.issue('A'); // 09:12 waiting
    const s = computeDayStats(h.state, h.now + 3 * MIN);
    expect(s.total).toMatchObject({ tickets: 3, served: 1, noShows: 1, waiting: 1 });
    expect(s.categories.A).toMatchObject({
      tickets: 2,
      served: 1,
      avgWaitMs: 5 * MIN,
      maxWaitMs: 5 * MIN,
      avgServiceMs: 7 * MIN,
      ratings: { '3': 1 },
    });
    expect(s.categories.B).toMatchObject({ noShows: 1, avgWaitMs: 4 * MIN });
    expect(s.counters['1']).toMatchObject({ served: 1, avgServiceMs: 7 * MIN });
    expect(s.counters['2']).toMatchObject({ noShows: 1, served: 0 });
  });

  it('raises an alarm when a category waits past its limit', () => {
    const h = new Hall(
      config({
        categories: [
          { id: 'A', name: 'a', waitAlarmMinutes: 10 },
          { id: 'B', name: 'b', waitAlarmMinutes: 30 },
        ],
        counters: [{ no: 1, name: '1', categories: ['A', 'B'] }],
      }),
    );
    h.issue('A');
    h.issue('B');
    expect(computeAlarms(h.state, h.now + 9 * MIN)).toEqual([]);
    const alarms = computeAlarms(h.state, h.now + 11 * MIN);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ categoryId: 'A', waiting: 1, limitMs: 10 * MIN });
    h.call(1);
    expect(computeAlarms(h.state, h.now + 11 * MIN)).toEqual([]);
  });
});

describe('configuration', () => {
  it('rejects duplicate prefixes and counters serving unknown categories', () => {
    const bad = QueueConfig.safeParse({
      categories: [
        { id: 'A', name: 'a' },
        { id: 'A', name: 'b' },
      ],
      counters: [{ no: 1, name: '1', categories: ['Z'] }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.message).join()).toMatch(/类别前缀重复.*不存在的类别/);
  });

  it('a config change keeps tickets and adds new counters', () => {
    const h = new Hall();
    h.issue('A');
    const cfg = config();
    cfg.counters.push({ no: 9, name: '9号', categories: ['A'] });
    h.run({ type: 'set_config', config: cfg });
    expect(nextTicketFor(9, h.state)?.no).toBe('A001');
  });
});

describe('in-place reducer (service) and copying reducer (screens) agree', () => {
  it('gives the same state for a long random day, and the copying one never mutates', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const h = new Hall();
    const events = [];
    for (let i = 0; i < 400; i++) {
      const r = rnd();
      const counterNo = 1 + Math.floor(rnd() * 3);
      const cmd: QueueCommand =
        r < 0.35
          ? { type: 'issue', categoryId: 'ABCV'[Math.floor(rnd() * 4)]!, green: rnd() < 0.1 }
          : r < 0.6
            ? { type: 'call_next', counterNo }
            : r < 0.7
              ? { type: 'recall', counterNo }
              : r < 0.75
                ? { type: 'hold', counterNo }
                : r < 0.8
                  ? { type: 'transfer', counterNo, toCategoryId: 'B' }
                  : r < 0.9
                    ? { type: 'finish', counterNo }
                    : { type: 'no_show', counterNo };
      const d = decide(h.state, cmd, h.now + i * MIN);
      if (!d.ok) continue;
      h.state = reduceAll(h.state, d.events);
      events.push(...d.events);
    }
    expect(events.length).toBeGreaterThan(200);
    let inPlace = createQueueState(config());
    for (const e of events) inPlace = reduceInPlace(inPlace, e);
    expect(inPlace).toEqual(h.state);
    // The copying reducer leaves every earlier state untouched (React keeps old states).
    const s0 = createQueueState(config());
    const half = reduceAll(s0, events.slice(0, 150));
    const frozen = [JSON.stringify(s0), JSON.stringify(half)];
    reduceAll(half, events.slice(150));
    expect([JSON.stringify(s0), JSON.stringify(half)]).toEqual(frozen);
  });
});
