// Per-machine settings (settings.json in the data folder) and where the data folder is:
// HALLDESK_DATA_DIR (tests) > --data-dir flag > the folder chosen in settings > the default.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, Settings, type SettingsPatch } from '../shared/ipc/contract';
import { readJson, writeJsonAtomic } from './jsonFile';

export type DataDirSource = 'env' | 'flag' | 'configured' | 'default';

/** The pointer file in the default folder that remembers a data folder chosen in settings. */
export const LOCATION_FILE = 'location.json';

export function resolveDataDir(input: {
  env: Record<string, string | undefined>;
  flagDataDir: string | null;
  defaultDir: string;
}): { dataDir: string; source: DataDirSource } {
  const fromEnv = input.env.HALLDESK_DATA_DIR;
  if (fromEnv) return { dataDir: path.resolve(fromEnv), source: 'env' };
  if (input.flagDataDir) return { dataDir: path.resolve(input.flagDataDir), source: 'flag' };
  const { value } = readJson(path.join(input.defaultDir, LOCATION_FILE));
  if (value && typeof value === 'object' && 'dataDir' in value) {
    const dir = (value as { dataDir: unknown }).dataDir;
    if (typeof dir === 'string' && path.isAbsolute(dir))
      return { dataDir: dir, source: 'configured' };
  }
  return { dataDir: input.defaultDir, source: 'default' };
}

/** Records a new data folder for the next start (the current run keeps its folder). */
export function setConfiguredDataDir(defaultDir: string, dataDir: string): void {
  if (!path.isAbsolute(dataDir))
    throw new Error('数据目录必须是绝对路径 / data folder must be absolute');
  fs.mkdirSync(dataDir, { recursive: true });
  // Fail now, not at next start, if the folder is not writable.
  fs.accessSync(dataDir, fs.constants.W_OK);
  writeJsonAtomic(path.join(defaultDir, LOCATION_FILE), { dataDir });
}

/**
 * Merges stored settings over the defaults field by field: a corrupt or out-of-range field
 * falls back to its default alone, so one bad value never resets the whole machine.
 */
export function normaliseSettings(stored: unknown): { settings: Settings; dropped: string[] } {
  const settings: Settings = structuredClone(DEFAULT_SETTINGS);
  const dropped: string[] = [];
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) {
    return { settings, dropped: stored == null ? [] : ['(root)'] };
  }
  const record = stored as Record<string, unknown>;
  for (const key of Object.keys(Settings.shape) as (keyof Settings)[]) {
    if (!(key in record)) continue;
    const parsed = Settings.shape[key].safeParse(record[key]);
    if (parsed.success) (settings as Record<keyof Settings, unknown>)[key] = parsed.data;
    else dropped.push(key);
  }
  return { settings, dropped };
}

export class SettingsStore {
  private current: Settings;
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly log: (msg: string) => void = () => {},
  ) {
    this.file = path.join(dataDir, 'settings.json');
    const { value, error } = readJson(this.file);
    if (error) this.log(`settings: ${error}; using defaults`);
    const { settings, dropped } = normaliseSettings(value);
    if (dropped.length)
      this.log(`settings: invalid fields reset to defaults: ${dropped.join(', ')}`);
    this.current = settings;
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Applies an already-validated patch (dataDir is handled by the caller) and saves. */
  update(patch: Omit<SettingsPatch, 'dataDir'>): Settings {
    const next = Settings.parse({ ...this.current, ...stripUndefined(patch) });
    writeJsonAtomic(this.file, next);
    this.current = next;
    return this.get();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
