// End to end: a complaint is recorded with due dates from the configured limits (first contact
// 1 working day, reply 7), listed with a masked phone, then contacted and answered.
import { expect, test } from '@playwright/test';
import { openDesk, setupDesk } from './support/desk';

test('a complaint gets its due dates, first contact and reply recorded', async ({ page }) => {
  await setupDesk(page);
  await openDesk(page, '/desk/feedback');
  await page.getByRole('radiogroup', { name: '类别' }).getByText('投诉', { exact: true }).click();
  await expect(page.getByText('时限：1个工作日内首次联系，7个工作日内答复')).toBeVisible();
  await page.getByLabel('客户姓名').fill('吴十');
  await page.getByLabel('联系电话').fill('1381234');
  await page.getByLabel('反馈内容').fill('上月电费异常偏高，要求核查电表。');
  await page.getByTestId('save-feedback').click();
  await expect(page.getByText('手机号码应为11位').or(page.getByText('联系电话无效'))).toBeVisible();
  await expect(page.getByTestId('feedback-row')).toHaveCount(0);

  await page.getByLabel('联系电话').fill('13812348888');
  await page.getByTestId('save-feedback').click();
  const row = page.getByTestId('feedback-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(/F-H0101-D02-\d{8}-0001/);
  await expect(row).toContainText('138****8888');
  await expect(row).not.toContainText('13812348888');
  await expect(row).toContainText(/首次联系 \d{4}-\d{2}-\d{2}前/);
  await expect(row).toContainText(/答复 \d{4}-\d{2}-\d{2}前/);
  await expect(row).toContainText('待联系');

  await row.getByRole('button', { name: '记录首次联系' }).click();
  await expect(row).toContainText('已联系');
  await row.getByRole('button', { name: '答复' }).click();
  const dialog = page.getByRole('dialog', { name: '记录答复' });
  await dialog.getByLabel('答复内容').fill('已安排校验电表，结果三个工作日内告知。');
  await dialog.getByRole('button', { name: '保存答复' }).click();
  // Replied feedback leaves the default (open) list; it is there with the 已答复 filter.
  await expect(page.getByTestId('feedback-row')).toHaveCount(0);
  await page.getByRole('combobox', { name: '状态' }).click();
  await page.locator('.ant-select-dropdown:visible').getByText('已答复', { exact: true }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('feedback-row')).toHaveCount(1);
  await expect(page.getByTestId('feedback-row')).toContainText('已安排校验电表');
  await expect(page.getByTestId('outbox-state')).toContainText('待上传 3 条');
});
