// What `settings:get` / `settings:set` do in main: the view the settings page shows, and what a
// change sets in motion (role switch, customer screen, hall service restart, autostart, a new data
// folder or update feed for the next start). Plain Node with the Electron effects injected, so the
// same object runs in main and under Vitest or behind the Playwright settings test.
import path from 'node:path';
import {
  type Role,
  type Settings,
  type SettingsPatch,
  type SettingsView,
} from '../shared/ipc/contract';
import { IpcFailure } from '../shared/ipc/registry';
import { chooseRole, type RoleChoice, type ShellFlags } from './roles';
import { setConfiguredDataDir, type DataDirSource, type SettingsStore } from './settingsStore';

/** What main does in the world when settings change; each is called only for a real change. */
export interface SettingsEffects {
  /** The role or its monitor changed: open the new role's windows, then close the old ones. */
  switchRole(choice: RoleChoice): void;
  /** Desk only: open (on that monitor) or close the customer-facing screen. */
  customerScreen(screen: Settings['customerScreen']): void;
  /** Hall host switched on/off, or its port or address changed: stop and start the service. */
  restartHall(): void;
  startWithSystem(enabled: boolean): void;
  /** The ID card reader's interface, library or auto-read changed: load it again. */
  idCardReader?(reader: Settings['idCardReader']): void;
  /** Every window gets the new view (settings:changed). */
  changed(view: SettingsView): void;
}

export interface ShellSettingsDeps {
  store: SettingsStore;
  dataDir: string;
  dataDirSource: DataDirSource;
  /** Where location.json (a data folder chosen here) is kept. */
  defaultDir: string;
  flags: ShellFlags;
  role: RoleChoice;
  effects: SettingsEffects;
  /** Records the data folder for the next start; checks it is writable (tests inject). */
  setDataDir?: (defaultDir: string, dataDir: string) => void;
}

export class ShellSettings {
  private roleChoice: RoleChoice;
  /** Why the running app differs from what is saved until the next start. */
  private readonly pending = new Set<'dataDir' | 'updateUrl'>();
  private readonly startUpdateUrl: string | null;

  constructor(private readonly deps: ShellSettingsDeps) {
    this.roleChoice = deps.role;
    this.startUpdateUrl = deps.store.get().updateUrl;
  }

  get role(): RoleChoice {
    return this.roleChoice;
  }

  view(): SettingsView {
    return {
      settings: this.deps.store.get(),
      activeRole: this.roleChoice.role,
      roleSource: this.roleChoice.source,
      dataDir: this.deps.dataDir,
      dataDirSource: this.deps.dataDirSource,
      restartRequired: this.pending.size > 0,
    };
  }

  /** Applies an already validated patch (the registry parsed it with the contract's schema). */
  apply(patch: SettingsPatch): SettingsView {
    const { dataDir: newDataDir, ...rest } = patch;
    if (newDataDir !== undefined) this.moveDataDir(newDataDir);
    const before = this.deps.store.get();
    const next = this.deps.store.update(rest);
    const fx = this.deps.effects;

    // A --role flag wins for this run: the saved role applies from the next start without it.
    if (this.roleChoice.source !== 'flag' && roleOrMonitorChanged(before, next)) {
      const choice = chooseRole({ ...this.deps.flags, role: null, display: null }, next);
      this.roleChoice = choice;
      fx.switchRole(choice);
    } else if (
      this.roleChoice.role === 'desk' &&
      !sameJson(before.customerScreen, next.customerScreen)
    ) {
      fx.customerScreen(next.customerScreen);
    }
    if (!sameJson(before.hallHost, next.hallHost)) fx.restartHall();
    if (before.startWithSystem !== next.startWithSystem) fx.startWithSystem(next.startWithSystem);
    // The remembered port alone is main's own bookkeeping, not a change to act on.
    if (!sameJson({ ...before.idCardReader, port: null }, { ...next.idCardReader, port: null }))
      fx.idCardReader?.(next.idCardReader);
    // The updater reads its feed once, at start.
    if (next.updateUrl !== this.startUpdateUrl) this.pending.add('updateUrl');
    else this.pending.delete('updateUrl');

    const view = this.view();
    fx.changed(view);
    return view;
  }

  private moveDataDir(requested: string): void {
    if (!path.isAbsolute(requested)) {
      throw new IpcFailure(
        'invalid_argument',
        '数据目录必须是完整路径（例如 D:\\HallDesk 或 /data/halldesk） / the data folder must be an absolute path',
        'E_DATA_DIR',
      );
    }
    const resolved = path.resolve(requested);
    try {
      (this.deps.setDataDir ?? setConfiguredDataDir)(this.deps.defaultDir, resolved);
    } catch (error) {
      throw new IpcFailure(
        'invalid_argument',
        `数据目录不可用（无法创建或没有写入权限） / data folder not usable: ${
          error instanceof Error ? error.message : String(error)
        }`,
        'E_DATA_DIR',
      );
    }
    // Choosing the folder in use again (after choosing another) undoes the move.
    if (resolved === this.deps.dataDir) this.pending.delete('dataDir');
    else this.pending.add('dataDir');
  }
}

/** The role, or (for the full-screen roles) the monitor it runs on, differs. */
function roleOrMonitorChanged(before: Settings, next: Settings): boolean {
  if (before.role !== next.role) return true;
  const role: Role = next.role;
  if (role === 'display' || role === 'kiosk') return before.displayMonitor !== next.displayMonitor;
  if (role === 'customer') return before.customerScreen.monitor !== next.customerScreen.monitor;
  return false;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
