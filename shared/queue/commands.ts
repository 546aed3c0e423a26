// Queue commands (what a kiosk, counter, rating pad or manager asks for) decided against the
// current state into events, or refused with a coded Chinese message. Pure: the caller supplies
// the clock, journals the events and only then acknowledges.
import { z } from 'zod';
import { may, allowedRolesText, Role } from '../staff/roles';
import { CategoryId, QueueConfig, appointmentSettings } from './config';
import type { Lane, QueueEvent } from './events';
import {
  bookingsInSlot,
  categoryOf,
  slotBounds,
  dailyClearDue,
  formatTicketNo,
  localDay,
  nextTicketFor,
  type QueueState,
} from './state';

const counterNo = z.number().int().min(1).max(999);

export const QueueCommand = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('issue'),
    categoryId: CategoryId,
    /** 绿色通道: elderly or disabled customer (the kiosk asks). */
    green: z.boolean().optional(),
    /** 户号 or phone typed at the kiosk: only used to route key customers, never stored. */
    customerRef: z.string().trim().max(30).optional(),
    /**
     * Set by the hall service when `customerRef` is in the centre's key-customer register
     * (server/hall/keyRegister.ts); the kiosk's own value is never taken.
     */
    keyRegistered: z.boolean().optional(),
  }),
  z.object({ type: z.literal('call_next'), counterNo }),
  z.object({ type: z.literal('recall'), counterNo }),
  z.object({ type: z.literal('no_show'), counterNo }),
  z.object({ type: z.literal('hold'), counterNo }),
  z.object({ type: z.literal('call_back'), counterNo, ticketNo: z.string().min(2).max(8) }),
  z.object({
    type: z.literal('transfer'),
    counterNo,
    toCategoryId: CategoryId.optional(),
    toCounterNo: counterNo.optional(),
  }),
  z.object({ type: z.literal('pause'), counterNo }),
  z.object({ type: z.literal('resume'), counterNo }),
  z.object({ type: z.literal('finish'), counterNo }),
  /** The desk's signed-in person takes the counter (issue 13); roles as the desk verified them. */
  z.object({
    type: z.literal('sign_in'),
    counterNo,
    staffNo: z.string().trim().min(1).max(20),
    name: z.string().trim().min(1).max(40),
    roles: z.array(Role).max(10),
  }),
  z.object({ type: z.literal('sign_out'), counterNo }),
  z.object({
    type: z.literal('rate'),
    counterNo,
    level: z.number().int().min(1).max(5),
    reason: z.string().trim().max(200).optional(),
    /** Defaults to the counter's last finished ticket awaiting a rating. */
    ticketNo: z.string().min(2).max(8).optional(),
  }),
  z.object({
    type: z.literal('book_appointment'),
    categoryId: CategoryId,
    /** Local start of the slot (epoch ms, on the slot grid). */
    slotStart: z.number().int().nonnegative(),
    /** Six-digit check-in code, drawn by the service (random, unique among live bookings). */
    code: z.string().regex(/^\d{6}$/),
  }),
  z.object({ type: z.literal('cancel_appointment'), code: z.string().trim().min(1).max(12) }),
  /** At the kiosk: the customer's code issues their ticket (lane 'appointment'). */
  z.object({ type: z.literal('check_in'), code: z.string().trim().min(1).max(12) }),
  z.object({ type: z.literal('set_config'), config: QueueConfig }),
  z.object({ type: z.literal('daily_clear') }),
]);
export type QueueCommand = z.infer<typeof QueueCommand>;

export type QueueErrorCode =
  | 'E_UNKNOWN_CATEGORY'
  | 'E_UNKNOWN_COUNTER'
  | 'E_UNKNOWN_TICKET'
  | 'E_QUEUE_EMPTY'
  | 'E_COUNTER_PAUSED'
  | 'E_COUNTER_BUSY'
  | 'E_NO_CURRENT_TICKET'
  | 'E_RECALL_LIMIT'
  | 'E_BAD_TRANSFER'
  | 'E_NOTHING_TO_RATE'
  | 'E_REASON_REQUIRED'
  | 'E_BAD_RATING'
  | 'E_APPOINTMENTS_OFF'
  | 'E_SLOT_INVALID'
  | 'E_SLOT_FULL'
  | 'E_UNKNOWN_APPOINTMENT'
  | 'E_APPOINTMENT_USED'
  | 'E_CHECKIN_TOO_EARLY'
  | 'E_CHECKIN_TOO_LATE'
  | 'E_STAFF_ROLE';

