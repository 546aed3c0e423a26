// End to end: the access audit trail (PIPL Art. 51). Accepting an application and opening its
// detail are logged with the clerk's name in the detail's 访问记录 and the settings' 审计日志,
// and the full ID number appears in neither.
import { expect, test } from '@playwright/test';
import { acceptApplication, CLERK, openDesk, setupDesk } from './support/desk';
import { residentId } from './support/ids';

test('accepting and viewing an application are in its access log, without the ID number', async ({
  page,
}) => {
  await setupDesk(page);
  const id = residentId('310101', '19880512', '217');
  const appNo = await acceptApplication(page, {
    query: 'dyjmxz',
    typeName: '低压居民新装',
    kind: 'resident',
    customer: {
      name: '孙审计',
      idNumber: id,
      phone: '13700003333',
      address: '上海市黄浦区测试路8号',
    },
  });

  await page.getByRole('button', { name: '查看详情' }).click();
  await expect(page.getByTestId('detail-appno')).toHaveText(appNo);
  const log = page.getByTestId('access-log');
  await log.getByText('访问记录').click();
  // The clerk's name (王受理) contains 受理 too: rows are told apart by their action tag.
  const created = log.locator('[data-testid="access-log-row"][data-action="create"]');
  const viewed = log.locator('[data-testid="access-log-row"][data-action="view"]');
  // 受理 (written in the submit's transaction), 查看 of the receipt shown after it and of the detail.
  await expect(created).toHaveCount(1);
  await expect(created.locator('.ant-tag')).toHaveText('受理');
  await expect(created).toContainText(CLERK);
  await expect(viewed).toHaveCount(2);
  await expect(viewed.first().locator('.ant-tag')).toHaveText('查看');
  await expect(viewed.first()).toContainText(CLERK);
  await expect(log).not.toContainText(id);

  // The desk-wide 审计日志 lists them by application number, never by ID number.
  await openDesk(page, '/settings');
  const card = page.getByTestId('audit-log');
  await card.getByTestId('audit-log-toggle').click();
  const table = card.locator('.ant-table-tbody');
  await expect(table.locator('tr').filter({ hasText: appNo }).first()).toBeVisible();
  await expect(table.locator('.ant-tag', { hasText: /^受理$/ })).toHaveCount(1);
  await expect(table.locator('.ant-tag', { hasText: /^查看$/ })).toHaveCount(2);
  await expect(table).toContainText(CLERK);
  await expect(card).not.toContainText(id);
});
