// End to end (built desk in Chromium, real central endpoint): the hall's staff reach the desk
// with a sync; with the centre gone a clerk signs in offline (first sign-in: new password, PIN),
// accepts an application stamped with their staff number, locks the desk, unlocks with the PIN,
// hands over with a shift change; the next clerk signs in and is refused the configuration. The
// centre, back, receives the application with the first clerk's number.
import { expect, test, type Page } from '@playwright/test';
import type { Application } from '../../shared/domain/model';
import { KNOWN } from './support/ids';
import { TestCentre } from './support/centre';
import {
  chooseBusinessType,
  chooseCustomerKind,
  fillCustomer,
  fillRequiredFields,
  receiveRequiredDocuments,
  submitAndConfirm,
} from './support/desk';

const HALL = 'STF01';
const centre = new TestCentre();
const temp: Record<string, string> = {};

test.beforeAll(async () => {
  await centre.start();
  await centre.admin('POST', '/api/v1/admin/halls', { code: HALL, name: '人员测试营业厅' });
  for (const [staffNo, name, roles] of [
    ['C101', '王一', ['clerk']],
    ['C102', '李二', ['clerk']],
    ['M101', '张主管', ['hall_manager']],
  ] as const) {
    const r = await centre.admin<{ temporaryPassword: string }>('POST', '/api/v1/admin/staff', {
      staffNo,
      name,
      hallCode: HALL,
      roles,
    });
    temp[staffNo] = r.temporaryPassword;
  }
});

test.afterAll(async () => {
  await centre.dispose();
});

async function signIn(page: Page, staffNo: string, password: string) {
  await page.getByTestId('staff-no').fill(staffNo);
  await page.getByTestId('staff-password').fill(password);
  await page.getByTestId('staff-sign-in').click();
}

async function setSecret(page: Page, value: string) {
  await page.getByTestId('new-secret').fill(value);
  await page.getByTestId('new-secret-again').fill(value);
  await page.getByTestId('new-secret-save').click();
}

