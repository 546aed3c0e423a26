// End to end: a whole intake without the mouse (shortcuts, Tab, Enter, arrows, Space), and the
// shortcut help. Every control reached here has an accessible name (checked via getByLabel).
import { expect, test } from '@playwright/test';
import { residentId } from './support/ids';
import { openDesk, setupDesk, tabTo } from './support/desk';

test('the whole intake can be done with the keyboard only', async ({ page }) => {
  // A fixed day whose deadlines stay inside the shipped calendar: from late December a
  // provisional-deadline warning joins the review and moves the focus this test follows.
  await page.clock.setFixedTime(new Date('2026-11-27T10:00:00+08:00'));
  await setupDesk(page);
  await openDesk(page, '/desk/applications');
  await page.keyboard.press('Alt+N');
  await expect(page.getByRole('heading', { name: '新建受理' })).toBeVisible();

  // The business type picker has the focus: pinyin initials, Enter picks the best match.
  await expect(page.locator('#f-businessCode')).toBeFocused();
  await page.keyboard.type('dyjmxz');
  await expect(page.locator('.ant-select-item-option-active')).toContainText('低压居民新装');
  await page.keyboard.press('Enter');
  // 低压居民新装 serves residents only: the kind is chosen already.
  await expect(page.getByRole('radio', { name: '居民', exact: true })).toBeChecked();

  await tabTo(page, '#f-customer-name');
  await page.keyboard.type('周九');
  await page.keyboard.press('Enter'); // Enter moves on to the next field
  await expect(page.locator('#f-customer-idType')).toBeFocused();
  const id = residentId('330106', '19920220', '246');
  await tabTo(page, '#f-customer-idNumber');
  await page.keyboard.type(id);
  await page.keyboard.press('Enter');
  await expect(page.locator('#f-customer-contactName')).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.type('13566667777');
  await page.keyboard.press('Enter');
  await page.keyboard.type('杭州市西湖区文三路7号');

  // Voltage: open the select with the keyboard and take the first option.
  await tabTo(page, '#f-field-voltageLevel');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await tabTo(page, '#f-field-capacity');
  await page.keyboard.type('6');

  // Documents: each radio group is one Tab stop; arrows choose 已收.
  for (const name of ['有效身份证件', '房屋产权证明']) {
    const group = page.getByRole('radiogroup', { name });
    await tabTo(page, `[data-testid^="doc-"] input[type=radio]:checked`);
    while (!(await group.locator('input:focus').count())) {
      await page.keyboard.press('Tab');
      await tabTo(page, `[data-testid^="doc-"] input[type=radio]:checked`);
    }
    for (let i = 0; i < 3 && !(await group.getByRole('radio', { name: '已收' }).isChecked()); i++) {
      await page.keyboard.press('ArrowLeft');
    }
    await expect(group.getByRole('radio', { name: '已收' })).toBeChecked();
    await page.keyboard.press('Tab');
  }

  // Ctrl+Enter submits; the review confirms with Enter on the focused button.
  await page.keyboard.press('Control+Enter');
  const dialog = page.getByRole('dialog', { name: '提交前核对' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('confirm-submit')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('receipt')).toBeVisible();
  await expect(page.getByTestId('receipt-id')).toHaveText(
    `${id.slice(0, 6)}********${id.slice(-4)}`,
  );

  // F2 goes to the search box; F1 shows the shortcuts.
  await page.keyboard.press('F2');
  await expect(page.locator('#app-search')).toBeFocused();
  await page.keyboard.type(id.slice(-4));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('app-row')).toHaveCount(1);
  await page.keyboard.press('F1');
  const help = page.getByRole('dialog', { name: '键盘快捷键' });
  await expect(help).toContainText('Ctrl+Enter');
  await expect(help).toContainText('保存草稿');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('every intake field has a visible label tied to it', async ({ page }) => {
  await setupDesk(page);
  await openDesk(page, '/desk/new');
  await page.locator('#f-businessCode').fill('104');
  await page.keyboard.press('Enter');
  for (const label of [
    '户名（单位名称）',
    '统一社会信用代码',
    '法定代表人',
    '法定代表人/经办人证件号码',
    '联系电话',
    '用电地址',
    '电压等级',
    '申请容量（kVA）',
  ]) {
    await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  }
});
