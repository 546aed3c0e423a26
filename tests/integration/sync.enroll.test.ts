// First run against a real centre: the endpoint address and one-time code give this desk its
// token (kept in IndexedDB in browser mode), the hall code lands in the desk profile, the engine
// syncs with it; a wrong code and a revoked token are told to the clerk in Chinese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncEngine } from '../../renderer/src/sync/engine';
import {
  enroll,
  EnrollmentError,
  loadCredentials,
  publicEnrollment,
} from '../../renderer/src/sync/credentials';
import { createDexieSyncStore } from '../../renderer/src/sync/store';
import { startCentral, type RunningCentral } from '../support/syncCentral';
import { makeApplication, openDeskDb, saveWithOutbox } from '../support/syncDesk';

const HALL = 'ENR-01';
let central: RunningCentral;
const db = openDeskDb('enroll');

beforeAll(async () => {
  central = await startCentral();
  await central.admin.createHall(HALL, '观澜营业厅');
});

afterAll(async () => {
  db.close();
  await central?.close();
});

const realFetch = (input: string, init?: RequestInit) => fetch(input, init);

describe('enrollment', () => {
  it('refuses a wrong code with a Chinese message and stores nothing', async () => {
    const err = await enroll(
      db,
      { endpoint: central.url, code: 'AAAA-BBBB', deviceName: '1号窗口' },
      realFetch,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnrollmentError);
    expect((err as EnrollmentError).code).toBe('E_ENROLLMENT_CODE');
    expect((err as Error).message).toContain('登记码');
    expect(await loadCredentials(db)).toBeNull();
  });

  it('says so when the address does not answer', async () => {
    const err = await enroll(
      db,
      { endpoint: 'http://127.0.0.1:9', code: 'AAAA-BBBB', deviceName: '1号窗口' },
      realFetch,
    ).catch((e: unknown) => e);
    expect((err as EnrollmentError).code).toBe('unreachable');
  });

  it('exchanges the code for a token, sets the hall and syncs; a revoked token is reported', async () => {
    const code = await central.admin.enrollmentCode(HALL);
    // The address as a clerk types it: no scheme, trailing slash.
    const typed = `${central.url.replace(/^http:\/\//, '')}/`;
    const creds = await enroll(db, { endpoint: typed, code, deviceName: '1号窗口' }, realFetch);
    expect(creds).toMatchObject({ hallCode: HALL, hallName: '观澜营业厅', endpoint: central.url });
    const { deskCode, rehomed: _r, ...stored } = creds;
    // The centre allocated this desk its desk code (first desk of the hall).
    expect(deskCode).toBe('D01');
    expect(await loadCredentials(db)).toEqual(stored);
    expect(await publicEnrollment(db)).toMatchObject({ hallCode: HALL, deviceId: creds.deviceId });
    expect((await db.settings.get('desk.profile'))?.value).toMatchObject({
      hallCode: HALL,
      deskCode: 'D01',
    });
    // A one-time code: using it again fails.
    await expect(
      enroll(db, { endpoint: central.url, code, deviceName: '2号窗口' }, realFetch),
    ).rejects.toBeInstanceOf(EnrollmentError);

    const engine = new SyncEngine({
      store: createDexieSyncStore(db),
      fetch: realFetch,
      credentials: () => loadCredentials(db),
    });
    const app = makeApplication(HALL, 'D01');
    await saveWithOutbox(db, app);
    expect((await engine.syncNow()).kind).toBe('ok');
    expect((await central.admin.application(app.id)).appNo).toBe(app.appNo);
    // Calendar and catalogue from the centre are kept for the desk.
    expect((await db.meta.get('config.calendar'))?.value).toMatchObject({
      version: expect.any(Number),
    });

    await central.admin.revokeDevice(creds.deviceId);
    await saveWithOutbox(db, makeApplication(HALL, 'D01'));
    const r = await engine.syncNow();
    expect(r).toMatchObject({ kind: 'failed', code: 'unauthorized' });
    expect(engine.status.getState()).toMatchObject({ phase: 'error', pending: 1 });
    expect(engine.status.getState().lastError).toContain('重新登记');
  });
});
