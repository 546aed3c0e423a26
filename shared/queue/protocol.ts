// HTTP and SSE protocol of the hall queue service: paths, response shapes and what a client may
// see (the public state never carries key customers' 户号 / phones).
import { publicConfig } from './config';
import type { QueueEvent } from './events';
import type { QueueState, TicketReceipt } from './state';
import type { DayStats, WaitAlarm } from './stats';

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
} as const;

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

export interface QueueErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** What a screen, kiosk or desk may see of the state. */
export function publicState(state: QueueState): QueueState {
  return state.config.keyCustomers.length === 0
    ? state
    : { ...state, config: publicConfig(state.config) };
}

export function publicEvent(event: QueueEvent): QueueEvent {
  return event.type === 'config_changed' ? { ...event, config: publicConfig(event.config) } : event;
}
