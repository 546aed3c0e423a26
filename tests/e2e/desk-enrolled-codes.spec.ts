// Hall and desk codes come from enrollment (issue 12 §2): a desk enrolled with a code that carries
// its hall and desk (offline here, the centre unreachable) numbers under them at once, and 设置
// shows them read-only with where they came from; a save there cannot change them.
import { expect, test } from '@playwright/test';
import { formatEnrollmentCode } from '../../shared/protocol/enrollmentCode';
import {
  acceptApplication,
  CLERK,
  enrollDeskOffline,
  fillIntake,
  openDesk,
  type IntakeInput,
} from './support/desk';
import { residentId } from './support/ids';

const INTAKE: IntakeInput = {
  query: 'dyjmxz',
  typeName: '低压居民新装',
  customer: {
    name: '李四',
    idNumber: residentId('330106', '19850302', '021'),
    phone: '13912345679',
    address: '杭州市西湖区文三路11号',
  },
};

test('an enrolled desk’s codes are the enrollment’s: read-only in 设置, used for numbers', async ({
  page,
}) => {
  await enrollDeskOffline(page, formatEnrollmentCode('H0307', 'D05', 'K7QHM3ZPX2W9'));

  await openDesk(page, '/settings');
  const hall = page.getByLabel('营业厅编码');
  const desk = page.getByLabel('受理台编码');
  await expect(hall).toHaveValue('H0307');
  await expect(desk).toHaveValue('D05');
  await expect(hall).toHaveAttribute('readonly', '');
  await expect(desk).toHaveAttribute('readonly', '');
  await expect(page.getByTestId('profile-codes-source')).toContainText('来自登记码');
  // Typing into the codes changes nothing; saving keeps the enrollment's codes.
  await hall.pressSequentially('X9', { delay: 10 });
  await expect(hall).toHaveValue('H0307');
  await page.getByTestId('save-profile').click();
  await expect(page.getByText('设置已保存').last()).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('营业厅编码')).toHaveValue('H0307');

  const appNo = await acceptApplication(page, {
    query: 'dyjmxz',
    typeName: '低压居民新装',
    customer: {
      name: '李四',
      idNumber: residentId('330106', '19850302', '021'),
      phone: '13912345679',
      address: '杭州市西湖区文三路11号',
    },
  });
  expect(appNo).toMatch(/^H0307-D05-\d{8}-0001$/);
});

test('an unenrolled desk cannot type codes nor accept until enrolled; offline enrollment numbers under the code’s hall and desk', async ({
  page,
}) => {
  await openDesk(page, '/settings');
  const hall = page.getByLabel('营业厅编码');
  const desk = page.getByLabel('受理台编码');
  // Never a typed code: the codes are not set, read-only, and the form leads to enrollment.
  await expect(hall).toHaveValue('');
  await expect(hall).toHaveAttribute('readonly', '');
  await expect(desk).toHaveAttribute('readonly', '');
  await expect(hall).toHaveAttribute('placeholder', '未设置');
  await hall.pressSequentially('H0001', { delay: 10 });
  await desk.pressSequentially('D01', { delay: 10 });
  await expect(hall).toHaveValue('');
  await expect(desk).toHaveValue('');
  await expect(page.getByTestId('profile-codes-source')).toContainText('尚未登记');
  // The clerk's name stays editable and is saved on its own.
  await page.getByLabel('受理员').fill(CLERK);
  await page.getByTestId('save-profile').click();
  await expect(page.getByText('设置已保存').last()).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('受理员')).toHaveValue(CLERK);
  await expect(page.getByLabel('营业厅编码')).toHaveValue('');

  // No application is accepted without codes: the submit says to enroll first.
  await fillIntake(page, INTAKE);
  await page.keyboard.press('Control+Enter');
  await expect(page.getByText('本受理台尚未登记').first()).toBeVisible();
  await expect(page.getByRole('dialog', { name: '提交前核对' })).toHaveCount(0);

  // 设置 leads to the enrollment form.
  await openDesk(page, '/settings');
  await page.getByTestId('settings-go-enroll').click();
  await expect(page.getByTestId('enrollment-form')).toBeVisible();

  await enrollDeskOffline(page, formatEnrollmentCode('H0412', 'D07', 'K7QHM3ZPX2W9'));
  const appNo = await acceptApplication(page, INTAKE);
  expect(appNo).toMatch(/^H0412-D07-\d{8}-0001$/);
});

test('codes typed by an older version before enrollment stay, read-only and labelled, and keep numbering', async ({
  page,
}) => {
  await openDesk(page, '/settings');
  // The profile an older version saved from 设置 (codes typed by hand, never enrolled).
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('halldesk');
        open.onerror = () => reject(new Error('open failed'));
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['settings'], 'readwrite');
          tx.objectStore('settings').put({
            key: 'desk.profile',
            value: { hallCode: 'H0203', deskCode: 'D04', clerkName: '李四' },
          });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(new Error('write failed'));
        };
      }),
  );
  await page.reload();
  const hall = page.getByLabel('营业厅编码');
  await expect(hall).toHaveValue('H0203');
  await expect(hall).toHaveAttribute('readonly', '');
  await expect(page.getByLabel('受理台编码')).toHaveValue('D04');
  await expect(page.getByTestId('profile-codes-source')).toContainText('登记前手工设置');
  await expect(page.getByTestId('settings-go-enroll')).toBeVisible();
  await page.getByLabel('受理员').fill('赵六');
  await page.getByTestId('save-profile').click();
  await expect(page.getByTestId('status-bar')).toContainText('H0203-D04 · 赵六');

  const appNo = await acceptApplication(page, INTAKE);
  expect(appNo).toMatch(/^H0203-D04-\d{8}-0001$/);
});
