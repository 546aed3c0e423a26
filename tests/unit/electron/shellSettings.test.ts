// settings:get / settings:set as main runs them (electron/shellSettings.ts behind the real IPC
// registry, settings.json in a temp folder): what each change sets in motion, flags winning for
// the run, the data folder and update feed waiting for the next start, refusals in Chinese.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../shared/ipc/contract';
import { appUrl } from '../../../electron/roles';
import { hallServiceUrlFor } from '../../../shared/ipc/contract';
import { recordingShellSettings } from '../../support/shellSettings';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-shell-settings-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function setup(argv: string[] = []) {
  const h = recordingShellSettings(dir, { argv });
  const call = (name: 'settings:get' | 'settings:set', arg?: unknown) =>
    h.registry.dispatch(name, arg, { senderId: 1, url: 'app://halldesk/index.html', role: 'desk' });
  const set = async (arg: unknown) => {
    const res = await call('settings:set', arg);
    if (!res.ok) throw new Error(JSON.stringify(res.error));
    return res.value as SettingsView;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const saved = () => h.saved() as any;
  return { ...h, call, set, saved };
}

const named = (effects: [string, unknown][]) => effects.map(([n]) => n);

describe('settings:set', () => {
  it('saves printers without touching windows or the hall service', async () => {
    const s = setup();
    const view = await s.set({
      printers: { receipt: 'HP LaserJet', ticket: 'XP-80', ticketWidthMm: 58 },
    });
    expect(view.settings.printers.ticketWidthMm).toBe(58);
    expect(s.saved().printers).toEqual({
      receipt: 'HP LaserJet',
      ticket: 'XP-80',
      ticketWidthMm: 58,
    });
    expect(named(s.effects)).toEqual(['changed']);
    expect(view.restartRequired).toBe(false);
  });

  it('switches the role, and moves a full-screen role to another monitor', async () => {
    const s = setup();
    const view = await s.set({ role: 'display', displayMonitor: 2 });
    expect(view.activeRole).toBe('display');
    expect(s.effects[0]).toEqual([
      'switchRole',
      { role: 'display', source: 'settings', monitor: 2 },
    ]);
    s.effects.length = 0;
    await s.set({ displayMonitor: 1 });
    expect(s.effects[0]).toEqual([
      'switchRole',
      { role: 'display', source: 'settings', monitor: 1 },
    ]);
    s.effects.length = 0;
    await s.set({ displayMonitor: 1 });
    expect(named(s.effects)).toEqual(['changed']);
  });

  it('keeps the role a --role flag gave for this run and saves the new one for later', async () => {
    const s = setup(['--role=kiosk']);
    const view = await s.set({ role: 'desk' });
    expect(view).toMatchObject({ activeRole: 'kiosk', roleSource: 'flag' });
    expect(view.settings.role).toBe('desk');
    expect(named(s.effects)).toEqual(['changed']);
  });

  it("opens and closes the desk's customer screen only when it changes", async () => {
    const s = setup();
    await s.set({ customerScreen: { enabled: true, monitor: 2 } });
    expect(s.effects[0]).toEqual(['customerScreen', { enabled: true, monitor: 2 }]);
    s.effects.length = 0;
    await s.set({ printers: { receipt: null, ticket: null, ticketWidthMm: 80 } });
    expect(named(s.effects)).toEqual(['changed']);
    await s.set({ customerScreen: { enabled: false, monitor: 2 } });
    expect(s.effects.at(-2)).toEqual(['customerScreen', { enabled: false, monitor: 2 }]);
  });

  it('restarts the hall service when it is switched on, moved to another port or address', async () => {
    const s = setup();
    await s.set({ hallHost: { enabled: true, port: 8700, bindAddress: '0.0.0.0' } });
    await s.set({ hallHost: { enabled: true, port: 8700, bindAddress: '0.0.0.0' } });
    await s.set({ hallHost: { enabled: true, port: 8710, bindAddress: '0.0.0.0' } });
    await s.set({ hallHost: { enabled: true, port: 8710, bindAddress: '192.168.1.20' } });
    expect(named(s.effects).filter((n) => n === 'restartHall')).toHaveLength(3);
  });

  it('reloads the ID card reader when its interface, library or auto-read changes, not its port', async () => {
    const s = setup();
    const reader = {
      kind: 'sdt' as const,
      libraryPath: '/opt/reader/libsdtapi.so',
      photoPath: null,
      autoRead: true,
      port: null,
    };
    await s.set({ idCardReader: reader });
    await s.set({ idCardReader: { ...reader, port: 1001 } });
    await s.set({ idCardReader: { ...reader, port: 1001, autoRead: false } });
    expect(s.effects.filter(([n]) => n === 'idCardReader').map(([, r]) => r)).toEqual([
      reader,
      { ...reader, port: 1001, autoRead: false },
    ]);
    expect(s.saved()?.idCardReader).toEqual({ ...reader, port: 1001, autoRead: false });
  });

  it('refuses an ID card reader setting out of range, saving nothing', async () => {
    const s = setup();
    const res = await s.registry.dispatch(
      'settings:set',
      {
        idCardReader: { kind: 'usb', libraryPath: null, photoPath: null, autoRead: true, port: 0 },
      },
      { senderId: 1, url: 'app://halldesk/index.html', role: 'desk' },
    );
    expect(res.ok).toBe(false);
    expect(s.saved()).toBeNull();
  });

  it('applies start-with-system at once and the update feed at the next start', async () => {
    const s = setup();
    let view = await s.set({ startWithSystem: true, updateUrl: 'http://10.1.0.5:8600/updates/' });
    expect(s.effects[0]).toEqual(['startWithSystem', true]);
    expect(view.restartRequired).toBe(true);
    view = await s.set({ updateUrl: null });
    expect(view.restartRequired).toBe(false);
  });

  it('records a new data folder for the next start, and undoes it when set back', async () => {
    const s = setup();
    const other = path.join(dir, 'elsewhere');
    let view = await s.set({ dataDir: other });
    expect(view.restartRequired).toBe(true);
    expect(view.dataDir).toBe(s.dataDir);
    const location = () =>
      JSON.parse(fs.readFileSync(path.join(dir, 'default', 'location.json'), 'utf8')).dataDir;
    expect(location()).toBe(other);
    expect(fs.existsSync(other)).toBe(true);
    view = await s.set({ dataDir: s.dataDir });
    expect(view.restartRequired).toBe(false);
    expect(location()).toBe(s.dataDir);
  });

  it('refuses a relative or unusable data folder in Chinese and keeps everything saved', async () => {
    const s = setup();
    await s.set({ printers: { receipt: 'HP', ticket: null, ticketWidthMm: 80 } });
    const relative = await s.call('settings:set', { dataDir: 'halldesk-data' });
    expect(relative).toMatchObject({
      ok: false,
      error: { code: 'invalid_argument', reason: 'E_DATA_DIR' },
    });
    expect(!relative.ok && relative.error.message).toMatch(/^数据目录必须是完整路径/);
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const unusable = await s.call('settings:set', { dataDir: path.join(file, 'sub') });
    expect(!unusable.ok && unusable.error.message).toMatch(/^数据目录不可用/);
    expect(s.saved().printers.receipt).toBe('HP');
  });

  it('validates every field through the contract before anything is saved', async () => {
    const s = setup();
    const bad = await s.call('settings:set', {
      printers: { receipt: 'HP', ticket: null, ticketWidthMm: 76 },
      role: 'desk',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect(!bad.ok && bad.error.issues?.[0]?.path).toBe('printers.ticketWidthMm');
    expect(fs.existsSync(path.join(s.dataDir, 'settings.json'))).toBe(false);
    expect(s.effects).toEqual([]);
  });
});

describe('where windows find the hall queue service', () => {
  it('is this machine on the hall host, the configured address elsewhere, else the default port here', () => {
    const s = setup();
    const base = s.store.get();
    expect(hallServiceUrlFor(base)).toBe('http://127.0.0.1:8700');
    expect(hallServiceUrlFor({ ...base, hallServiceUrl: 'http://192.168.1.20:8700/' })).toBe(
      'http://192.168.1.20:8700',
    );
    expect(
      hallServiceUrlFor({
        ...base,
        hallServiceUrl: 'http://192.168.1.20:8700',
        hallHost: { enabled: true, port: 8710, bindAddress: '0.0.0.0' },
      }),
    ).toBe('http://127.0.0.1:8710');
  });

  it('rides in the window URL query, ahead of the role route', () => {
    expect(appUrl('display')).toBe('app://halldesk/index.html#/display');
    const url = new URL(appUrl('kiosk', 'http://192.168.1.20:8700'));
    expect(url.searchParams.get('hallUrl')).toBe('http://192.168.1.20:8700');
    expect(url.hash).toBe('#/kiosk');
  });
});
