// Settings and data folder (env > flag > configured > default; a bad field resets alone) and
// secrets kept through an injected safeStorage (refused when the OS cannot encrypt).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/ipc/contract';
import {
  SecretStore,
  SecretsUnavailableError,
  type SafeStorageLike,
} from '../../../electron/secrets';
import {
  normaliseSettings,
  resolveDataDir,
  setConfiguredDataDir,
  SettingsStore,
} from '../../../electron/settingsStore';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-settings-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('data folder', () => {
  it('prefers HALLDESK_DATA_DIR, then --data-dir, then the configured folder, then the default', () => {
    const defaultDir = path.join(dir, 'default');
    const chosen = path.join(dir, 'chosen');
    expect(resolveDataDir({ env: {}, flagDataDir: null, defaultDir })).toEqual({
      dataDir: defaultDir,
      source: 'default',
    });
    setConfiguredDataDir(defaultDir, chosen);
    expect(fs.existsSync(chosen)).toBe(true);
    expect(resolveDataDir({ env: {}, flagDataDir: null, defaultDir })).toEqual({
      dataDir: chosen,
      source: 'configured',
    });
    expect(resolveDataDir({ env: {}, flagDataDir: '/srv/hd', defaultDir }).source).toBe('flag');
    expect(
      resolveDataDir({ env: { HALLDESK_DATA_DIR: '/tmp/t' }, flagDataDir: '/srv/hd', defaultDir }),
    ).toEqual({
      dataDir: path.resolve('/tmp/t'),
      source: 'env',
    });
  });

  it('refuses a relative data folder', () => {
    expect(() => setConfiguredDataDir(dir, 'relative/dir')).toThrow(/absolute/);
  });
});

describe('settings', () => {
  it('starts from defaults and remembers changes across restarts', () => {
    const s = new SettingsStore(dir);
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    s.update({ role: 'display', displayMonitor: 2 });
    const again = new SettingsStore(dir);
    expect(again.get()).toMatchObject({
      role: 'display',
      displayMonitor: 2,
      printers: DEFAULT_SETTINGS.printers,
    });
  });

  it('resets only the invalid fields of a damaged file', () => {
    const { settings, dropped } = normaliseSettings({
      role: 'boss',
      displayMonitor: 3,
      printers: { ticketWidthMm: 76 },
    });
    expect(settings.role).toBe('desk');
    expect(settings.displayMonitor).toBe(3);
    expect(settings.printers).toEqual(DEFAULT_SETTINGS.printers);
    expect(dropped.sort()).toEqual(['printers', 'role']);
  });

  it('survives a corrupt settings file', () => {
    fs.writeFileSync(path.join(dir, 'settings.json'), '{"role": "disp');
    const logs: string[] = [];
    const s = new SettingsStore(dir, (m) => logs.push(m));
    expect(s.get()).toEqual(DEFAULT_SETTINGS);
    expect(logs.join()).toMatch(/corrupt JSON/);
  });
});

/** Reversible stand-in for the OS keystore: enough to test storage, not cryptography. */
function fakeSafe(available = true, backend = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
    decryptString: (b) => Buffer.from(b.toString().slice(4), 'base64').toString(),
    getSelectedStorageBackend: () => backend,
  };
}

describe('SecretStore', () => {
  it('stores secrets encrypted, reads them back, deletes them', () => {
    const s = new SecretStore(dir, fakeSafe(), 'linux');
    expect(s.get('device-token')).toBeNull();
    s.set('device-token', 'tok-秘密-123');
    const onDisk = fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('tok-秘密-123');
    expect(new SecretStore(dir, fakeSafe(), 'linux').get('device-token')).toBe('tok-秘密-123');
    expect(s.delete('device-token')).toBe(true);
    expect(s.delete('device-token')).toBe(false);
    expect(s.get('device-token')).toBeNull();
  });

  it('refuses to store when the OS cannot encrypt, or Linux has no keyring', () => {
    expect(() => new SecretStore(dir, fakeSafe(false), 'win32').set('a', 'b')).toThrow(
      SecretsUnavailableError,
    );
    const basic = new SecretStore(dir, fakeSafe(true, 'basic_text'), 'linux');
    expect(basic.available()).toEqual({ ok: false, reason: 'no keyring (basic_text)' });
    expect(() => basic.set('a', 'b')).toThrow(SecretsUnavailableError);
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);
  });

  it('keeps the secrets file private to the user', () => {
    new SecretStore(dir, fakeSafe(), 'linux').set('a', 'b');
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o077).toBe(0);
    }
  });
});
