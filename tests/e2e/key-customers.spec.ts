// End to end (issue 14 §3): a company accepted on a desk becomes a customer at the centre; the
// centre registers it as a key customer with an account manager from the directory; after a sync
// the desk's new-application form recognises the company by its credit code and fills the
// manager, and the hall's kiosk (its queue service pulling the register as configuration) routes
// the customer's phone to the key-customer lane; the workbench lists the register and the
// account manager's page shows the customer. Build first: `npm run build:renderer`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHallService, type HallService } from '../../server/hall/service';
import { customerPaths } from '../../shared/protocol/customers';
import { TestCentre } from './support/centre';
import { KNOWN } from './support/ids';
import {
  chooseBusinessType,
  fillCustomer,
  fillRequiredFields,
  openDesk,
  receiveRequiredDocuments,
  submitAndConfirm,
} from './support/desk';

const HALL = 'KE01';
const PHONE = '13600001234';
const staticDir = path.join(import.meta.dirname, '..', '..', 'dist', 'renderer');
const centre = new TestCentre();
let hall: HallService | null = null;
let hallDir = '';

test.beforeAll(async () => {
  await centre.start();
  await centre.admin('POST', '/api/v1/admin/halls', { code: HALL, name: '重点客户营业厅' });
  // A centre account manager (no hall): the hall's desks keep working without staff sign-in.
  await centre.admin('POST', '/api/v1/admin/staff', {
    staffNo: 'AM01',
    name: '刘经理',
    hallCode: null,
    roles: ['account_manager'],
    phone: '13900001111',
  });
});

test.afterAll(async () => {
  await hall?.close();
  if (hallDir) fs.rmSync(hallDir, { recursive: true, force: true });
  await centre.dispose();
});

async function syncNow(page: Page): Promise<void> {
  await openDesk(page, '/sync');
  const button = page.getByTestId('sync-now');
  await expect(button).toBeEnabled();
  await button.click();
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-phase', 'synced', {
    timeout: 90_000,
  });
}

test('a key customer registered at the centre is recognised on the desk and at the kiosk', async ({
  page,
}) => {
  test.setTimeout(400_000);
  // The desk enrolls with the centre.
  await openDesk(page, '/sync');
  const form = page.getByTestId('enrollment-form');
  await form.getByLabel('中心地址').fill(centre.url);
  const { code } = await centre.admin<{ code: string }>(
    'POST',
    `/api/v1/admin/halls/${HALL}/enrollment-codes`,
    {},
  );
  await form.getByLabel('登记码').fill(code);
  await form.getByRole('button', { name: '登记本机' }).click();
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-phase', 'synced', {
    timeout: 90_000,
  });
  await openDesk(page, '/settings');
  await page.getByLabel('受理员').fill('王受理');
  await page.getByTestId('save-profile').click();

  // A company's first application: the centre gets its customer record.
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, '104', '高压新装');
  await fillCustomer(page, {
    name: '华北精密制造有限公司',
    creditCode: KNOWN.creditCode,
    legalRep: '陈总',
    idNumber: KNOWN.residentId,
    phone: PHONE,
    address: '天津市滨海新区测试大道10号',
  });
  await fillRequiredFields(page, { capacity: '800' });
  await receiveRequiredDocuments(page);
  await submitAndConfirm(page);
  await syncNow(page);
  const key = `C:${KNOWN.creditCode}`;
  await expect
    .poll(
      async () =>
        (
          await fetch(`${centre.url}${customerPaths.customer(key)}`, {
            headers: { authorization: `Bearer ${centre.adminToken}` },
          })
        ).status,
    )
    .toBe(200);

  // The centre registers it, with the account manager from the directory.
  await centre.admin('PUT', customerPaths.keyCustomer(key), {
    reasons: ['capacity', 'voltage'],
    managerStaffNo: 'AM01',
  });

  // The desk: after a sync, the next application's form fills the manager.
  await syncNow(page);
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, '111', '高压增容');
  await fillCustomer(page, { creditCode: KNOWN.creditCode });
  await expect(page.getByTestId('key-register-hit')).toContainText('刘经理');
  await expect(page.getByLabel('客户经理', { exact: true })).toHaveValue('刘经理');
  await expect(page.getByLabel('客户经理电话')).toHaveValue('13900001111');

  // The kiosk: the hall's queue service pulls the register; the phone opens the key lane.
  const serviceToken = await centre.enrollService(HALL);
  hallDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-e2e-keyreg-'));
  hall = await startHallService({
    port: 0,
    dataDir: hallDir,
    staticDir,
    log: () => {},
    keyRegisterPull: { baseUrl: centre.url, token: serviceToken, intervalMs: 300 },
  });
  const kiosk = await page.context().newPage();
  await kiosk.goto(`${hall.url}/#/kiosk`);
  await kiosk.getByRole('button', { name: '重点客户：输入户号/手机号' }).click();
  for (const digit of PHONE) await kiosk.getByRole('button', { name: digit, exact: true }).click();
  await kiosk.getByTestId('kiosk-pad-ok').click();
  await expect(kiosk.getByText('已识别为重点客户')).toBeVisible();
  await kiosk.getByTestId('kiosk-category-A').click();
  await expect(kiosk.getByTestId('kiosk-ticket-no')).toHaveText('A001');
  const state = (await (await fetch(`${hall.url}/api/queue/state`)).json()) as {
    state: { tickets: Record<string, { lane: string }> };
  };
  expect(state.state.tickets.A001?.lane).toBe('key');

  // The workbench: the register lists it; the account manager's page shows the customer.
  const wb = await page.context().newPage();
  await wb.goto(`${centre.url}/workbench`);
  await wb.getByText('令牌登录').click();
  await wb.getByLabel('管理员令牌').fill(centre.adminToken);
  await wb.getByRole('button', { name: '登录' }).click();
  await wb.getByRole('link', { name: '重点客户' }).click();
  await expect(wb.locator('tr', { hasText: '华北精密制造有限公司' }).first()).toContainText(
    '刘经理',
  );
  await wb.getByRole('link', { name: '客户经理' }).click();
  await wb.getByLabel('客户经理工号').fill('AM01');
  await wb.getByLabel('客户经理工号').press('Enter');
  await expect(wb.getByText('我的客户')).toBeVisible();
  await expect(wb.locator('tr', { hasText: '华北精密制造有限公司' })).toBeVisible();
});
