// End to end, browser mode: the hall service serves the desk; after one visit the app-shell
// service worker keeps this build's files, so a reload while the hall service is stopped still
// opens the desk (and what was accepted before is still there, from the desk's own database).
// Then the first start leads to enrollment with the centre's address and hall prefilled.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startHallService, type HallService } from '../../server/hall/service';

const staticDir = path.resolve(
  process.env.RENDERER_OUT ?? path.join(import.meta.dirname, '..', '..', 'dist', 'renderer'),
);

test.use({ serviceWorkers: 'allow' });

let svc: HallService | null = null;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-sw-'));
});
test.afterAll(async () => {
  await svc?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a reload with the hall service stopped still opens the desk', async ({ page }) => {
  svc = await startHallService({ port: 0, dataDir, staticDir, log: () => {} });
  const url = svc.url;
  await page.goto(`${url}/#/desk/new`);
  await expect(page.getByTestId('status-bar')).toBeVisible();
  // The worker is installed and controls the page (all of this build's files cached).
  await page.waitForFunction(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return !!reg?.active && !!navigator.serviceWorker.controller;
  });

  // The first start leads to enrollment (not a banner pointing to 设置).
  await expect(page.getByTestId('first-start')).toContainText('登记');
  await page.getByTestId('go-enroll').click();
  await expect(page.getByTestId('enrollment-form')).toBeVisible();

  await svc.close();
  svc = null;
  // Nothing answers at that address now.
  await expect(fetch(`${url}/index.html`)).rejects.toThrow();
  await page.goto(`${url}/#/desk/applications`);
  await page.reload();
  await expect(page.getByTestId('status-bar')).toBeVisible();
  await expect(page.getByRole('heading', { name: '受理查询' })).toBeVisible();
  await page.goto(`${url}/#/desk/new`);
  await expect(page.getByRole('heading', { name: '新建受理' })).toBeVisible();
});

test('npm start’s enrollment link prefills the centre and shows the hall', async ({ page }) => {
  await page.goto('/#/sync?centre=http%3A%2F%2F127.0.0.1%3A8600&hall=H0101');
  const form = page.getByTestId('enrollment-form');
  await expect(form.getByLabel('中心地址')).toHaveValue('http://127.0.0.1:8600');
  await expect(page.getByTestId('enroll-hall')).toContainText('H0101');
});
