// Per-clerk queue figures (shared/staff/queueFigures.ts): the same figures from a hall's state
// (reducer, with staff numbers from the counter's sign-in) and from the stored events the centre
// keeps; handling to submit where an application names the ticket; 未记录 apart; date range.
import { describe, expect, it } from 'vitest';
import {
  QueueConfig,
  createQueueState,
  decide,
  reduce,
  type QueueCommand,
  type QueueEvent,
  type QueueState,
} from '../../../shared/queue';
import {
  avgMs,
  clerkQueueFigures,
  mergeClerkFigures,
  servedFromEvents,
  servedFromTickets,
} from '../../../shared/staff/queueFigures';

const config = QueueConfig.parse({
  hallName: '测试厅',
  categories: [{ id: 'A', name: '业扩报装' }],
  counters: [
    { no: 1, name: '1号窗口', categories: ['A'] },
    { no: 2, name: '2号窗口', categories: ['A'] },
  ],
});
const bad = new Set(config.ratingLevels.filter((l) => l.bad).map((l) => l.value));
const T0 = Date.parse('2026-12-07T01:00:00Z');

function run(cmds: Array<[number, QueueCommand]>) {
  let state: QueueState = createQueueState(config);
  const events: QueueEvent[] = [];
  for (const [min, cmd] of cmds) {
    const d = decide(state, cmd, T0 + min * 60_000);
    if (!d.ok) throw d.error;
    for (const e of d.events) {
      events.push(e);
      state = reduce(state, e);
    }
  }
  return { state, events };
}

const clerk = (counterNo: number, staffNo: string): QueueCommand => ({
  type: 'sign_in',
  counterNo,
  staffNo,
  name: staffNo,
  roles: ['clerk'],
});
const issue: QueueCommand = { type: 'issue', categoryId: 'A' };

describe('queue figures per clerk', () => {
  const { state, events } = run([
    [0, issue], // A001
    [0, issue], // A002
    [1, issue], // A003
    [2, issue], // A004
    [2, clerk(1, 'C001')],
    [5, { type: 'call_next', counterNo: 1 }], // A001 waited 5 min
    [15, { type: 'finish', counterNo: 1 }], // 10 min handling
    [16, { type: 'rate', counterNo: 1, level: 1, reason: '态度差' }],
    [16, { type: 'call_next', counterNo: 1 }], // A002 waited 16
    [17, { type: 'no_show', counterNo: 1 }],
    [17, clerk(2, 'C002')],
    [20, { type: 'call_next', counterNo: 2 }], // A003 waited 19
    [26, { type: 'finish', counterNo: 2 }], // 6 min
    [26, { type: 'rate', counterNo: 2, level: 3 }],
    [27, { type: 'sign_out', counterNo: 2 }],
    [30, { type: 'call_next', counterNo: 2 }], // A004 by nobody: 未记录
    [31, { type: 'finish', counterNo: 2 }],
  ]);
  const day = state.day;
  const opts = {
    from: day,
    to: day,
    badLevels: bad,
    submits: [{ day, ticketNo: 'A001', submittedAt: T0 + 12 * 60_000 }],
  };

  it('counts served, no-shows, handling, waiting, submit and ratings per clerk', () => {
    const figs = clerkQueueFigures(servedFromTickets(day, Object.values(state.tickets)), opts);
    expect(figs.map((f) => f.staffNo)).toEqual(['C001', 'C002', null]);
    const [c1, c2, none] = figs;
    expect(c1).toMatchObject({
      called: 2,
      served: 1,
      noShows: 1,
      handlingMsSum: 10 * 60_000,
      handlingN: 1,
      submitMsSum: 7 * 60_000,
      submitN: 1,
      rated: 1,
      badRatings: 1,
      badReasons: { 态度差: 1 },
      counters: [1],
    });
    expect(avgMs(c1!.waitMsSum, c1!.waitN)).toBe(((5 + 16) / 2) * 60_000);
    expect(c2).toMatchObject({ served: 1, handlingMsSum: 6 * 60_000, rated: 1, badRatings: 0 });
    expect(c2!.ratings).toEqual({ '3': 1 });
    expect(none).toMatchObject({ staffNo: null, served: 1 });
  });

  it('gives the same figures from the events the centre stores', () => {
    const fromState = clerkQueueFigures(servedFromTickets(day, Object.values(state.tickets)), opts);
    const fromEvents = clerkQueueFigures(
      servedFromEvents(events.map((event) => ({ day, event }))),
      opts,
    );
    expect(fromEvents).toEqual(fromState);
  });

  it('keeps to the date range, merges periods, and the daily clear keeps them in history', () => {
    const served = servedFromTickets(day, Object.values(state.tickets));
    expect(
      clerkQueueFigures(served, { from: '2000-01-01', to: '2000-01-02', badLevels: bad }),
    ).toEqual([]);
    const once = clerkQueueFigures(served, { from: day, to: day, badLevels: bad });
    const twice = mergeClerkFigures(once, once);
    expect(twice.find((f) => f.staffNo === 'C001')).toMatchObject({ served: 2, noShows: 2 });
    const cleared = reduce(state, { type: 'daily_cleared', at: T0 + 20 * 3_600_000 });
    expect(cleared.history.at(-1)!.clerks).toEqual(once);
    // Nobody stays signed in overnight.
    expect(cleared.counters['1']!.staffNo).toBeNull();
  });

  it('refuses a sign-in without the clerk role (E_STAFF_ROLE)', () => {
    const d = decide(
      state,
      { type: 'sign_in', counterNo: 1, staffNo: 'B1', name: '后台', roles: ['back_office'] },
      T0,
    );
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.error.code).toBe('E_STAFF_ROLE');
  });
});
