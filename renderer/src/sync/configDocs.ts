// Configuration documents the centre pushes (business catalogue, holiday calendar, hall
// settings): validation with the shared schemas, and how the desk combines them with the
// configuration bundled with the program. Pure functions (no Dexie, no React).
import {
  loadCalendarData,
  mergeCalendar,
  type CalendarData,
} from '../../../shared/domain/calendar';
import { loadCatalogue, type Catalogue } from '../../../shared/domain/catalogue';
import { KeyRegisterDoc } from '../../../shared/domain/customers';
import { loadSettings, type HallSettings } from '../../../shared/domain/settings';
import type { ConfigKey } from '../../../shared/protocol';

export const CONFIG_KEYS = ['catalogue', 'calendar', 'settings'] as const satisfies ConfigKey[];

/** How a pushed document is kept in the meta table under `config.<key>`. */
export interface StoredConfigDoc {
  /** The centre's configuration version (global across keys, only grows). */
  version: number;
  updatedAt: string;
  data: unknown;
}

export type ConfigDocCheck =
  { ok: true; doc: StoredConfigDoc } | { ok: false; reason: string; version?: number };

/** Checks a stored or pushed document: shape, then the shared schema of its key. */
export function checkConfigDoc(key: ConfigKey, value: unknown): ConfigDocCheck {
  if (!value || typeof value !== 'object') return { ok: false, reason: '不是配置文档' };
  const v = value as Partial<StoredConfigDoc>;
  if (typeof v.version !== 'number' || !Number.isInteger(v.version) || v.version <= 0)
    return { ok: false, reason: '配置版本号无效' };
  try {
    if (key === 'catalogue') loadCatalogue(v.data);
    else if (key === 'calendar') loadCalendarData(v.data);
    else if (key === 'keyCustomers') KeyRegisterDoc.parse(v.data);
    else loadSettings(v.data);
  } catch (e) {
    return {
      ok: false,
      version: v.version,
      reason: e instanceof Error ? e.message.slice(0, 500) : String(e),
    };
  }
  return {
    ok: true,
    doc: { version: v.version, updatedAt: String(v.updatedAt ?? ''), data: v.data },
  };
}

/** Where each part of the desk's configuration comes from (shown in 设置). */
export interface ConfigSource {
  source: 'bundled' | 'centre';
  /** The centre's configuration version (centre only). */
  centreVersion?: number;
  updatedAt?: string;
  /** The document's own version (catalogue "2026.1", calendar 3, settings 1). */
  dataVersion: string | number;
  /** A pushed document that was ignored, and why. */
  ignored?: { version?: number; reason: string };
}

export interface ResolvedConfig {
  catalogue: Catalogue;
  calendarData: CalendarData;
  settings: HallSettings;
  sources: Record<ConfigKey, ConfigSource>;
}

export interface Bundled {
  catalogue: Catalogue;
  calendarData: CalendarData;
  settings: HallSettings;
}

/**
 * The newest valid configuration: a valid pushed document replaces the bundled catalogue and
 * settings (the centre is the authority for what its halls offer); the calendar is the bundled
 * one with the pushed years laid over it (the centre adds next year, corrects a year; a year
 * only the program knows stays usable). An invalid document is ignored with its reason: the
 * bundled part stays in use.
 */
export function resolveConfig(
  bundled: Bundled,
  stored: Partial<Record<ConfigKey, unknown>>,
): ResolvedConfig {
  const sources = {} as Record<ConfigKey, ConfigSource>;
  const pick = (key: ConfigKey) => {
    const raw = stored[key];
    if (raw === undefined) return null;
    const c = checkConfigDoc(key, raw);
    if (!c.ok) {
      sources[key] = {
        source: 'bundled',
        dataVersion: 0,
        ignored: { reason: c.reason, ...(c.version ? { version: c.version } : {}) },
      };
      return null;
    }
    return c.doc;
  };
  const centreSource = (doc: StoredConfigDoc, dataVersion: string | number): ConfigSource => ({
    source: 'centre',
    centreVersion: doc.version,
    updatedAt: doc.updatedAt,
    dataVersion,
  });
  const bundledSource = (key: ConfigKey, dataVersion: string | number): ConfigSource => ({
    ...sources[key],
    source: 'bundled',
    dataVersion,
  });

  let catalogue = bundled.catalogue;
  const cat = pick('catalogue');
  if (cat) {
    catalogue = loadCatalogue(cat.data);
    sources.catalogue = centreSource(cat, catalogue.version);
  } else sources.catalogue = bundledSource('catalogue', catalogue.version);

  let calendarData = bundled.calendarData;
  const cal = pick('calendar');
  if (cal) {
    try {
      calendarData = mergeCalendar(bundled.calendarData, cal.data);
      sources.calendar = centreSource(cal, calendarData.version);
    } catch (e) {
      sources.calendar = {
        source: 'bundled',
        dataVersion: bundled.calendarData.version,
        ignored: { version: cal.version, reason: String(e) },
      };
    }
  } else sources.calendar = bundledSource('calendar', calendarData.version);

  let settings = bundled.settings;
  const set = pick('settings');
  if (set) {
    settings = loadSettings(set.data);
    sources.settings = centreSource(set, settings.version);
  } else sources.settings = bundledSource('settings', settings.version);

  return { catalogue, calendarData, settings, sources };
}