export class QueueRuleError extends Error {
  constructor(
    readonly code: QueueErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'QueueRuleError';
  }
}

export type Decision = { ok: true; events: QueueEvent[] } | { ok: false; error: QueueRuleError };

const fail = (code: QueueErrorCode, message: string): Decision => ({
  ok: false,
  error: new QueueRuleError(code, message),
});
const ok = (...events: QueueEvent[]): Decision => ({ ok: true, events });

/** Whether a typed 户号 / phone is a configured key customer, and the category of their lane. */
export function keyCustomerCategory(
  state: QueueState,
  ref: string | undefined,
  /** The centre's register (kept by the hall service): a hit goes to the first key lane. */
  inRegister?: (ref: string) => boolean,
): string | null {
  if (!ref) return null;
  const clean = ref.replace(/[\s-]/g, '');
  const hit: { categoryId?: string | undefined } | undefined =
    state.config.keyCustomers.find((k) => k.ref.replace(/[\s-]/g, '') === clean) ??
    (inRegister?.(ref) ? {} : undefined);
  if (!hit) return null;
  const laneCats = state.config.categories.filter((c) => c.keyLane && c.enabled);
  if (hit.categoryId && laneCats.some((c) => c.id === hit.categoryId)) return hit.categoryId;
  return laneCats[0]?.id ?? null;
}

/**
 * Decide a command at time `now`. A due daily clear is NOT added here: the service runs
 * `maintenanceEvents` first so the clear is its own journaled event.
 */
