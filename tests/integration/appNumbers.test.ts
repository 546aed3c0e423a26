// Application numbers unique forever (issue 12 §2), against a real centre: an enrollment code
// carries the hall and desk it was made for, so a desk that has never reached the centre numbers
// under its real codes at once and is bound at its first sync; numbers that desks of older
// builds printed under the placeholder H0001-D01 are found by that printed number (the centre
// resolves them by the asking desk, the hall or the receipt's phone digits, never answering
// "ambiguous appNo").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApplicationNo, parseApplicationNo } from '../../shared/domain/appNumber';
import type { Application } from '../../shared/domain/model';
import { parseEnrollmentCode } from '../../shared/protocol/enrollmentCode';
import {
  credentialsOrPending,
  enroll,
  enrollOffline,
  loadCredentials,
  pendingEnrollment,
  PENDING_ENROLLMENT,
} from '../../renderer/src/sync/credentials';
import { SyncEngine } from '../../renderer/src/sync/engine';
import { createDexieSyncStore } from '../../renderer/src/sync/store';
import { startCentral, type RunningCentral } from '../support/syncCentral';
import { makeApplication, openDeskDb, saveWithOutbox } from '../support/syncDesk';

const HALL = 'AN01';
const HALL2 = 'AN02';
const PRINTED = 'H0001-D01-20261207-0001';
let central: RunningCentral;
const dbA = openDeskDb('appno-a');
const dbB = openDeskDb('appno-b');
const dbC = openDeskDb('appno-c');
const dbD = openDeskDb('appno-d');
const realFetch = (input: string, init?: RequestInit) => fetch(input, init);
const ADMIN = { authorization: 'Bearer test-admin-token-0123456789abcdef' };

beforeAll(async () => {
  central = await startCentral();
  await central.admin.createHall(HALL, '南湖营业厅');
  await central.admin.createHall(HALL2, '北湖营业厅');
});

afterAll(async () => {
  for (const db of [dbA, dbB, dbC, dbD]) db.close();
  await central?.close();
});

function engineFor(db: ReturnType<typeof openDeskDb>) {
  return new SyncEngine({
    store: createDexieSyncStore(db),
    fetch: realFetch,
    credentials: () => loadCredentials(db),
    adoptProfile: true,
  });
}

/** A desk of an older build: numbered PRINTED before enrollment, then enrolled and synced. */
async function placeholderDesk(
  db: ReturnType<typeof openDeskDb>,
  hall: string,
  phone: string,
): Promise<{ app: Application; token: string }> {
  const app = makeApplication('H0001', 'D01', {
    appNo: PRINTED,
    customer: {
      name: '王建国',
      idType: 'resident_id',
      idNumber: '11010519491231002X',
      phone,
    },
  });
  await saveWithOutbox(db, app);
  await enroll(
    db,
    { endpoint: central.url, code: await central.admin.enrollmentCode(hall), deviceName: phone },
    realFetch,
  );
  expect((await engineFor(db).syncNow()).kind).toBe('ok');
  return { app, token: (await loadCredentials(db))!.token };
}

interface ApiBody {
  application: Application;
  error: { code: string; message: string; details: { candidates: unknown[] } };
  devices: Array<{ deskCode?: string; name: string }>;
}

async function get(path: string, headers: Record<string, string>) {
  const res = await fetch(central.url + path, { headers });
  return { status: res.status, body: (await res.json()) as ApiBody };
}

