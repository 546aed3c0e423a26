// Hall queue events: the only way queue state changes. The service journals them, pushes them to
// screens and to the central endpoint; every side folds them with the same reducer (state.ts).
import { z } from 'zod';
import { CategoryId, QueueConfig } from './config';

/** Call order between lanes: green channel, checked-in appointment, key customer, everyone. */
export const Lane = z.enum(['green', 'appointment', 'key', 'normal']);
export type Lane = z.infer<typeof Lane>;

const at = z.number().int().nonnegative();
const counterNo = z.number().int().min(1).max(999);
const ticketNo = z.string().min(2).max(8);
/**
 * Staff number of the person signed in at the counter (issue 13). Optional: events journaled
 * before staff existed, or decided with the manager's key at an empty counter, have none and
 * count as "未记录".
 */
const staffNo = z.string().min(1).max(20).optional();

export const QueueEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ticket_issued'),
    at,
    ticketNo,
    categoryId: CategoryId,
    lane: Lane,
    /** Local calendar day the numbering belongs to (YYYY-MM-DD). */
    day: z.string(),
  }),
  z.object({ type: z.literal('called'), at, counterNo, ticketNo, staffNo }),
  z.object({ type: z.literal('recalled'), at, counterNo, ticketNo, staffNo }),
  z.object({ type: z.literal('no_show'), at, counterNo, ticketNo, staffNo }),
  z.object({
    type: z.literal('transferred'),
    at,
    counterNo,
    ticketNo,
    toCategoryId: CategoryId,
    /** When set, only this counter may call the ticket next. */
    toCounterNo: counterNo.nullable(),
    staffNo,
  }),
  z.object({ type: z.literal('held'), at, counterNo, ticketNo, staffNo }),
  z.object({ type: z.literal('called_back'), at, counterNo, ticketNo, staffNo }),
  z.object({ type: z.literal('paused'), at, counterNo }),
  z.object({ type: z.literal('resumed'), at, counterNo }),
  z.object({ type: z.literal('finished'), at, counterNo, ticketNo, staffNo }),
  z.object({
    type: z.literal('rated'),
    at,
    counterNo,
    ticketNo,
    level: z.number().int().min(1).max(5),
    reason: z.string().max(200).optional(),
    /** The clerk who served the ticket: the rating is theirs (and the counter's). */
    staffNo,
  }),
  /** A person signs in at a counter (the desk's signed-in staff member); replaces whoever was. */
  z.object({
    type: z.literal('counter_signed_in'),
    at,
    counterNo,
    staffNo: z.string().min(1).max(20),
    name: z.string().min(1).max(40),
  }),
  z.object({ type: z.literal('counter_signed_out'), at, counterNo, staffNo }),
  z.object({ type: z.literal('daily_cleared'), at }),
  z.object({
    type: z.literal('appointment_booked'),
    at,
    /** Check-in code given to the customer (a secret until used: never sent to screens). */
    code: z.string().regex(/^\d{6}$/),
    categoryId: CategoryId,
    slotStart: at,
    slotEnd: at,
  }),
  z.object({ type: z.literal('appointment_cancelled'), at, code: z.string() }),
  z.object({ type: z.literal('appointment_checked_in'), at, code: z.string(), ticketNo }),
  z.object({ type: z.literal('config_changed'), at, config: QueueConfig }),
]);
export type QueueEvent = z.infer<typeof QueueEvent>;
export type QueueEventType = QueueEvent['type'];

/** Events after which the display reads a call out. */
export const ANNOUNCED_EVENTS: ReadonlySet<QueueEventType> = new Set([
  'called',
  'recalled',
  'called_back',
]);

/** Events that stay on the hall service (appointment codes are check-in secrets). */
export const PRIVATE_EVENTS: ReadonlySet<QueueEventType> = new Set([
  'appointment_booked',
  'appointment_cancelled',
  'appointment_checked_in',
]);

/** One journaled event as the service numbers it (seq is the SSE event id). */
export interface QueueRecord {
  seq: number;
  event: QueueEvent;
}
