// The hall host's uplink set from the UI: main enrols the hall service at the centre over HTTP
// (fetch injected), keeps the token with the real SecretStore (safeStorage injected), restarts
// the hall service, and turns refusals into coded Chinese errors through the IPC registry.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IpcRegistry } from '../../../shared/ipc/registry';
import { paths } from '../../../shared/protocol';
import { parseHallCentralUplink } from '../../../electron/hallProcess';
import {
  HALL_CENTRAL_SECRET,
  HallUplinkManager,
  httpEnroll,
  UPLINK_REASONS,
} from '../../../electron/hallUplink';
import { SecretStore, type SafeStorageLike } from '../../../electron/secrets';
import { HttpError } from '../../../renderer/src/sync/transport';

const caller = {
  senderId: 1,
  url: 'app://halldesk/index.html#/desk/settings',
  role: 'desk' as const,
};
const DEVICE_ID = '2f7c9a52-3f5e-4a55-9a0e-6f2d1c3b4a59';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-uplink-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function fakeSafe(available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
    decryptString: (b) => Buffer.from(b.toString().slice(4), 'base64').toString(),
    getSelectedStorageBackend: () => 'gnome_libsecret',
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** A centre that knows exactly one code, like POST /api/v1/enroll does. */
function fakeCentre() {
  const requests: { url: string; body: unknown }[] = [];
  const fetchFn = vi.fn((url: string, init?: RequestInit) => {
    const body = JSON.parse(new TextDecoder().decode(init?.body as Uint8Array)) as {
      code: string;
    };
    requests.push({ url, body });
    if (body.code !== 'K7QH-3MZP') {
      return Promise.resolve(
        json(400, {
          error: { code: 'E_ENROLLMENT_CODE', message: '登记码无效、已使用或已过期' },
        }),
      );
    }
    return Promise.resolve(
      json(200, {
        deviceId: DEVICE_ID,
        token: 'hd_dev_secret',
        hallCode: 'H0101',
        hallName: '城关营业厅',
      }),
    );
  });
  return { fetchFn, requests };
}

function setup(opts: { fetchFn?: typeof fetch; safe?: SafeStorageLike } = {}) {
  const secrets = new SecretStore(dir, opts.safe ?? fakeSafe(), 'linux');
  const centre = fakeCentre();
  const restartHall = vi.fn(() => Promise.resolve());
  const log = vi.fn();
  const manager = new HallUplinkManager({
    secrets,
    enroll: httpEnroll(opts.fetchFn ?? centre.fetchFn),
    restartHall,
    deviceName: '排队叫号服务 (hall queue) HALL-PC',
    now: () => new Date('2026-11-27T08:00:00Z'),
    log,
  });
  const registry = new IpcRegistry();
  registry.register('hall:getCentralUplink', () => manager.view());
  registry.register('hall:setCentralUplink', (arg) => manager.set(arg));
  registry.register('hall:clearCentralUplink', () => manager.clear());
  return { secrets, centre, restartHall, manager, registry, log };
}

describe('hall central uplink', () => {
  it('enrols as a service device, stores the token encrypted, restarts the hall service', async () => {
    const { secrets, centre, restartHall, registry } = setup();
    expect(await registry.dispatch('hall:getCentralUplink', undefined, caller)).toMatchObject({
      ok: true,
      value: { configured: false, centralUrl: null },
    });

    const res = await registry.dispatch(
      'hall:setCentralUplink',
      { centralUrl: 'http://10.1.0.5:8600/', enrollmentCode: ' K7QH-3MZP ' },
      caller,
    );
    expect(res).toEqual({
      ok: true,
      value: {
        configured: true,
        centralUrl: 'http://10.1.0.5:8600',
        hallCode: 'H0101',
        hallName: '城关营业厅',
        deviceId: DEVICE_ID,
        enrolledAt: '2026-11-27T08:00:00.000Z',
        problem: null,
      },
    });
    // The token never crosses to the renderer.
    expect(JSON.stringify(res)).not.toContain('hd_dev_secret');
    expect(centre.requests).toEqual([
      {
        url: `http://10.1.0.5:8600${paths.enroll}`,
        body: {
          code: 'K7QH-3MZP',
          deviceName: '排队叫号服务 (hall queue) HALL-PC',
          kind: 'service',
        },
      },
    ]);
    // Stored encrypted, and in the form main hands to the hall service at its next start.
    expect(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).not.toContain('hd_dev_secret');
    expect(parseHallCentralUplink(secrets.get(HALL_CENTRAL_SECRET))).toEqual({
      baseUrl: 'http://10.1.0.5:8600',
      deviceId: DEVICE_ID,
      token: 'hd_dev_secret',
      hallCode: 'H0101',
    });
    expect(restartHall).toHaveBeenCalledOnce();
  });

  it('refuses a bad code with a coded Chinese error and keeps the previous uplink', async () => {
    const { secrets, restartHall, registry } = setup();
    await registry.dispatch(
      'hall:setCentralUplink',
      { centralUrl: 'http://centre.example:8600', enrollmentCode: 'K7QH-3MZP' },
      caller,
    );
    restartHall.mockClear();
    const before = secrets.get(HALL_CENTRAL_SECRET);

    const res = await registry.dispatch(
      'hall:setCentralUplink',
      { centralUrl: 'http://other.example:8600', enrollmentCode: 'USED-CODE' },
      caller,
    );
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'invalid_argument', reason: UPLINK_REASONS.badCode },
    });
    expect(res.ok ? '' : res.error.message).toMatch(/^登记码无效、已使用或已过期/);
    expect(secrets.get(HALL_CENTRAL_SECRET)).toBe(before);
    expect(restartHall).not.toHaveBeenCalled();
  });

  it('says the centre is unreachable when nothing answers at the address (real HTTP)', async () => {
    // A port that was just free: connection refused, as with a wrong address or a cut line.
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));

    const { secrets, restartHall, registry } = setup({ fetchFn: fetch });
    const res = await registry.dispatch(
      'hall:setCentralUplink',
      { centralUrl: `http://127.0.0.1:${port}`, enrollmentCode: 'K7QH-3MZP' },
      caller,
    );
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'unavailable', reason: UPLINK_REASONS.unreachable },
    });
    expect(res.ok ? '' : res.error.message).toMatch(/^无法连接中心端/);
    expect(secrets.get(HALL_CENTRAL_SECRET)).toBeNull();
    expect(restartHall).not.toHaveBeenCalled();
  });

  it('tells a server that is not a centre (HTML page, 404) and a busy centre (503) apart', async () => {
    const notCentral = setup({
      fetchFn: (() =>
        Promise.resolve(new Response('<html>router</html>', { status: 404 }))) as typeof fetch,
    });
    expect(
      await notCentral.registry.dispatch(
        'hall:setCentralUplink',
        { centralUrl: 'http://192.168.1.1', enrollmentCode: 'K7QH-3MZP' },
        caller,
      ),
    ).toMatchObject({ ok: false, error: { code: 'failed', reason: UPLINK_REASONS.notCentral } });

    const busy = setup({
      fetchFn: (() =>
        Promise.resolve(
          json(503, { error: { code: 'E_UNAVAILABLE', message: 'shutting down' } }),
        )) as typeof fetch,
    });
    expect(
      await busy.registry.dispatch(
        'hall:setCentralUplink',
        { centralUrl: 'http://centre.example', enrollmentCode: 'K7QH-3MZP' },
        caller,
      ),
    ).toMatchObject({
      ok: false,
      error: { code: 'unavailable', reason: UPLINK_REASONS.unreachable },
    });
  });

  it('does not burn the code when the OS keystore cannot keep the token', async () => {
    const { centre, registry, restartHall } = setup({ safe: fakeSafe(false) });
    const res = await registry.dispatch(
      'hall:setCentralUplink',
      { centralUrl: 'http://centre.example', enrollmentCode: 'K7QH-3MZP' },
      caller,
    );
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'unavailable', reason: UPLINK_REASONS.secretsUnavailable },
    });
    expect(centre.fetchFn).not.toHaveBeenCalled();
    expect(restartHall).not.toHaveBeenCalled();
  });

  it('clears the uplink and restarts the hall service offline; clearing nothing restarts nothing', async () => {
    const { secrets, registry, restartHall } = setup();
    await registry.dispatch(
      'hall:setCentralUplink',
      { centralUrl: 'http://centre.example', enrollmentCode: 'K7QH-3MZP' },
      caller,
    );
    restartHall.mockClear();
    expect(await registry.dispatch('hall:clearCentralUplink', undefined, caller)).toMatchObject({
      ok: true,
      value: { configured: false, deviceId: null },
    });
    expect(secrets.get(HALL_CENTRAL_SECRET)).toBeNull();
    expect(restartHall).toHaveBeenCalledOnce();
    await registry.dispatch('hall:clearCentralUplink', undefined, caller);
    expect(restartHall).toHaveBeenCalledOnce();
  });

  it('counts a token the administrator revoked already as revoked when clearing', async () => {
    const { secrets, registry } = setup();
    await registry.dispatch(
      'hall:setCentralUplink',
      { centralUrl: 'http://centre.example', enrollmentCode: 'K7QH-3MZP' },
      caller,
    );
    const seen: [string, string][] = [];
    const manager = new HallUplinkManager({
      secrets,
      enroll: () => Promise.reject(new Error('not used')),
      revoke: (url, token) => {
        seen.push([url, token]);
        return Promise.reject(new HttpError(401, 'E_TOKEN_REVOKED', '设备已被吊销'));
      },
      restartHall: () => Promise.resolve(),
      deviceName: 'x',
    });
    expect(await manager.clear()).toMatchObject({ configured: false, centreRevoked: true });
    expect(seen).toEqual([['http://centre.example', 'hd_dev_secret']]);
  });

  it('runs one change at a time (a double click does not interleave two enrolments)', async () => {
    const order: string[] = [];
    const { manager } = setup();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow = new HallUplinkManager({
      secrets: new SecretStore(dir, fakeSafe(), 'linux'),
      enroll: async (_url, req) => {
        order.push(`start ${req.code}`);
        if (req.code === 'FIRST-CODE') await gate;
        order.push(`end ${req.code}`);
        return { deviceId: DEVICE_ID, token: `t-${req.code}`, hallCode: 'H0101', hallName: 'x' };
      },
      restartHall: () => Promise.resolve(),
      deviceName: 'hall',
    });
    const a = slow.set({ centralUrl: 'http://c.example', enrollmentCode: 'FIRST-CODE' });
    const b = slow.set({ centralUrl: 'http://c.example', enrollmentCode: 'SECOND-CODE' });
    await Promise.resolve();
    release();
    await Promise.all([a, b]);
    expect(order).toEqual([
      'start FIRST-CODE',
      'end FIRST-CODE',
      'start SECOND-CODE',
      'end SECOND-CODE',
    ]);
    expect(manager.view().configured).toBe(true);
  });

  it('a restart failure does not undo the stored uplink (the supervisor reports the service)', async () => {
    const { registry, restartHall, log } = setup();
    restartHall.mockImplementationOnce(() => Promise.reject(new Error('spawn failed')));
    const res = await registry.dispatch(
      'hall:setCentralUplink',
      { centralUrl: 'http://centre.example', enrollmentCode: 'K7QH-3MZP' },
      caller,
    );
    expect(res).toMatchObject({ ok: true, value: { configured: true } });
    expect(log).toHaveBeenCalledWith('warn', expect.stringContaining('spawn failed'));
  });
});
