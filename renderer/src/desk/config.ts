// The desk's configuration: the business catalogue, the working-day calendar and the hall
// settings (shipped defaults from shared/config), plus this desk's profile (hall code, desk
// code, clerk) kept in the local settings table so that it survives reinstalling the program.
import { useLiveQuery } from 'dexie-react-hooks';
import { defaultCatalogue, type Catalogue } from '../../../shared/domain/catalogue';
import { defaultCalendar, type WorkCalendar } from '../../../shared/domain/calendar';
import { defaultSettings, type HallSettings } from '../../../shared/domain/settings';
import { getSetting, setSetting } from '../db/repo';

export interface DeskConfig {
  catalogue: Catalogue;
  calendar: WorkCalendar;
  settings: HallSettings;
}

// TODO(sync): the centre will push catalogue / calendar / settings updates; until the sync work
// stores them, the desk uses the data shipped with the program.
const config: DeskConfig = {
  catalogue: defaultCatalogue,
  calendar: defaultCalendar,
  settings: defaultSettings,
};

export function deskConfig(): DeskConfig {
  return config;
}

export function useDeskConfig(): DeskConfig {
  return config;
}

/** Setting key of the desk profile (the sync engine may read the hall and desk codes here). */
export const PROFILE_KEY = 'desk.profile';

export interface DeskProfile {
  hallCode: string;
  deskCode: string;
  clerkName: string;
}

export const DEFAULT_PROFILE: DeskProfile = { hallCode: 'H0001', deskCode: 'D01', clerkName: '' };

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

export async function saveProfile(p: DeskProfile): Promise<void> {
  await setSetting(PROFILE_KEY, {
    hallCode: p.hallCode.trim().toUpperCase(),
    deskCode: p.deskCode.trim().toUpperCase(),
    clerkName: p.clerkName.trim(),
  });
}

/**
 * The stored profile: `undefined` while loading, `null` when the desk was never set up
 * (the desk then asks for it before the first application).
 */
export function useProfile(): DeskProfile | null | undefined {
  return useLiveQuery(() => loadProfile(), [], undefined);
}

/** True when a profile has everything an application number and a receipt need. */
export function profileComplete(p: DeskProfile | null | undefined): p is DeskProfile {
  return (
    !!p &&
    /^[A-Z0-9]{1,16}$/.test(p.hallCode) &&
    /^[A-Z0-9]{1,16}$/.test(p.deskCode) &&
    p.clerkName.length > 0
  );
}