describe('placeholder numbers printed by two desks', () => {
  it('are found by the printed number: by the asking desk, the hall or the phone digits', async () => {
    const a = await placeholderDesk(dbA, HALL, '13800001111');
    const b = await placeholderDesk(dbB, HALL, '13900002222');
    const c = await placeholderDesk(dbC, HALL2, '13700003333');
    expect(new Set([a.app.id, b.app.id, c.app.id]).size).toBe(3);

    // Each desk finds its own customer's receipt by the number printed on it.
    const byNo = `/api/v1/applications/by-number/${PRINTED}`;
    for (const d of [a, b, c]) {
      const r = await get(byNo, { authorization: `Bearer ${d.token}` });
      expect(r.status).toBe(200);
      expect(r.body.application.id).toBe(d.app.id);
      expect(r.body.application.appNo).toBe(PRINTED);
    }

    // The back office: the hall tells the second hall's apart, the receipt's phone digits the
    // two of one hall.
    const inHall2 = await get(`/api/v1/admin/applications/${PRINTED}?hall=${HALL2}`, ADMIN);
    expect(inHall2.body.application.id).toBe(c.app.id);
    const byPhone = await get(
      `/api/v1/admin/applications/${PRINTED}?hall=${HALL}&phone=2222`,
      ADMIN,
    );
    expect(byPhone.body.application.id).toBe(b.app.id);

    // Without any of that: no guess and no "ambiguous appNo", but the candidates and what to add.
    const bare = await get(`/api/v1/admin/applications/${PRINTED}`, ADMIN);
    expect(bare.status).toBe(409);
    expect(bare.body.error.code).toBe('E_APP_NO_SHARED');
    expect(bare.body.error.message).not.toContain('ambiguous');
    expect(bare.body.error.message).toContain('电话的后四位');
    expect(bare.body.error.details.candidates).toHaveLength(3);
  });
});

describe('a desk enrolled with a code numbers under its real codes, offline', () => {
  it('reads hall and desk from the code before any contact; the centre binds it at first sync', async () => {
    const code = await central.admin.enrollmentCode(HALL);
    const carried = parseEnrollmentCode(code)!;
    expect(carried.hallCode).toBe(HALL);
    expect(carried.deskCode).toMatch(/^D\d\d$/);

    // The rural desk: the centre is out of reach. The code alone sets its hall and desk.
    const offline = await enrollOffline(dbD, {
      endpoint: 'http://127.0.0.1:9',
      code: code.toLowerCase(),
      deviceName: '乡镇所1号',
    });
    expect(offline).toMatchObject({ hallCode: HALL, deskCode: carried.deskCode });
    expect((await dbD.settings.get('desk.profile'))?.value).toMatchObject({
      hallCode: HALL,
      deskCode: carried.deskCode,
    });
    // A mistyped code is caught offline.
    const typo = code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A');
    await expect(
      enrollOffline(openDeskDb('appno-typo'), {
        endpoint: central.url,
        code: typo,
        deviceName: 'x',
      }),
    ).rejects.toThrow(/校验位/);

    // It accepts an application at once, numbered under its real codes.
    const appNo = makeApplicationNo({
      hallCode: HALL,
      deskCode: carried.deskCode,
      date: '2026-12-07',
      seq: 1,
    });
    const app = makeApplication(HALL, carried.deskCode, { appNo });
    await saveWithOutbox(dbD, app);
    expect(parseApplicationNo(appNo)).toMatchObject({ hallCode: HALL, deskCode: carried.deskCode });

    // The first attempt cannot reach the centre: nothing is lost, the reason is kept.
    expect(await credentialsOrPending(dbD, realFetch)).toBeNull();
    expect((await pendingEnrollment(dbD))?.lastError).toBeTruthy();
    // The link comes back (the centre's real address; the retry wait has passed).
    const pending = (await pendingEnrollment(dbD))!;
    await dbD.meta.put({
      key: PENDING_ENROLLMENT,
      value: { ...pending, endpoint: central.url, triedAt: '2026-01-01T00:00:00.000Z' },
    });
    const creds = await credentialsOrPending(dbD, realFetch);
    expect(creds?.hallCode).toBe(HALL);
    expect(await pendingEnrollment(dbD)).toBeNull();
    expect((await dbD.settings.get('desk.profile'))?.value).toMatchObject({
      hallCode: HALL,
      deskCode: carried.deskCode,
    });
    expect((await engineFor(dbD).syncNow()).kind).toBe('ok');
    const stored = await central.admin.application(app.id);
    expect(stored).toMatchObject({ appNo, hallCode: HALL, deskCode: carried.deskCode });
    const devices = (await get(`/api/v1/admin/devices?hall=${HALL}`, ADMIN)).body.devices;
    expect(devices.find((d) => d.name === '乡镇所1号')?.deskCode).toBe(carried.deskCode);
  });

  it('two codes of one hall never carry the same desk code', async () => {
    const codes = await Promise.all(
      Array.from({ length: 6 }, () => central.admin.enrollmentCode(HALL)),
    );
    const desks = codes.map((c) => parseEnrollmentCode(c)!.deskCode);
    expect(new Set(desks).size).toBe(6);
  });
});