test('a clerk signs in offline, accepts, locks; the next clerk signs in and may not configure; the manager sees and exports the figures', async ({
  page,
}) => {
  test.setTimeout(150_000);
  // Enrollment; the first sync brings the hall's staff, and from then on the desk needs a person.
  await page.goto('/#/sync');
  const form = page.getByTestId('enrollment-form');
  await form.getByLabel('中心地址').fill(centre.url);
  const { code } = await centre.admin<{ code: string }>(
    'POST',
    `/api/v1/admin/halls/${HALL}/enrollment-codes`,
    {},
  );
  await form.getByLabel('登记码').fill(code);
  await form.getByRole('button', { name: '登记本机' }).click();
  await expect(page.getByTestId('staff-no')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('status-bar')).toHaveCount(0);

  // The centre goes away: sign-in works from the desk's own copy.
  await centre.stop();
  await signIn(page, 'C101', 'wrong-password-1');
  await expect(page.getByRole('alert').filter({ hasText: '工号或密码错误' })).toBeVisible();
  await signIn(page, 'C101', temp.C101!);
  await expect(page.getByText('首次登录或密码已重置')).toBeVisible();
  await setSecret(page, 'Wang2026abc');
  await expect(page.getByTestId('new-secret')).toBeVisible(); // the PIN step
  await setSecret(page, '2468');
  await expect(page.getByTestId('staff-signed-in')).toHaveText('王一（C101）');

  // An application, accepted by the signed-in clerk.
  await page.goto('/#/desk/new');
  await expect(page.getByTestId('staff-signed-in')).toHaveText('王一（C101）');
  await chooseBusinessType(page, 'dyjmxz', '低压居民新装');
  await chooseCustomerKind(page, 'resident');
  await fillCustomer(page, {
    name: '赵客户',
    idNumber: KNOWN.residentIdX,
    phone: '13812345678',
    address: '杭州市滨江区江南大道1号',
  });
  await fillRequiredFields(page, { capacity: '8' });
  await receiveRequiredDocuments(page);
  const appNo = await submitAndConfirm(page);
  expect(appNo).toMatch(new RegExp(`^${HALL}-`));
  await expect(page.getByTestId('receipt-clerk')).toHaveText('王一');

  // Lock on demand: nothing of the desk stays on screen; the PIN unlocks.
  await page.getByTestId('lock-now').click();
  await expect(page.getByTestId('lock-who')).toHaveText('王一（C101）');
  await expect(page.getByTestId('receipt-clerk')).toHaveCount(0);
  await page.getByTestId('unlock-secret').fill('1357');
  await page.getByTestId('unlock').click();
  await expect(page.getByRole('alert').filter({ hasText: 'PIN错误' })).toBeVisible();
  await page.getByTestId('unlock-secret').fill('2468');
  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('staff-signed-in')).toBeVisible();

  // Shift change from the lock screen: one action; the next clerk starts on an empty form.
  await page.keyboard.press('Control+Alt+KeyL');
  await expect(page.getByTestId('lock-who')).toBeVisible();
  await page.getByTestId('shift-change').click();
  await signIn(page, 'C102', temp.C102!);
  await setSecret(page, 'Li2026abcd');
  await page.getByTestId('pin-skip').click();
  await expect(page.getByTestId('staff-signed-in')).toHaveText('李二（C102）');
  await expect(page.locator('#f-customer-name')).toHaveCount(0); // no business type chosen yet

  // A clerk may not change the configuration; the settings page says who may.
  await page.goto('/#/settings');
  await expect(page.getByTestId('role-refused').first()).toContainText('营业厅主管');
  await expect(page.getByLabel('营业厅编码')).toHaveCount(0);
  await expect(page.getByTestId('permission-table')).toContainText('修改配置');

  // The centre is back: the application arrives with the first clerk's staff number, and the
  // new passwords set offline reach the centre.
  await centre.start();
  await page.goto('/#/sync');
  await page.getByTestId('sync-now').click();
  await expect
    .poll(
      async () => {
        const r = await centre.admin<{ applications: { application: Application }[] }>(
          'GET',
          `/api/v1/admin/applications?hall=${HALL}`,
        );
        return r.applications.map((a) => a.application.acceptedByStaffNo);
      },
      { timeout: 30_000 },
    )
    .toEqual(['C101']);
  await expect
    .poll(async () => {
      const r = await centre.admin<{ staff: { staffNo: string; mustChange: boolean }[] }>(
        'GET',
        `/api/v1/admin/staff?hall=${HALL}`,
      );
      return r.staff.map((s) => `${s.staffNo}:${s.mustChange}`);
    })
    .toEqual(['C101:false', 'C102:false', 'M101:true']);

  // The hall manager signs in (shift change), sees the clerks' figures from the desk's own data
  // and exports them; the XLSX is opened and its rows checked.
  await page.getByTestId('shift-change-header').click();
  await signIn(page, 'M101', temp.M101!);
  await setSecret(page, 'Zhang2026ab');
  await page.getByTestId('pin-skip').click();
  await page.goto('/#/supervision');
  const table = page.getByTestId('supervision-table');
  await expect(table.getByRole('row', { name: /C101/ })).toContainText('王一');
  await table.getByRole('row', { name: /C101/ }).click();
  await expect(page.getByTestId('supervision-drill')).toContainText('(1)');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('supervision-export').click(),
  ]);
  const file = await download.path();
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet('工作监督')!;
  expect(ws.getRow(2).values).toEqual([
    undefined,
    '工号',
    '姓名',
    '受理',
    '忽略提示受理',
    '驳回',
    '后补未交',
    '超期',
    '评价',
    '差评',
    '差评原因',
  ]);
  const body = [3, 4].map((i) => (ws.getRow(i).values as unknown[]).slice(1, 4));
  expect(body).toEqual([
    ['C101', '王一', 1],
    ['合计', '全厅', 1],
  ]);
});
