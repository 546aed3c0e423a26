// End to end: the settings page states the retention periods (configuration) and that nothing
// unsent is removed; the purge itself runs in the desk (db/retention.ts, unit-tested).
import { expect, test } from '@playwright/test';
import { openDesk } from './support/desk';

test('settings show how long personal data stays on this machine', async ({ page }) => {
  await openDesk(page, '/settings');
  const text = page.getByTestId('retention');
  await expect(text).toContainText('已同步且办结的申请保留 180 天');
  await expect(text).toContainText('扫描件 90 天');
  await expect(text).toContainText('未上传中心的数据从不清除');
});
