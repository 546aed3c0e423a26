// The renderer's view of the desktop shell: typed calls over window.halldesk (the Electron
// preload) when present, browser fallbacks otherwise (window.print, no secret store, role from
// the URL hash, signatures hashed with crypto.subtle).
import type {
  AppInfo,
  CustomerResponse,
  CustomerView,
  EventName,
  HalldeskApi,
  HandlerArg,
  HandlerName,
  HandlerResult,
  IpcErrorCode,
  IpcEvents,
  PrintResult,
  PrinterInfo,
  ReceiptPrint,
  Role,
  SettingsPatch,
  SettingsView,
  TicketPrint,
} from '../../../shared/ipc/contract';
import {
  createSignatureRecord,
  pngFromDataUrl,
  verifySignatureRecord,
  type Sha256,
  type SignatureRecord,
  type SignatureVerification,
} from '../../../shared/signature/record';

/** A failed shell call, with the contract's error code and a message for the clerk. */
export class ShellError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ShellError';
  }
}

function api(): HalldeskApi | null {
  return typeof window !== 'undefined' && window.halldesk ? window.halldesk : null;
}

/** Calls main and unwraps the envelope; throws ShellError (or when not under Electron). */
export async function invoke<K extends HandlerName>(
  name: K,
  arg: HandlerArg<K>,
): Promise<HandlerResult<K>> {
  const a = api();
  if (!a) throw new ShellError('unavailable', `仅桌面程序可用 / ${name} needs the desktop app`);
  const res = await a.invoke(name, arg);
  if (res.ok) return res.value;
  throw new ShellError(res.error.code, res.error.message, res.error.issues);
}

/** Subscribes to an event from main; returns the unsubscribe function (a no-op in a browser). */
export function on<E extends EventName>(
  event: E,
  listener: (payload: IpcEvents[E]) => void,
): () => void {
  return api()?.on(event, listener) ?? (() => {});
}

