// The hall host's uplink against the real central endpoint (PGlite, real HTTP): main's
// HallUplinkManager enrols the hall service with a one-time code as a 'service' device (no desk
// code taken), the stored token works at the centre, and a used code is refused with its reason.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { paths } from '../../shared/protocol';
import { parseHallCentralUplink } from '../../electron/hallProcess';
import {
  HALL_CENTRAL_SECRET,
  HallUplinkManager,
  httpEnroll,
  httpRevoke,
  UPLINK_REASONS,
} from '../../electron/hallUplink';
import { IpcFailure } from '../../shared/ipc/registry';
import { SecretStore, type SafeStorageLike } from '../../electron/secrets';
import {
  call,
  createHall,
  startCentral,
  testStorage,
  type TestCentral,
  type TestStorage,
} from '../support/server';

const safe: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
  decryptString: (b) => Buffer.from(b.toString().slice(4), 'base64').toString(),
  getSelectedStorageBackend: () => 'gnome_libsecret',
};

let storage: TestStorage;
let central: TestCentral;
let dir: string;

beforeAll(async () => {
  const s = await testStorage('pglite', 'hall-uplink');
  if (typeof s === 'string') throw new Error(s);
  storage = s;
  central = await startCentral(storage);
  await createHall(central, 'H0707', '城西营业厅');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-uplink-int-'));
}, 60_000);

afterAll(async () => {
  await central?.close();
  await storage?.cleanup();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('hall uplink enrolment at the real centre', () => {
  it('enrols a service device, whose stored token the centre accepts; a used code is refused', async () => {
    const code = await call<{ code: string }>(
      central.url,
      'POST',
      paths.adminEnrollmentCodes('H0707'),
      { token: central.adminToken, body: {} },
    );
    expect(code.status).toBe(201);

    const secrets = new SecretStore(dir, safe, 'linux');
    const restartHall = vi.fn(() => Promise.resolve());
    const manager = new HallUplinkManager({
      secrets,
      enroll: httpEnroll(fetch),
      restartHall,
      deviceName: '排队叫号服务 (hall queue) test',
    });
    const view = await manager.set({
      centralUrl: `${central.url}/`,
      enrollmentCode: code.body.code.toLowerCase(),
    });
    expect(view).toMatchObject({
      configured: true,
      centralUrl: central.url,
      hallCode: 'H0707',
      hallName: '城西营业厅',
    });
    expect(restartHall).toHaveBeenCalledOnce();

    const uplink = parseHallCentralUplink(secrets.get(HALL_CENTRAL_SECRET));
    expect(uplink?.deviceId).toBe(view.deviceId);
    const me = await call<{ deviceId: string; deviceName: string; deskCode?: string }>(
      central.url,
      'GET',
      paths.device,
      { token: uplink?.token ?? '' },
    );
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ deviceId: view.deviceId, hallCode: 'H0707' });
    // A service device takes no desk code a desk could use.
    expect(me.body.deskCode).toBeUndefined();

    const again = manager.set({ centralUrl: central.url, enrollmentCode: code.body.code });
    await expect(again).rejects.toBeInstanceOf(IpcFailure);
    await expect(again).rejects.toMatchObject({
      code: 'invalid_argument',
      reason: UPLINK_REASONS.badCode,
    });
    // The first enrolment is still the one kept.
    expect(parseHallCentralUplink(secrets.get(HALL_CENTRAL_SECRET))?.deviceId).toBe(view.deviceId);
  }, 30_000);

  it('clearing the uplink revokes the device at the centre; an unreachable centre is reported', async () => {
    const newCode = async () =>
      (
        await call<{ code: string }>(central.url, 'POST', paths.adminEnrollmentCodes('H0707'), {
          token: central.adminToken,
          body: {},
        })
      ).body.code;
    const secrets = new SecretStore(fs.mkdtempSync(path.join(dir, 'clear-')), safe, 'linux');
    const manager = new HallUplinkManager({
      secrets,
      enroll: httpEnroll(fetch),
      revoke: httpRevoke(fetch),
      restartHall: () => Promise.resolve(),
      deviceName: '排队叫号服务 (hall queue) retired',
    });
    const first = await manager.set({ centralUrl: central.url, enrollmentCode: await newCode() });
    const token = parseHallCentralUplink(secrets.get(HALL_CENTRAL_SECRET))!.token;
    const cleared = await manager.clear();
    expect(cleared).toMatchObject({ configured: false, centreRevoked: true });
    expect(secrets.get(HALL_CENTRAL_SECRET)).toBeNull();
    const dead = await call<{ error: { code: string } }>(central.url, 'GET', paths.device, {
      token,
    });
    expect(dead.status).toBe(401);
    expect(dead.body.error.code).toBe('E_TOKEN_REVOKED');
    const list = await call<{ devices: { id: string; revokedAt: string | null }[] }>(
      central.url,
      'GET',
      paths.adminDevices,
      { token: central.adminToken },
    );
    expect(list.body.devices.find((d) => d.id === first.deviceId)?.revokedAt).toEqual(
      expect.any(String),
    );

    // Enrolled again, then the centre moves away: the uplink is cleared here all the same, and
    // the answer says the centre could not be told.
    await manager.set({ centralUrl: central.url, enrollmentCode: await newCode() });
    const stored = JSON.parse(secrets.get(HALL_CENTRAL_SECRET)!) as Record<string, unknown>;
    secrets.set(HALL_CENTRAL_SECRET, JSON.stringify({ ...stored, baseUrl: 'http://127.0.0.1:9' }));
    expect(await manager.clear()).toMatchObject({ configured: false, centreRevoked: false });
    expect(secrets.get(HALL_CENTRAL_SECRET)).toBeNull();
  }, 30_000);
});
