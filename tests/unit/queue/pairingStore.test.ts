// Where the queue device's pairing token is kept (renderer/src/queue/client.ts): the shell's
// secret store in Electron (bridge injected, no Electron), localStorage in a browser, a token in
// localStorage moved into the secret store once, localStorage kept where the OS has no keystore.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEVICE_SECRET,
  DevicePairingStore,
  hallCredentials,
  hallCredentialsReady,
  resetHallCredentials,
  setDevicePairing,
  type KeyValueStorage,
  type PairingBridge,
} from '../../../renderer/src/queue/client';

const DEVICE_KEY = 'halldesk.hallDevice';
const PAIRING = {
  token: 'hq_dev_0123456789',
  device: { id: 'd1', name: '3号窗口', createdAt: '2026-11-27T08:00:00Z' },
} as unknown as NonNullable<ReturnType<typeof hallCredentials>['device']>;

function memoryStorage(init: Record<string, string> = {}): KeyValueStorage & {
  data: Map<string, string>;
} {
  const data = new Map(Object.entries(init));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

/** The shell's secrets as renderer/src/shell/bridge.ts gives them; `keystore: false` = refused. */
function fakeBridge(opts: { electron?: boolean; keystore?: boolean } = {}) {
  const secrets = new Map<string, string>();
  const keystore = opts.keystore ?? true;
  const bridge: PairingBridge = {
    isElectron: opts.electron ?? true,
    secrets: {
      get: vi.fn((name: string) => Promise.resolve(keystore ? (secrets.get(name) ?? null) : null)),
      set: vi.fn((name: string, value: string) => {
        if (!keystore) return Promise.resolve(false);
        secrets.set(name, value);
        return Promise.resolve(true);
      }),
      delete: vi.fn((name: string) => Promise.resolve(secrets.delete(name))),
    },
  };
  return { bridge, secrets };
}

afterEach(() => resetHallCredentials());

describe('DevicePairingStore', () => {
  it('browser: keeps the pairing in localStorage and never calls the shell', async () => {
    const { bridge } = fakeBridge({ electron: false });
    const local = memoryStorage();
    const s = new DevicePairingStore(bridge, local);
    expect(s.usesShell).toBe(false);
    await s.save(PAIRING);
    expect(JSON.parse(local.data.get(DEVICE_KEY) ?? 'null')).toEqual(PAIRING);
    expect(await s.load()).toEqual(PAIRING);
    await s.save(null);
    expect(local.data.has(DEVICE_KEY)).toBe(false);
    expect(bridge.secrets.get).not.toHaveBeenCalled();
    expect(bridge.secrets.set).not.toHaveBeenCalled();
  });

  it('Electron: stores in the secret store, nothing in localStorage; clearing deletes it', async () => {
    const { bridge, secrets } = fakeBridge();
    const local = memoryStorage();
    const s = new DevicePairingStore(bridge, local);
    await s.save(PAIRING);
    expect(JSON.parse(secrets.get(DEVICE_SECRET) ?? 'null')).toEqual(PAIRING);
    expect(local.data.size).toBe(0);
    expect(await new DevicePairingStore(bridge, memoryStorage()).load()).toEqual(PAIRING);
    await s.save(null);
    expect(secrets.has(DEVICE_SECRET)).toBe(false);
    expect(await s.load()).toBeNull();
  });

  it('Electron: moves a token from localStorage into the secret store once and removes it', async () => {
    const { bridge, secrets } = fakeBridge();
    const local = memoryStorage({ [DEVICE_KEY]: JSON.stringify(PAIRING), other: 'kept' });
    const s = new DevicePairingStore(bridge, local);
    expect(await s.load()).toEqual(PAIRING);
    expect(JSON.parse(secrets.get(DEVICE_SECRET) ?? 'null')).toEqual(PAIRING);
    expect(local.data.has(DEVICE_KEY)).toBe(false);
    expect(local.data.get('other')).toBe('kept');
    // Once: the next start reads the secret and writes nothing.
    vi.mocked(bridge.secrets.set).mockClear();
    expect(await s.load()).toEqual(PAIRING);
    expect(bridge.secrets.set).not.toHaveBeenCalled();
  });

  it('Electron: a copy left in localStorage beside the secret is removed, the secret wins', async () => {
    const { bridge, secrets } = fakeBridge();
    secrets.set(DEVICE_SECRET, JSON.stringify(PAIRING));
    const stale = { ...PAIRING, token: 'old' };
    const local = memoryStorage({ [DEVICE_KEY]: JSON.stringify(stale) });
    expect(await new DevicePairingStore(bridge, local).load()).toEqual(PAIRING);
    expect(local.data.has(DEVICE_KEY)).toBe(false);
  });

  it('Electron without an OS keystore: the token stays in localStorage (not lost)', async () => {
    const { bridge, secrets } = fakeBridge({ keystore: false });
    const local = memoryStorage({ [DEVICE_KEY]: JSON.stringify(PAIRING) });
    const s = new DevicePairingStore(bridge, local);
    expect(await s.load()).toEqual(PAIRING);
    expect(local.data.has(DEVICE_KEY)).toBe(true);
    await s.save({ ...PAIRING, token: 'new' });
    expect(parseLocal(local)?.token).toBe('new');
    expect(secrets.size).toBe(0);
  });

  it('Electron: a failing shell falls back to localStorage instead of losing the pairing', async () => {
    const { bridge } = fakeBridge();
    vi.mocked(bridge.secrets.get).mockRejectedValue(new Error('ipc failed'));
    vi.mocked(bridge.secrets.set).mockRejectedValue(new Error('ipc failed'));
    const local = memoryStorage({ [DEVICE_KEY]: JSON.stringify(PAIRING) });
    expect(await new DevicePairingStore(bridge, local).load()).toEqual(PAIRING);
    expect(local.data.has(DEVICE_KEY)).toBe(true);
  });

  it('ignores garbage in either place', async () => {
    const { bridge, secrets } = fakeBridge();
    secrets.set(DEVICE_SECRET, '{"token":42}');
    const local = memoryStorage({ [DEVICE_KEY]: 'not json' });
    expect(await new DevicePairingStore(bridge, local).load()).toBeNull();
  });
});

function parseLocal(local: ReturnType<typeof memoryStorage>) {
  const raw = local.data.get(DEVICE_KEY);
  return raw ? (JSON.parse(raw) as { token: string }) : null;
}

describe('hallCredentials in Electron mode', () => {
  it('starts loading, then has the migrated pairing; a pairing made meanwhile wins', async () => {
    const { bridge, secrets } = fakeBridge();
    const local = memoryStorage({ [DEVICE_KEY]: JSON.stringify(PAIRING) });
    resetHallCredentials(new DevicePairingStore(bridge, local));
    expect(hallCredentials()).toMatchObject({ device: null, deviceLoading: true });
    const ready = await hallCredentialsReady();
    expect(ready).toMatchObject({ device: PAIRING, deviceLoading: false });
    expect(local.data.has(DEVICE_KEY)).toBe(false);
    expect(secrets.has(DEVICE_SECRET)).toBe(true);

    // Revoked (401) → forgotten in the secret store too.
    setDevicePairing(null);
    await vi.waitFor(() => expect(secrets.has(DEVICE_SECRET)).toBe(false));
    expect(hallCredentials().device).toBeNull();

    // A slow first read does not overwrite a pairing made while it ran.
    let release: (v: string | null) => void = () => {};
    vi.mocked(bridge.secrets.get).mockImplementationOnce(
      () => new Promise<string | null>((r) => (release = r)),
    );
    resetHallCredentials(new DevicePairingStore(bridge, memoryStorage()));
    expect(hallCredentials().deviceLoading).toBe(true);
    const fresh = { ...PAIRING, token: 'fresh' };
    setDevicePairing(fresh);
    release(JSON.stringify(PAIRING));
    await new Promise((r) => setTimeout(r, 10));
    expect(hallCredentials()).toMatchObject({ device: fresh, deviceLoading: false });
    expect(JSON.parse(secrets.get(DEVICE_SECRET) ?? 'null')).toEqual(fresh);
  });
});
