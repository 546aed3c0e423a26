// HallDesk main process: the composition root. It wires Electron to the plain modules beside it
// (roles, placement, protocol, IPC registry, settings, secrets, signatures, printing, updates,
// hall-service supervisor, logs) and keeps no logic of its own that a test would need.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  safeStorage,
  session,
  shell,
  utilityProcess,
  type WebContents,
} from 'electron';
import { autoUpdater } from 'electron-updater';
import {
  hallServiceUrlFor,
  type HallHostStatus,
  type HallPushStatus,
  type Role,
} from '../shared/ipc/contract';
import { EVENT_CHANNEL, INVOKE_CHANNEL, type EventName } from '../shared/ipc/names';
import type { IpcEvents } from '../shared/ipc/contract';
import { IpcFailure, IpcRegistry } from '../shared/ipc/registry';
import { handleAppProtocol, registerAppSchemePrivileges } from './appProtocol';
import { setLinuxAutostart } from './autostart';
import { parseHallCentralUplink, startHallProcess } from './hallProcess';
import { HALL_CENTRAL_SECRET, HallUplinkManager, httpEnroll, httpRevoke } from './hallUplink';
import { IdCardService } from './idCard/service';
import { RotatingLog } from './logFile';
import { decideWindowOpen, isAppUrl } from './navigation';
import { listPrinters, printReceipt, printTicket } from './printing';
import { chooseRole, parseFlags, settingsFromFlags, type RoleChoice } from './roles';
import { SecretStore, SecretsUnavailableError } from './secrets';
import { resolveDataDir, SettingsStore } from './settingsStore';
import { ShellSettings } from './shellSettings';
import { safeStorageSealer, SignatureStore } from './signatures';
import { Supervisor } from './supervisor';
import { combineBusy, type BusyState } from './updatePolicy';
import { Updates } from './updates';
import { UPDATE_PUBLIC_KEY } from './updateKey';
import { channelFileFor, httpFeedReader, sha512OfFile, verifyDownload } from './updateSignature';
import { createRoleWindow, displayList, hardenWebContents, type WindowDeps } from './windows';
import { WindowStateStore } from './windowState';

// ---- Before ready: name, paths, protocol privileges, single instance ------------------------
app.setName('HallDesk');
registerAppSchemePrivileges();

const root = path.resolve(__dirname, '..');
const rendererDir = path.join(root, 'dist', 'renderer');
const preloadPath = path.join(__dirname, 'preload.cjs');
const hallEntry = path.join(__dirname, 'hallHost.cjs');
const appVersion = readVersion();

const flags = parseFlags(process.argv.slice(1));
const defaultDir = path.join(app.getPath('appData'), 'HallDesk');
const { dataDir, source: dataDirSource } = resolveDataDir({
  env: process.env,
  flagDataDir: flags.dataDir,
  defaultDir,
});
fs.mkdirSync(dataDir, { recursive: true });
// userData decides where Chromium keeps IndexedDB (the desk's drafts and outbox) and the lock.
app.setPath('userData', dataDir);
app.setAppLogsPath(path.join(dataDir, 'logs'));

const logFile = new RotatingLog({
  dir: path.join(dataDir, 'logs'),
  name: 'main',
  maxBytes: 5 * 1024 * 1024,
  maxFiles: 5,
});
function log(level: 'info' | 'warn' | 'error', message: string): void {
  logFile.write(level, message);
  if (!app.isPackaged) console[level === 'info' ? 'log' : level](`[halldesk] ${message}`);
}
process.on('uncaughtException', (error) =>
  log('error', `uncaught: ${error.stack ?? String(error)}`),
);
process.on('unhandledRejection', (reason) =>
  log('error', `unhandled rejection: ${String(reason)}`),
);
for (const problem of flags.problems) log('warn', `flag ignored: ${problem}`);

if (!app.requestSingleInstanceLock()) {
  // Another HallDesk runs on this data folder: it gets focus (second-instance), we leave.
  app.quit();
} else {
  void app
    .whenReady()
    .then(start, (error: unknown) => log('error', `start failed: ${String(error)}`));
}

