// The one IPC contract between the renderer and Electron main: handler name → argument schema
// (validated in main before any handler runs) and result type, and event name → payload type.
import { z } from 'zod';
import { HALL_DEFAULT_PORT } from '../queue/protocol';
import type { IdCardRead } from '../domain/idCard';
import type { SignatureRecord, SignatureVerification } from '../signature/record';
import type { EventName, HandlerName } from './names';

// ---------------------------------------------------------------------------------------------
// Domain of the shell

export const Role = z.enum(['desk', 'display', 'kiosk', 'customer']);
export type Role = z.infer<typeof Role>;

const Monitor = z.number().int().min(1).max(16);
const Port = z.number().int().min(1).max(65535);
export const TicketWidthMm = z.union([z.literal(58), z.literal(80)]);
export type TicketWidthMm = z.infer<typeof TicketWidthMm>;

/** Path of a vendor library on this PC (absolute; checked in main when it is loaded). */
const LibraryPath = z.string().min(1).max(1000);

/** The counter's second-generation ID card reader (二代证读卡器), read through its vendor library. */
export const IdCardReaderSettings = z.object({
  /** Which vendor interface: 'sdt' (sdtapi / libsdtapi), 'cvr' (termb / libtermb), or none. */
  kind: z.enum(['none', 'sdt', 'cvr']),
  /** The reader library; null = search the usual install folders. */
  libraryPath: LibraryPath.nullable(),
  /** SDT: the photo decoder library (WltRS / libwlt); CVR: the folder its photo file is written
   * to. null = beside the reader library. */
  photoPath: LibraryPath.nullable(),
  /** Read a card as soon as it is placed (the desk is told; the form asks before overwriting). */
  autoRead: z.boolean(),
  /** The port the reader answered on last (1001–1016 USB, 1–16 serial), tried first. */
  port: z.number().int().min(1).max(1016).nullable(),
});
export type IdCardReaderSettings = z.infer<typeof IdCardReaderSettings>;

/** Per-machine shell settings, stored as settings.json in the data folder. */
export const Settings = z.object({
  role: Role,
  /** 1-based monitor (left to right) for the hall display / kiosk window; null = primary. */
  displayMonitor: Monitor.nullable(),
  /** The customer-facing screen on the desk's second monitor. */
  customerScreen: z.object({ enabled: z.boolean(), monitor: Monitor }),
  printers: z.object({
    /** Printer name for receipts (A4/A5); null = the system default. */
    receipt: z.string().min(1).max(200).nullable(),
    /** Thermal printer name for queue tickets; null = the system default. */
    ticket: z.string().min(1).max(200).nullable(),
    ticketWidthMm: TicketWidthMm,
  }),
  /** This machine hosts the hall queue service for the hall's LAN. */
  hallHost: z.object({
    enabled: z.boolean(),
    port: Port,
    bindAddress: z.string().min(1).max(64),
  }),
  /** Where the hall queue service is, for machines that do not host it. */
  hallServiceUrl: z.string().url().nullable(),
  startWithSystem: z.boolean(),
  /** Generic electron-updater feed (the central endpoint can serve it); null = no updates. */
  updateUrl: z.string().url().nullable(),
  /** Hosts whose http(s) links may open in the system browser. */
  externalLinkHosts: z.array(z.string().min(1).max(253)).max(50),
  idCardReader: IdCardReaderSettings,
  /**
   * An administrator allows a plain http:// update feed (a hall LAN without TLS). Off (absent)
   * by default: feeds must be https. Updates are signature-checked either way.
   */
  updateAllowHttp: z.boolean().optional(),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  role: 'desk',
  displayMonitor: null,
  customerScreen: { enabled: false, monitor: 2 },
  printers: { receipt: null, ticket: null, ticketWidthMm: 80 },
  hallHost: { enabled: false, port: 8700, bindAddress: '0.0.0.0' },
  hallServiceUrl: null,
  startWithSystem: false,
  updateUrl: null,
  externalLinkHosts: ['95598.cn', 'www.95598.cn'],
  idCardReader: { kind: 'none', libraryPath: null, photoPath: null, autoRead: true, port: null },
};

/**
 * Where this machine's windows find the hall queue service: itself when it is the hall host, else
 * the address set in settings, else the service's default port on this machine. Always an
 * address, so that one left in a page's storage by an earlier setting never wins.
 */
export function hallServiceUrlFor(s: Settings): string {
  if (s.hallHost.enabled) return `http://127.0.0.1:${s.hallHost.port}`;
  return s.hallServiceUrl
    ? s.hallServiceUrl.replace(/\/+$/, '')
    : `http://127.0.0.1:${HALL_DEFAULT_PORT}`;
}

/** A change to settings: top-level fields replace whole; dataDir takes effect at next start. */
export const SettingsPatch = Settings.partial().extend({
  dataDir: z.string().min(1).max(1000).optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export interface SettingsView {
  settings: Settings;
  /** The role this window runs as (a command-line flag can override the stored role). */
  activeRole: Role;
  roleSource: 'flag' | 'settings' | 'default';
  dataDir: string;
  dataDirSource: 'env' | 'flag' | 'configured' | 'default';
  /** A change (data folder) waits for the next start. */
  restartRequired: boolean;
}

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  arch: string;
  electron: string;
  chrome: string;
  role: Role;
  dataDir: string;
  isPackaged: boolean;
  /** Which OS keystore safeStorage uses ('basic_text' on Linux means no real keyring). */
  secretsBackend: string;
}

export interface DisplayInfo {
  id: number;
  /** 1-based position, left to right then top to bottom: what settings and --display= use. */
  index: number;
  label: string;
  primary: boolean;
  bounds: { x: number; y: number; width: number; height: number };
  workArea: { x: number; y: number; width: number; height: number };
  scaleFactor: number;
}

export interface PrinterInfo {
  name: string;
  displayName: string;
  isDefault: boolean;
}

export const ReceiptPrint = z.object({
  /** 'print' sends the current page to the receipt printer silently; 'pdf' saves a PDF. */
  mode: z.enum(['print', 'pdf']),
  /** PDF file name (letters, digits, CJK, - _ .); defaults to receipt-<time>.pdf. */
  fileName: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\p{L}\p{N}_.-]+$/u)
    .optional(),
  copies: z.number().int().min(1).max(5).optional(),
  pageSize: z.enum(['A4', 'A5']).optional(),
});
export type ReceiptPrint = z.infer<typeof ReceiptPrint>;

