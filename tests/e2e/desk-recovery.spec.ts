// End to end: when the local database cannot be opened (here: IndexedDB is not available, as in
// some locked-down browser profiles) or cannot be written (a full disk), the desk shows the Chinese
// recovery screen, never a blank page and never a form that cannot save.
import { expect, test } from '@playwright/test';
import { refuseWrites } from './support/desk';

test('no usable local database shows the recovery screen', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  });
  await page.goto('/#/desk/new');
  await expect(page.getByText('本地数据库无法打开')).toBeVisible();
  await expect(
    page.getByText('此环境无法使用本地存储（可能处于隐私模式或存储被禁用）。'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: '重试' })).toBeVisible();
  await expect(page.getByRole('button', { name: '导出备份并重置' })).toBeVisible();
  // No desk chrome and no form: nothing can be typed that could not be saved.
  await expect(page.getByTestId('status-bar')).toHaveCount(0);
  await expect(page.locator('#f-businessCode')).toHaveCount(0);
});

test('a disk that refuses writes swaps the first page for the recovery screen', async ({
  page,
}) => {
  // Reads work, every write is refused as by a full disk: the database opens, the write probe
  // (run beside the first page) fails, and the desk must not leave a form up that cannot save.
  await refuseWrites(page);
  await page.goto('/#/desk/new');
  await expect(page.getByText('本地数据库无法打开')).toBeVisible();
  await expect(page.getByText('磁盘空间或浏览器存储配额已满')).toBeVisible();
  await expect(page.getByTestId('status-bar')).toHaveCount(0);
  await expect(page.locator('#f-businessCode')).toHaveCount(0);
});