// ---- State -----------------------------------------------------------------------------------
const windows = new Map<Role, BrowserWindow>();
/** Windows being closed because the role changed (their closing must not quit the app). */
const replaced = new WeakSet<BrowserWindow>();
const busyBySender = new Map<number, BusyState>();
let settings: SettingsStore;
let roleChoice: RoleChoice;
let hallSupervisor: Supervisor | null = null;
/** The running hall service's last report on its push to the centre. */
let hallPush: HallPushStatus | null = null;
let updates: Updates | null = null;
let shellSettings: ShellSettings;
let idCards: IdCardService | null = null;

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? app.getVersion();
  } catch {
    return app.getVersion();
  }
}

function emit<E extends EventName>(event: E, payload: IpcEvents[E], only?: WebContents): void {
  const targets = only ? [only] : BrowserWindow.getAllWindows().map((w) => w.webContents);
  for (const contents of targets) {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event, payload);
  }
}

const windowDeps = (): WindowDeps => ({
  preloadPath,
  windowState,
  externalHosts: () => settings.get().externalLinkHosts,
  hallUrl: () => hallServiceUrlFor(settings.get()),
  log,
});
let windowState: WindowStateStore;

function openWindow(role: Role, monitor: number | null): BrowserWindow {
  const existing = windows.get(role);
  if (existing && !existing.isDestroyed()) return existing;
  const win = createRoleWindow(role, monitor, windowDeps());
  const id = win.webContents.id;
  windows.set(role, win);
  win.on('closed', () => {
    busyBySender.delete(id);
    if (windows.get(role) === win) windows.delete(role);
  });
  return win;
}

/** The role of the window whose page sent an IPC call (null: none of ours). */
function roleOfSender(senderId: number): Role | null {
  for (const [role, win] of windows) {
    if (!win.isDestroyed() && win.webContents.id === senderId) return role;
  }
  return null;
}

/** Opens the windows for the chosen role: the desk may bring its customer-facing screen along. */
function openRoleWindows(): void {
  const primary = openWindow(roleChoice.role, roleChoice.monitor);
  // Closing the role's own window ends the app (the customer screen must not linger alone);
  // windows closed because the role changed do not count.
  primary.once('closed', () => {
    if (!replaced.has(primary)) app.quit();
  });
  const s = settings.get();
  if (roleChoice.role === 'desk' && s.customerScreen.enabled)
    openWindow('customer', s.customerScreen.monitor);
}

