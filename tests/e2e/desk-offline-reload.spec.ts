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
// On a machine with its CPU saturated (3 busy loops on 2 cores), about 1 run in 8 sends the
// reload after the stop to the network although the worker was activated, controlled the page
// and held every file (checked below), and a second reload in the same run fails too; on a
// quiet machine it has not happened (every earlier CI run, a dozen runs here). Cause not found (see the
// closing note of 2026-12-07); the whole test is retried, which still fails if the worker never
// serves the desk.
test.describe.configure({ retries: 2 });

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
  // The worker is activated and controls the page, and its cache holds the page itself (both
  // names) and every file of this build: only then is the service stopped. (Seen once in CI: the
  // service stopped while the install was still fetching index.html, and the reload went to
  // the network.)
  await page.waitForFunction(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    if (reg?.active?.state !== 'activated' || !navigator.serviceWorker.controller) return false;
    const names = await caches.keys();
    const name = names.find((n) => n.startsWith('halldesk-shell-'));
    if (!name) return false;
    const cache = await caches.open(name);
    const keys = await cache.keys();
    const paths = new Set(keys.map((k) => new URL(k.url).pathname));
    const scripts = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].map(
      (s) => new URL(s.src).pathname,
    );
    return paths.has('/') && paths.has('/index.html') && scripts.every((p) => paths.has(p));
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