export function decide(state: QueueState, cmd: QueueCommand, now: number): Decision {
  if (cmd.type === 'issue') return decideIssue(state, cmd, now);
  if (cmd.type === 'set_config') return ok({ type: 'config_changed', at: now, config: cmd.config });
  if (cmd.type === 'daily_clear') return ok({ type: 'daily_cleared', at: now });
  if (cmd.type === 'book_appointment') return decideBooking(state, cmd, now);
  if (cmd.type === 'cancel_appointment') {
    const a = state.appointments?.[cmd.code.replace(/\D/g, '')];
    if (!a) return fail('E_UNKNOWN_APPOINTMENT', '没有这个预约');
    if (a.status !== 'booked') return fail('E_APPOINTMENT_USED', '该预约已签到或已取消');
    return ok({ type: 'appointment_cancelled', at: now, code: a.code });
  }
  if (cmd.type === 'check_in') return decideCheckIn(state, cmd.code, now);

  const cfg = state.config.counters.find((c) => c.no === cmd.counterNo);
  const counter = state.counters[String(cmd.counterNo)];
  if (!cfg || !counter) return fail('E_UNKNOWN_COUNTER', `没有${cmd.counterNo}号窗口`);
  const currentNo = counter.current;
  const current = currentNo ? state.tickets[currentNo] : undefined;
  const counterNo = cmd.counterNo;
  // Every counter action carries the person signed in there (none: 未记录).
  const by = counter.staffNo ? { staffNo: counter.staffNo } : {};

  switch (cmd.type) {
    case 'sign_in': {
      if (!may(cmd.roles, 'queue.serve')) {
        return fail(
          'E_STAFF_ROLE',
          `工号 ${cmd.staffNo} 没有叫号的角色，需要：${allowedRolesText('queue.serve')}`,
        );
      }
      if (counter.staffNo === cmd.staffNo && counter.staffName === cmd.name) return ok();
      return ok({
        type: 'counter_signed_in',
        at: now,
        counterNo,
        staffNo: cmd.staffNo,
        name: cmd.name,
      });
    }
    case 'sign_out':
      return counter.staffNo ? ok({ type: 'counter_signed_out', at: now, counterNo, ...by }) : ok();
    case 'call_next': {
      if (counter.paused) return fail('E_COUNTER_PAUSED', '窗口已暂停服务，请先恢复服务');
      const next = nextTicketFor(counterNo, state);
      if (!next) return fail('E_QUEUE_EMPTY', '当前没有等候的号');
      // Calling the next customer finishes the one being served (the usual counter habit).
      const events: QueueEvent[] = [];
      if (current)
        events.push({ type: 'finished', at: now, counterNo, ticketNo: current.no, ...by });
      events.push({ type: 'called', at: now, counterNo, ticketNo: next.no, ...by });
      return { ok: true, events };
    }
    case 'recall': {
      if (!current) return fail('E_NO_CURRENT_TICKET', '当前没有已呼叫的号');
      if (current.recalls >= state.config.recallLimit) {
        return fail('E_RECALL_LIMIT', `已重呼${state.config.recallLimit}次，请作过号处理`);
      }
      return ok({ type: 'recalled', at: now, counterNo, ticketNo: current.no, ...by });
    }
    case 'no_show':
      if (!current) return fail('E_NO_CURRENT_TICKET', '当前没有已呼叫的号');
      return ok({ type: 'no_show', at: now, counterNo, ticketNo: current.no, ...by });
    case 'hold':
      if (!current) return fail('E_NO_CURRENT_TICKET', '当前没有已呼叫的号');
      return ok({ type: 'held', at: now, counterNo, ticketNo: current.no, ...by });
    case 'call_back': {
      if (current) return fail('E_COUNTER_BUSY', '请先完成、挂起或转移当前的号');
      if (!counter.held.includes(cmd.ticketNo)) {
        return fail('E_UNKNOWN_TICKET', `${cmd.ticketNo}号不在本窗口的挂起列表中`);
      }
      return ok({ type: 'called_back', at: now, counterNo, ticketNo: cmd.ticketNo, ...by });
    }
    case 'transfer': {
      if (!current) return fail('E_NO_CURRENT_TICKET', '当前没有已呼叫的号');
      const toCategoryId = cmd.toCategoryId ?? current.categoryId;
      if (!categoryOf(state, toCategoryId)) {
        return fail('E_UNKNOWN_CATEGORY', `没有类别 ${toCategoryId}`);
      }
      const toCounterNo = cmd.toCounterNo ?? null;
      if (toCounterNo !== null) {
        if (!state.config.counters.some((c) => c.no === toCounterNo)) {
          return fail('E_UNKNOWN_COUNTER', `没有${toCounterNo}号窗口`);
        }
        if (toCounterNo === counterNo) return fail('E_BAD_TRANSFER', '不能转移到本窗口');
      } else if (toCategoryId === current.categoryId) {
        return fail('E_BAD_TRANSFER', '请选择要转移到的类别或窗口');
      }
      return ok({
        type: 'transferred',
        at: now,
        counterNo,
        ticketNo: current.no,
        toCategoryId,
        toCounterNo,
        ...by,
      });
    }
    case 'pause':
      return counter.paused ? ok() : ok({ type: 'paused', at: now, counterNo });
    case 'resume':
      return counter.paused ? ok({ type: 'resumed', at: now, counterNo }) : ok();
    case 'finish':
      if (!current) return fail('E_NO_CURRENT_TICKET', '当前没有已呼叫的号');
      return ok({ type: 'finished', at: now, counterNo, ticketNo: current.no, ...by });
    case 'rate': {
      const ticketNo = cmd.ticketNo ?? counter.awaitingRating;
      const t = ticketNo ? state.tickets[ticketNo] : undefined;
      if (!ticketNo || !t || t.status !== 'finished' || t.counterNo !== counterNo) {
        return fail('E_NOTHING_TO_RATE', '没有待评价的业务');
      }
      if (t.rating !== null) return fail('E_NOTHING_TO_RATE', '该业务已评价');
      const level = state.config.ratingLevels.find((l) => l.value === cmd.level);
      if (!level) return fail('E_BAD_RATING', '评价等级无效');
      if (level.bad && !cmd.reason) return fail('E_REASON_REQUIRED', '请选择或填写不满意的原因');
      return ok({
        type: 'rated',
        at: now,
        counterNo,
        ticketNo,
        level: cmd.level,
        ...(cmd.reason ? { reason: cmd.reason } : {}),
        // The rating belongs to the clerk who served the ticket, not to whoever is there now.
        ...(t.servedBy ? { staffNo: t.servedBy } : {}),
      });
    }
  }
}

