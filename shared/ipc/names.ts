// The IPC channel and message names, without schemas: small enough for the sandboxed preload.
/** The one channel the preload uses for requests; the handler name travels as the first arg. */
export const INVOKE_CHANNEL = 'halldesk:invoke';
/** The one channel main uses to push events; the event name travels as the first arg. */
export const EVENT_CHANNEL = 'halldesk:event';

export const HANDLER_NAMES = [
  'app:info',
  'session:busy',
  'settings:get',
  'settings:set',
  'displays:list',
  'printers:list',
  'print:receipt',
  'print:ticket',
  'secrets:get',
  'secrets:set',
  'secrets:delete',
  'signature:save',
  'signature:verify',
  'update:status',
  'hall:status',
  'hall:getCentralUplink',
  'hall:setCentralUplink',
  'hall:clearCentralUplink',
  'customer:show',
  'customer:respond',
  'shell:openExternal',
  'idCard:status',
  'idCard:read',
  'idCard:locate',
] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

export const EVENT_NAMES = [
  'update:ready',
  'update:state',
  'hall:state',
  'settings:changed',
  'customer:view',
  'customer:response',
  'idCard:placed',
  'idCard:state',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export function isHandlerName(name: unknown): name is HandlerName {
  return typeof name === 'string' && (HANDLER_NAMES as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}
