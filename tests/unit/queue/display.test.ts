// What the hall display shows (issue 12 §6), as rules: the large panel drops a no-show, the
// recent-calls list shows each ticket once, a paused counter still says which ticket it serves,
// and the voice line replaces an unread call of the same counter and drops stale ones.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUEUE_CONFIG,
  QueueConfig,
  addAnnouncement,
  createQueueState,
  decide,
  displayView,
  reduceAll,
  takeAnnouncement,
  type PendingAnnouncement,
  type QueueCommand,
  type QueueState,
} from '../../../shared/queue';
import { hallWall } from '../../support/hallWall';

const T0 = hallWall(2026, 11, 7, 9, 0, 0);

function hall() {
  let state: QueueState = createQueueState(
    QueueConfig.parse({
      categories: [{ id: 'A', name: '业扩报装' }],
      counters: [
        { no: 1, name: '1号窗口', categories: ['A'] },
        { no: 2, name: '2号窗口', categories: ['A'] },
      ],
      recallLimit: 6,
    }),
  );
  let now = T0;
  const run = (cmd: QueueCommand) => {
    now += 1000;
    const d = decide(state, cmd, now);
    if (!d.ok) throw d.error;
    state = reduceAll(state, d.events);
  };
  return {
    run,
    get state() {
      return state;
    },
  };
}

describe('display view', () => {
  it('a ticket marked no-show leaves the large panel; the previous live call shows', () => {
    const h = hall();
    h.run({ type: 'issue', categoryId: 'A' });
    h.run({ type: 'issue', categoryId: 'A' });
    h.run({ type: 'call_next', counterNo: 1 }); // A001 → 1
    h.run({ type: 'call_next', counterNo: 2 }); // A002 → 2
    expect(displayView(h.state).now?.ticketNo).toBe('A002');
    h.run({ type: 'no_show', counterNo: 2 });
    expect(displayView(h.state).now?.ticketNo).toBe('A001');
    h.run({ type: 'no_show', counterNo: 1 });
    expect(displayView(h.state).now).toBeNull();
  });

  it('six recalls of one ticket are one line of the recent calls', () => {
    const h = hall();
    for (let i = 0; i < 3; i++) h.run({ type: 'issue', categoryId: 'A' });
    h.run({ type: 'call_next', counterNo: 2 }); // A001
    h.run({ type: 'call_next', counterNo: 1 }); // A002
    for (let i = 0; i < 6; i++) h.run({ type: 'recall', counterNo: 1 });
    const recent = displayView(h.state).recent;
    expect(recent.map((c) => c.ticketNo)).toEqual(['A002', 'A001']);
    expect(recent[0]?.kind).toBe('recalled');
  });

  it('a paused counter still shows the ticket it is serving', () => {
    const h = hall();
    h.run({ type: 'issue', categoryId: 'A' });
    h.run({ type: 'call_next', counterNo: 1 });
    h.run({ type: 'pause', counterNo: 1 });
    expect(displayView(h.state).counters[0]).toMatchObject({
      no: 1,
      paused: true,
      current: 'A001',
    });
  });
});

describe('announcement line', () => {
  const call = (counterNo: number, ticketNo: string, at: number): PendingAnnouncement => ({
    text: `请${ticketNo}号到${counterNo}号窗口办理`,
    repeat: 2,
    counterNo,
    ticketNo,
    at,
  });

  it('a later call of the same counter replaces the unread one, in its place', () => {
    let line: PendingAnnouncement[] = [];
    line = addAnnouncement(line, call(1, 'A001', 0));
    line = addAnnouncement(line, call(2, 'A002', 100));
    line = addAnnouncement(line, call(1, 'A003', 200));
    line = addAnnouncement(line, call(1, 'A003', 300)); // a recall
    expect(line.map((p) => [p.counterNo, p.ticketNo, p.at])).toEqual([
      [1, 'A003', 300],
      [2, 'A002', 100],
    ]);
  });

  it('five quick calls at five counters: the ones too old by the time are dropped unread', () => {
    let line: PendingAnnouncement[] = [];
    for (let i = 1; i <= 5; i++) line = addAnnouncement(line, call(i, `A00${i}`, i * 100));
    const first = takeAnnouncement(line, 1_000, 30_000);
    expect(first.next?.counterNo).toBe(1);
    // Reading the first took ~30 s: the calls of counters 2–4 are stale by now, 5 is not yet.
    const later = takeAnnouncement(first.rest, 30_450, 30_000);
    expect(later.next?.counterNo).toBe(5);
    expect(later.dropped.map((p) => p.counterNo)).toEqual([2, 3, 4]);
    expect(takeAnnouncement([], 0, 1).next).toBeNull();
  });

  it('the maximum age is configuration', () => {
    expect(DEFAULT_QUEUE_CONFIG.announcementMaxAgeSeconds).toBe(30);
    const cfg = QueueConfig.parse({ ...DEFAULT_QUEUE_CONFIG, announcementMaxAgeSeconds: 10 });
    expect(cfg.announcementMaxAgeSeconds).toBe(10);
  });
});
