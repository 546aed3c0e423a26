// End to end: what is printed is what the customer takes home. The receipt (desk), the queue
// ticket (kiosk, browser print path) and the Electron ticket layout (electron/ticketLayout.ts, the
// HTML the shell prints silently) are printed to PDF by Chromium and their text is read back: a
// print stylesheet that hides the page, or a receipt without the change asked for, fails here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startHallService, type HallService } from '../../server/hall/service';
import { ticketHtml } from '../../electron/ticketLayout';
import { acceptApplication, setupDesk } from './support/desk';
import { residentId } from './support/ids';
import { pdfCompact } from './support/pdfText';

const staticDir = path.resolve(
  process.env.RENDERER_OUT ?? path.join(import.meta.dirname, '..', '..', 'dist', 'renderer'),
);

test('the receipt of a change prints with the change asked for (更名, 增容)', async ({ page }) => {
  test.setTimeout(120_000);
  await page.clock.setFixedTime(new Date('2026-11-27T10:00:00+08:00'));
  await setupDesk(page);
  const id = residentId('330106', '19800101', '017');
  const appNo = await acceptApplication(page, {
    query: '209',
    typeName: '更名',
    kind: 'resident',
    customer: {
      name: '王建国',
      idNumber: id,
      phone: '13912345678',
      address: '杭州市西湖区文三路9号',
      accountNo: '3300112233',
    },
    fields: { newName: '王新华' },
  });
  await expect(page.getByTestId('receipt-fact-newName')).toHaveText('王新华');
  const text = pdfCompact(await page.pdf({ format: 'A4' }));
  expect(text).toContain('业务受理回执');
  expect(text).toContain(appNo);
  expect(text).toContain('王建国');
  expect(text).toContain('新户名');
  expect(text).toContain('王新华');
  // Masked on paper as on screen; the desk's menus are not printed.
  expect(text).toContain(`${id.slice(0, 6)}********${id.slice(-4)}`);
  expect(text).not.toContain('受理查询');

  await acceptApplication(page, {
    query: '109',
    typeName: '低压居民增容',
    kind: 'resident',
    customer: {
      name: '李增容',
      idNumber: residentId('330106', '19810202', '027'),
      phone: '13912345679',
      address: '杭州市西湖区文三路11号',
      accountNo: '3300112234',
    },
    fields: { existingCapacity: '8', addedCapacity: '4' },
  });
  const text2 = pdfCompact(await page.pdf({ format: 'A4' }));
  expect(text2).toContain('原有容量8kW/kVA');
  expect(text2).toContain('新增容量4kW/kVA');
  expect(text2).toContain('变更后容量12kW/kVA');
});

test.describe('the queue ticket', () => {
  let svc: HallService;
  let dataDir: string;
  test.beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-print-'));
    svc = await startHallService({
      port: 0,
      dataDir,
      staticDir,
      log: () => {},
      initialConfig: {
        hallName: '打印测试营业厅',
        categories: [{ id: 'A', name: '业扩报装', businessCodes: ['101'] }],
        counters: [{ no: 1, name: '1号窗口', categories: ['A'] }],
      },
    });
  });
  test.afterAll(async () => {
    await svc?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the kiosk prints the ticket, and only the ticket', async ({ page }) => {
    await page.goto(`${svc.url}/#/kiosk`);
    await page.getByTestId('kiosk-category-A').click();
    await expect(page.getByTestId('kiosk-ticket-no')).toHaveText('A001');
    const text = pdfCompact(await page.pdf({ width: '80mm', height: '110mm' }));
    expect(text).toContain('A001');
    expect(text).toContain('打印测试营业厅');
    expect(text).toContain('取号时间');
    // The on-screen buttons are hidden on paper.
    expect(text).not.toContain('打印号票');
  });
});

test('the Electron ticket layout prints its text', async ({ page }) => {
  await page.setContent(
    ticketHtml(
      {
        ticketNo: 'B017',
        categoryName: '变更用电',
        hallName: '西湖供电营业厅',
        waitingAhead: 3,
        estimatedWaitMin: 12,
        issuedAt: '2026-12-07T01:30:00.000Z',
        note: '请携带身份证',
        widthMm: 58,
      },
      58,
    ),
  );
  const text = pdfCompact(await page.pdf({ width: '58mm', height: '90mm' }));
  for (const s of [
    '西湖供电营业厅',
    'B017',
    '变更用电',
    '前面等候',
    '3人',
    '约12分钟',
    '请携带身份证',
  ])
    expect(text).toContain(s);
  // The hall's day and time (Asia/Shanghai), whatever the zone of the PC that prints.
  expect(text).toContain('2026-12-0709:30');
});
