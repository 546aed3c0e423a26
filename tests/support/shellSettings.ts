// main's settings handlers (electron/shellSettings.ts behind the real IPC registry) over a temp
// data folder, with the effects main would carry out recorded instead: shared by the unit test
// and by the browser test that wires the settings page to them.
import fs from 'node:fs';
import path from 'node:path';
import type { Settings, SettingsView } from '../../shared/ipc/contract';
import { IpcRegistry } from '../../shared/ipc/registry';
import { chooseRole, parseFlags } from '../../electron/roles';
import { SettingsStore } from '../../electron/settingsStore';
import { ShellSettings } from '../../electron/shellSettings';

export type Effect = [name: string, arg: unknown];

export function recordingShellSettings(
  root: string,
  opts: {
    argv?: string[];
    stored?: object;
    onChanged?: (view: SettingsView) => void;
    /** Also carry out the reader effect (the ID card reader's browser test loads it for real). */
    onIdCardReader?: (reader: Settings['idCardReader']) => void;
  } = {},
) {
  const dataDir = path.join(root, 'data');
  const defaultDir = path.join(root, 'default');
  fs.mkdirSync(dataDir, { recursive: true });
  if (opts.stored)
    fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify(opts.stored));
  const store = new SettingsStore(dataDir);
  const flags = parseFlags(opts.argv ?? []);
  const effects: Effect[] = [];
  const shell = new ShellSettings({
    store,
    dataDir,
    dataDirSource: 'default',
    defaultDir,
    flags,
    role: chooseRole(flags, store.get()),
    effects: {
      switchRole: (c) => effects.push(['switchRole', c]),
      customerScreen: (s) => effects.push(['customerScreen', s]),
      restartHall: () => effects.push(['restartHall', null]),
      startWithSystem: (b) => effects.push(['startWithSystem', b]),
      idCardReader: (r) => {
        effects.push(['idCardReader', r]);
        opts.onIdCardReader?.(r);
      },
      changed: (view) => {
        effects.push(['changed', null]);
        opts.onChanged?.(view);
      },
    },
  });
  const registry = new IpcRegistry();
  registry.register('settings:get', () => shell.view());
  registry.register('settings:set', (patch) => shell.apply(patch));
  const file = path.join(dataDir, 'settings.json');
  return {
    shell,
    store,
    registry,
    effects,
    /** The effects on windows, services and the OS (settings:changed left out). */
    worldEffects: () => effects.filter(([name]) => name !== 'changed'),
    dataDir,
    defaultDir,
    /** settings.json as on disk; null before the first save. */
    saved: (): Record<string, unknown> | null =>
      fs.existsSync(file)
        ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)
        : null,
  };
}
