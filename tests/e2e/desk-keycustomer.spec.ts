// End to end: a key customer (大客户) marked with an account manager is flagged in the list and
// recognised at the next intake; the language switch is remembered across reloads.
import { expect, test } from '@playwright/test';
import { KNOWN } from './support/ids';
import {
  chooseBusinessType,
  fillCustomer,
  fillRequiredFields,
  openDesk,
  receiveRequiredDocuments,
  searchApplications,
  setupDesk,
  submitAndConfirm,
} from './support/desk';

test('a key customer is flagged with the manager and recognised next time', async ({ page }) => {
  await setupDesk(page);
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, '104', '高压新装');
  const company = {
    name: '华北精密制造有限公司',
    creditCode: KNOWN.creditCode,
    legalRep: '陈总',
    idNumber: KNOWN.residentId,
    phone: '13600001234',
    address: '天津市滨海新区测试大道10号',
  };
  await fillCustomer(page, company);
  await fillRequiredFields(page, { capacity: '800' });
  await receiveRequiredDocuments(page);
  await page.getByText('大客户（指定客户经理）').click();
  await page.getByLabel('客户经理', { exact: true }).fill('刘经理');
  await submitAndConfirm(page);
  await expect(page.getByTestId('receipt')).toContainText('刘经理');

  const rows = await searchApplications(page, '华北精密');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('大客户');
  await expect(rows.first()).toContainText('刘经理');
  await page.getByLabel('仅大客户').check();
  await expect(page.getByTestId('app-row')).toHaveCount(1);

  // Next visit: the same legal representative's ID brings up the mark.
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, '111', '高压增容');
  await fillCustomer(page, { idNumber: KNOWN.residentId });
  await expect(page.getByText('该客户为大客户，客户经理：刘经理')).toBeVisible();
  await page.getByRole('button', { name: '标记' }).click();
  await expect(page.getByLabel('客户经理', { exact: true })).toHaveValue('刘经理');
});

test('the English switch is remembered across a reload', async ({ page }) => {
  await openDesk(page, '/desk/new');
  await expect(page.getByRole('heading', { name: '新建受理' })).toBeVisible();
  await page.getByText('English', { exact: true }).first().click();
  await expect(page.getByRole('heading', { name: 'New application' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'New application' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByText('中文', { exact: true }).first().click();
  await expect(page.getByRole('heading', { name: '新建受理' })).toBeVisible();
});
