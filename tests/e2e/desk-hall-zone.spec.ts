// A hall configured in another time zone than Shanghai, on a PC set to a third zone: the receipt's
// acceptance time, the number's date and the deadline are all the hall's day (issue 12 §5). Before
// the fix the number and the deadline followed a fixed UTC+8 while the time followed the setting.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { acceptApplication, openDesk, setupDesk } from './support/desk';
import { residentId } from './support/ids';

test.use({ timezoneId: 'Asia/Tokyo' });

const HALL_ZONE = 'America/New_York';
const settingsJson = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '../../shared/config/settings.json'), 'utf8'),
) as Record<string, unknown>;

/** Stores the centre's hall settings document with the hall's zone, as a pull would. */
async function storeHallSettings(page: Page, data: unknown): Promise<void> {
  await page.evaluate(
    (doc) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('halldesk');
        open.onerror = () => reject(new Error('open failed'));
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['meta'], 'readwrite');
          tx.objectStore('meta').put({ key: 'config.settings', value: doc });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(new Error('write failed'));
        };
      }),
    { version: 7, updatedAt: new Date().toISOString(), data },
  );
}

test('hall in New York, PC in Tokyo: acceptance time, number date and deadline agree', async ({
  page,
}) => {
  // 2026-12-07 02:30 in Tokyo (and 01:30 in Shanghai) is Sunday 2026-12-06 12:30 in the hall.
  await page.clock.setFixedTime(new Date('2026-12-06T17:30:00Z'));
  await openDesk(page, '/settings');
  await storeHallSettings(page, { ...settingsJson, timeZone: HALL_ZONE });
  await page.reload();
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
  expect(appNo).toContain('-20261206-');
  await expect(page.getByTestId('receipt-accepted')).toHaveText('2026-12-06 12:30');
  // 5 working days (低压居民新装, catalogue) counted from the hall's Sunday the 6th: Mon 7th to
  // Fri 11th (no holiday in that week). From Shanghai's Monday the 7th it would be the 14th.
  await expect(page.getByTestId('receipt-deadline')).toHaveText('2026-12-11');
});
