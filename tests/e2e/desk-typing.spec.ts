// End to end: a clerk types a whole application at full speed, moving on with Enter only (no
// mouse, no Tab, no delay between keys), through the selects (业务类型, 证件类型, 电压等级, 用电类别):
// nothing typed is dropped or lands in a select's search. Full-width digits and Ｘ from a Chinese
// input method are taken as their ASCII forms; 过户's new holder is checked like the customer.
import { expect, test } from '@playwright/test';
import { residentId } from './support/ids';
import {
  chooseBusinessType,
  chooseCustomerKind,
  openDesk,
  receiveRequiredDocuments,
  setupDesk,
  submitAndConfirm,
} from './support/desk';

/** A valid resident ID whose check character is X (the IME types it as Ｘ). */
function idEndingInX(): string {
  for (let n = 100; n < 999; n++) {
    const id = residentId('330106', '19900307', String(n));
    if (id.endsWith('X')) return id;
  }
  throw new Error('no X');
}

const fullWidth = (s: string) =>
  s.replace(/[0-9A-Z]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0));

test('a whole application typed at full speed with Enter only', async ({ page }) => {
  await page.clock.setFixedTime(new Date('2026-11-27T10:00:00+08:00'));
  await setupDesk(page);
  await openDesk(page, '/desk/applications');
  await page.keyboard.press('Alt+N');
  await expect(page.locator('#f-businessCode')).toBeFocused();
  const id = idEndingInX();
  // type: picker query ⏎ (picks, moves to 客户类型) ⏎ name ⏎ 证件类型 (chosen) ⏎ ID ⏎ contact ⏎
  // phone ⏎ address ⏎ 电压等级 (⏎ opens, ⏎ takes the first) capacity ⏎ 用电类别 (⏎ opens, ⏎ takes).
  await page.keyboard.type(
    [
      'dyjmxz\n',
      '\n',
      '周九\n',
      '\n',
      `${fullWidth(id)}\n`,
      '周联系\n',
      `${fullWidth('13566667777')}\n`,
      '杭州市西湖区文三路7号\n',
      '\n\n',
      `${fullWidth('6')}\n`,
      '\n\n',
    ].join(''),
  );
  await expect(page.locator('[data-testid="business-type"]')).toContainText('低压居民新装');
  await expect(page.locator('#f-customer-name')).toHaveValue('周九');
  await expect(page.locator('#f-customer-idNumber')).toHaveValue(id);
  await expect(page.locator('#f-customer-contactName')).toHaveValue('周联系');
  await expect(page.locator('#f-customer-phone')).toHaveValue('13566667777');
  await expect(page.locator('#f-customer-address')).toHaveValue('杭州市西湖区文三路7号');
  await expect(page.locator('[data-field="fields.voltageLevel"]')).toContainText('220伏');
  await expect(page.locator('#f-field-capacity')).toHaveValue('6');
  await expect(page.locator('[data-field="fields.electricityCategory"]')).toContainText('居民生活');
  // No select was left open with typed text in its search.
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);

  await receiveRequiredDocuments(page);
  await submitAndConfirm(page);
  await expect(page.getByTestId('receipt-name')).toHaveText('周九');
  await expect(page.getByTestId('receipt-id')).toHaveText(
    `${id.slice(0, 6)}********${id.slice(-4)}`,
  );
});

test("过户: the new holder's ID and phone are checked like the customer's", async ({ page }) => {
  await setupDesk(page);
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, '210', '过户');
  await chooseCustomerKind(page, 'resident');
  await page.locator('#f-field-newHolderIdNumber').fill('123');
  await page.locator('#f-field-newHolderPhone').fill('abc');
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('[data-field="fields.newHolderIdNumber"]')).toContainText('身份证');
  await expect(page.locator('[data-field="fields.newHolderPhone"]')).toContainText('电话');
  // Full-width input is taken and then valid.
  await page.locator('#f-field-newHolderIdNumber').fill(fullWidth(idEndingInX()));
  await page.locator('#f-field-newHolderPhone').fill(fullWidth('13812345678'));
  await expect(page.locator('#f-field-newHolderIdNumber')).toHaveValue(idEndingInX());
  await expect(page.locator('#f-field-newHolderPhone')).toHaveValue('13812345678');
  await expect(
    page.locator('[data-field="fields.newHolderIdNumber"] .ant-form-item-explain-error'),
  ).toHaveCount(0);
  await expect(
    page.locator('[data-field="fields.newHolderPhone"] .ant-form-item-explain-error'),
  ).toHaveCount(0);
});
