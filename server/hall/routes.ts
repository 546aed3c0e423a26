// The hall service's HTTP API: who may call what (auth.ts) and what each route does with the
// store (store.ts). Every answer is JSON; refusals are HttpError / QueueRuleError, turned into
// `{ error: { code, message } }` by service.ts.
import type http from 'node:http';
import { z } from 'zod';
import {
  COUNTER_ACTIONS,
  HALL_AUTH_ERRORS,
  HALL_PATHS,
  QueueCommand,
  QueueConfig,
  computeAlarms,
  computeDayStats,
  keyCustomerCategory,
  localDay,
  publicEvent,
  publicState,
  receiptFor,
  type AppointmentsResponse,
  type BookAppointmentResponse,
  type CounterActionResponse,
  type HallAccess,
  type IssueTicketResponse,
  type KeyLookupResponse,
  type PairResponse,
  type PairingCodeResponse,
  type QueueEvent,
  type StatsResponse,
  type WhoAmIResponse,
} from '../../shared/queue';
import { randomInt } from 'node:crypto';
import type { HallAuth, Principal, RateLimiter } from './auth';
import {
  HttpError,
  MAX_CONFIG_BODY,
  clientKey,
  parse,
  readJson,
  sendJson,
  serveStatic,
} from './httpUtil';
import type { createSseHub } from './sse';
import type { HallStore } from './store';
import { staffFigures } from './staffFigures';
import type { StaffRoster } from './staffRoster';

const RateBody = z.object({
  counterNo: z.number().int().min(1),
  level: z.number().int().min(1).max(5),
  reason: z.string().trim().max(200).optional(),
  ticketNo: z.string().min(2).max(8).optional(),
});
const LookupBody = z.object({ customerRef: z.string().trim().min(1).max(30) });
const PairingCodeBody = z.object({
  name: z.string().trim().min(1).max(40),
  counterNo: z.number().int().min(1).max(999).nullable().optional(),
});
const PairBody = z.object({ code: z.string().trim().min(4).max(20) });
const BookBody = z.object({
  categoryId: z.string(),
  slotStart: z.number().int().nonnegative(),
});
const CheckInBody = z.object({ code: z.string().trim().min(1).max(12) });
const IssueBody = z.object({
  categoryId: z.string(),
  green: z.boolean().optional(),
  customerRef: z.string().trim().max(30).optional(),
});

export interface RouterContext {
  store: HallStore;
  hub: ReturnType<typeof createSseHub>;
  auth: HallAuth;
  kioskLimit: RateLimiter;
  lookupLimit: RateLimiter;
  clock: () => number;
  log: (line: string) => void;
  staticRoot: string | null;
  startupMs: () => number;
  /** The centre's key-customer register, when the service pulls it. */
  keyRegister?: { has(ref: string): boolean };
  /** Who may take a counter, with which roles (staffRoster.ts): never the desk's word. */
  roster: Pick<StaffRoster, 'checkCounterSignIn' | 'checkPassword' | 'hasStaff'>;
}

const PasswordSignInBody = z.object({
  staffNo: z.string().trim().min(1).max(20),
  password: z.string().min(1).max(200),
});

