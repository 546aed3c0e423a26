// End to end: finding things as a new clerk does — by the serial on the receipt and by pinyin
// initials, an empty result that says what was searched — on a PC whose clock is set to another
// zone (business dates stay the hall's), and the English mode's navigation.
import { expect, test } from '@playwright/test';
import { acceptApplication, openDesk, searchApplications, setupDesk } from './support/desk';
import { residentId } from './support/ids';

test.use({ timezoneId: 'America/New_York' });

test('a PC in New York: the receipt, the number and the deadline are the hall’s day', async ({
  page,
}) => {
  // 2026-12-06 12:30 in New York is 2026-12-07 01:30 in the hall (Asia/Shanghai).
  await page.clock.setFixedTime(new Date('2026-12-07T01:30:00+08:00'));
  await setupDesk(page);
  const appNo = await acceptApplication(page, {
    query: 'dyjmxz',
    typeName: '低压居民新装',
    customer: {
      name: '王建国',
      idNumber: residentId('330106', '19800101', '017'),
      phone: '13912345678',
      address: '杭州市西湖区文三路9号',
    },
  });
  expect(appNo).toContain('-20261207-');
  await expect(page.getByTestId('receipt')).toContainText('2026-12-07 01:30');

  // The serial off the receipt, the date with it, and the name's pinyin initials all find it.
  const serial = appNo.slice(-4);
  for (const q of [serial, appNo.slice(-13), 'wjg', 'WJG']) {
    const rows = await searchApplications(page, q);
    await expect(rows, q).toHaveCount(1);
    await expect(rows.first()).toContainText(appNo);
  }

  // Nothing found: what was searched and what else to try.
  await searchApplications(page, 'qqq');
  const empty = page.getByTestId('empty-search');
  await expect(empty).toContainText('没有找到“qqq”');
  await expect(empty).toContainText('拼音首字母');
  await expect(empty).toContainText('地址');
});

test('English mode: the queue pages in the navigation are in English', async ({ page }) => {
  await openDesk(page, '/desk/new');
  await page.getByText('English', { exact: true }).first().click();
  await expect(page.getByRole('heading', { name: 'New application' })).toBeVisible();
  const nav = page.locator('.shell-sider');
  await expect(nav).toContainText('Queue manager');
  await expect(nav).toContainText('Counter calling');
  await expect(nav).not.toContainText('排队管理');
  await expect(nav).not.toContainText('窗口叫号');
  await page.getByText('中文', { exact: true }).first().click();
});
