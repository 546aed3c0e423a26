// Creates the shell's windows with the locked-down web preferences and the navigation, window-open
// and permission rules every window shares; placement comes from windowPlacement.ts.
import { BrowserWindow, screen, shell, type WebContents } from 'electron';
import type { DisplayInfo, Role } from '../shared/ipc/contract';
import { CrashGuard } from './crashGuard';
import { HangWatch } from './hangWatch';
import { decideNavigation, decideWindowOpen } from './navigation';
import { appUrl, ROLE_WINDOWS } from './roles';
import { orderDisplays, placeWindow, type ScreenDisplay } from './windowPlacement';
import { secureWebPreferences } from './webPreferences';
import type { WindowStateStore } from './windowState';

export interface WindowDeps {
  preloadPath: string;
  windowState: WindowStateStore;
  externalHosts: () => readonly string[];
  /** Where the hall queue service is for this machine's pages. */
  hallUrl: () => string;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** Rules for any web contents (also ones we did not create, e.g. a print window). */
export function hardenWebContents(contents: WebContents, deps: WindowDeps): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (decideWindowOpen(url, deps.externalHosts()) === 'external') {
      void shell.openExternal(url);
    } else {
      deps.log('warn', `window.open denied: ${url.slice(0, 200)}`);
    }
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (decideNavigation(url) !== 'allow') {
      event.preventDefault();
      deps.log('warn', `navigation denied: ${url.slice(0, 200)}`);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (decideNavigation(url) !== 'allow') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createRoleWindow(
  role: Role,
  monitor: number | null,
  deps: WindowDeps,
): BrowserWindow {
  const policy = ROLE_WINDOWS[role];
  const saved = policy.rememberBounds ? deps.windowState.get(role) : null;
  const placement = placeWindow({
    displays: screenDisplays(),
    monitor,
    policy,
    saved: saved?.bounds ?? null,
  });
  if (placement.fellBack) {
    deps.log(
      'warn',
      `${role}: monitor ${monitor ?? '-'} not found, using display ${placement.displayId}`,
    );
  }
  const win = new BrowserWindow({
    ...placement.bounds,
    show: false,
    title: 'HallDesk 营业厅受理台',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    kiosk: placement.kiosk,
    fullscreen: placement.fullscreen,
    webPreferences: secureWebPreferences(deps.preloadPath, role),
  });
  // Navigation and window-open rules come from main's 'web-contents-created' hook (all contents).
  if (saved?.maximized && !placement.fullscreen) win.maximize();
  win.once('ready-to-show', () => win.show());

  if (policy.rememberBounds) {
    const remember = () => {
      if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
      deps.windowState.save(role, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    };
    // 'resized'/'moved' only fire on Windows and macOS; 'resize'/'move' fire everywhere but
    // continuously while dragging, so they are debounced.
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(remember, 400);
    };
    win.on('resize', later);
    win.on('move', later);
    win.on('close', () => {
      if (timer) clearTimeout(timer);
      remember();
    });
  }

  // A renderer crash reloads the page; the desk's drafts live in IndexedDB, so the clerk's
  // form comes back. A crash loop stops reloading rather than spinning. A page hung for 30 s is
  // crashed on purpose so that it takes the same path.
  const guard = new CrashGuard();
  win.webContents.on('render-process-gone', (_event, details) => {
    deps.log('error', `${role} renderer gone: ${details.reason} (exit ${details.exitCode})`);
    if (details.reason === 'clean-exit' || win.isDestroyed()) return;
    if (guard.recordCrash()) {
      void win.loadURL(appUrl(role, deps.hallUrl()));
    } else {
      deps.log('error', `${role}: renderer crash loop, not reloading`);
      void win.loadURL(
        `data:text/html;charset=utf-8,${encodeURIComponent(
          '<meta charset="utf-8"><h1>程序多次异常退出，请重启或联系管理员</h1><p>The window crashed repeatedly. Restart HallDesk.</p>',
        )}`,
      );
    }
  });
  const hang = new HangWatch(() => {
    if (win.isDestroyed()) return;
    deps.log('error', `${role} window unresponsive for 30 s: restarting its renderer`);
    win.webContents.forcefullyCrashRenderer();
  });
  win.webContents.on('unresponsive', () => {
    deps.log('warn', `${role} window unresponsive`);
    hang.unresponsive();
  });
  win.webContents.on('responsive', () => hang.responsive());
  win.on('closed', () => hang.responsive());

  void win.loadURL(appUrl(role, deps.hallUrl()));
  return win;
}

/** The attached monitors, with the primary flagged (Electron's Display has no such field). */
export function screenDisplays(): (ScreenDisplay & { label: string; scaleFactor: number })[] {
  const primaryId = screen.getPrimaryDisplay().id;
  return screen.getAllDisplays().map((d) => ({
    id: d.id,
    label: d.label,
    scaleFactor: d.scaleFactor,
    bounds: d.bounds,
    workArea: d.workArea,
    primary: d.id === primaryId,
  }));
}

export function displayList(): DisplayInfo[] {
  return orderDisplays(screenDisplays()).map((d, i) => ({
    ...d,
    index: i + 1,
    label: d.label || `显示器 ${i + 1}`,
  }));
}
