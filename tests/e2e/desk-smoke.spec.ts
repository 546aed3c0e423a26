// Smoke: the desk opens, is set up, and accepts one application (temporary while building).
import { expect, test } from '@playwright/test';
import {
  chooseBusinessType,
  chooseCustomerKind,
  fillCustomer,
  fillRequiredFields,
  openDesk,
  receiveRequiredDocuments,
  setupDesk,
  submitAndConfirm,
} from './support/desk';

test('accept one', async ({ page }) => {
  page.on('console', (m) => console.log('console', m.type(), m.text()));
  page.on('pageerror', (e) => console.log('pageerror', e.message));
  await setupDesk(page);
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, 'dyjmxz', '低压居民新装');
  await chooseCustomerKind(page, 'resident');
  await fillCustomer(page, {
    name: '张三',
    idNumber: '11010519491231002X',
    phone: '13812345678',
    address: '北京市东城区测试路1号',
  });
  await fillRequiredFields(page, { capacity: '8' });
  await receiveRequiredDocuments(page);
  await page.screenshot({ path: 'test-results/form.png', fullPage: true });
  const no = await submitAndConfirm(page);
  expect(no).toMatch(/^H0101-D02-\d{8}-\d{4}$/);
  await expect(page.getByTestId('receipt-id')).toHaveText('110105********002X');
  await page.screenshot({ path: 'test-results/receipt.png', fullPage: true });
});
