// End to end: when the local database cannot be opened (here: IndexedDB is not available, as in
// some locked-down browser profiles) or cannot be written (a full disk), the desk shows the Chinese
// recovery screen, never a blank page and never a form that cannot save. Its export, and the
// settings' backup, are sealed with a password the clerk sets; restoring asks for it.
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  acceptApplication,
  openDesk,
  refuseWrites,
  searchApplications,
  setupDesk,
} from './support/desk';
import { residentId } from './support/ids';

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

test('the recovery screen exports a backup sealed with the password the clerk sets', async ({
  page,
}) => {
  await refuseWrites(page);
  await page.goto('/#/desk/new');
  await expect(page.getByText('本地数据库无法打开')).toBeVisible();
  await page.getByRole('button', { name: '导出备份并重置' }).click();
  const dialog = page.getByRole('dialog', { name: '导出备份并重置本地数据库？' });
  await dialog.getByLabel('备份密码', { exact: true }).fill('恢复密码-2026');
  await dialog.getByLabel('再次输入密码').fill('恢复密码-2027');
  await dialog.getByRole('button', { name: '导出并重置' }).click();
  await expect(dialog.getByRole('alert')).toContainText('两次输入的密码不一致');
  await dialog.getByLabel('再次输入密码').fill('恢复密码-2026');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: '导出并重置' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^halldesk-backup-.*\.hdbak$/);
  const file = fs.readFileSync((await download.path())!);
  expect(file.subarray(0, 8).toString()).toBe('HDBACKUP');
  await expect(page.getByText(/条记录到加密备份/)).toBeVisible();
});

test('the settings export is sealed with the clerk password; restore asks for it', async ({
  page,
  browser,
}) => {
  await setupDesk(page);
  const id = residentId('310101', '19900101', '123');
  const appNo = await acceptApplication(page, {
    query: 'dyjmxz',
    typeName: '低压居民新装',
    kind: 'resident',
    customer: { name: '钱备份', idNumber: id, phone: '13700004444', address: '上海市备份路1号' },
  });

  await openDesk(page, '/settings');
  await page.getByRole('button', { name: '导出备份' }).click();
  const dialog = page.getByRole('dialog', { name: '导出加密备份' });
  await dialog.getByLabel('备份密码', { exact: true }).fill('short');
  await dialog.getByLabel('再次输入密码').fill('short');
  await dialog.getByRole('button', { name: '导出' }).click();
  await expect(dialog.getByRole('alert')).toContainText('备份密码至少 8 个字符');
  await dialog.getByLabel('备份密码', { exact: true }).fill('柜台备份密码 88');
  await dialog.getByLabel('再次输入密码').fill('柜台备份密码 88');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: '导出' }).click(),
  ]);
  await expect(page.getByText(/已导出加密备份/)).toBeVisible();
  const saved = (await download.path())!;
  const file = fs.readFileSync(saved);
  expect(file.subarray(0, 8).toString()).toBe('HDBACKUP');
  // No full ID number, phone or application number in clear text.
  for (const clear of [id, '13700004444', appNo])
    expect(file.includes(Buffer.from(clear))).toBe(false);

  // A new, empty desk (another browser profile) restores it with the password.
  const ctx = await browser.newContext({
    baseURL: test.info().project.use.baseURL!,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  try {
    const fresh = await ctx.newPage();
    await openDesk(fresh, '/settings');
    await fresh.getByRole('button', { name: '从备份恢复' }).click();
    const restore = fresh.getByRole('dialog', { name: '从备份恢复' });
    await restore.locator('#backup-file').setInputFiles(saved);
    await restore.getByLabel('备份密码', { exact: true }).fill('柜台备份密码 99');
    await restore.getByRole('button', { name: '恢复' }).click();
    await expect(restore.getByRole('alert')).toContainText('备份密码不正确');
    await restore.getByLabel('备份密码', { exact: true }).fill('柜台备份密码 88');
    await restore.getByRole('button', { name: '恢复' }).click();
    await expect(fresh.getByText(/已恢复 1 件申请/)).toBeVisible();
    const rows = await searchApplications(fresh, id.slice(-4));
    await expect(rows.filter({ hasText: appNo })).toHaveCount(1);
  } finally {
    await ctx.close();
  }
});
