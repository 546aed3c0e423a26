// End to end, built renderer in Chromium, browser mode: the desk (#/desk/new) and the
// customer-facing screen (#/customer) in two windows of one origin, linked over BroadcastChannel.
// The customer sees the masked summary (never the full ID or phone), first says something is
// wrong (the desk shows the reason), then confirms and signs with the mouse; the receipt and the
// detail show the signature with its hash and verify it (一致), then detect a changed image
// (已被改动); the customer rates with a bad level and a reason (a desk without the hall queue
// sends it nowhere else). Without a customer screen the desk says 未连接客户屏 and accepts anyway.
import { expect, type Page, test } from '@playwright/test';
import {
  chooseBusinessType,
  chooseCustomerKind,
  fillCustomer,
  fillRequiredFields,
  openDesk,
  receiveRequiredDocuments,
  setupDesk,
} from './support/desk';
import { KNOWN } from './support/ids';

const FULL_ID = KNOWN.residentIdX; // 11010519491231002X
const MASKED_ID = '110105********002X';
const FULL_PHONE = '13812345678';
const MASKED_PHONE = '138****5678';

async function fillApplication(desk: Page): Promise<void> {
  await openDesk(desk, '/desk/new');
  await chooseBusinessType(desk, 'dyjmxz', '低压居民新装');
  await chooseCustomerKind(desk, 'resident');
  await fillCustomer(desk, {
    name: '张三',
    idNumber: FULL_ID,
    phone: FULL_PHONE,
    address: '北京市东城区和平里1号',
  });
  await fillRequiredFields(desk, { capacity: '8' });
  await receiveRequiredDocuments(desk);
}

async function openReview(desk: Page) {
  await desk.keyboard.press('Control+Enter');
  const dialog = desk.getByRole('dialog', { name: '提交前核对' });
  await expect(dialog).toBeVisible();
  const check = dialog.getByTestId('review-confirm');
  if (await check.count()) await check.check();
  return dialog;
}

/** Draws a zig-zag with the mouse (pointer events) across the signature pad. */
async function drawSignature(customer: Page): Promise<void> {
  const pad = customer.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('signature pad not laid out');
  const y = box.y + box.height / 2;
  await customer.mouse.move(box.x + box.width * 0.1, y);
  await customer.mouse.down();
  for (let i = 1; i <= 8; i++) {
    await customer.mouse.move(box.x + box.width * (0.1 + i * 0.09), y + (i % 2 ? -40 : 40), {
      steps: 4,
    });
  }
  await customer.mouse.up();
}

