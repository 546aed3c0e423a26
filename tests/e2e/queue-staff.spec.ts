// End to end (built renderer in Chromium, real central endpoint, real hall service): issue 13 §2
// on the queue. The desk's clerk signs in; the counter panel signs that person in at the counter;
// the clerk calls and finishes; the customer rates on the rating pad; the hall manager, signed in
// at the same desk, sees the rating under that clerk in 工作监督 → 排队叫号.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHallService, type HallService } from '../../server/hall/service';
import { TestCentre } from './support/centre';

const HALL = 'QST01';
const staticDir = path.resolve(
  process.env.RENDERER_OUT ?? path.join(import.meta.dirname, '..', '..', 'dist', 'renderer'),
);
const centre = new TestCentre();
const temp: Record<string, string> = {};
let hall: HallService;
let dataDir: string;

test.beforeAll(async () => {
  await centre.start();
  await centre.admin('POST', '/api/v1/admin/halls', { code: HALL, name: '叫号工号营业厅' });
  for (const [staffNo, name, roles] of [
    ['Q101', '孙一', ['clerk']],
    ['QM01', '周主管', ['hall_manager']],
  ] as const) {
    const r = await centre.admin<{ temporaryPassword: string }>('POST', '/api/v1/admin/staff', {
      staffNo,
      name,
      hallCode: HALL,
      roles,
    });
    temp[staffNo] = r.temporaryPassword;
  }
  // The hall service pulls its people from the centre (it checks each counter sign-in itself).
  const serviceToken = await centre.enrollService(HALL);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-e2e-staff-'));
  hall = await startHallService({
    port: 0,
    dataDir,
    staticDir,
    log: () => {},
    staffPull: { baseUrl: centre.url, token: serviceToken, intervalMs: 1000 },
    initialConfig: {
      categories: [{ id: 'A', name: '业扩报装' }],
      counters: [{ no: 1, name: '1号窗口', categories: ['A'] }],
    },
  });
});

test.afterAll(async () => {
  await hall?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  await centre.dispose();
});

async function signIn(page: Page, staffNo: string, password: string, newPassword: string) {
  await page.getByTestId('staff-no').fill(staffNo);
  await page.getByTestId('staff-password').fill(password);
  await page.getByTestId('staff-sign-in').click();
  await page.getByTestId('new-secret').fill(newPassword);
  await page.getByTestId('new-secret-again').fill(newPassword);
  await page.getByTestId('new-secret-save').click();
  await page.getByTestId('pin-skip').click();
}

async function pairingCode(name: string): Promise<string> {
  const r = await fetch(`${hall.url}/api/queue/pairing-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${hall.managerSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, counterNo: 1 }),
  });
  return ((await r.json()) as { code: string }).code;
}

test('a clerk signed in at the counter calls and finishes; the rating shows under that clerk', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  // The desk, served by the hall service, paired as counter 1's device.
  const pairRes = await fetch(`${hall.url}/api/queue/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: await pairingCode('1号窗口受理台') }),
  });
  const pairing = (await pairRes.json()) as unknown;
  const context = await browser.newContext({ baseURL: hall.url });
  await context.addInitScript((p) => {
    localStorage.setItem('halldesk.hallDevice', JSON.stringify(p));
  }, pairing);
  const desk = await context.newPage();

  // Enrollment brings the hall's staff; the clerk signs in.
  await desk.goto('/#/sync');
  const form = desk.getByTestId('enrollment-form');
  await form.getByLabel('中心地址').fill(centre.url);
  const { code } = await centre.admin<{ code: string }>(
    'POST',
    `/api/v1/admin/halls/${HALL}/enrollment-codes`,
    {},
  );
  await form.getByLabel('登记码').fill(code);
  await form.getByRole('button', { name: '登记本机' }).click();
  await expect(desk.getByTestId('staff-no')).toBeVisible({ timeout: 30_000 });
  await signIn(desk, 'Q101', temp.Q101!, 'Sun2026abcd');
  await expect(desk.getByTestId('staff-signed-in')).toHaveText('孙一（Q101）');

  // The counter panel takes the desk's person to the counter.
  await fetch(`${hall.url}/api/queue/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ categoryId: 'A' }),
  });
  await desk.goto('/#/counter');
  await expect(desk.getByTestId('counter-staff')).toContainText('Q101 孙一', { timeout: 15_000 });
  await desk.getByTestId('counter-call-next').click();
  await expect(desk.getByTestId('counter-current')).toHaveText('A001');
  await desk.getByTestId('counter-finish').click();
  await expect(desk.getByTestId('counter-current')).toHaveText('—');

  // The customer rates on the rating pad (the counter's customer-facing screen, same device).
  const pad = await context.newPage();
  await pad.goto('/#/rate?counter=1');
  await pad.getByTestId('rate-level-1').click();
  await pad.getByRole('button', { name: '等候时间长' }).click();
  await pad.getByRole('button', { name: '提交评价' }).click();
  await expect(pad.getByTestId('rate-thanks')).toBeVisible();
  const ticket = hall.getState().tickets['A001']!;
  expect(ticket).toMatchObject({ servedBy: 'Q101', rating: 1 });

  // The hall manager takes the desk (shift change) and sees the rating under the clerk.
  await desk.getByTestId('shift-change-header').click();
  await signIn(desk, 'QM01', temp.QM01!, 'Zhou2026abcd');
  await desk.goto('/#/supervision');
  const queue = desk.getByTestId('supervision-queue');
  const row = queue.getByRole('row', { name: /Q101/ });
  await expect(row).toContainText('孙一');
  await expect(row).toContainText('等候时间长×1');
  await expect(row.getByRole('cell').nth(3)).toHaveText('1'); // served
});
