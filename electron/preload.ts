// The preload (sandboxed, bundled to one CommonJS file): exposes ONE object, window.halldesk,
// with a typed invoke over the contract's handler names and an on() for its events. The page
// never sees ipcRenderer, and IPC event objects never reach page callbacks.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  EventName,
  HalldeskApi,
  HandlerName,
  IpcEvents,
  IpcResponse,
} from '../shared/ipc/contract';
import { EVENT_CHANNEL, INVOKE_CHANNEL, isEventName, isHandlerName } from '../shared/ipc/names';

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`halldesk event listener for ${name} failed`, error);
    }
  }
});

const api = {
  version: 1,
  invoke(name: HandlerName, arg: unknown) {
    if (!isHandlerName(name)) {
      return Promise.resolve<IpcResponse<never>>({
        ok: false,
        error: {
          code: 'unknown_handler',
          message: `未知的调用 / unknown handler: ${String(name)}`,
        },
      });
    }
    return ipcRenderer.invoke(INVOKE_CHANNEL, name, arg) as Promise<IpcResponse<never>>;
  },
  on<E extends EventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void {
    if (!isEventName(event) || typeof listener !== 'function') return () => {};
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const wrapped: Listener = (p) => listener(p as IpcEvents[E]);
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  },
} satisfies HalldeskApi;

contextBridge.exposeInMainWorld('halldesk', api);
