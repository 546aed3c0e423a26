// Page helpers for the desk's end-to-end tests: open the desk, set it up, fill an intake from the
// catalogue data (the same data the form is built from), submit through the review step, search.
import { expect, type Page } from '@playwright/test';
import type { CustomerKind } from '../../../shared/domain/model';
import { formatEnrollmentCode, parseEnrollmentCode } from '../../../shared/protocol/enrollmentCode';

export const CLERK = '王受理';

/** Opens a desk route and waits until the database is open and the chrome is shown. */
export async function openDesk(page: Page, path = '/desk/new'): Promise<void> {
  await page.goto(`/#${path}`);
  await expect(page.getByTestId('status-bar')).toBeVisible();
}

/** The secret part of the enrollment codes the tests mint (any 12 characters of CODE_ALPHABET). */
const TEST_SECRET = 'K7QHM3ZPX2W9';

/**
 * Sets the desk up as a new desk is: enrolled offline with an enrollment code minted for `hall`
 * and `desk` (the codes come only from enrollment, issue 12 §2; the centre stays unreachable), the
 * clerk named in 设置. Waits until the status bar shows the profile that numbers applications.
 */
export async function setupDesk(
  page: Page,
  opts: { hall?: string; desk?: string; clerk?: string } = {},
): Promise<void> {
  const hall = (opts.hall ?? 'H0101').toUpperCase();
  const desk = (opts.desk ?? 'D02').toUpperCase();
  const clerk = opts.clerk ?? CLERK;
  await enrollDeskOffline(page, formatEnrollmentCode(hall, desk, TEST_SECRET), { clerk });
  // The saved profile is what the status bar shows and what numbers applications: waited for
  // there, not on the 3-second "设置已保存" toast, which one CI run never saw in two tests that
  // open their own browser. A failed save (保存失败) still fails here.
  await expect(page.getByTestId('status-bar')).toContainText(`${hall}-${desk} · ${clerk}`);
}

/** Picks a business type by typing into the picker (code, initials or name) and pressing Enter. */
export async function chooseBusinessType(page: Page, query: string, name: string): Promise<void> {
  const input = page.locator('#f-businessCode');
  await input.click();
  await input.fill(query);
  await expect(page.locator('.ant-select-item-option-active').first()).toContainText(name);
  await input.press('Enter');
  await expect(page.locator('[data-testid="business-type"]')).toContainText(name);
}

export async function chooseCustomerKind(page: Page, kind: CustomerKind): Promise<void> {
  await page
    .getByRole('radiogroup', { name: '客户类型' })
    .getByText(kind === 'resident' ? '居民' : '非居民（单位）', { exact: true })
    .click();
}

/** Chooses an option of an antd Select identified by its input id. */
export async function chooseOption(page: Page, inputId: string, label: string): Promise<void> {
  await page.locator(`#${inputId}`).click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: label })
    .first()
    .click();
}

export interface CustomerInput {
  name: string;
  idNumber: string;
  phone: string;
  address: string;
  accountNo?: string;
  creditCode?: string;
  legalRep?: string;
  contactName?: string;
}

export async function fillCustomer(page: Page, c: Partial<CustomerInput>): Promise<void> {
  for (const [key, value] of Object.entries(c)) {
    if (value === undefined) continue;
    const loc = page.locator(`#f-customer-${key}`);
    if ((await loc.count()) === 0) continue;
    await loc.fill(value);
  }
}

/**
 * Fills every required per-type field shown by the form (which the catalogue drives): the first
 * option of a select, a number (10 unless overridden), a ticked confirmation, or some text.
 * `overrides` maps field keys to values (option labels for selects).
 */
export async function fillRequiredFields(
  page: Page,
  overrides: Record<string, string> = {},
): Promise<void> {
  const items = page.locator('[data-field^="fields."]');
  const n = await items.count();
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    const key = ((await item.getAttribute('data-field')) ?? '').slice('fields.'.length);
    const override = overrides[key];
    const required = (await item.locator('.ant-form-item-required, .req-star').count()) > 0;
    if (!required && override === undefined) continue;
    if ((await item.locator('.ant-select').count()) > 0) {
      // Scope to this select's own popup (rc-select gives its listbox the id `<input id>_list`):
      // the popup of the previous select may still be in its closing animation, and picking
      // "the first visible option" on the page then clicks into a dropdown that is going away.
      const dropdown = page
        .locator('.ant-select-dropdown')
        .filter({ has: page.locator(`[id="f-field-${key}_list"]`) });
      await page.locator(`#f-field-${key}`).click();
      await expect(dropdown).toBeVisible();
      const options = dropdown.locator('.ant-select-item-option');
      await (
        override ? options.and(page.locator(`[title="${override}"]`)) : options.first()
      ).click();
      await expect(dropdown).toBeHidden();
    } else if ((await item.locator('input[type=checkbox]').count()) > 0) {
      await page.locator(`#f-field-${key}`).check();
    } else {
      const input = page.locator(`#f-field-${key}`);
      const type = await input.getAttribute('type');
      const mode = await input.getAttribute('inputmode');
      await input.fill(
        override ?? (type === 'date' ? '2026-12-01' : mode === 'decimal' ? '10' : '测试内容'),
      );
    }
  }
}

