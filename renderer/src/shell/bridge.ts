// The renderer's view of the desktop shell: typed calls over window.halldesk (the Electron
// preload) when present, browser fallbacks otherwise (window.print, no secret store, role from
// the URL hash, signatures hashed with crypto.subtle, the desk ↔ customer-screen link over a
// BroadcastChannel between two windows of the same origin).
import {
  CustomerResponse,
  CustomerView,
  type AppInfo,
  type EventName,
  type HallCentralUplinkRequest,
  type HallCentralUplinkView,
  type HalldeskApi,
  type HandlerArg,
  type HandlerName,
  type HandlerResult,
  type IpcErrorCode,
  type IpcEvents,
  type PrintResult,
  type PrinterInfo,
  type ReceiptPrint,
  type Role,
  type SettingsPatch,
  type SettingsView,
  type TicketPrint,
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
    /** main's finer reason (IpcErrorBody.reason), e.g. 'E_ENROLLMENT_CODE'. */
    readonly reason?: string,
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
  throw new ShellError(res.error.code, res.error.message, res.error.issues, res.error.reason);
}

/**
 * Subscribes to an event from main; returns the unsubscribe function. In a browser the
 * customer-screen events come from the BroadcastChannel relay; the others never fire.
 */
export function on<E extends EventName>(
  event: E,
  listener: (payload: IpcEvents[E]) => void,
): () => void {
  const a = api();
  if (a) return a.on(event, listener);
  if (event === 'customer:view' || event === 'customer:response') {
    const relay = browserRelay();
    if (relay) {
      return event === 'customer:view'
        ? relay.onView(listener as (v: CustomerView) => void)
        : relay.onResponse(listener as (r: CustomerResponse) => void);
    }
  }
  return () => {};
}

// ---------------------------------------------------------------------------------------------
// Browser-mode desk ↔ customer-screen relay

/** The channel both windows open (same origin: a second browser window on the second monitor). */
export const CUSTOMER_CHANNEL = 'halldesk-customer';
/** How long show/respond wait for the other window to say it took the message. */
export const RELAY_ACK_MS = 1500;

type RelayMessage =
  | { type: 'view'; id: string; view: unknown }
  | { type: 'response'; id: string; response: unknown }
  | { type: 'ack'; id: string };

interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((ev: MessageEvent) => void) | null;
}

/**
 * Plays main's part between two windows of one origin: `show` posts a view, `respond` a response,
 * and each resolves true only when a window listening for it acknowledged it (as main answers
 * `delivered` only when the other window exists). Payloads are validated on arrival with the
 * contract's schemas, as main validates them.
 */
export class CustomerRelay {
  private readonly channel: ChannelLike;
  private readonly viewListeners = new Set<(v: CustomerView) => void>();
  private readonly responseListeners = new Set<(r: CustomerResponse) => void>();
  private readonly pendingAcks = new Map<string, () => void>();

  constructor(
    makeChannel: (name: string) => ChannelLike,
    private readonly ackMs: number = RELAY_ACK_MS,
  ) {
    this.channel = makeChannel(CUSTOMER_CHANNEL);
    this.channel.onmessage = (ev) => this.receive(ev.data);
  }

  show(view: CustomerView): Promise<boolean> {
    const parsed = CustomerView.safeParse(view);
    if (!parsed.success) return Promise.reject(invalidArgument(parsed.error.issues));
    return this.post((id) => ({ type: 'view', id, view: parsed.data }));
  }

  respond(response: CustomerResponse): Promise<boolean> {
    const parsed = CustomerResponse.safeParse(response);
    if (!parsed.success) return Promise.reject(invalidArgument(parsed.error.issues));
    return this.post((id) => ({ type: 'response', id, response: parsed.data }));
  }

