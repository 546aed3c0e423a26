// End to end (built desk in Chromium, real central endpoint): the hall's staff reach the desk
// with a sync; with the centre gone a clerk signs in offline (first sign-in: new password, PIN),
// accepts an application stamped with their staff number, locks the desk, unlocks with the PIN,
// hands over with a shift change; the next clerk signs in and is refused the configuration. The
// centre, back, receives the application with the first clerk's number.
import { expect, test, type Page } from '@playwright/test';
import type { Application } from '../../shared/domain/model';
import { workbenchPaths } from '../../shared/protocol/workbench';
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
  test.setTimeout(240_000);
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

  // The back office returns C101's application with a reason code: an acceptance error of C101.
  const moved = await centre.admin<{ next: { state: string; kind: string }[] }>(
    'GET',
    workbenchPaths.application(appNo),
  );
  const forward = moved.next.find((n) => n.kind === 'forward')!.state;
  await centre.admin('POST', workbenchPaths.move(appNo), { to: forward, actor: '王后台' });
  await centre.admin('POST', workbenchPaths.move(appNo), {
    to: 'accepted',
    actor: '王后台',
    reasonCode: 'missing_documents',
    note: '缺房产证明',
  });

  // The hall manager signs in (shift change), sees the clerks' figures from the desk's own data
  // (the return pulled), opens the records behind a figure, records a correction about the
  // returned application, and exports; the XLSX is opened and its rows checked.
  await page.getByTestId('shift-change-header').click();
  await signIn(page, 'M101', temp.M101!);
  await setSecret(page, 'Zhang2026ab');
  await page.getByTestId('pin-skip').click();
  await page.goto('/#/sync');
  await page.getByTestId('sync-now').click();
  await page.goto('/#/supervision');
  const table = page.getByTestId('supervision-table');
  await expect(table.getByRole('row', { name: /C101/ })).toContainText('王一');
  await expect
    .poll(
      async () => {
        await page.goto('/#/sync');
        await page.getByTestId('sync-now').click();
        await page.goto('/#/supervision');
        return page.getByTestId('sup-C101-returned').textContent();
      },
      { timeout: 30_000 },
    )
    .toBe('1');
  await expect(table.getByRole('row', { name: /C101/ })).toContainText('资料不全，需补正×1');
  await page.getByTestId('sup-C101-returned').click();
  const drill = page.getByTestId('supervision-drill');
  await expect(drill).toContainText('(1)');
  await expect(drill.getByTestId('drill-row')).toHaveText(appNo);
  // The charts load after the figures (own chunk) and draw.
  await expect(page.getByTestId('supervision-ranking').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('supervision-trend').locator('canvas')).toBeVisible();
  await drill.getByRole('button', { name: '记纠错' }).click();
  await page.getByTestId('note-text').fill('房产证明漏收，已补正');
  await page.getByTestId('note-save').click();
  await expect(page.getByTestId('note-row')).toContainText('房产证明漏收，已补正');
  await expect(page.getByTestId('note-row')).toContainText(appNo);
  // The manager corrects the note's text: the change stays as history (who, before, after).
  await page.getByTestId('note-edit').click();
  await page.getByTestId('note-edit-text').fill('房产证明漏收，已当日补正');
  await page.getByTestId('note-edit-save').click();
  await expect(page.getByTestId('note-row')).toContainText('房产证明漏收，已当日补正');
  await expect(page.getByTestId('note-history')).toContainText(
    '修改：「房产证明漏收，已补正」→「房产证明漏收，已当日补正」',
  );

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('supervision-export').click(),
  ]);
  const file = await download.path();
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet('工作监督')!;
  expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual([
    '排名',
    '工号',
    '姓名',
    '受理',
    '忽略提示受理',
    '退回/驳回',
    '退回原因',
    '后补未交',
    '超期',
    '评价',
    '差评',
    '差评原因',
    '表彰',
    '纠错',
  ]);
  const body = [3, 4].map((i) => (ws.getRow(i).values as unknown[]).slice(1));
  expect(body.map((r) => [...r.slice(0, 7), ...r.slice(12, 14)])).toEqual([
    [1, 'C101', '王一', 1, 0, 1, '资料不全，需补正×1', 0, 1],
    ['', '合计', '全厅', 1, 0, 1, '资料不全，需补正×1', 0, 1],
  ]);
  const ns = wb.getWorksheet('表彰与纠错')!;
  expect((ns.getRow(2).values as unknown[]).slice(1, 7)).toEqual([
    '纠错',
    'C101',
    '王一',
    expect.stringMatching(/^\d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}$/),
    '房产证明漏收，已当日补正',
    appNo,
  ]);

  // The correction goes to the centre as its own record and shows with the centre's figures.
  await page.goto('/#/sync');
  await page.getByTestId('sync-now').click();
  await expect
    .poll(
      async () => {
        const r = await centre.admin<{
          halls: {
            notes: { text: string; createdByStaffNo: string; history?: { byStaffNo: string }[] }[];
          }[];
        }>('GET', `/api/v1/admin/supervision?hall=${HALL}`);
        return r.halls[0]!.notes.map(
          (n) =>
            `${n.createdByStaffNo}:${n.text}:${(n.history ?? []).map((h) => h.byStaffNo).join()}`,
        );
      },
      { timeout: 30_000 },
    )
    .toEqual(['M101:房产证明漏收，已当日补正:M101']);

  // The clerk sees the return and its reason: on the application's history and in 我的工作,
  // with the correction written about them.
  await page.getByTestId('shift-change-header').click();
  await signIn(page, 'C101', 'Wang2026abc');
  await expect(page.getByTestId('staff-signed-in')).toHaveText('王一（C101）');
  await page.goto('/#/mywork');
  const notice = page.getByTestId('return-notice');
  await expect(notice).toHaveCount(1);
  await expect(notice).toContainText(appNo);
  await expect(notice).toContainText('资料不全，需补正');
  await expect(notice).toContainText('缺房产证明');
  await expect(page.getByTestId('my-note')).toContainText('房产证明漏收，已当日补正');
  await notice.getByRole('link', { name: appNo }).click();
  await expect(page.getByTestId('return-reason')).toContainText('资料不全，需补正');
});