/** Marks every required document (tag 必备) received. */
export async function receiveRequiredDocuments(page: Page): Promise<void> {
  const rows = page.locator('[data-testid^="doc-"]').filter({ hasText: '必备' });
  const n = await rows.count();
  for (let i = 0; i < n; i++) await rows.nth(i).getByText('已收', { exact: true }).click();
}

/** Submits (Ctrl+Enter), confirms the review step, and waits for the receipt; returns the app number. */
export async function submitAndConfirm(page: Page): Promise<string> {
  await page.keyboard.press('Control+Enter');
  const dialog = page.getByRole('dialog', { name: '提交前核对' });
  await expect(dialog).toBeVisible();
  const confirm = dialog.getByTestId('review-confirm');
  if (await confirm.count()) await confirm.check();
  await dialog.getByTestId('confirm-submit').click();
  await expect(page.getByTestId('receipt')).toBeVisible();
  return (await page.getByTestId('receipt-appno').innerText()).trim();
}

/** What one intake needs: the business type (picker query and name), customer kind, customer, fields. */
export interface IntakeInput {
  query: string;
  typeName: string;
  /** Left as the form's default when not given. */
  kind?: CustomerKind;
  customer: Partial<CustomerInput>;
  /** Overrides for fillRequiredFields. */
  fields?: Record<string, string>;
}

/** Opens a new intake and fills it ready to submit: type, kind, customer, fields, documents. */
export async function fillIntake(page: Page, i: IntakeInput): Promise<void> {
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, i.query, i.typeName);
  if (i.kind) await chooseCustomerKind(page, i.kind);
  await fillCustomer(page, i.customer);
  await fillRequiredFields(page, i.fields ?? {});
  await receiveRequiredDocuments(page);
}

/** fillIntake, then submit through the review step; returns the application number. */
export async function acceptApplication(page: Page, i: IntakeInput): Promise<string> {
  await fillIntake(page, i);
  return submitAndConfirm(page);
}

/** Searches the applications list and returns the visible rows. */
export async function searchApplications(page: Page, text: string) {
  await openDesk(page, '/desk/applications');
  const box = page.locator('#app-search');
  await box.fill(text);
  await box.press('Enter');
  return page.getByTestId('app-row');
}

/** Presses Tab (keyboard only) until the focused element matches `selector`; fails after `max`. */
export async function tabTo(page: Page, selector: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector))
      return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** From the next page load on, reads work and every write fails as on a full disk. */
export async function refuseWrites(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (
      this: IDBDatabase,
      ...args: Parameters<IDBDatabase['transaction']>
    ) {
      if (args[1] === 'readwrite') throw new DOMException('disk full', 'QuotaExceededError');
      return original.apply(this, args);
    };
  });
}

/**
 * Enrolls the desk the way a rural desk does without a link (issue 12 §2): an enrollment code
 * made for a hall and desk, typed on 同步 while the centre cannot be reached; the desk takes its
 * hall and desk codes from the code. Then names the clerk in 设置.
 */
export async function enrollDeskOffline(
  page: Page,
  code: string,
  opts: { clerk?: string; endpoint?: string } = {},
): Promise<void> {
  await openDesk(page, '/sync');
  const form = page.getByTestId('enrollment-form');
  // Nothing listens on port 9 of this machine: the centre is unreachable.
  await form.getByLabel('中心地址').fill(opts.endpoint ?? 'http://127.0.0.1:9');
  await form.getByLabel('登记码').fill(code);
  await form.getByRole('button', { name: '登记本机' }).click();
  // The codes the enrollment code carries, in the status bar (persistent, unlike the toast).
  const parsed = parseEnrollmentCode(code);
  if (parsed)
    await expect(page.getByTestId('status-bar')).toContainText(
      `${parsed.hallCode}-${parsed.deskCode}`,
    );
  else await expect(page.getByText('可以开始受理')).toBeVisible();
  await openDesk(page, '/settings');
  await page.getByLabel('受理员').fill(opts.clerk ?? CLERK);
  await page.getByTestId('save-profile').click();
  await expect(page.getByTestId('status-bar')).toContainText(` · ${opts.clerk ?? CLERK}`);
}
