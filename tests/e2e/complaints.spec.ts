// End to end (issue 14 §2), the built renderer in Chromium against a real central endpoint (a
// child process on PGlite): a desk enrolled through its UI registers a complaint; at the centre's
// workbench (/workbench/) the complaint is found in the list, assigned to a named handler from
// the picker, a contact is recorded, closing without a reply is refused, then it is answered and
// closed; after a sync the desk shows the handler, the centre's contact and the reply.
// Build first: `npm run build:renderer` (the centre serves dist/renderer at /workbench/).
import { expect, test, type Page } from '@playwright/test';
import { TestCentre } from './support/centre';
import { openDesk } from './support/desk';

const HALL = 'CMP01';
const HALL_NAME = '投诉测试营业厅';
const centre = new TestCentre();

test.beforeAll(async () => {
  await centre.start();
  await centre.admin('POST', '/api/v1/admin/halls', { code: HALL, name: HALL_NAME });
  // A complaint handler of the centre (no hall roster: may handle every hall's records).
  await centre.admin('POST', '/api/v1/admin/staff', {
    staffNo: 'T901',
    name: '赵处理',
    roles: ['complaint_handler'],
  });
});

test.afterAll(async () => {
  await centre.dispose();
});

async function syncNow(page: Page): Promise<void> {
  await openDesk(page, '/sync');
  const button = page.getByTestId('sync-now');
  await expect(button).toBeEnabled();
  await button.click();
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-phase', 'synced', {
    timeout: 20_000,
  });
}

test('a complaint registered on a desk is assigned and answered at the centre; the desk shows the reply', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  // The desk: enrolled through its UI, the clerk named.
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
  await expect(page.getByText(`${HALL_NAME}（${HALL}）`)).toBeVisible();
  await openDesk(page, '/settings');
  await page.getByLabel('受理员').fill('王受理');
  await page.getByTestId('save-profile').click();
  await expect(page.getByText('设置已保存')).toBeVisible();

  // The complaint, with the counter it concerns.
  await openDesk(page, '/desk/feedback');
  await page.getByRole('radiogroup', { name: '类别' }).getByText('投诉', { exact: true }).click();
  await page.getByLabel('客户姓名').fill('钱十一');
  await page.getByLabel('联系电话').fill('13812340001');
  await page.getByLabel('反馈内容').fill('三号窗口办理时间过长，无人解释原因。');
  await page.getByLabel('涉及窗口（选填）').fill('3号窗');
  await page.getByTestId('save-feedback').click();
  await expect(page.getByTestId('feedback-row')).toHaveCount(1);
  await expect(page.getByTestId('feedback-row')).toContainText('待中心分派');
  await syncNow(page);

  // The centre's workbench, in its own tab.
  const wb = await context.newPage();
  await wb.goto(`${centre.url}/workbench`);
  await wb.getByText('令牌登录').click();
  await wb.getByLabel('管理员令牌').fill(centre.adminToken);
  await wb.getByRole('button', { name: '登录' }).click();
  await wb.getByTestId('nav-complaints').click();
  await expect(wb.getByText('共 1 条')).toBeVisible();
  await wb.getByTestId('complaint-row').first().click();
  await expect(wb.getByTestId('complaint-status')).toHaveText('待联系');

  // Assigned by name from the picker (eligible handlers only).
  await wb.getByTestId('complaint-handler').click();
  await wb.locator('.ant-select-dropdown:visible').getByText('赵处理（T901）').click();
  await expect(wb.getByText('人工分派')).toBeVisible();

  // A contact, then closing without a reply is refused with the reason.
  await wb.getByTestId('complaint-contact-note').fill('已电话致歉并说明排队原因');
  await wb.getByRole('button', { name: '记录联系' }).click();
  await expect(wb.getByTestId('complaint-status')).toHaveText('已联系');
  await wb.getByRole('button', { name: '办结', exact: true }).click();
  await expect(wb.getByText(/回复内容不能为空/)).toBeVisible();
  await expect(wb.getByTestId('complaint-status')).toHaveText('已联系');

  // The reply, closed with it.
  await wb.getByTestId('complaint-reply').fill('已增开窗口，高峰时段安排引导员。');
  await wb.getByRole('button', { name: '答复并办结' }).click();
  await expect(wb.getByTestId('complaint-status')).toHaveText('已办结');

  // Back on the desk: after a sync the record shows who handles it, the contact and the reply.
  await page.bringToFront();
  await syncNow(page);
  await openDesk(page, '/desk/feedback');
  await page.getByRole('combobox', { name: '状态' }).click();
  await page.locator('.ant-select-dropdown:visible').getByText('已办结', { exact: true }).click();
  await page.keyboard.press('Escape');
  const row = page.getByTestId('feedback-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('feedback-handler')).toContainText('赵处理（T901）');
  await expect(row.getByTestId('feedback-contact')).toContainText('已电话致歉并说明排队原因');
  await expect(row.getByTestId('feedback-reply')).toContainText('已增开窗口，高峰时段安排引导员。');
  await expect(row).toContainText('涉及窗口 3号窗');
});
