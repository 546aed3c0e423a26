// English mode shows dates as YYYY-MM-DD on the hall's clock (issue 12 §5), never in the
// browser's US format (M/D/YYYY) nor the PC's zone: a browser set to en-US in Los Angeles, a
// hall in Shanghai (the default). Settings (the audit log), the records list and the receipt.
import { expect, test, type Locator } from '@playwright/test';
import { acceptApplication, openDesk, setupDesk } from './support/desk';
import { residentId } from './support/ids';

test.use({ locale: 'en-US', timezoneId: 'America/Los_Angeles' });

/** M/D/YYYY, MM/DD/YY, "Dec 7, 2026" and similar browser-locale dates. */
const US_DATE =
  /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}, \d{4}/;

/** Today in the hall's zone (Asia/Shanghai), as the desk must show it. */
function hallToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

async function expectHallDates(where: Locator, today: string): Promise<void> {
  await expect(where).toContainText(today);
  expect(await where.innerText()).not.toMatch(US_DATE);
}

test('English mode: dates in 设置, the records list and the receipt are YYYY-MM-DD, hall time', async ({
  page,
}) => {
  await setupDesk(page);
  const appNo = await acceptApplication(page, {
    query: 'dyjmxz',
    typeName: '低压居民新装',
    customer: {
      name: '周英文',
      idNumber: residentId('330106', '19850302', '061'),
      phone: '13912345601',
      address: '杭州市西湖区文三路61号',
    },
  });
  const receiptUrl = page.url();
  const today = hallToday();
  // The number's date is the hall's day (the same check below is about how dates are shown).
  expect(appNo).toContain(`-${today.replaceAll('-', '')}-`);

  await openDesk(page, '/settings');
  await page.getByRole('main').getByText('English', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  const audit = page.getByTestId('audit-log');
  await audit.getByTestId('audit-log-toggle').click();
  await expect(audit.locator('tbody tr').first()).toBeVisible();
  await expectHallDates(audit, today);
  expect(await page.locator('body').innerText()).not.toMatch(US_DATE);

  await openDesk(page, '/desk/applications');
  await expect(page.getByTestId('app-row').first()).toContainText(appNo);
  expect(await page.locator('body').innerText()).not.toMatch(US_DATE);

  await page.goto(receiptUrl);
  await expect(page.getByTestId('receipt')).toBeVisible();
  await expectHallDates(page.getByTestId('receipt'), today);
});