export interface PrintResult {
  printed: boolean;
  printer: string | null;
  pdfPath: string | null;
  /** Why nothing was printed, in Chinese for the clerk. */
  message: string | null;
}

export const TicketPrint = z.object({
  ticketNo: z.string().min(1).max(20),
  categoryName: z.string().min(1).max(40),
  hallName: z.string().min(1).max(60),
  waitingAhead: z.number().int().min(0).max(9999),
  /** Estimated wait in minutes; null when there is no estimate yet. */
  estimatedWaitMin: z.number().int().min(0).max(1440).nullable(),
  issuedAt: z.string().datetime({ offset: true }),
  /** The hall's time zone (IANA) the issue time is printed in (Asia/Shanghai when absent). */
  timeZone: z.string().min(1).max(64).optional(),
  note: z.string().max(120).optional(),
  widthMm: TicketWidthMm.optional(),
});
export type TicketPrint = z.infer<typeof TicketPrint>;

const SecretName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/);

const Uuid = z.string().uuid();

export interface UpdateStatus {
  state: 'disabled' | 'idle' | 'checking' | 'downloading' | 'ready' | 'error';
  /** Version downloaded and waiting to be installed at the next start. */
  readyVersion: string | null;
  percent: number | null;
  error: string | null;
}

export interface HallHostStatus {
  state: 'disabled' | 'starting' | 'running' | 'backoff' | 'stopped' | 'failed';
  port: number | null;
  restarts: number;
  lastError: string | null;
  /** ms since epoch of the next restart attempt while backing off. */
  nextAttemptAt: number | null;
  /** How the running service's uplink to the centre is doing; absent/null = no uplink or no report. */
  push?: HallPushStatus | null;
}

/** The hall service's queue events on their way to the centre, as the service last reported. */
export interface HallPushStatus {
  /** Events not yet acknowledged by the centre. */
  pending: number;
  /** The last push's failure (null once a push gets through). */
  lastError: string | null;
  /** ms since epoch of the last push the centre answered; null = none since the service started. */
  lastSuccessAt: number | null;
  /**
   * Queue events the centre could not store (found by splitting a batch that got HTTP 500),
   * sent as placeholders so the rest goes on: one sentence, or null/absent when none.
   */
  unsendable?: string | null;
  /** ms since epoch of this report. */
  reportedAt: number;
}

/**
 * The hall queue service's uplink to the centre as the settings page sees it: never the token.
 * `problem` says (in Chinese) why a stored uplink cannot be read (no OS keystore).
 */
