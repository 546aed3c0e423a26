// The hall queue service checks a counter sign-in's person and roles itself (issue 13), over real
// HTTP with a real central endpoint: the staff are pulled from the centre with the service's
// device token and kept in its private data folder; a desk claiming a manager role for a clerk,
// an unknown or disabled staff number, or any sign-in before the service knows its people is
// refused with a JSON error code and nothing is journaled; the roster survives a restart with
// the centre gone; a hall without a centre may give its own roster.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as admin from '../../server/central/admin';
import { buildCentralServer, type CentralServer } from '../../server/central/app';
import {
  startHallService,
  type HallService,
  type HallServiceOptions,
} from '../../server/hall/service';
import { staffPaths } from '../../shared/staff/directory';
import { makeVerifier } from '../../shared/staff/password';
import { call, pgliteDataDir } from '../support/server';

const HALL = 'SR01';
const TOKEN = 'staff-roster-test-admin-token-0123456789';

let centralDir = '';
const hallDirs: string[] = [];
let central: CentralServer | null = null;
let base = '';
let uplink: { token: string };
let hall: HallService | null = null;

beforeAll(async () => {
  centralDir = await pgliteDataDir('staffroster');
  central = await buildCentralServer({ dataDir: centralDir, adminToken: TOKEN, logger: false });
  await central.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(central.app.server.address() as { port: number }).port}`;
  await admin.createHall(central.db, { code: HALL, name: '名单测试厅' });
  await admin.createHall(central.db, { code: 'SR02', name: '另一厅' });
  const svc = await admin.createEnrollmentCode(central.db, HALL, { kind: 'service' });
  uplink = await admin.enroll(central.db, { code: svc.code, deviceName: '排队叫号服务' });
  for (const [staffNo, name, hallCode, roles] of [
    ['C001', '张三', HALL, ['clerk']],
    ['M001', '王主管', HALL, ['hall_manager', 'clerk']],
    ['D001', '赵停', HALL, ['clerk']],
    ['X001', '外厅', 'SR02', ['clerk']],
  ] as const) {
    const r = await call(base, 'POST', staffPaths.adminStaff, {
      token: TOKEN,
      body: { staffNo, name, hallCode, roles },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const off = await call(base, 'PATCH', `${staffPaths.adminStaff}/D001`, {
    token: TOKEN,
    body: { state: 'disabled' },
  });
  expect(off.status, JSON.stringify(off.body)).toBe(200);
});

afterAll(async () => {
  await hall?.close();
  await central?.close();
  for (const d of [centralDir, ...hallDirs]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-roster-'));
  hallDirs.push(d);
  return d;
}

const config = {
  categories: [{ id: 'A', name: '业扩报装' }],
  counters: [
    { no: 1, name: '1号窗口', categories: ['A'] },
    { no: 2, name: '2号窗口', categories: ['A'] },
  ],
};

async function pairCounter(h: HallService, counterNo: number): Promise<string> {
  const code = await call<{ code: string }>(h.url, 'POST', '/api/queue/pairing-codes', {
    token: h.managerSecret,
    body: { name: `${counterNo}号窗口`, counterNo },
  });
  const r = await call<{ token: string }>(h.url, 'POST', '/api/queue/pair', {
    body: { code: code.body.code },
  });
  return r.body.token;
}

const signIn = (h: HallService, token: string, counterNo: number, body: unknown) =>
  call<{ error?: { code: string; message: string }; events?: { name?: string }[] }>(
    h.url,
    'POST',
    `/api/queue/counters/${counterNo}/sign-in`,
    { token, body },
  );

/** The hall service of these tests: the manager secret and configuration they all use. */
function startRosterHall(opts: Omit<HallServiceOptions, 'port' | 'log'>): Promise<HallService> {
  return startHallService({
    port: 0,
    log: () => {},
    managerSecret: 'hm_roster_manager_secret_0123456789',
    initialConfig: config,
    ...opts,
  });
}

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('counter sign-in against the hall service roster', () => {
  it('takes roles from the roster pulled from the centre, not from the desk', async () => {
    const dir = newDir();
    hall = await startRosterHall({
      dataDir: dir,
      staffPull: { baseUrl: base, token: uplink.token, intervalMs: 200, timeoutMs: 2000 },
    });
    const token = await pairCounter(hall, 1);
    await until('roster pulled', () => fs.existsSync(path.join(dir, 'staff-roster.json')));
    const before = hall.seq();
    // A desk claiming the manager role for a clerk: refused, nothing written.
    const claimed = await signIn(hall, token, 1, {
      staffNo: 'C001',
      name: '张三',
      roles: ['clerk', 'hall_manager'],
    });
    expect(claimed.status).toBe(403);
    expect(claimed.body.error).toMatchObject({ code: 'E_STAFF_ROLE' });
    expect(claimed.body.error!.message).toMatch(/C001.*没有所报的角色.*hall_manager/);
    for (const [body, code] of [
      [{ staffNo: 'Z999', name: '无名', roles: ['clerk'] }, 'E_STAFF_UNKNOWN'],
      [{ staffNo: 'X001', name: '外厅', roles: ['clerk'] }, 'E_STAFF_UNKNOWN'],
      [{ staffNo: 'D001', name: '赵停', roles: ['clerk'] }, 'E_STAFF_DISABLED'],
    ] as const) {
      const r = await signIn(hall, token, 1, body);
      expect(r.status, body.staffNo).toBe(403);
      expect(r.body.error!.code, body.staffNo).toBe(code);
    }
    expect(hall.seq()).toBe(before);
    expect(hall.getState().counters['1']!.staffNo ?? null).toBeNull();
    expect(hall.getState().staffSeen ?? false).toBe(false);

    // The person as the roster has them: the journaled name is the centre's.
    const ok = await signIn(hall, token, 1, { staffNo: 'C001', name: '改名', roles: ['clerk'] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.events![0]).toMatchObject({ type: 'counter_signed_in', name: '张三' });
    expect(hall.getState().counters['1']).toMatchObject({ staffNo: 'C001', staffName: '张三' });

    // After a restart with the centre gone, the kept roster still decides.
    await hall.close();
    hall = null;
    await central!.close();
    central = null;
    hall = await startRosterHall({
      dataDir: dir,
      staffPull: { baseUrl: base, token: uplink.token, intervalMs: 200, timeoutMs: 500 },
    });
    const again = await signIn(hall, token, 1, {
      staffNo: 'C001',
      name: '张三',
      roles: ['hall_manager'],
    });
    expect(again.status).toBe(403);
    expect(again.body.error!.code).toBe('E_STAFF_ROLE');
    const manager = await signIn(hall, token, 1, {
      staffNo: 'M001',
      name: '王主管',
      roles: ['hall_manager', 'clerk'],
    });
    expect(manager.status).toBe(200);
    await hall.close();
    hall = null;
  });

  it('refuses every sign-in while the service knows no roster; a hall may give its own', async () => {
    hall = await startRosterHall({
      dataDir: newDir(),
    });
    const token = await pairCounter(hall, 1);
    const before = hall.seq();
    const r = await signIn(hall, token, 1, { staffNo: 'C001', name: '张三', roles: ['clerk'] });
    expect(r.status).toBe(503);
    expect(r.body.error!.code).toBe('E_STAFF_ROSTER');
    expect(r.body.error!.message).toMatch(/人员名单/);
    expect(hall.seq()).toBe(before);
    await hall.close();

    hall = await startRosterHall({
      dataDir: newDir(),
      staff: [
        {
          staffNo: 'H001',
          name: '本厅甲',
          roles: ['clerk'],
          state: 'active',
          mustChange: false,
          pwVersion: 1,
        },
        {
          staffNo: 'H002',
          name: '本厅乙',
          roles: ['back_office'],
          state: 'active',
          mustChange: false,
          pwVersion: 1,
        },
      ],
    });
    const t2 = await pairCounter(hall, 1);
    expect(
      (await signIn(hall, t2, 1, { staffNo: 'H001', name: '本厅甲', roles: ['clerk'] })).status,
    ).toBe(200);
    const noServe = await signIn(hall, t2, 1, { staffNo: 'H002', name: '本厅乙', roles: [] });
    expect(noServe.status).toBe(403);
    expect(noServe.body.error!.code).toBe('E_STAFF_ROLE');
    await hall.close();
    hall = null;
  });

  it('signs a person in with staff number and password (the stand-alone counter page)', async () => {
    const verifier = await makeVerifier('Counter2026ok');
    hall = await startRosterHall({
      dataDir: newDir(),
      staff: [
        {
          staffNo: 'P001',
          name: '窗口甲',
          roles: ['clerk'],
          state: 'active',
          mustChange: false,
          pwVersion: 2,
          verifier,
        },
        {
          staffNo: 'P002',
          name: '窗口乙',
          roles: ['clerk'],
          state: 'active',
          mustChange: true,
          pwVersion: 1,
          verifier,
        },
      ],
    });
    const token = await pairCounter(hall, 1);
    await call(hall.url, 'POST', '/api/queue/tickets', { body: { categoryId: 'A' } });
    const before = hall.seq();
    for (const [body, status, code] of [
      [{ staffNo: 'P001', password: 'wrong-password1' }, 401, 'E_STAFF_PASSWORD'],
      [{ staffNo: 'P404', password: 'Counter2026ok' }, 401, 'E_STAFF_PASSWORD'],
      [{ staffNo: 'P002', password: 'Counter2026ok' }, 403, 'E_STAFF_MUST_CHANGE'],
    ] as const) {
      const r = await signIn(hall, token, 1, body);
      expect(r.status, body.staffNo).toBe(status);
      expect(r.body.error!.code, body.staffNo).toBe(code);
    }
    expect(hall.seq()).toBe(before);
    // Nobody at the counter: no call.
    const nobody = await call<{ error: { code: string } }>(
      hall.url,
      'POST',
      '/api/queue/counters/1/call-next',
      { token, body: {} },
    );
    expect(nobody.body.error.code).toBe('E_STAFF_REQUIRED');
    const ok = await signIn(hall, token, 1, { staffNo: 'P001', password: 'Counter2026ok' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const called = await call<{ events: { staffNo?: string }[] }>(
      hall.url,
      'POST',
      '/api/queue/counters/1/call-next',
      { token, body: {} },
    );
    expect(called.status).toBe(200);
    expect(called.body.events[0]).toMatchObject({ type: 'called', staffNo: 'P001' });
    const who = await call<{ staffRoster?: boolean }>(hall.url, 'GET', '/api/queue/whoami', {
      token,
    });
    expect(who.body.staffRoster).toBe(true);
  });
});