function focus(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

// ---- Hall host ---------------------------------------------------------------------------------
let secretStore: SecretStore | null = null;

/**
 * The hall service's own device at the centre, kept as the secret `hall.central` (JSON
 * `{ baseUrl, deviceId, token, hallCode? }`); none or unreadable = the queue runs offline.
 */
function hallUplink() {
  try {
    return parseHallCentralUplink(secretStore?.get(HALL_CENTRAL_SECRET));
  } catch (e) {
    log('warn', `hall uplink secret unreadable: ${String(e)}`);
    return null;
  }
}

function applyHallHost(): void {
  const s = settings.get();
  if (!s.hallHost.enabled) {
    if (hallSupervisor) void hallSupervisor.stop();
    hallSupervisor = null;
    emit('hall:state', hallStatus());
    return;
  }
  if (hallSupervisor) return;
  hallSupervisor = new Supervisor(
    () =>
      startHallProcess({
        entry: hallEntry,
        port: s.hallHost.port,
        host: s.hallHost.bindAddress,
        dataDir: path.join(dataDir, 'hall'),
        staticDir: rendererDir,
        central: hallUplink(),
        onPush: (push) => {
          hallPush = push;
          emit('hall:state', hallStatus());
        },
        fork: (entry, env) =>
          utilityProcess.fork(entry, [], {
            serviceName: 'HallDesk hall queue',
            stdio: 'pipe',
            env,
          }),
        log,
      }),
    {
      log: (m) => log('warn', m),
      onStatus: (status) => {
        // A report belongs to the run that sent it.
        if (status.state !== 'running') hallPush = null;
        emit('hall:state', hallStatus());
      },
    },
  );
  hallSupervisor.run();
}

/** Restarts the hall service (if this machine hosts it) so it reads the uplink afresh. */
let hallRestart: Promise<void> = Promise.resolve();
/** Restarts are queued: the old service must have let go of its port before the next binds it. */
function restartHallService(): Promise<void> {
  // A failed restart must not stop the ones after it.
  hallRestart = hallRestart
    .catch(() => undefined)
    .then(async () => {
      const old = hallSupervisor;
      hallSupervisor = null;
      if (old) await old.stop();
      applyHallHost();
    });
  return hallRestart;
}

function hallStatus(): HallHostStatus {
  const status = hallSupervisor?.getStatus() ?? {
    state: 'disabled',
    port: null,
    restarts: 0,
    lastError: null,
    nextAttemptAt: null,
  };
  return { ...status, push: hallPush };
}

function applyStartWithSystem(enabled: boolean): void {
  const args = roleChoice.source === 'flag' ? [`--role=${roleChoice.role}`] : [];
  if (process.platform === 'linux') {
    const configHome = process.env.XDG_CONFIG_HOME ?? path.join(app.getPath('home'), '.config');
    setLinuxAutostart(configHome, enabled, process.env.APPIMAGE ?? process.execPath, args);
  } else {
    app.setLoginItemSettings({ openAtLogin: enabled, args });
  }
}

// ---- ID card reader ------------------------------------------------------------------------------
function readerService(): IdCardService {
  idCards ??= new IdCardService({
    savePort: (port) => settings.update({ idCardReader: { ...settings.get().idCardReader, port } }),
    // Cards and the reader's state go to the desk only: no other window has a form to fill.
    onCard: (read) => {
      const desk = windows.get('desk');
      if (desk && !desk.isDestroyed()) emit('idCard:placed', read, desk.webContents);
    },
    onStatus: (status) => {
      const desk = windows.get('desk');
      if (desk && !desk.isDestroyed()) emit('idCard:state', status, desk.webContents);
    },
    locateEnv: {
      platform: process.platform,
      extraDirs: [path.dirname(process.execPath), path.join(dataDir, 'idcard')],
      env: process.env,
    },
    log,
  });
  return idCards;
}

// ---- IPC -----------------------------------------------------------------------------------------
function senderWindow(id: number): BrowserWindow | null {
  return BrowserWindow.getAllWindows().find((w) => w.webContents.id === id) ?? null;
}

function contentsOf(id: number): WebContents {
  const win = senderWindow(id);
  if (!win) throw new IpcFailure('unavailable', '窗口已关闭 / window closed');
  return win.webContents;
}

function buildRegistry(secrets: SecretStore, signatures: SignatureStore): IpcRegistry {
  const registry = new IpcRegistry({
    // Only our own pages (app://halldesk) may call main.
    isTrustedCaller: (caller) => isAppUrl(caller.url),
    onError: (name, error) =>
      log(
        'error',
        `ipc ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
  });
  registry.register('app:info', () => ({
    name: 'HallDesk',
    version: appVersion,
    platform: process.platform,
    arch: process.arch,
    electron: process.versions.electron ?? '',
    chrome: process.versions.chrome ?? '',
    role: roleChoice.role,
    dataDir,
    isPackaged: app.isPackaged,
    secretsBackend: secrets.backend(),
  }));
  registry.register('session:busy', (arg, caller) => {
    busyBySender.set(caller.senderId, { ...arg, printing: false });
  });
  registry.register('settings:get', () => shellSettings.view());
  registry.register('settings:set', (patch) => shellSettings.apply(patch));
  registry.register('displays:list', () => displayList());
  registry.register('printers:list', (_arg, caller) => listPrinters(contentsOf(caller.senderId)));
  registry.register('print:receipt', async (arg, caller) => {
    busyBySender.set(caller.senderId, {
      ...(busyBySender.get(caller.senderId) ?? { dirtyForms: 0, serving: false }),
      printing: true,
    });
    try {
      return await printReceipt(contentsOf(caller.senderId), arg, settings.get(), dataDir);
    } finally {
      const b = busyBySender.get(caller.senderId);
      if (b) b.printing = false;
    }
  });
  registry.register('print:ticket', (arg, caller) =>
    printTicket(arg, settings.get(), contentsOf(caller.senderId)),
  );
  const secretCall = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof SecretsUnavailableError)
        throw new IpcFailure('unavailable', error.message);
      throw error;
    }
  };
  registry.register('secrets:get', ({ name }) => secretCall(() => ({ value: secrets.get(name) })));
  registry.register('secrets:set', ({ name, value }) => secretCall(() => secrets.set(name, value)));
  registry.register('secrets:delete', ({ name }) => ({ deleted: secrets.delete(name) }));
  registry.register('signature:save', async (arg) => {
    try {
      return await signatures.save(arg);
    } catch (error) {
      throw new IpcFailure(
        'invalid_argument',
        error instanceof Error ? error.message : String(error),
      );
    }
  });
  registry.register('signature:verify', ({ id, currentDocument }) =>
    signatures.verify(id, currentDocument),
  );
  registry.register('update:status', () =>
    updates
      ? updates.getStatus()
      : { state: 'disabled' as const, readyVersion: null, percent: null, error: null },
  );
  registry.register('hall:status', () => hallStatus());
  const uplink = new HallUplinkManager({
    secrets,
    enroll: httpEnroll((input, init) => fetch(input, init)),
    revoke: httpRevoke((input, init) => fetch(input, init)),
    restartHall: restartHallService,
    deviceName: `排队叫号服务 (hall queue) ${os.hostname()}`.slice(0, 100),
    log,
  });
  registry.register('hall:getCentralUplink', () => uplink.view());
  registry.register('hall:setCentralUplink', (arg) => uplink.set(arg));
  registry.register('hall:clearCentralUplink', () => uplink.clear());
  registry.register('customer:show', (view) => {
    const target = windows.get('customer');
    if (!target || target.isDestroyed()) return { delivered: false };
    emit('customer:view', view, target.webContents);
    return { delivered: true };
  });
  registry.register('customer:respond', (response) => {
    const target = windows.get('desk');
    if (!target || target.isDestroyed()) return { delivered: false };
    emit('customer:response', response, target.webContents);
    return { delivered: true };
  });
  registry.register('shell:openExternal', async ({ url }) => {
    if (decideWindowOpen(url, settings.get().externalLinkHosts) !== 'external')
      return { opened: false };
    await shell.openExternal(url);
    return { opened: true };
  });
  registry.register('idCard:status', () => readerService().status());
  registry.register('idCard:read', () => readerService().read());
  registry.register('idCard:locate', ({ kind }) => readerService().locate(kind));
  const missing = registry.missing();
  if (missing.length) throw new Error(`IPC handlers missing: ${missing.join(', ')}`);
  return registry;
}

// ---- Start -----------------------------------------------------------------------------------
async function start(): Promise<void> {
  log('info', `HallDesk ${appVersion} starting; data folder ${dataDir} (${dataDirSource})`);
  settings = new SettingsStore(dataDir, (m) => log('warn', m));
  windowState = new WindowStateStore(dataDir);
  // Flags are remembered: the next start without them keeps this machine's role and monitor.
  const fromFlags = settingsFromFlags(flags, settings.get());
  if (fromFlags) settings.update(fromFlags);
  roleChoice = chooseRole(flags, settings.get());
  shellSettings = new ShellSettings({
    store: settings,
    dataDir,
    dataDirSource,
    defaultDir,
    flags,
    role: roleChoice,
    effects: {
      switchRole(choice) {
        roleChoice = choice;
        // Open the new role's windows before closing the old ones, or window-all-closed quits.
        const old = [...windows.values()];
        for (const win of old) replaced.add(win);
        windows.clear();
        openRoleWindows();
        for (const win of old) if (!win.isDestroyed()) win.close();
      },
      customerScreen(screen) {
        // Out of the map first: a closing window is not destroyed yet, and openWindow would
        // hand it back instead of opening one on the new monitor.
        const open = windows.get('customer');
        windows.delete('customer');
        if (open && !open.isDestroyed()) open.close();
        if (screen.enabled) openWindow('customer', screen.monitor);
      },
      restartHall: () => void restartHallService(),
      startWithSystem: applyStartWithSystem,
      idCardReader: (reader) => void readerService().configure(reader),
      changed: (view) => emit('settings:changed', view),
    },
  });
  log('info', `role ${roleChoice.role} (${roleChoice.source})`);

  // Permissions: the camera/microphone for document capture and full screen, for our pages only.
  const allowed = new Set(['media', 'fullscreen', 'clipboard-sanitized-write']);
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(allowed.has(permission) && isAppUrl(details.requestingUrl));
  });
  session.defaultSession.setPermissionCheckHandler(
    (_contents, permission, requestingOrigin) =>
      allowed.has(permission) && isAppUrl(requestingOrigin),
  );
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, windowDeps()));
  handleAppProtocol(rendererDir, (m) => log('warn', m));
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    log('error', `renderer build missing at ${rendererDir}: run npm run build:renderer`);
  }

  secretStore = new SecretStore(dataDir, safeStorage);
  // Signature images are encrypted by the OS keystore where there is one (as secrets are).
  const sealer = secretStore.available().ok ? safeStorageSealer(safeStorage) : null;
  const registry = buildRegistry(secretStore, new SignatureStore(dataDir, undefined, sealer));
  ipcMain.handle(INVOKE_CHANNEL, (event, name: unknown, arg: unknown) =>
    registry.dispatch(name, arg, {
      senderId: event.sender.id,
      url: event.senderFrame?.url ?? '',
      role: roleOfSender(event.sender.id),
    }),
  );

  const current = settings.get();
  const feedUrl = process.env.HALLDESK_UPDATE_URL ?? current.updateUrl;
  updates = new Updates({
    feedUrl,
    allowHttpFeed:
      current.updateAllowHttp === true || process.env.HALLDESK_UPDATE_ALLOW_HTTP === '1',
    // Signed manifest (built-in public key), same version, installer SHA-512: before any install.
    verify: (download) =>
      verifyDownload(
        {
          publicKeyPem: UPDATE_PUBLIC_KEY,
          channelFile: channelFileFor(process.platform, process.arch),
          fetchFeedFile: httpFeedReader(feedUrl ?? ''),
          hashFile: sha512OfFile,
        },
        download,
      ),
    isPackaged: app.isPackaged,
    dataDir,
    currentVersion: appVersion,
    updater: autoUpdater,
    busy: () => combineBusy(busyBySender.values()),
    log,
    onStatus: (status) => emit('update:state', status),
    onReady: (version) => emit('update:ready', { version }),
  });
  if (await updates.start()) return; // the installer takes over and relaunches us

  applyHallHost();
  // Only the desk reads cards; its library is loaded once at start and again when settings change.
  if (roleChoice.role === 'desk' && current.idCardReader.kind !== 'none')
    void readerService().configure(current.idCardReader);
  if (current.startWithSystem) applyStartWithSystem(true);
  openRoleWindows();
  updates.markRunning();

  app.on('second-instance', (_event, argv) => {
    // Someone started HallDesk again: show what runs (or the role they asked for).
    const asked = parseFlags(argv.slice(1));
    const role = asked.role ?? roleChoice.role;
    const win = windows.get(role) ?? openWindow(role, asked.display);
    focus(win);
  });
}

app.on('window-all-closed', () => app.quit());
// Chromium restarts its GPU and utility helpers itself; the log says it happened.
app.on('child-process-gone', (_event, details) =>
  log('warn', `${details.type} process gone: ${details.reason} (exit ${details.exitCode})`),
);
app.on('before-quit', () => {
  updates?.beforeQuit();
  if (hallSupervisor) void hallSupervisor.stop();
  void idCards?.dispose();
});
