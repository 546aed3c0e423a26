// Appointments (预约取号): booking a slot (grid, capacity, how far ahead), check-in at the kiosk
// with the code only within the slot's window and only once, the checked-in ticket served right
// after the green channel and ahead of key customers and walk-ins, cancellation, the daily
// clear keeping future bookings, and codes never reaching screens.
import { describe, expect, it } from 'vitest';
import {
  PRIVATE_EVENTS,
  QueueConfig,
  createQueueState,
  decide,
  maintenanceEvents,
  nextTicketFor,
  peopleAhead,
  publicEvent,
  publicState,
  reduceAll,
  type QueueCommand,
  type QueueConfigInput,
  type QueueEvent,
  type QueueState,
} from '../../../shared/queue';
import { hallWall } from '../../support/hallWall';

const at = (h: number, m = 0, day = 26) => hallWall(2026, 10, day, h, m, 0);

function config(over: Partial<QueueConfigInput> = {}): QueueConfig {
  return QueueConfig.parse({
    categories: [
      { id: 'A', name: '业扩报装', keyLane: true },
      { id: 'B', name: '变更用电' },
    ],
    counters: [{ no: 1, name: '1号', categories: ['A', 'B'] }],
    keyCustomers: [{ ref: '0101234567' }],
    appointments: { enabled: true, slotMinutes: 30, perSlot: 2, earlyMinutes: 15, lateMinutes: 10 },
    ...over,
  });
}

class Hall {
  state: QueueState;
  now = at(8, 0);
  events: QueueEvent[] = [];
  constructor(cfg = config()) {
    this.state = createQueueState(cfg);
  }
  try(cmd: QueueCommand) {
    this.state = reduceAll(this.state, maintenanceEvents(this.state, this.now));
    const d = decide(this.state, cmd, this.now);
    if (d.ok) {
      this.state = reduceAll(this.state, d.events);
      this.events.push(...d.events);
    }
    return d;
  }
  run(cmd: QueueCommand) {
    const d = this.try(cmd);
    if (!d.ok) throw d.error;
    return d.events;
  }
  code(cmd: QueueCommand) {
    const d = this.try(cmd);
    return d.ok ? 'ok' : d.error.code;
  }
}

const book = (code: string, slotStart: number, categoryId = 'A'): QueueCommand => ({
  type: 'book_appointment',
  categoryId,
  slotStart,
  code,
});

describe('booking a slot', () => {
  it('books on the slot grid, within capacity and the booking horizon', () => {
    const h = new Hall();
    const [ev] = h.run(book('111111', at(10, 0)));
    expect(ev).toMatchObject({
      type: 'appointment_booked',
      slotStart: at(10, 0),
      slotEnd: at(10, 30),
    });
    expect(h.state.appointments?.['111111']).toMatchObject({ status: 'booked', ticketNo: null });
    expect(h.code(book('222222', at(10, 0)))).toBe('ok');
    expect(h.code(book('333333', at(10, 0)))).toBe('E_SLOT_FULL'); // perSlot 2 per category
    expect(h.code(book('333333', at(10, 0), 'B'))).toBe('ok'); // another category's slot
    expect(h.code(book('444444', at(10, 10)))).toBe('E_SLOT_INVALID'); // off the 30-min grid
    expect(h.code(book('444444', at(7, 0)))).toBe('E_SLOT_INVALID'); // already over
    expect(h.code(book('444444', at(9, 0, 26 + 15)))).toBe('E_SLOT_INVALID'); // beyond 14 days
    expect(h.code(book('111111', at(11, 0)))).toBe('E_SLOT_INVALID'); // code already in use
    expect(h.code(book('555555', at(11, 0), 'Z'))).toBe('E_UNKNOWN_CATEGORY');
  });

  it('is refused while the hall has not turned appointments on (the default)', () => {
    const h = new Hall(
      QueueConfig.parse({
        categories: [{ id: 'A', name: '业扩' }],
        counters: [{ no: 1, name: '1号', categories: ['A'] }],
      }),
    );
    expect(h.state.config.appointments.enabled).toBe(false);
    expect(h.code(book('111111', at(10, 0)))).toBe('E_APPOINTMENTS_OFF');
    expect(h.code({ type: 'check_in', code: '111111' })).toBe('E_APPOINTMENTS_OFF');
  });
});

