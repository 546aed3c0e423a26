// The desk's configuration: the business catalogue, the working-day calendar and the hall
// settings (the newest valid documents the centre pushed, over the defaults shipped in
// shared/config), plus this desk's profile (hall code, desk code, clerk) kept in the local
// settings table so that it survives reinstalling the program.
import { liveQuery } from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { defaultCatalogue, type Catalogue } from '../../../shared/domain/catalogue';
import {
  defaultCalendar,
  defaultCalendarData,
  WorkCalendar,
} from '../../../shared/domain/calendar';
import { defaultSettings, type HallSettings } from '../../../shared/domain/settings';
import type { ConfigKey } from '../../../shared/protocol';
import { activeDb, type HallDeskDB } from '../db/db';
import { setDeskTimeZone } from '../db/hallZone';
import { getSetting } from '../db/repo';
import { CONFIG_KEYS, resolveConfig, type ConfigSource } from '../sync/configDocs';
import { currentStaffActor } from '../staff/actor';

export interface DeskConfig {
  catalogue: Catalogue;
  calendar: WorkCalendar;
  settings: HallSettings;
  /** Where each part comes from (bundled or the centre, versions, an ignored push). */
  sources?: Record<ConfigKey, ConfigSource>;
}

/** Meta keys under which the sync engine keeps the centre's documents (sync/store.ts META). */
const META_KEYS = CONFIG_KEYS.map((k) => `config.${k}`);

const BUNDLED = {
  catalogue: defaultCatalogue,
  calendarData: defaultCalendarData,
  settings: defaultSettings,
};

const loggedIgnored = new Set<string>();

/** Builds the configuration from the stored documents (missing / invalid → bundled). */
export function buildDeskConfig(stored: Partial<Record<ConfigKey, unknown>>): DeskConfig {
  const r = resolveConfig(BUNDLED, stored);
  for (const key of CONFIG_KEYS) {
    const ig = r.sources[key].ignored;
    const tag = `${key}:${ig?.version ?? ''}:${ig?.reason ?? ''}`;
    if (ig && !loggedIgnored.has(tag)) {
      // Logged once per document: the desk keeps working on the bundled configuration.
      loggedIgnored.add(tag);
      console.warn(
        `[config] ignoring the centre's ${key} (version ${ig.version ?? '?'}): ${ig.reason}`,
      );
    }
  }
  return {
    catalogue: r.catalogue,
    // The hall's calendar reads business dates in the hall's zone (settings.timeZone).
    calendar: (r.calendarData === BUNDLED.calendarData
      ? defaultCalendar
      : new WorkCalendar(r.calendarData)
    ).inZone(r.settings.timeZone),
    settings: r.settings,
    sources: r.sources,
  };
}

function signature(c: DeskConfig): string {
  return CONFIG_KEYS.map((k) => {
    const s = c.sources?.[k];
    return `${s?.source}:${s?.centreVersion ?? ''}:${s?.ignored?.version ?? ''}`;
  }).join('|');
}

/** The configuration in use; components re-render when the centre's documents change. */
export const deskConfigStore = createStore<DeskConfig>(() => buildDeskConfig({}));

function publish(next: DeskConfig): DeskConfig {
  const cur = deskConfigStore.getState();
  if (signature(cur) === signature(next)) return cur;
  setDeskTimeZone(next.settings.timeZone);
  deskConfigStore.setState(next, true);
  return next;
}

async function readStored(db: HallDeskDB): Promise<Partial<Record<ConfigKey, unknown>>> {
  const rows = await db.meta.bulkGet(META_KEYS);
  const out: Partial<Record<ConfigKey, unknown>> = {};
  CONFIG_KEYS.forEach((k, i) => {
    if (rows[i]) out[k] = rows[i]!.value;
  });
  return out;
}

/** Reads the stored documents now and makes them the configuration in use. */
export async function refreshDeskConfig(db: HallDeskDB = activeDb()): Promise<DeskConfig> {
  return publish(buildDeskConfig(await readStored(db)));
}

let watched: { db: HallDeskDB; unsubscribe: () => void } | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;
let retries = 0;

/**
 * Follows the centre's documents in the local database (a Dexie live query over the three meta
 * keys): a pull that brings a new catalogue or calendar takes effect without a reload.
 */
export function watchDeskConfig(db: HallDeskDB): () => void {
  if (watched?.db === db) return watched.unsubscribe;
  watched?.unsubscribe();
  const sub = liveQuery(() => readStored(db)).subscribe({
    next: (stored) => {
      try {
        publish(buildDeskConfig(stored));
      } catch (e) {
        console.error('[config] configuration update failed; keeping the previous one', e);
      }
    },
    error: (e: unknown) => console.warn('[config] stopped following configuration updates', e),
  });
  const unsubscribe = () => {
    sub.unsubscribe();
    if (watched?.db === db) watched = null;
  };
  watched = { db, unsubscribe };
  return unsubscribe;
}