function decideIssue(
  state: QueueState,
  cmd: Extract<QueueCommand, { type: 'issue' }>,
  now: number,
): Decision {
  const isKey =
    keyCustomerCategory(state, cmd.customerRef, () => cmd.keyRegistered === true) !== null;
  // The ticket is for the business the customer chose: a key customer who pressed 变更用电 must
  // reach a counter that does 变更用电. Their priority is the key lane of that category, where the
  // category offers one.
  const categoryId = cmd.categoryId;
  const cat = categoryOf(state, categoryId);
  if (!cat || !cat.enabled) return fail('E_UNKNOWN_CATEGORY', '该业务类别暂不可取号');
  let lane: Lane = 'normal';
  if (isKey && cat.keyLane) lane = 'key';
  if (cmd.green && cat.greenChannel) lane = 'green';
  const n = state.nextNo[categoryId] ?? 1;
  return ok({
    type: 'ticket_issued',
    at: now,
    ticketNo: formatTicketNo(categoryId, n),
    categoryId,
    lane,
    day: state.day || localDay(now, state.config.timeZone),
  });
}

function decideBooking(
  state: QueueState,
  cmd: Extract<QueueCommand, { type: 'book_appointment' }>,
  now: number,
): Decision {
  const settings = appointmentSettings(state.config);
  if (!settings.enabled) return fail('E_APPOINTMENTS_OFF', '本厅未开通预约取号');
  const cat = categoryOf(state, cmd.categoryId);
  if (!cat || !cat.enabled) return fail('E_UNKNOWN_CATEGORY', '该业务类别暂不可预约');
  const slot = slotBounds(cmd.slotStart, settings.slotMinutes, state.config.timeZone);
  if (!slot) return fail('E_SLOT_INVALID', `预约时段须按 ${settings.slotMinutes} 分钟划分`);
  if (slot.slotEnd <= now) return fail('E_SLOT_INVALID', '该时段已过，请选择以后的时段');
  if (slot.slotStart > now + settings.maxDaysAhead * 86_400_000) {
    return fail('E_SLOT_INVALID', `最多可预约 ${settings.maxDaysAhead} 天内的时段`);
  }
  if (bookingsInSlot(state, cmd.categoryId, slot.slotStart) >= settings.perSlot) {
    return fail('E_SLOT_FULL', '该时段已约满，请选择其他时段');
  }
  if (state.appointments?.[cmd.code]) return fail('E_SLOT_INVALID', '预约码重复，请重试');
  return ok({
    type: 'appointment_booked',
    at: now,
    code: cmd.code,
    categoryId: cmd.categoryId,
    ...slot,
  });
}

/**
 * Check-in at the kiosk: only within the slot's window (a little early, a little late), and
 * only once. The ticket goes to the appointment lane: called right after the green channel.
 */
function decideCheckIn(state: QueueState, rawCode: string, now: number): Decision {
  const settings = appointmentSettings(state.config);
  if (!settings.enabled) return fail('E_APPOINTMENTS_OFF', '本厅未开通预约取号');
  const a = state.appointments?.[rawCode.replace(/\D/g, '')];
  if (!a || a.status === 'cancelled')
    return fail('E_UNKNOWN_APPOINTMENT', '预约码无效，请核对后重试');
  if (a.status === 'checked_in')
    return fail('E_APPOINTMENT_USED', `该预约已签到（${a.ticketNo}号）`);
  if (now < a.slotStart - settings.earlyMinutes * 60_000) {
    return fail('E_CHECKIN_TOO_EARLY', '未到预约时段，请在预约时间前后再来签到');
  }
  if (now > a.slotEnd + settings.lateMinutes * 60_000) {
    return fail('E_CHECKIN_TOO_LATE', '已超过预约时段，请直接取号');
  }
  const cat = categoryOf(state, a.categoryId);
  if (!cat || !cat.enabled) return fail('E_UNKNOWN_CATEGORY', '该业务类别暂不可取号');
  const n = state.nextNo[a.categoryId] ?? 1;
  const ticketNo = formatTicketNo(a.categoryId, n);
  return ok(
    {
      type: 'ticket_issued',
      at: now,
      ticketNo,
      categoryId: a.categoryId,
      lane: 'appointment',
      day: state.day || localDay(now, state.config.timeZone),
    },
    { type: 'appointment_checked_in', at: now, code: a.code, ticketNo },
  );
}

/** Events the clock makes due by itself (the daily clear), to journal before any command. */
export function maintenanceEvents(state: QueueState, now: number): QueueEvent[] {
  return dailyClearDue(state, now) ? [{ type: 'daily_cleared', at: now }] : [];
}