describe('check-in at the kiosk', () => {
  it('only within the window, only once, and the cancelled or unknown code is refused', () => {
    const h = new Hall();
    h.run(book('123456', at(10, 0)));
    h.run(book('654321', at(10, 0)));
    h.now = at(9, 40); // 20 min early, window opens 15 min before
    expect(h.code({ type: 'check_in', code: '123456' })).toBe('E_CHECKIN_TOO_EARLY');
    h.now = at(9, 46);
    const events = h.run({ type: 'check_in', code: '123-456' }); // typed with a dash
    expect(events.map((e) => e.type)).toEqual(['ticket_issued', 'appointment_checked_in']);
    expect(events[0]).toMatchObject({ ticketNo: 'A001', lane: 'appointment', categoryId: 'A' });
    expect(h.state.appointments?.['123456']).toMatchObject({
      status: 'checked_in',
      ticketNo: 'A001',
    });
    expect(h.code({ type: 'check_in', code: '123456' })).toBe('E_APPOINTMENT_USED');
    expect(h.code({ type: 'check_in', code: '000000' })).toBe('E_UNKNOWN_APPOINTMENT');
    h.run({ type: 'cancel_appointment', code: '654321' });
    expect(h.code({ type: 'check_in', code: '654321' })).toBe('E_UNKNOWN_APPOINTMENT');
    expect(h.code({ type: 'cancel_appointment', code: '654321' })).toBe('E_APPOINTMENT_USED');
    // Too late: slot ended 10:30, plus 10 min.
    h.run(book('777777', at(10, 30)));
    h.now = at(11, 11);
    expect(h.code({ type: 'check_in', code: '777777' })).toBe('E_CHECKIN_TOO_LATE');
  });

  it('is served after the green channel, before key customers and walk-ins issued earlier', () => {
    const h = new Hall();
    h.run(book('123456', at(10, 0)));
    h.now = at(9, 50);
    h.run({ type: 'issue', categoryId: 'A' }); // A001 walk-in
    h.run({ type: 'issue', categoryId: 'A', customerRef: '0101234567' }); // A002 key
    h.run({ type: 'check_in', code: '123456' }); // A003 appointment
    h.run({ type: 'issue', categoryId: 'B', green: true }); // B001 green
    expect(peopleAhead(h.state, 'A003')).toBe(0);
    expect(peopleAhead(h.state, 'A002')).toBe(1);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      order.push(nextTicketFor(1, h.state)!.no);
      h.run({ type: 'call_next', counterNo: 1 });
    }
    expect(order).toEqual(['B001', 'A003', 'A002', 'A001']);
  });
});

describe('daily clear and privacy', () => {
  it('the clear drops used and past bookings and keeps the ones still to come', () => {
    const h = new Hall();
    h.run(book('111111', at(10, 0)));
    h.run(book('222222', at(10, 0, 27))); // tomorrow
    h.run(book('333333', at(19, 0)));
    h.now = at(9, 50);
    h.run({ type: 'check_in', code: '111111' });
    h.now = at(20, 30); // after the 20:00 clear
    h.run({ type: 'issue', categoryId: 'B' });
    expect(Object.keys(h.state.appointments ?? {})).toEqual(['222222']);
    expect(h.state.order).toEqual(['B001']);
  });

  it('codes never reach screens: booking events are private, the public state has none', () => {
    const h = new Hall();
    h.run(book('123456', at(10, 0)));
    h.now = at(10, 0);
    h.run({ type: 'check_in', code: '123456' });
    const pub = publicState(h.state);
    expect(pub.appointments).toBeUndefined();
    const screen = h.events.filter((e) => !PRIVATE_EVENTS.has(e.type)).map(publicEvent);
    expect(screen.map((e) => e.type)).toEqual(['ticket_issued']);
    expect(JSON.stringify([pub, screen])).not.toContain('123456');
    // A state journaled before appointments existed still works.
    const old = { ...createQueueState(config()) } as QueueState;
    delete old.appointments;
    const d = decide(old, book('999999', at(10, 0)), at(8, 0));
    expect(d.ok).toBe(true);
    if (d.ok) expect(reduceAll(old, d.events).appointments?.['999999']).toBeDefined();
  });
});