export function createRouter(ctx: RouterContext) {
  const { store, hub, auth, kioskLimit, lookupLimit, clock, log } = ctx;

  /** The kiosk's answer for a ticket just issued (by 取号 or by an appointment's check-in). */
  function ticketAnswer(
    done: { seq: number; events: QueueEvent[] },
    failure: string,
  ): IssueTicketResponse {
    const issued = done.events.find((e) => e.type === 'ticket_issued');
    const receipt = issued ? receiptFor(store.state, issued.ticketNo) : null;
    if (!receipt) throw new HttpError(500, 'E_INTERNAL', failure);
    return {
      receipt,
      hallName: store.state.config.hallName,
      ticketText: store.state.config.ticketText,
      timeZone: store.state.config.timeZone,
      seq: done.seq,
    };
  }

  function limited(limiter: RateLimiter, req: http.IncomingMessage): void {
    const wait = limiter.take(clientKey(req));
    if (wait > 0) {
      throw new HttpError(429, 'E_RATE_LIMITED', `操作过于频繁，请 ${wait} 秒后再试`, {
        retryAfterSeconds: wait,
      });
    }
  }

  /** Refuses unless the caller may use an endpoint of this access level. */
  function authorize(who: Principal, access: HallAccess, counterNo?: number): void {
    if (access === 'public' || access === 'kiosk' || who.role === 'manager') return;
    if (who.role === 'anonymous') {
      throw new HttpError(
        401,
        'E_AUTH_REQUIRED',
        access === 'manager' ? '需要营业厅管理密钥' : '本机尚未与排队服务配对，请先配对',
      );
    }
    if (access === 'manager') throw new HttpError(403, 'E_FORBIDDEN', '仅营业厅管理员可以操作');
    if (who.role === 'counter' && counterNo !== undefined && who.device.counterNo !== null) {
      if (who.device.counterNo !== counterNo) {
        throw new HttpError(
          403,
          'E_FORBIDDEN',
          `本机只能操作${who.device.counterNo}号窗口（配对时指定）`,
        );
      }
    }
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://hall.local');
    const p = url.pathname;
    const method = req.method ?? 'GET';

    if (method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const authResult = auth.authenticate(req.headers.authorization);
    if (authResult.role === 'invalid') {
      // A token was presented but is unknown or revoked: say so, so the device pairs again.
      throw new HttpError(401, 'E_AUTH_INVALID', '配对已失效或被撤销，请重新配对');
    }
    const who: Principal = authResult;

    // ---- public: screens and kiosks (no personal data in any of these answers)
    if (method === 'GET' && p === HALL_PATHS.events) return hub.open(req, res, url);
    if (method === 'GET' && p === HALL_PATHS.health) {
      const basic = {
        ok: true,
        service: 'halldesk-hall',
        seq: store.journal.seq,
        day: store.state.day,
      };
      if (who.role !== 'manager') return sendJson(res, 200, basic);
      return sendJson(res, 200, {
        ...basic,
        tickets: store.state.order.length,
        clients: hub.size,
        startupMs: Math.round(ctx.startupMs()),
        rssMB: Math.round((process.memoryUsage().rss / 1048576) * 10) / 10,
        outbox: {
          pending: store.outbox.pending.length,
          ackSeq: store.outbox.ackSeq,
          lastError: store.outbox.lastError,
          unsendable: store.outbox.unsendableReport(),
        },
      });
    }
    if (method === 'GET' && p === HALL_PATHS.state) {
      await store.whenDurable();
      return sendJson(res, 200, {
        seq: store.journal.seq,
        serverTime: clock(),
        state: publicState(store.state),
      });
    }
    // ---- kiosk: public, rate-limited per address unless a paired device or the manager calls
    if (method === 'POST' && p === HALL_PATHS.tickets) {
      const body = parse(IssueBody, await readJson(req));
      const cmd = parse(QueueCommand, {
        type: 'issue',
        ...body,
        keyRegistered: !!body.customerRef && ctx.keyRegister?.has(body.customerRef) === true,
      });
      if (who.role === 'anonymous') {
        limited(kioskLimit, req);
        // A 户号 / phone routes to a lane: limited like lookups (no enumeration of key customers).
        if (body.customerRef) limited(lookupLimit, req);
      }
      return sendJson(res, 201, ticketAnswer(await store.execute(cmd), '取号失败'));
    }
    if (method === 'POST' && p === HALL_PATHS.lookup) {
      const { customerRef } = parse(LookupBody, await readJson(req));
      if (who.role === 'anonymous') limited(lookupLimit, req);
      // The lane only: the key-customer list never leaves the service.
      const categoryId = keyCustomerCategory(store.state, customerRef, (r) =>
        ctx.keyRegister ? ctx.keyRegister.has(r) : false,
      );
      const cat = store.state.config.categories.find((c) => c.id === categoryId);
      const answer: KeyLookupResponse = {
        keyCustomer: categoryId !== null,
        categoryId,
        categoryName: cat?.name ?? null,
      };
      return sendJson(res, 200, answer);
    }
    if (method === 'POST' && p === HALL_PATHS.checkIn) {
      // Appointment codes are secrets: guessing is limited like key-customer lookups.
      const body = parse(CheckInBody, await readJson(req));
      if (who.role === 'anonymous') limited(lookupLimit, req);
      const done = await store.execute({ type: 'check_in', code: body.code });
      return sendJson(res, 201, ticketAnswer(done, '签到失败'));
    }
    if (method === 'POST' && p === HALL_PATHS.pair) {
      limited(lookupLimit, req);
      const { code } = parse(PairBody, await readJson(req));
      const paired = auth.pair(code);
      if (!paired) {
        throw new HttpError(
          400,
          'E_PAIRING_CODE',
          '配对码无效、已使用或已过期，请向管理员重新获取',
        );
      }
      log(`device paired: ${paired.device.name} (${paired.device.id})`);
      const answer: PairResponse = paired;
      return sendJson(res, 201, answer);
    }
    // ---- counter devices (paired) and the manager
    if (method === 'GET' && p === HALL_PATHS.whoami) {
      authorize(who, 'counter');
      const answer: WhoAmIResponse = {
        ...(who.role === 'counter'
          ? { role: 'counter' as const, device: who.device }
          : { role: 'manager' as const }),
        staffRoster: ctx.roster.hasStaff,
      };
      return sendJson(res, 200, answer);
    }
    const counterMatch = /^\/api\/queue\/counters\/(\d{1,3})\/([a-z-]+)$/.exec(p);
    if (method === 'POST' && counterMatch) {
      const counterNo = Number(counterMatch[1]);
      authorize(who, 'counter', counterNo);
      const action = counterMatch[2] as keyof typeof COUNTER_ACTIONS;
      const type = COUNTER_ACTIONS[action];
      if (!type) throw new HttpError(404, 'E_NOT_FOUND', `未知的窗口操作 ${action}`);
      const body = (await readJson(req)) as Record<string, unknown>;
      if (type === 'sign_in' && typeof body.password === 'string') {
        // The stand-alone counter page: staff number and password, checked here.
        limited(lookupLimit, req);
        const { staffNo, password } = parse(PasswordSignInBody, body);
        const checked = await ctx.roster.checkPassword(staffNo, password);
        if (!checked.ok) throw new HttpError(checked.status, checked.code, checked.message);
        body.name = checked.staff.name;
        body.roles = checked.staff.roles;
        delete body.password;
      }
      let cmd = parse(QueueCommand, { ...body, type, counterNo });
      if (cmd.type === 'sign_in') {
        // The roles are the roster's: a desk claiming a role the person does not hold (a
        // manager role for a clerk) is refused and nothing is journaled.
        const checked = ctx.roster.checkCounterSignIn(cmd.staffNo, cmd.roles);
        if (!checked.ok) throw new HttpError(checked.status, checked.code, checked.message);
        cmd = { ...cmd, name: checked.staff.name, roles: checked.staff.roles };
      }
      // Issue 13: once the hall's desks sign people in, a counter device acts for the person
      // signed in at its counter, never for nobody. The manager's key (bootstrap, scripts) may
      // act at an empty counter; its events then carry no staff number and count as 未记录.
      if (
        who.role === 'counter' &&
        (store.pending.staffSeen || ctx.roster.hasStaff) &&
        type !== 'sign_in' &&
        type !== 'sign_out' &&
        !store.pending.counters[String(counterNo)]?.staffNo
      ) {
        throw new HttpError(
          403,
          HALL_AUTH_ERRORS.staffRequired,
          `${counterNo}号窗口未登录工号：请先在受理台登录（受理员），再叫号`,
        );
      }
      const { seq, events } = await store.execute(cmd);
      const answer: CounterActionResponse = {
        seq,
        current: store.state.counters[String(counterNo)]?.current ?? null,
        events,
      };
      return sendJson(res, 200, answer);
    }
    if (method === 'GET' && p === HALL_PATHS.staffFigures) {
      // The desk's supervision page (a hall manager signed in at a paired desk) and the manager.
      authorize(who, 'counter');
      return sendJson(res, 200, staffFigures(store.state, url.searchParams, clock()));
    }
    if (method === 'POST' && p === HALL_PATHS.ratings) {
      // The rating pad is the counter's customer-facing screen: it runs as that counter's device.
      authorize(who, 'counter');
      const body = parse(RateBody, await readJson(req));
      authorize(who, 'counter', body.counterNo);
      const { seq, events } = await store.execute({ type: 'rate', ...body });
      return sendJson(res, 200, { seq, events: events.map(publicEvent) });
    }
    if (p === HALL_PATHS.appointments && method === 'POST') {
      // Staff book for a customer (phone, counter); the code is told to the customer.
      authorize(who, 'counter');
      const body = parse(BookBody, await readJson(req));
      let code = '';
      do {
        code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      } while (store.pending.appointments?.[code]);
      const cmd = parse(QueueCommand, { type: 'book_appointment', ...body, code });
      const { seq } = await store.execute(cmd);
      const appointment = store.state.appointments?.[code];
      if (!appointment) throw new HttpError(500, 'E_INTERNAL', '预约失败');
      const answer: BookAppointmentResponse = { code, appointment, seq };
      return sendJson(res, 201, answer);
    }
    if (p === HALL_PATHS.appointments && method === 'GET') {
      authorize(who, 'counter');
      const day = url.searchParams.get('day');
      const answer: AppointmentsResponse = {
        appointments: Object.values(store.state.appointments ?? {})
          .filter((a) => !day || localDay(a.slotStart, store.state.config.timeZone) === day)
          .sort((a, b) => a.slotStart - b.slotStart || a.bookedAt - b.bookedAt),
      };
      return sendJson(res, 200, answer);
    }
    const cancelMatch = /^\/api\/queue\/appointments\/(\d{6})\/cancel$/.exec(p);
    if (method === 'POST' && cancelMatch) {
      authorize(who, 'counter');
      const { seq } = await store.execute({ type: 'cancel_appointment', code: cancelMatch[1]! });
      return sendJson(res, 200, { seq, appointment: store.state.appointments?.[cancelMatch[1]!] });
    }
    // ---- manager
    if (p === HALL_PATHS.config && (method === 'GET' || method === 'PUT')) {
      authorize(who, 'manager');
      // Full configuration (key customers too): the manager only.
      if (method === 'GET') return sendJson(res, 200, { config: store.state.config });
      const body = (await readJson(req, MAX_CONFIG_BODY)) as { config?: unknown };
      const config = parse(QueueConfig, body.config ?? body);
      const { seq } = await store.execute({ type: 'set_config', config });
      return sendJson(res, 200, { seq, config: store.state.config });
    }
    if (method === 'GET' && p === HALL_PATHS.stats) {
      authorize(who, 'manager');
      const now = clock();
      const answer: StatsResponse = {
        serverTime: now,
        today: computeDayStats(store.state, now),
        history: store.state.history,
        alarms: computeAlarms(store.state, now),
      };
      return sendJson(res, 200, answer);
    }
    if (method === 'POST' && p === HALL_PATHS.dailyClear) {
      authorize(who, 'manager');
      const { seq } = await store.execute({ type: 'daily_clear' });
      return sendJson(res, 200, { seq });
    }
    if (method === 'POST' && p === HALL_PATHS.pairingCodes) {
      authorize(who, 'manager');
      const body = parse(PairingCodeBody, await readJson(req));
      const counterNo = body.counterNo ?? null;
      if (counterNo !== null && !store.state.config.counters.some((c) => c.no === counterNo)) {
        throw new HttpError(404, 'E_UNKNOWN_COUNTER', `没有${counterNo}号窗口`);
      }
      const code = auth.createPairingCode(body.name, counterNo);
      const answer: PairingCodeResponse = { ...code, name: body.name, counterNo };
      return sendJson(res, 201, answer);
    }
    if (method === 'GET' && p === HALL_PATHS.devices) {
      authorize(who, 'manager');
      return sendJson(res, 200, { devices: auth.list() });
    }
    const revokeMatch = /^\/api\/queue\/devices\/([0-9a-f-]{36})\/revoke$/.exec(p);
    if (method === 'POST' && revokeMatch) {
      authorize(who, 'manager');
      const device = auth.revoke(revokeMatch[1]!);
      if (!device) throw new HttpError(404, 'E_NOT_FOUND', '没有这个设备');
      log(`device revoked: ${device.name} (${device.id})`);
      return sendJson(res, 200, { device });
    }
    if (p.startsWith('/api/')) {
      const known = (Object.values(HALL_PATHS) as string[]).includes(p) || counterMatch;
      if (known) throw new HttpError(405, 'E_METHOD', `不支持的请求方法 ${method}`);
      throw new HttpError(404, 'E_NOT_FOUND', '接口不存在');
    }
    if ((method === 'GET' || method === 'HEAD') && serveStatic(ctx.staticRoot, res, p)) return;
    throw new HttpError(404, 'E_NOT_FOUND', '页面不存在');
  }
  return route;
}