test('customer confirms the masked summary, signs, the receipt verifies it, then rates', async ({
  page: desk,
  context,
}) => {
  await setupDesk(desk);
  const customer = await context.newPage();
  await customer.goto('/#/customer');
  await expect(customer.getByTestId('customer-idle')).toBeVisible();

  await fillApplication(desk);
  const dialog = await openReview(desk);
  await dialog.getByTestId('ask-customer-confirm').click();
  const confirmBox = dialog.getByTestId('customer-confirm');
  await expect(confirmBox).toHaveAttribute('data-state', 'waiting_confirm');
  // Accepting waits for the customer's answer.
  await expect(dialog.getByTestId('confirm-submit')).toBeDisabled();

  // The customer screen shows the masked ID and phone, never the full ones.
  const summary = customer.getByTestId('customer-summary');
  await expect(summary).toContainText(MASKED_ID);
  await expect(summary).toContainText(MASKED_PHONE);
  await expect(summary).toContainText('低压居民新装');
  await expect(summary).toContainText('北京市东城区和平里1号');
  const shown = await customer.locator('body').innerText();
  expect(shown).not.toContain(FULL_ID);
  expect(shown).not.toContain(FULL_PHONE);

  // "Something is wrong" with a reason: the desk shows it and waits for the clerk.
  await customer.getByTestId('customer-reject').click();
  await expect(customer.getByTestId('customer-reject-send')).toBeDisabled();
  await customer.getByRole('button', { name: '用电地址有误' }).click();
  await customer.getByTestId('customer-reject-send').click();
  await expect(confirmBox).toHaveAttribute('data-state', 'rejected');
  await expect(confirmBox).toContainText('客户认为信息有误');
  await expect(confirmBox).toContainText('用电地址有误');
  await expect(dialog.getByTestId('confirm-submit')).toBeDisabled();
  await expect(customer.getByTestId('customer-idle')).toBeVisible();

  // Asked again (after checking with the customer), the customer confirms.
  await dialog.getByTestId('ask-customer-confirm').click();
  await expect(customer.getByTestId('customer-summary')).toContainText(MASKED_ID);
  await customer.getByTestId('customer-confirm').click();
  await expect(confirmBox).toHaveAttribute('data-state', 'waiting_sign');
  await expect(customer.getByTestId('signature-confirm')).toBeDisabled();
  await drawSignature(customer);
  await customer.getByTestId('signature-confirm').click();
  await expect(confirmBox).toHaveAttribute('data-state', 'signed');
  await expect(confirmBox).toContainText('客户已确认并签名');
  await expect(customer.getByTestId('customer-thanks')).toBeVisible();

  await dialog.getByTestId('confirm-submit').click();
  await expect(desk.getByTestId('receipt')).toBeVisible();
  const status = desk.getByTestId('receipt').getByTestId('signature-status');
  await expect(status).toHaveAttribute('data-signed', 'true');
  await expect(status).toContainText('已签名');
  await expect(desk.getByTestId('signature-hash')).toHaveText(/^SHA-256 [0-9a-f]{12}…$/);
  await expect(desk.getByTestId('signature-image')).toBeVisible();
  await desk.getByTestId('verify-signature').click();
  await expect(desk.getByTestId('signature-verdict')).toHaveText('一致');

  // The stored record hashes exactly the summary the customer saw (masked, canonical JSON).
  const record = await desk.evaluate(readSignatureRecord);
  expect(record.documentText).toContain(MASKED_ID);
  expect(record.documentText).not.toContain(FULL_ID);
  expect(record.documentText).not.toContain(FULL_PHONE);
  const hash = (await desk.getByTestId('signature-hash').innerText()).slice('SHA-256 '.length, -1);
  expect(record.documentSha256.startsWith(hash)).toBe(true);

  // The application detail shows the same signature and verifies it.
  await desk.getByRole('button', { name: '查看详情' }).click();
  await expect(desk.getByTestId('detail-appno')).toBeVisible();
  await expect(desk.getByTestId('signature-status')).toHaveAttribute('data-signed', 'true');
  await expect(desk.getByTestId('signature-hash')).toHaveText(`SHA-256 ${hash}…`);
  await desk.getByTestId('verify-signature').click();
  await expect(desk.getByTestId('signature-verdict')).toHaveText('一致');

  // Rating with a bad level asks for a reason, and the rating is kept on the application.
  // This desk has no hall queue: nothing goes to a queue service.
  const queueRequests: string[] = [];
  desk.on('request', (r) => {
    if (r.url().includes('/api/queue/')) queueRequests.push(r.url());
  });
  await desk.getByTestId('ask-customer-rating').click();
  await expect(customer.getByTestId('customer-rating-levels')).toBeVisible();
  await customer.getByRole('button', { name: '不满意', exact: true }).click();
  await expect(customer.getByTestId('customer-rate-send')).toBeDisabled();
  await customer.getByRole('button', { name: '等候时间长' }).click();
  await customer.getByTestId('customer-rate-send').click();
  await expect(desk.getByTestId('customer-rating-value')).toContainText('不满意');
  await expect(desk.getByTestId('customer-rating-value')).toContainText('等候时间长');
  await expect(customer.getByTestId('customer-thanks')).toBeVisible();
  expect(queueRequests).toEqual([]);
  await expect(desk.getByTestId('queue-rating-note')).toHaveCount(0);

  // A changed signature image is detected.
  await desk.evaluate(tamperSignatureImage);
  await desk.reload();
  await expect(desk.getByTestId('verify-signature')).toBeVisible();
  await desk.getByTestId('verify-signature').click();
  await expect(desk.getByTestId('signature-verdict')).toHaveText('已被改动');
  await expect(desk.getByTestId('signature-problems')).toContainText('签名图像已被修改');
});

test('without a customer screen the desk says so and accepts anyway', async ({ page: desk }) => {
  await setupDesk(desk);
  await fillApplication(desk);
  const dialog = await openReview(desk);
  await dialog.getByTestId('ask-customer-confirm').click();
  await expect(dialog.getByText('未连接客户屏')).toBeVisible({ timeout: 5000 });
  await dialog.getByTestId('confirm-submit').click();
  await expect(desk.getByTestId('receipt')).toBeVisible();
  await expect(desk.getByTestId('receipt').getByTestId('signature-status')).toHaveAttribute(
    'data-signed',
    'false',
  );
});

// --- run inside the page: raw IndexedDB, as a forensic reader (or a tamperer) would see it.

// Each function is serialised into the page by page.evaluate: it must be self-contained.

async function readSignatureRecord(): Promise<{ documentText: string; documentSha256: string }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('halldesk');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const rows = await new Promise<{ documentCode: string; blob: Blob }[]>((resolve, reject) => {
    const req = db.transaction('attachments').objectStore('attachments').getAll();
    req.onsuccess = () => resolve(req.result as { documentCode: string; blob: Blob }[]);
    req.onerror = () => reject(req.error);
  });
  db.close();
  const rec = rows.find((r) => r.documentCode === 'customer_signature_record');
  if (!rec) throw new Error('no signature record stored');
  return (
    JSON.parse(await rec.blob.text()) as {
      record: { documentText: string; documentSha256: string };
    }
  ).record;
}

async function tamperSignatureImage(): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('halldesk');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const rows = await new Promise<{ documentCode: string; blob: Blob }[]>((resolve, reject) => {
    const req = db.transaction('attachments').objectStore('attachments').getAll();
    req.onsuccess = () => resolve(req.result as { documentCode: string; blob: Blob }[]);
    req.onerror = () => reject(req.error);
  });
  const image = rows.find((r) => r.documentCode === 'customer_signature');
  if (!image) throw new Error('no signature image stored');
  const bytes = new Uint8Array(await image.blob.arrayBuffer());
  bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('attachments', 'readwrite');
    tx.objectStore('attachments').put({ ...image, blob: new Blob([bytes], { type: 'image/png' }) });
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}
