// The handler registry main dispatches through: one handler per name (a second registration
// throws), every call checked against the sender's window role (policy.ts), and every argument
// parsed with the contract's schema before the handler runs.
import type { z } from 'zod';
import {
  handlers as contract,
  type HandlerParsedArg,
  type HandlerResult,
  type IpcErrorBody,
  type IpcResponse,
  type Role,
} from './contract';
import { HANDLER_NAMES, isHandlerName, type HandlerName } from './names';
import { ipcAllowed } from './policy';

/** Who is calling: main fills it from the IPC event. */
export interface IpcCaller {
  /** webContents id of the sender. */
  senderId: number;
  /** URL of the sending frame. */
  url: string;
  /** Role of the window that sent it (main looks it up); null = not one of our windows. */
  role: Role | null;
}

export type IpcHandler<K extends HandlerName> = (
  arg: HandlerParsedArg<K>,
  caller: IpcCaller,
) => Promise<HandlerResult<K>> | HandlerResult<K>;

export class DuplicateHandlerError extends Error {
  constructor(readonly handlerName: string) {
    super(`IPC handler "${handlerName}" is already registered`);
    this.name = 'DuplicateHandlerError';
  }
}

/** A handler can throw this to give the renderer a specific code and a message for the clerk. */
export class IpcFailure extends Error {
  constructor(
    readonly code: IpcErrorBody['code'],
    message: string,
    /** A stable finer reason the renderer may branch on (IpcErrorBody.reason). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'IpcFailure';
  }
}

export interface IpcRegistryOptions {
  /** Log a handler's unexpected exception (the renderer only sees a generic message). */
  onError?: (name: string, error: unknown) => void;
  /** Checked before validation; false → forbidden. */
  isTrustedCaller?: (caller: IpcCaller) => boolean;
}

export class IpcRegistry {
  private readonly table = new Map<HandlerName, IpcHandler<HandlerName>>();

  constructor(private readonly options: IpcRegistryOptions = {}) {}

  register<K extends HandlerName>(name: K, handler: IpcHandler<K>): void {
    if (!isHandlerName(name)) throw new Error(`"${String(name)}" is not in the IPC contract`);
    if (this.table.has(name)) throw new DuplicateHandlerError(name);
    this.table.set(name, handler as unknown as IpcHandler<HandlerName>);
  }

  has(name: HandlerName): boolean {
    return this.table.has(name);
  }

  /** Contract names nobody registered (main checks this is empty at start). */
  missing(): HandlerName[] {
    return HANDLER_NAMES.filter((n) => !this.table.has(n));
  }

  /**
   * Runs one call from the renderer. Never throws: unknown names, untrusted callers, invalid
   * arguments and handler failures all come back as typed `{ ok: false, error }` envelopes.
   */
  async dispatch(name: unknown, rawArg: unknown, caller: IpcCaller): Promise<IpcResponse<unknown>> {
    if (!isHandlerName(name)) {
      return fail('unknown_handler', `未知的调用 / unknown handler: ${String(name).slice(0, 60)}`);
    }
    if (this.options.isTrustedCaller && !this.options.isTrustedCaller(caller)) {
      return fail('forbidden', '调用来源不受信任 / caller not trusted');
    }
    // Per window role (shared/ipc/policy.ts): a kiosk or a hall TV cannot read secrets or
    // change settings, whatever script runs in it.
    if (!ipcAllowed(caller.role, name)) {
      return fail(
        'forbidden',
        `此窗口不能调用 ${name} / ${name} is not allowed for the ${caller.role ?? 'unknown'} window`,
      );
    }
    const handler = this.table.get(name);
    if (!handler) return fail('unavailable', `功能不可用 / ${name} is not available here`);
    const schema: z.ZodType = contract[name].arg;
    const parsed = schema.safeParse(rawArg);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'invalid_argument',
          message: `参数无效 / invalid argument for ${name}`,
          issues: parsed.error.issues.map((i) => ({
            path: i.path.map(String).join('.'),
            message: i.message,
          })),
        },
      };
    }
    try {
      const value = await handler(parsed.data as HandlerParsedArg<HandlerName>, caller);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof IpcFailure) return fail(error.code, error.message, error.reason);
      this.options.onError?.(name, error);
      return fail('failed', `操作失败 / ${name} failed`);
    }
  }
}

function fail(code: IpcErrorBody['code'], message: string, reason?: string): IpcResponse<never> {
  return { ok: false, error: { code, message, ...(reason ? { reason } : {}) } };
}
