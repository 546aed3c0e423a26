// Which IPC handlers each window role may call: the one table main's registry checks on every
// invoke, by the role of the window that sent it. A hall TV or a kiosk in the hall is within
// reach of strangers: it reads no secret, changes no setting, moves no update feed.
import type { Role } from './contract';
import { HANDLER_NAMES, type HandlerName } from './names';

/** Handlers only the customer-facing screen sends (its answers to the desk). */
const CUSTOMER_ONLY: readonly HandlerName[] = ['customer:respond'];

export const IPC_ALLOWED: Readonly<Record<Role, readonly HandlerName[]>> = {
  // The clerk's window: everything the shell offers (settings, secrets, printing, uplink).
  desk: HANDLER_NAMES.filter((n) => !CUSTOMER_ONLY.includes(n)),
  // The customer screen beside the desk: shows what the desk sends, answers it.
  customer: ['app:info', 'customer:respond'],
  // The hall TV: reads the queue over HTTP, needs nothing of main but who it is.
  display: ['app:info'],
  // The ticket kiosk: prints tickets on its thermal printer.
  kiosk: ['app:info', 'print:ticket'],
};

/** May a window of `role` (null: not one of our windows) call `name`? */
export function ipcAllowed(role: Role | null, name: HandlerName): boolean {
  return role !== null && IPC_ALLOWED[role].includes(name);
}
