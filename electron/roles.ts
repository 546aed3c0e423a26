// Which role this machine runs (desk, hall display, ticket kiosk, customer screen) and where:
// command-line flags win over the stored settings, which win over the default (desk).
import { Role, type Settings } from '../shared/ipc/contract';
import { APP_ORIGIN } from './protocolPath';

export interface ShellFlags {
  role: Role | null;
  /** 1-based monitor from --display=N. */
  display: number | null;
  /** --data-dir=PATH. */
  dataDir: string | null;
  /** Flags that were present but invalid, to log (never fatal: a hall must still start). */
  problems: string[];
}

/** Parses `--role=display --display=2 --data-dir=/x` (also `--role display`). */
export function parseFlags(argv: readonly string[]): ShellFlags {
  const flags: ShellFlags = { role: null, display: null, dataDir: null, problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--(role|display|data-dir)(?:=(.*))?$/.exec(arg);
    if (!m) continue;
    const key = m[1];
    let value = m[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    }
    if (value === undefined || value === '') {
      flags.problems.push(`--${key} needs a value`);
      continue;
    }
    if (key === 'role') {
      const parsed = Role.safeParse(value.toLowerCase());
      if (parsed.success) flags.role = parsed.data;
      else flags.problems.push(`unknown role "${value}" (desk, display, kiosk, customer)`);
    } else if (key === 'display') {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 1 && n <= 16) flags.display = n;
      else flags.problems.push(`--display must be a monitor number 1–16, got "${value}"`);
    } else {
      flags.dataDir = value;
    }
  }
  return flags;
}

export interface RoleChoice {
  role: Role;
  source: 'flag' | 'settings' | 'default';
  /** 1-based monitor for the main window; null = the role's usual place. */
  monitor: number | null;
}

export function chooseRole(flags: ShellFlags, settings: Settings | null): RoleChoice {
  const role = flags.role ?? settings?.role ?? 'desk';
  const source = flags.role ? 'flag' : settings ? 'settings' : 'default';
  let monitor = flags.display;
  if (monitor === null && settings) {
    if (role === 'display' || role === 'kiosk') monitor = settings.displayMonitor;
    if (role === 'customer') monitor = settings.customerScreen.monitor;
  }
  return { role, source, monitor };
}

/** Hash route each role's window opens (the renderer's routes). */
export const ROLE_ROUTES: Record<Role, string> = {
  desk: '#/desk/new',
  display: '#/display',
  kiosk: '#/kiosk',
  customer: '#/customer',
};

/** How each role's window behaves. */
export interface RoleWindowPolicy {
  /** Full screen without window chrome; the clerk cannot leave it by accident. */
  kiosk: boolean;
  fullscreen: boolean;
  /** Remember size and position between runs (only for ordinary windows). */
  rememberBounds: boolean;
  defaultSize: { width: number; height: number };
  /** Where the window goes when no monitor is chosen. */
  preferredMonitor: 'primary' | 'secondary';
}

export const ROLE_WINDOWS: Record<Role, RoleWindowPolicy> = {
  desk: {
    kiosk: false,
    fullscreen: false,
    rememberBounds: true,
    defaultSize: { width: 1366, height: 860 },
    preferredMonitor: 'primary',
  },
  display: {
    kiosk: true,
    fullscreen: true,
    rememberBounds: false,
    defaultSize: { width: 1920, height: 1080 },
    // A hall TV is usually the second output of the host machine.
    preferredMonitor: 'secondary',
  },
  kiosk: {
    kiosk: true,
    fullscreen: true,
    rememberBounds: false,
    defaultSize: { width: 1080, height: 1920 },
    preferredMonitor: 'primary',
  },
  customer: {
    kiosk: false,
    fullscreen: true,
    rememberBounds: false,
    defaultSize: { width: 1280, height: 800 },
    preferredMonitor: 'secondary',
  },
};

/**
 * What a start with flags changes in the stored settings, so the machine keeps its role next
 * time it starts without them (a hall TV started once with --role=display --display=2 stays so).
 * null when nothing changes.
 */
export function settingsFromFlags(flags: ShellFlags, settings: Settings): Partial<Settings> | null {
  const patch: Partial<Settings> = {};
  if (flags.role && flags.role !== settings.role) patch.role = flags.role;
  const role = flags.role ?? settings.role;
  if (flags.display !== null) {
    if ((role === 'display' || role === 'kiosk') && flags.display !== settings.displayMonitor) {
      patch.displayMonitor = flags.display;
    }
    if (role === 'customer' && flags.display !== settings.customerScreen.monitor) {
      patch.customerScreen = { ...settings.customerScreen, monitor: flags.display };
    }
  }
  return Object.keys(patch).length ? patch : null;
}

/**
 * The page a role's window loads. The hall service's address rides in the query, where the
 * renderer's queue client looks first (renderer/src/queue/client.ts, pageParam('hallUrl')).
 */
export function appUrl(role: Role, hallUrl: string | null = null): string {
  // main always passes one (hallServiceUrlFor); null is for tests and tools.
  const query = hallUrl ? `?${new URLSearchParams({ hallUrl }).toString()}` : '';
  return `${APP_ORIGIN}/index.html${query}${ROLE_ROUTES[role]}`;
}