  onView(listener: (v: CustomerView) => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  onResponse(listener: (r: CustomerResponse) => void): () => void {
    this.responseListeners.add(listener);
    return () => this.responseListeners.delete(listener);
  }

  close(): void {
    for (const settle of this.pendingAcks.values()) settle();
    this.pendingAcks.clear();
    this.channel.onmessage = null;
    this.channel.close();
  }

  private post(make: (id: string) => RelayMessage): Promise<boolean> {
    const id = crypto.randomUUID();
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(id);
        resolve(false);
      }, this.ackMs);
      this.pendingAcks.set(id, () => {
        clearTimeout(timer);
        this.pendingAcks.delete(id);
        resolve(true);
      });
      this.channel.postMessage(make(id));
    });
  }

  private receive(data: unknown): void {
    if (!data || typeof data !== 'object') return;
    const msg = data as Partial<RelayMessage>;
    if (typeof msg.id !== 'string') return;
    if (msg.type === 'ack') {
      this.pendingAcks.get(msg.id)?.();
      return;
    }
    if (msg.type === 'view' && this.viewListeners.size > 0) {
      const parsed = CustomerView.safeParse((msg as { view?: unknown }).view);
      if (!parsed.success) return;
      this.channel.postMessage({ type: 'ack', id: msg.id } satisfies RelayMessage);
      for (const l of [...this.viewListeners]) l(parsed.data);
      return;
    }
    if (msg.type === 'response' && this.responseListeners.size > 0) {
      const parsed = CustomerResponse.safeParse((msg as { response?: unknown }).response);
      if (!parsed.success) return;
      this.channel.postMessage({ type: 'ack', id: msg.id } satisfies RelayMessage);
      for (const l of [...this.responseListeners]) l(parsed.data);
    }
  }
}

function invalidArgument(issues: { path: PropertyKey[]; message: string }[]): ShellError {
  return new ShellError(
    'invalid_argument',
    '参数无效 / invalid argument',
    issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

let relay: CustomerRelay | null = null;

/** This window's relay, made on first use; null where the browser has no BroadcastChannel. */
function browserRelay(): CustomerRelay | null {
  if (relay) return relay;
  if (typeof window === 'undefined' || typeof window.BroadcastChannel !== 'function') return null;
  const Channel = window.BroadcastChannel;
  relay = new CustomerRelay((name) => new Channel(name));
  return relay;
}

/** Closes this window's relay (tests; a page that unloads closes it anyway). */
export function resetBrowserRelay(): void {
  relay?.close();
  relay = null;
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

  /**
   * The hall host's uplink to the centre (Electron on the hall host only; null elsewhere): the
   * hall queue service enrols at the centre and pushes its queue events there.
   */
  hall: {
    /** True when this machine runs the hall queue service (settings: hall host). */
    async isHost(): Promise<boolean> {
      if (!api()) return false;
      return (await invoke('settings:get', undefined)).settings.hallHost.enabled;
    },
    async centralUplink(): Promise<HallCentralUplinkView | null> {
      return api() ? invoke('hall:getCentralUplink', undefined) : null;
    },
    /** Throws ShellError with reason E_ENROLLMENT_CODE / E_CENTRAL_UNREACHABLE / … on refusal. */
    async setCentralUplink(req: HallCentralUplinkRequest): Promise<HallCentralUplinkView> {
      return invoke('hall:setCentralUplink', req);
    },
    async clearCentralUplink(): Promise<HallCentralUplinkView> {
      return invoke('hall:clearCentralUplink', undefined);
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

  /**
   * The desk ↔ customer-facing screen link: relayed by main between the two windows under
   * Electron; in a browser, over BroadcastChannel('halldesk-customer') between two windows of
   * the same origin.
   */
  customer: {
    /** Desk: show this (already masked) view on the customer screen; false if none took it. */
    async show(view: CustomerView): Promise<boolean> {
      if (api()) return (await invoke('customer:show', view)).delivered;
      return (await browserRelay()?.show(view)) ?? false;
    },
    /** Customer screen: report confirmation, signature or rating; false if no desk took it. */
    async respond(response: CustomerResponse): Promise<boolean> {
      if (api()) return (await invoke('customer:respond', response)).delivered;
      return (await browserRelay()?.respond(response)) ?? false;
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