export interface HallCentralUplinkView {
  configured: boolean;
  centralUrl: string | null;
  hallCode: string | null;
  hallName: string | null;
  deviceId: string | null;
  /** When this machine enrolled the hall service (ISO), if known. */
  enrolledAt: string | null;
  problem: string | null;
  /**
   * Only in hall:clearCentralUplink's answer, when there was an uplink: whether the centre revoked
   * the device's token. false = it could not be told (unreachable): its administrator must.
   */
  centreRevoked?: boolean;
}

/** Enrol the hall queue service at the centre with a one-time code from the centre's admin. */
export const HallCentralUplinkRequest = z.object({
  /** The centre's base address, http(s) only (e.g. http://10.1.0.5:8600). */
  centralUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .refine((u) => !/[?#]/.test(u), 'no query or fragment'),
  /** As printed by the centre (case, spaces and dashes ignored there): "K7QH-3MZP". */
  enrollmentCode: z
    .string()
    .trim()
    .min(4)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/),
});
export type HallCentralUplinkRequest = z.infer<typeof HallCentralUplinkRequest>;

/**
 * The ID card reader as the desk sees it: whether there is one and how it is doing, never its
 * library path or port (those stay in main and on the settings page's own settings view).
 */
export interface IdCardStatus {
  /** A reader interface is chosen and its library loaded. */
  available: boolean;
  kind: 'none' | 'sdt' | 'cvr';
  autoRead: boolean;
  /** A reader answered on some port since the library was loaded. */
  readerFound: boolean;
  /** Why the library or the last read failed, in Chinese; null when all is well. */
  problem: string | null;
  /** IdCardError reason of `problem` (E_IDCARD_…). */
  reason: string | null;
}

/** The settings page's search for a library in the usual install folders. */
export interface IdCardLocated {
  libraryPath: string | null;
  photoPath: string | null;
}

/** What the desk shows on the customer-facing screen (already masked by the desk). */
export const CustomerView = z.object({
  stage: z.enum(['idle', 'confirm', 'sign', 'rate', 'thanks']),
  applicationId: Uuid.optional(),
  title: z.string().max(100).optional(),
  rows: z
    .array(z.object({ label: z.string().max(40), value: z.string().max(400) }))
    .max(60)
    .optional(),
  /** Rating levels from configuration, e.g. 满意 / 基本满意 / 不满意. */
  ratingLevels: z.array(z.string().min(1).max(20)).max(7).optional(),
  /** The levels among ratingLevels that ask the customer for a reason (configured as bad). */
  badRatingLevels: z.array(z.string().min(1).max(20)).max(7).optional(),
});
export type CustomerView = z.infer<typeof CustomerView>;

export const CustomerResponse = z.object({
  kind: z.enum(['confirmed', 'rejected', 'signed', 'rated']),
  applicationId: Uuid.optional(),
  signatureId: Uuid.optional(),
  rating: z.string().min(1).max(20).optional(),
  reason: z.string().max(200).optional(),
  /** `signed`: the signature drawn on the customer screen, as the canvas gives it (≤ ~2 MB);
   * the desk stores it with the hash of the summary the customer saw. */
  pngDataUrl: z.string().startsWith('data:image/png;base64,').max(2_800_000).optional(),
});
export type CustomerResponse = z.infer<typeof CustomerResponse>;

// ---------------------------------------------------------------------------------------------
// The handler map

/** A handler's argument schema plus its result type (the result is trusted: main made it). */
export interface HandlerSpec<S extends z.ZodType, R> {
  readonly arg: S;
  /** Type carrier only; never set. */
  readonly result?: R;
}

function spec<R>() {
  return <S extends z.ZodType>(arg: S): HandlerSpec<S, R> => ({ arg });
}

const NoArg = z.undefined();

export const handlers = {
  'app:info': spec<AppInfo>()(NoArg),
  /** The renderer says whether a customer's business is in progress (update policy input). */
  'session:busy': spec<void>()(
    z.object({ dirtyForms: z.number().int().min(0).max(1000), serving: z.boolean() }),
  ),
  'settings:get': spec<SettingsView>()(NoArg),
  'settings:set': spec<SettingsView>()(SettingsPatch),
  'displays:list': spec<DisplayInfo[]>()(NoArg),
  'printers:list': spec<PrinterInfo[]>()(NoArg),
  'print:receipt': spec<PrintResult>()(ReceiptPrint),
  'print:ticket': spec<PrintResult>()(TicketPrint),
  'secrets:get': spec<{ value: string | null }>()(z.object({ name: SecretName })),
  'secrets:set': spec<void>()(z.object({ name: SecretName, value: z.string().max(65536) })),
  'secrets:delete': spec<{ deleted: boolean }>()(z.object({ name: SecretName })),
  'signature:save': spec<SignatureRecord>()(
    z.object({
      applicationId: Uuid,
      /** The JSON summary shown to the customer; hashed as canonical JSON. */
      document: z.json(),
      /** The canvas as `data:image/png;base64,…` (at most ~2 MB). */
      pngDataUrl: z.string().startsWith('data:image/png;base64,').max(2_800_000),
    }),
  ),
  'signature:verify': spec<SignatureVerification & { record: SignatureRecord | null }>()(
    z.object({ id: Uuid, currentDocument: z.json().optional() }),
  ),
  'update:status': spec<UpdateStatus>()(NoArg),
  'hall:status': spec<HallHostStatus>()(NoArg),
  'hall:getCentralUplink': spec<HallCentralUplinkView>()(NoArg),
  /** Enrols the hall service at the centre, stores its token, restarts the hall service. */
  'hall:setCentralUplink': spec<HallCentralUplinkView>()(HallCentralUplinkRequest),
  /** Forgets the uplink (the centre's device stays until its admin revokes it). */
  'hall:clearCentralUplink': spec<HallCentralUplinkView>()(NoArg),
  'customer:show': spec<{ delivered: boolean }>()(CustomerView),
  'customer:respond': spec<{ delivered: boolean }>()(CustomerResponse),
  'shell:openExternal': spec<{ opened: boolean }>()(z.object({ url: z.string().url().max(2000) })),
  'idCard:status': spec<IdCardStatus>()(NoArg),
  /** Reads the card on the reader now (the clerk pressed 读身份证). */
  'idCard:read': spec<IdCardRead>()(NoArg),
  /** Looks for the chosen interface's library in the usual install folders. */
  'idCard:locate': spec<IdCardLocated>()(z.object({ kind: z.enum(['sdt', 'cvr']) })),
} satisfies Record<HandlerName, HandlerSpec<z.ZodType, unknown>>;

type Handlers = typeof handlers;
/** What the renderer passes. */
export type HandlerArg<K extends HandlerName> = z.input<Handlers[K]['arg']>;
/** What the handler receives after validation. */
export type HandlerParsedArg<K extends HandlerName> = z.output<Handlers[K]['arg']>;
export type HandlerResult<K extends HandlerName> =
  Handlers[K] extends HandlerSpec<z.ZodType, infer R> ? R : never;

// ---------------------------------------------------------------------------------------------
// Events pushed from main

export interface IpcEvents {
  'update:ready': { version: string };
  /** Every change of the updater's state (checking, downloading with its percent, ready, error). */
  'update:state': UpdateStatus;
  'hall:state': HallHostStatus;
  'settings:changed': SettingsView;
  'customer:view': CustomerView;
  'customer:response': CustomerResponse;
  /** Auto-read: a card was placed on the reader and read. */
  'idCard:placed': IdCardRead;
  /** The reader's state changed (library loaded, reader lost or found, a read failed). */
  'idCard:state': IdCardStatus;
}
// Compile-time check that the events map and EVENT_NAMES agree in both directions.
type _EventsComplete = [EventName] extends [keyof IpcEvents]
  ? [keyof IpcEvents] extends [EventName]
    ? true
    : never
  : never;
export const _eventsComplete: _EventsComplete = true;

// ---------------------------------------------------------------------------------------------
// Results across the boundary

export type IpcErrorCode =
  'invalid_argument' | 'unknown_handler' | 'forbidden' | 'unavailable' | 'failed';

export interface IpcErrorBody {
  code: IpcErrorCode;
  /** Chinese first, for the clerk; English after a slash. */
  message: string;
  /** Validation issues (path + message) for invalid_argument. */
  issues?: { path: string; message: string }[];
  /**
   * A finer, stable reason for the renderer to branch on (e.g. 'E_ENROLLMENT_CODE',
   * 'E_CENTRAL_UNREACHABLE'); absent for the generic failures.
   */
  reason?: string;
}

/** Every invoke resolves to an envelope: Electron would strip a thrown error to its message. */
export type IpcResponse<R> = { ok: true; value: R } | { ok: false; error: IpcErrorBody };

/** The object the preload puts on `window.halldesk`. */
export interface HalldeskApi {
  readonly version: 1;
  invoke<K extends HandlerName>(
    name: K,
    arg: HandlerArg<K>,
  ): Promise<IpcResponse<HandlerResult<K>>>;
  on<E extends EventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void;
}

export { HANDLER_NAMES, EVENT_NAMES } from './names';
export type { HandlerName, EventName } from './names';
