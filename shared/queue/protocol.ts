// HTTP and SSE protocol of the hall queue service: paths, response shapes and what a client may
// see (the public state never carries key customers' 户号 / phones).
import { publicConfig } from './config';
import type { QueueEvent } from './events';
import type { Appointment, QueueState, TicketReceipt } from './state';
import type { DayStats, WaitAlarm } from './stats';
import type { ClerkQueueFigures } from '../staff/queueFigures';

export const HALL_DEFAULT_PORT = 8700;

export const HALL_PATHS = {
  health: '/api/queue/health',
  state: '/api/queue/state',
  events: '/api/queue/events',
  tickets: '/api/queue/tickets',
  lookup: '/api/queue/lookup',
  /** POST /api/queue/counters/:no/:action  (call-next, recall, no-show, hold, call-back, ...). */
  counters: '/api/queue/counters',
  ratings: '/api/queue/ratings',
  config: '/api/queue/config',
  stats: '/api/queue/stats',
  dailyClear: '/api/queue/daily-clear',
  /** POST (manager): a one-time code that pairs a counter device. */
  pairingCodes: '/api/queue/pairing-codes',
  /** POST (public, rate-limited): exchange a pairing code for this device's token. */
  pair: '/api/queue/pair',
  /** GET (manager): paired devices; POST /api/queue/devices/:id/revoke. */
  devices: '/api/queue/devices',
  /** GET: who the presented token belongs to (401 when unknown or revoked). */
  whoami: '/api/queue/whoami',
  /** GET (counter/manager) ?day=YYYY-MM-DD: bookings; POST: book a slot → its code. */
  appointments: '/api/queue/appointments',
  /** POST (kiosk, rate-limited) { code }: check in, get the ticket. */
  checkIn: '/api/queue/check-in',
  /** GET (counter/manager) ?from=&to= (YYYY-MM-DD): per-clerk queue figures (issue 13). */
  staffFigures: '/api/queue/staff-figures',
} as const;

/**
 * Who may call what on the hall LAN (the service enforces it, the pages adapt to it):
 * public = screens and kiosks, no token, no personal data in any answer; kiosk = public but
 * rate-limited per address; counter = a paired device's token (or the manager's);
 * manager = the hall's manager secret.
 */
export type HallAccess = 'public' | 'kiosk' | 'counter' | 'manager';

/** Stable error codes of refusals that are not queue rules. */
export const HALL_AUTH_ERRORS = {
  authRequired: 'E_AUTH_REQUIRED',
  authInvalid: 'E_AUTH_INVALID',
  forbidden: 'E_FORBIDDEN',
  rateLimited: 'E_RATE_LIMITED',
  tooLarge: 'E_TOO_LARGE',
  badJson: 'E_BAD_JSON',
  pairingCode: 'E_PAIRING_CODE',
  tooManyClients: 'E_TOO_MANY_CLIENTS',
  /** A paired counter device acted with nobody signed in at the counter (issue 13). */
  staffRequired: 'E_STAFF_REQUIRED',
} as const;

/** A counter device paired with the hall service (its token is never listed). */
export interface HallDevice {
  id: string;
  name: string;
  /** The only counter this device may act for; null = any counter. */
  counterNo: number | null;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

export interface PairingCodeResponse {
  /** Shown to the manager, typed on the counter device (XXXX-XXXX), valid ten minutes. */
  code: string;
  expiresAt: string;
  name: string;
  counterNo: number | null;
}

export interface PairResponse {
  /** Keep it on the device; the service stores only its hash. */
  token: string;
  device: HallDevice;
}

export type WhoAmIResponse = ({ role: 'manager' } | { role: 'counter'; device: HallDevice }) & {
  /** The service knows its hall's people (issue 13): a counter needs a person signed in. */
  staffRoster?: boolean;
};

export interface BookAppointmentResponse {
  /** Tell it to the customer: it is the check-in code at the kiosk. */
  code: string;
  appointment: Appointment;
  seq: number;
}

export interface AppointmentsResponse {
  appointments: Appointment[];
}

export interface KeyLookupResponse {
  keyCustomer: boolean;
  categoryId: string | null;
  categoryName: string | null;
}

/** URL action segment → command type. */
export const COUNTER_ACTIONS = {
  'call-next': 'call_next',
  recall: 'recall',
  'no-show': 'no_show',
  hold: 'hold',
  'call-back': 'call_back',
  transfer: 'transfer',
  pause: 'pause',
  resume: 'resume',
  finish: 'finish',
  /** `{ staffNo, name, roles }`: the desk's signed-in person takes the counter (issue 13). */
  'sign-in': 'sign_in',
  'sign-out': 'sign_out',
} as const;
export type CounterAction = keyof typeof COUNTER_ACTIONS;

/** SSE `snapshot` event data (sent first, and again whenever resuming is impossible). */
export interface QueueSnapshotMessage {
  seq: number;
  serverTime: number;
  state: QueueState;
}

/** SSE `queue` event data: one event, in journal order. The SSE id is `seq`. */
export interface QueueDeltaMessage {
  seq: number;
  event: QueueEvent;
}

export interface IssueTicketResponse {
  receipt: TicketReceipt;
  hallName: string;
  ticketText: string;
  seq: number;
  /** The hall's time zone (IANA) the ticket's time is printed in; Asia/Shanghai when absent. */
  timeZone?: string;
}

export interface CounterActionResponse {
  seq: number;
  /** The ticket now current at the counter, if any. */
  current: string | null;
  events: QueueEvent[];
}

export interface StatsResponse {
  serverTime: number;
  today: DayStats;
  history: DayStats[];
  alarms: WaitAlarm[];
}

export interface StaffFiguresResponse {
  from: string;
  to: string;
  /** Closed days kept by the service (92) plus today's, per clerk; staffNo null = 未记录. */
  clerks: ClerkQueueFigures[];
}

export interface QueueErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/**
 * What a screen, kiosk or desk may see of the state: ticket numbers, counters, waiting counts.
 * Never key customers' 户号 / phones, nor the free text a customer typed as a rating reason.
 */
export function publicState(state: QueueState): QueueState {
  let tickets = state.tickets;
  for (const [no, t] of Object.entries(state.tickets)) {
    if (t.ratingReason === null) continue;
    if (tickets === state.tickets) tickets = { ...state.tickets };
    tickets[no] = { ...t, ratingReason: null };
  }
  const config = state.config.keyCustomers.length === 0 ? state.config : publicConfig(state.config);
  // Appointments never leave the service: their codes are check-in secrets.
  const hasAppointments = state.appointments !== undefined;
  if (config === state.config && tickets === state.tickets && !hasAppointments) return state;
  const { appointments: _appointments, ...rest } = state;
  return { ...rest, config, tickets };
}

export function publicEvent(event: QueueEvent): QueueEvent {
  if (event.type === 'config_changed') return { ...event, config: publicConfig(event.config) };
  if (event.type === 'rated' && event.reason !== undefined) {
    const { reason: _reason, ...rest } = event;
    return rest;
  }
  return event;
}