/** The role a window runs as, from its hash route (main opens each role on its route). */
export function roleFromHash(hash: string): Role {
  const route = hash.replace(/^#/, '');
  if (/^\/display(\/|$|\?)/.test(route)) return 'display';
  if (/^\/kiosk(\/|$|\?)/.test(route)) return 'kiosk';
  if (/^\/customer(\/|$|\?)/.test(route)) return 'customer';
  return 'desk';
}

const subtleSha256: Sha256 = async (bytes) => {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
};

export interface SavedSignature {
  record: SignatureRecord;
  /** 'shell': image and record are stored by main in the data folder. 'caller': browser mode,
   * the caller stores record and image (IndexedDB) beside the application. */
  storedBy: 'shell' | 'caller';
}

export const shell = {
  /** True inside the Electron shell (window.halldesk present). */
  get isElectron(): boolean {
    return api() !== null;
  },

  /** This window's role: desk, display, kiosk or customer. */
  get role(): Role {
    return typeof window === 'undefined' ? 'desk' : roleFromHash(window.location.hash);
  },

  /** Prints the current page: silently to the receipt printer in Electron, window.print() otherwise. */
  async print(): Promise<void> {
    if (!api()) {
      window.print();
      return;
    }
    const result = await invoke('print:receipt', { mode: 'print' });
    if (!result.printed)
      throw new ShellError('failed', result.message ?? '打印失败 / print failed');
  },

  /** Receipt to the printer or to a PDF file (Electron); in a browser, the print dialog. */
  async printReceipt(job: ReceiptPrint): Promise<PrintResult> {
    if (!api()) {
      window.print();
      return { printed: true, printer: null, pdfPath: null, message: null };
    }
    return invoke('print:receipt', job);
  },

  /** A queue ticket on the thermal printer (Electron); in a browser, the print dialog. */
  async printTicket(ticket: TicketPrint): Promise<PrintResult> {
    if (!api()) {
      window.print();
      return { printed: true, printer: null, pdfPath: null, message: null };
    }
    return invoke('print:ticket', ticket);
  },

  async printers(): Promise<PrinterInfo[]> {
    return api() ? invoke('printers:list', undefined) : [];
  },

  async appInfo(): Promise<AppInfo | null> {
    return api() ? invoke('app:info', undefined) : null;
  },

  async settings(): Promise<SettingsView | null> {
    return api() ? invoke('settings:get', undefined) : null;
  },

  async updateSettings(patch: SettingsPatch): Promise<SettingsView> {
    return invoke('settings:set', patch);
  },

  /**
   * Tells main whether a customer's business is in progress in this window, so that an update
   * never installs in the middle of it. Call when a form gets dirty/clean and when serving starts/ends.
   */
  reportBusy(state: { dirtyForms: number; serving: boolean }): void {
    if (api()) void invoke('session:busy', state).catch(() => {});
  },

  /** Secrets (the sync device token) in the OS keystore. null = not kept here: use IndexedDB. */
  secrets: {
    async get(name: string): Promise<string | null> {
      if (!api()) return null;
      try {
        return (await invoke('secrets:get', { name })).value;
      } catch (error) {
        if (error instanceof ShellError && error.code === 'unavailable') return null;
        throw error;
      }
    },
    /** false = not stored (browser, or no OS keystore): keep it in IndexedDB instead. */
    async set(name: string, value: string): Promise<boolean> {
      if (!api()) return false;
      try {
        await invoke('secrets:set', { name, value });
        return true;
      } catch (error) {
        if (error instanceof ShellError && error.code === 'unavailable') return false;
        throw error;
      }
    },
    async delete(name: string): Promise<boolean> {
      if (!api()) return false;
      return (await invoke('secrets:delete', { name })).deleted;
    },
  },

  /** Customer signatures: SHA-256 of exactly what was signed, stored with the image. */
  signature: {
    async save(
      applicationId: string,
      document: unknown,
      pngDataUrl: string,
    ): Promise<SavedSignature> {
      if (api()) {
        const record = await invoke('signature:save', {
          applicationId,
          document: document as HandlerArg<'signature:save'>['document'],
          pngDataUrl,
        });
        return { record, storedBy: 'shell' };
      }
      const png = pngFromDataUrl(pngDataUrl);
      if (!png)
        throw new ShellError('invalid_argument', '签名图像不是 PNG / signature image is not a PNG');
      const record = await createSignatureRecord(subtleSha256, {
        id: crypto.randomUUID(),
        applicationId,
        document,
        png,
        signedAt: new Date().toISOString(),
      });
      return { record, storedBy: 'caller' };
    },
    /** Verifies a record against its image bytes (and the application as it is now). */
    verify(
      record: SignatureRecord,
      png: Uint8Array,
      currentDocument?: unknown,
    ): Promise<SignatureVerification> {
      return verifySignatureRecord(subtleSha256, record, png, currentDocument);
    },
    /** Verifies a signature stored by the shell (Electron only). */
    async verifyStored(id: string, currentDocument?: unknown) {
      return invoke('signature:verify', {
        id,
        currentDocument: currentDocument as HandlerArg<'signature:verify'>['currentDocument'],
      });
    },
  },

  /** The desk ↔ customer-facing screen link (relayed by main between the two windows). */
  customer: {
    /** Desk: show this (already masked) view on the customer screen; false if none is open. */
    async show(view: CustomerView): Promise<boolean> {
      return api() ? (await invoke('customer:show', view)).delivered : false;
    },
    /** Customer screen: report confirmation, signature or rating to the desk. */
    async respond(response: CustomerResponse): Promise<boolean> {
      return api() ? (await invoke('customer:respond', response)).delivered : false;
    },
  },

  /** Opens an allow-listed http(s) link in the system browser (a new tab in a browser). */
  async openExternal(url: string): Promise<boolean> {
    if (!api()) {
      return window.open(url, '_blank', 'noopener,noreferrer') !== null;
    }
    return (await invoke('shell:openExternal', { url })).opened;
  },

  invoke,
  on,
};