/** Starts following the active database's configuration once it is open (idempotent). */
export function ensureConfigWatch(): void {
  let db: HallDeskDB;
  try {
    db = activeDb();
  } catch {
    // The database opens asynchronously at start-up; give up after a minute (tests in Node).
    if (retry || retries > 120) return;
    retries += 1;
    retry = setTimeout(() => {
      retry = null;
      ensureConfigWatch();
    }, 500);
    (retry as { unref?: () => void }).unref?.();
    return;
  }
  if (watched?.db !== db) watchDeskConfig(db);
}

export function deskConfig(): DeskConfig {
  ensureConfigWatch();
  return deskConfigStore.getState();
}

export function useDeskConfig(): DeskConfig {
  useEffect(() => ensureConfigWatch(), []);
  return useStore(deskConfigStore);
}

/** Setting key of the desk profile (the sync engine may read the hall and desk codes here). */
export const PROFILE_KEY = 'desk.profile';

export interface DeskProfile {
  hallCode: string;
  deskCode: string;
  clerkName: string;
}

/**
 * A new desk has no hall or desk code: it never numbers under a placeholder (two desks once
 * printed the same H0001-D01-… numbers). The codes come only from its enrollment code
 * (sync/credentials.ts, also offline); 设置 shows them read-only.
 */
export const DEFAULT_PROFILE: DeskProfile = { hallCode: '', deskCode: '', clerkName: '' };

function normalizeProfile(v: unknown): DeskProfile | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Partial<Record<keyof DeskProfile, unknown>>;
  return {
    hallCode: typeof o.hallCode === 'string' ? o.hallCode : DEFAULT_PROFILE.hallCode,
    deskCode: typeof o.deskCode === 'string' ? o.deskCode : DEFAULT_PROFILE.deskCode,
    clerkName: typeof o.clerkName === 'string' ? o.clerkName : '',
  };
}

export async function loadProfile(): Promise<DeskProfile | null> {
  return normalizeProfile(await getSetting(PROFILE_KEY));
}

/**
 * Saves the profile from 设置: only the clerk's name. The hall and desk codes are never taken
 * from the form (issue 12 §2): they come from the enrollment (sync/credentials.ts, online or from
 * an offline code) and a desk that had typed them in an older version keeps those (profileSource).
 */
export async function saveProfile(p: Pick<DeskProfile, 'clerkName'>): Promise<void> {
  const db = activeDb();
  // One transaction: an enrollment completing meanwhile keeps the codes it set.
  await db.transaction('rw', db.settings, async () => {
    const stored = normalizeProfile((await db.settings.get(PROFILE_KEY))?.value) ?? DEFAULT_PROFILE;
    await db.settings.put({
      key: PROFILE_KEY,
      value: {
        hallCode: stored.hallCode,
        deskCode: stored.deskCode,
        clerkName: p.clerkName.trim(),
      },
    });
  });
}

/**
 * The stored profile: `undefined` while loading, `null` when the desk was never set up
 * (the desk then asks for it before the first application).
 */
export function useProfile(): DeskProfile | null | undefined {
  return useLiveQuery(() => loadProfile(), [], undefined);
}

/** True when the profile carries a hall and a desk code (from enrollment, or typed before it). */
export function profileHasCodes(p: DeskProfile | null | undefined): boolean {
  return !!p && /^[A-Z0-9]{1,16}$/.test(p.hallCode) && /^[A-Z0-9]{1,16}$/.test(p.deskCode);
}

/** Why a desk may not accept yet, in the user's language; null when it may. */
export function profileBlocker(
  p: DeskProfile | null | undefined,
  t: (zh: string, en: string) => string,
): string | null {
  if (!profileHasCodes(p))
    return t(
      '本受理台尚未登记：请先在“同步”页登记本机，营业厅和受理台编码来自登记码',
      'This desk is not enrolled yet: enroll it on the Sync page first (the hall and desk codes come from the enrollment code)',
    );
  if (!profileComplete(p))
    return t('请先在“设置”中填写受理员姓名', 'Enter the clerk name in Settings first');
  return null;
}

/** True when a profile has everything an application number and a receipt need. */
export function profileComplete(p: DeskProfile | null | undefined): p is DeskProfile {
  return (
    !!p &&
    /^[A-Z0-9]{1,16}$/.test(p.hallCode) &&
    /^[A-Z0-9]{1,16}$/.test(p.deskCode) &&
    // A signed-in person is the clerk (issue 13); a desk without staff names one in 设置.
    (p.clerkName.length > 0 || currentStaffActor() !== undefined)
  );
}
