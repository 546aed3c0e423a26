// The centre's key-customer register reaches the hall queue service (issue 14 §3): a customer
// registered in the workbench is recognised at the kiosk by 户号 or phone and gets the key lane,
// pulled as configuration by the hall's service device; after a restart with the centre gone the
// hall still knows them (kept in its private data folder); the hall's own configured key
// customers keep working beside it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as admin from '../../server/central/admin';
import { buildCentralServer, type CentralServer } from '../../server/central/app';
import { startHallService, type HallService } from '../../server/hall/service';
import { paths } from '../../shared/protocol';
import { customerPaths } from '../../shared/protocol/customers';
import { HALL_PATHS, type KeyLookupResponse } from '../../shared/queue/protocol';
import type { IssueTicketResponse } from '../../shared/queue/protocol';
import { staffPaths } from '../../shared/staff/directory';
import { pgliteDataDir } from '../support/server';
import { call } from '../support/server';
import { appFor, change, device } from '../support/serverClient';

const HALL = 'KR01';
const TOKEN = 'key-register-test-admin-token-0123456789';
const CREDIT = '91110000600037341L';
const ACCOUNT = '7700998877';
const PHONE = '13600001234';

let centralDir = '';
let hallDir = '';
let central: CentralServer;
let base = '';
let uplink: { token: string };
let hall: HallService | null = null;

async function until(what: string, cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const hallCall = <T>(p: string, body: unknown) =>
  call<T & { error?: { code: string } }>(hall!.url, 'POST', p, { body });

beforeAll(async () => {
  centralDir = await pgliteDataDir('keyreg');
  hallDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-keyreg-'));
  central = await buildCentralServer({ dataDir: centralDir, adminToken: TOKEN, logger: false });
  await central.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(central.app.server.address() as { port: number }).port}`;
  await admin.createHall(central.db, { code: HALL, name: '重点客户测试厅' });
  const svc = await admin.createEnrollmentCode(central.db, HALL, { kind: 'service' });
  uplink = await admin.enroll(central.db, { code: svc.code, deviceName: '排队叫号服务' });
  const deskCode = await admin.createEnrollmentCode(central.db, HALL, {});
  const desk = device(await admin.enroll(central.db, { code: deskCode.code, deviceName: '1号' }));
  const app = appFor(desk, {
    businessCode: '104',
    customer: {
      name: '华北精密制造有限公司',
      creditCode: CREDIT,
      accountNo: ACCOUNT,
      phone: PHONE,
    },
  });
  const pushed = await call(base, 'POST', paths.push, {
    token: desk.token,
    body: { deviceId: desk.deviceId, changes: [change(desk, 'application', app)] },
  });
  expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  const staff = await call(base, 'POST', staffPaths.adminStaff, {
    token: TOKEN,
    body: { staffNo: 'AM01', name: '刘经理', hallCode: HALL, roles: ['account_manager'] },
  });
  expect(staff.status, JSON.stringify(staff.body)).toBe(201);
});

afterAll(async () => {
  await hall?.close();
  await central?.close();
  for (const d of [centralDir, hallDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const startHall = async (baseUrl: string) =>
  startHallService({
    port: 0,
    dataDir: hallDir,
    log: () => {},
    keyRegisterPull: { baseUrl, token: uplink.token, intervalMs: 200, timeoutMs: 2000 },
    initialConfig: {
      categories: [
        { id: 'A', name: '业扩报装', businessCodes: ['104'], priority: 0, keyLane: true },
        { id: 'C', name: '电费缴纳', businessCodes: [], priority: 0 },
      ],
      counters: [{ no: 1, name: '1号窗口', categories: ['A', 'C'] }],
      keyCustomers: [{ ref: '5500112233' }],
    },
  });

describe('the key-customer register at the kiosk', () => {
  it('recognises a customer registered at the centre, also after a restart offline', async () => {
    hall = await startHall(base);
    const lookup = (ref: string) =>
      hallCall<KeyLookupResponse>(HALL_PATHS.lookup, { customerRef: ref });
    // Not registered yet: no lane.
    await new Promise((r) => setTimeout(r, 400));
    expect((await lookup(ACCOUNT)).body.keyCustomer).toBe(false);

    const reg = await call(base, 'PUT', customerPaths.keyCustomer(`C:${CREDIT}`), {
      token: TOKEN,
      body: { reasons: ['capacity'], managerStaffNo: 'AM01' },
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    await until(
      'the register reaches the hall',
      async () => (await lookup(ACCOUNT)).body.keyCustomer,
    );
    expect((await lookup(PHONE)).body).toMatchObject({ keyCustomer: true, categoryId: 'A' });
    expect((await lookup('7700000000')).body.keyCustomer).toBe(false);
    // The hall's own list keeps working.
    expect((await lookup('5500112233')).body.keyCustomer).toBe(true);

    // A ticket for 电费缴纳 (no key lane there) stays normal; 业扩报装 goes to the key lane.
    const t = await hallCall<IssueTicketResponse>(HALL_PATHS.tickets, {
      categoryId: 'A',
      customerRef: ACCOUNT,
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    expect(t.body.receipt.lane).toBe('key');
    // A kiosk cannot claim the lane itself.
    const forged = await hallCall<IssueTicketResponse>(HALL_PATHS.tickets, {
      categoryId: 'A',
      customerRef: '7700000000',
      keyRegistered: true,
    });
    expect(forged.body.receipt.lane).toBe('normal');

    // Restart with the centre unreachable: the register kept in the data folder still answers.
    await hall.close();
    hall = await startHall('http://127.0.0.1:9');
    expect((await lookup(ACCOUNT)).body.keyCustomer).toBe(true);
    const file = path.join(hallDir, 'key-register.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
