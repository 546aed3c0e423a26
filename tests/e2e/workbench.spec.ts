// End to end, the centre's workbench in Chromium against a real central endpoint (a child process
// on PGlite, or on PostgreSQL when TEST_DATABASE_URL is set) serving the built renderer at
// /workbench/: the admin token typed once, an application found by its serial, moved forward,
// a forbidden state never offered, then returned with a reason; the desk's pull carries the move;
// found by pinyin initials; the virtualised list fetching keyset pages as it scrolls; an
// application's documents card loading the scans only when asked, the scan's bytes only when
// opened, and that view in the access log (who, which) shown under it and kept by the centre; a
// key customer's account manager as a badge on the list, served with the page.
// Build first: `npm run build:renderer` (the centre serves dist/renderer, or RENDERER_OUT).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { hallDateTime } from '../../shared/domain/hallTime';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const SUPPORT = path.join(import.meta.dirname, '..', 'support');
const RENDERER = path.resolve(
  process.env.RENDERER_OUT ?? path.join(import.meta.dirname, '..', '..', 'dist', 'renderer'),
);
let dataDir: string;
let child: ChildProcess | null = null;
let url = '';
let dropDatabase: (() => void) | null = null;
let seeded: {
  apps: Array<{ id: string; appNo: string }>;
  deviceToken: string;
  scan: { id: string; fileName: string } | null;
  ownId: string;
};

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-workbench-e2e-'));
  const template = fs
    .readdirSync(os.tmpdir())
    .filter((n) => n.startsWith('halldesk-pglite-template-') && !n.includes('-build-'))
    .map((n) => path.join(os.tmpdir(), n))
    .find((d) => fs.existsSync(path.join(d, 'READY')));
  if (template) {
    fs.cpSync(template, dataDir, { recursive: true });
    fs.rmSync(path.join(dataDir, 'READY'), { force: true });
  }
  let databaseUrl: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    // A fresh database of its own on the test server.
    const name = `halldesk_wb_e2e_${process.pid}`;
    const admin = new URL(process.env.TEST_DATABASE_URL);
    const r = spawnSync('psql', [
      admin.href,
      '-c',
      `DROP DATABASE IF EXISTS ${name}`,
      '-c',
      `CREATE DATABASE ${name}`,
    ]);
    if (r.status !== 0) throw new Error(`cannot create ${name}: ${String(r.stderr)}`);
    const adminUrl = admin.href;
    dropDatabase = () =>
      void spawnSync('psql', [adminUrl, '-c', `DROP DATABASE IF EXISTS ${name}`]);
    admin.pathname = `/${name}`;
    databaseUrl = admin.href;
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(SUPPORT, 'centralChild.ts')], {
    env: {
      ...process.env,
      CENTRAL_DATA_DIR: dataDir,
      ...(databaseUrl ? { CENTRAL_DATABASE_URL: databaseUrl } : {}),
      CENTRAL_PORT: '0',
      CENTRAL_ADMIN_TOKEN: ADMIN_TOKEN,
      CENTRAL_RENDERER_DIR: RENDERER,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`centre did not start: ${stderr}`)), 60_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.once('exit', (code) => reject(new Error(`centre exited (${code}): ${stderr}`)));
  });
  url = `http://127.0.0.1:${port}`;
  const health = (await (await fetch(`${url}/health`)).json()) as { db: string };
  expect(health.db).toBe(databaseUrl ? 'postgres' : 'pglite');
  const seed = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(SUPPORT, 'workbenchSeed.ts')],
    {
      env: {
        ...process.env,
        SEED_URL: url,
        SEED_TOKEN: ADMIN_TOKEN,
        SEED_COUNT: '260',
        SEED_SCAN: '1',
      },
      encoding: 'utf8',
    },
  );
  if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
  seeded = JSON.parse(seed.stdout.trim().split('\n').at(-1)!) as typeof seeded;
});

test.afterAll(async () => {
  const proc = child;
  if (proc && proc.exitCode === null) {
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    await exited;
  }
  dropDatabase?.();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test('find an application by its serial at the centre, move it forward, return it with a reason', async ({
  page,
}) => {
  const target = seeded.apps[1]!;
  const dateSerial = target.appNo.split('-').slice(-2).join('-');

  await page.goto(`${url}/workbench`);
  await expect(page).toHaveURL(/\/workbench\/#\/workbench$/);
  await page.getByText('令牌登录').click();
  await page.getByLabel('管理员令牌').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: '登录' }).click();
  // The token lives in sessionStorage for this tab, never in the URL.
  expect(page.url()).not.toContain(ADMIN_TOKEN);
  expect(await page.evaluate(() => sessionStorage.getItem('halldesk.workbench.token'))).toBe(
    ADMIN_TOKEN,
  );

  const box = page.getByRole('searchbox', { name: '搜索' });
  await box.fill(dateSerial);
  await box.press('Enter');
  await expect(page.getByText('共 1 件')).toBeVisible();
  // The list loads once per search, not once per render (a refetch loop kept it spinning).
  let searches = 0;
  page.on('request', (r) => {
    if (r.url().includes('/admin/workbench/applications?')) searches++;
  });
  await page.waitForTimeout(1000);
  expect(searches).toBe(0);
  await page.getByRole('link', { name: target.appNo }).click();

  await expect(page.getByTestId('wb-app-title')).toContainText(`${target.appNo} · 受理`);
  // Only the allowed next states are offered: no archive before the last stage.
  await expect(page.getByRole('button', { name: '施工接电' })).toBeVisible();
  await expect(page.getByRole('button', { name: '归档' })).toHaveCount(0);

  await page.getByLabel('经办人').fill('王五');
  await page.getByLabel('说明').fill('派工');
  await page.getByRole('button', { name: '施工接电' }).click();
  await expect(page.getByTestId('wb-app-title')).toContainText('施工接电');
  await expect(page.getByRole('button', { name: '归档' })).toBeVisible();

  // A return needs a reason: refused in Chinese until one is chosen.
  await page.getByRole('button', { name: '退回到 受理签约' }).click();
  await expect(page.getByText('退回需要选择原因')).toBeVisible();
  await page.getByLabel('退回原因').click();
  await page.getByTitle('资料不全，需补正').click();
  await page.getByRole('button', { name: '退回到 受理签约' }).click();
  await expect(page.getByTestId('wb-app-title')).toContainText(`${target.appNo} · 受理`);
  await expect(page.getByText('退回: 资料不全，需补正')).toBeVisible();

  // The desk's pull carries the return with its reason code.
  const pulled = (await (
    await fetch(`${url}/api/v1/pull?limit=1000`, {
      headers: { authorization: `Bearer ${seeded.deviceToken}` },
    })
  ).json()) as {
    changes: Array<{
      kind: string;
      record: { id: string; status: string; history: Array<Record<string, unknown>> };
    }>;
  };
  const rec = pulled.changes.find((x) => x.kind === 'application' && x.record.id === target.id)!;
  expect(rec.record.status).toBe('accepted');
  expect(rec.record.history.at(-1)).toMatchObject({
    from: 'construction',
    to: 'accepted',
    actor: '王五',
    reasonCode: 'missing_documents',
  });
  // The timeline shows the move on the halls' clock (Asia/Shanghai here), not in UTC.
  const movedAt = String(rec.record.history.at(-1)!.at);
  await expect(
    page.getByText(`${hallDateTime(movedAt, 'Asia/Shanghai')} 受理 · 王五`),
  ).toBeVisible();

  // English switch.
  await page.getByText('English').click();
  await expect(page.getByText('Back-office workbench')).toBeVisible();
});

test('staff sign-in; find by pinyin initials; the list fetches the next pages as it scrolls (virtualised)', async ({
  page,
}) => {
  // A back-office member signs in with staff number and password (first time: a new password).
  const created = await fetch(`${url}/api/v1/admin/staff`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      staffNo: 'BO77',
      name: '后台甲',
      hallCode: 'WBE2E',
      roles: ['back_office'],
    }),
  });
  expect(created.status).toBe(201);
  const temp = ((await created.json()) as { temporaryPassword: string }).temporaryPassword;
  await page.goto(`${url}/workbench`);
  await page.getByLabel('工号', { exact: true }).fill('BO77');
  await page.getByLabel('密码', { exact: true }).fill(temp);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByText('首次登录或密码已重置')).toBeVisible();
  await page.getByLabel('新密码', { exact: true }).fill('Workbench-2026x');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('wb-list-count')).toHaveText('共 260 件');
  expect(await page.evaluate(() => sessionStorage.getItem('halldesk.workbench.token'))).toMatch(
    /^hd_stf_/,
  );

  // Only the rows in view are in the page (virtual list), however many are loaded.
  const rowsInDom = () => page.locator('[data-testid="wb-list"] .wb-row').count();
  expect(await rowsInDom()).toBeLessThan(40);

  const cursors: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('/admin/workbench/applications') && u.searchParams.get('cursor'))
      cursors.push(u.searchParams.get('cursor')!);
  });
  // Scroll down with the wheel until the oldest application (the first seeded) shows.
  const body = page.locator('[data-testid="wb-list-body"]').first();
  await body.hover();
  const oldest = page.getByRole('link', { name: seeded.apps[0]!.appNo });
  for (let i = 0; i < 200 && !(await oldest.isVisible()); i++) await page.mouse.wheel(0, 1500);
  await expect(oldest).toBeVisible();
  expect(cursors.length).toBe(2); // pages 2 and 3 of 100, each by the previous page's cursor
  expect(new Set(cursors).size).toBe(2);
  expect(await rowsInDom()).toBeLessThan(40);

  const box = page.getByRole('searchbox', { name: '搜索' });
  await box.fill('oynn');
  await box.press('Enter');
  await expect(page.getByTestId('wb-list-count')).toHaveText('共 1 件');
  await expect(page.getByRole('link', { name: seeded.apps[1]!.appNo })).toBeVisible();
  // An address fragment too short is refused in Chinese.
  await page.getByLabel('地址（任意部分）').fill('街');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.getByText('地址至少输入两个字')).toBeVisible();
});

test("past the browser's tallest scroll area the list still loads the next pages (compressed scrollbar)", async ({
  page,
}) => {
  // The area is compressed at 30,000,000 px (~769,000 rows); lowered here to 2,000 px (~51 rows)
  // so that 260 rows cross it. Before the wheel handler, scrolling stopped at the cap.
  await page.addInitScript(() => {
    (window as { halldeskWbMaxScrollPx?: number }).halldeskWbMaxScrollPx = 2_000;
  });
  await page.goto(`${url}/workbench`);
  await page.getByText('令牌登录').click();
  await page.getByLabel('管理员令牌').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('wb-list-count')).toHaveText('共 260 件');
  const body = page.getByTestId('wb-list-body');
  await body.hover();
  const oldest = page.getByRole('link', { name: seeded.apps[0]!.appNo });
  for (let i = 0; i < 300 && !(await oldest.isVisible()); i++) await page.mouse.wheel(0, 1500);
  await expect(oldest).toBeVisible();
  expect(await body.evaluate((el) => el.scrollHeight)).toBeLessThanOrEqual(2_000);
  expect(await page.locator('[data-testid="wb-list"] .wb-row').count()).toBeLessThan(40);
});

test('documents card: scans listed on demand, a scan opened, the view logged with who and which', async ({
  page,
}) => {
  const target = seeded.apps[0]!;
  const scan = seeded.scan!;
  const created = await fetch(`${url}/api/v1/admin/staff`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      staffNo: 'BO88',
      name: '后台乙',
      hallCode: 'WBE2E',
      roles: ['back_office'],
    }),
  });
  expect(created.status).toBe(201);
  const temp = ((await created.json()) as { temporaryPassword: string }).temporaryPassword;
  // Every documents request the page makes: the list, and the bytes of one scan.
  const docRequests: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.includes('/documents')) docRequests.push(u.pathname);
  });
  await page.goto(`${url}/workbench`);
  await page.getByLabel('工号', { exact: true }).fill('BO88');
  await page.getByLabel('密码', { exact: true }).fill(temp);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByLabel('新密码', { exact: true }).fill('Workbench-2026y');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('wb-list-count')).toHaveText('共 260 件');

  const box = page.getByRole('searchbox', { name: '搜索' });
  await box.fill(target.appNo);
  await box.press('Enter');
  await page.getByRole('link', { name: target.appNo }).click();
  await expect(page.getByTestId('wb-app-title')).toContainText(target.appNo);

  // The page shows without the documents: nothing asked for until the clerk asks.
  const card = page.getByTestId('wb-documents');
  await expect(card.getByRole('button', { name: '载入扫描件' })).toBeVisible();
  await page.waitForTimeout(500);
  expect(docRequests).toEqual([]);

  await card.getByRole('button', { name: '载入扫描件' }).click();
  const row = card.locator('.ant-table-row', { hasText: scan.fileName });
  await expect(row).toBeVisible();
  await expect(row).toContainText('id_card');
  // Listed, not yet opened: no bytes fetched, nothing in the access log.
  expect(docRequests).toEqual([`/api/v1/admin/workbench/applications/${target.id}/documents`]);
  const log = card.locator('.ant-table', { hasText: '查看记录' });
  await expect(log.locator('.ant-table-row')).toHaveCount(0);

  await row.getByRole('button', { name: '查看' }).click();
  // The scan itself, decoded by the browser (a 2×1 PNG).
  const img = card.getByRole('img', { name: scan.fileName });
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(2);
  expect(docRequests).toContain(
    `/api/v1/admin/workbench/applications/${target.id}/documents/${scan.id}`,
  );
  // The view is logged: who (name and staff number) and which file, shown under the card…
  await expect(log.locator('.ant-table-row')).toHaveCount(1);
  await expect(log.locator('.ant-table-row').first()).toContainText('后台乙 (BO88)');
  await expect(log.locator('.ant-table-row').first()).toContainText(scan.fileName);
  // …and kept by the centre (its access-log API, read with the administrator's token).
  const views = (await (
    await fetch(`${url}/api/v1/admin/workbench/document-views?application=${target.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
  ).json()) as { views: Array<{ viewer: string; viewerName: string; attachmentId: string }> };
  expect(views.views.map((v) => [v.viewer, v.viewerName, v.attachmentId])).toEqual([
    ['BO88', '后台乙', scan.id],
  ]);
});

test("a key customer's account manager shows on the list as a badge, with no request per row", async ({
  page,
}) => {
  const admin = (method: string, p: string, body?: unknown) =>
    fetch(`${url}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const staff = await admin('POST', '/api/v1/admin/staff', {
    staffNo: 'AM55',
    name: '周经理',
    hallCode: 'WBE2E',
    roles: ['account_manager'],
    phone: '13900005555',
  });
  expect(staff.status).toBe(201);
  const reg = await admin(
    'PUT',
    `/api/v1/admin/workbench/key-customers/${encodeURIComponent(`I:${seeded.ownId}`)}`,
    { reasons: ['capacity'], managerStaffNo: 'AM55' },
  );
  expect(reg.status).toBe(200);

  const requests: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) requests.push(u.pathname);
  });
  await page.goto(`${url}/workbench`);
  await page.getByText('令牌登录').click();
  await page.getByLabel('管理员令牌').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('wb-list-count')).toHaveText('共 260 件');
  // The key customer's application carries the badge; another customer's does not.
  const row = page.locator('[data-testid="wb-list"] .wb-row', {
    has: page.getByRole('link', { name: seeded.apps[1]!.appNo }),
  });
  const box = page.getByRole('searchbox', { name: '搜索' });
  await box.fill('oynn');
  await box.press('Enter');
  await expect(page.getByTestId('wb-list-count')).toHaveText('共 1 件');
  await expect(row.getByTestId('wb-key-manager')).toHaveText('客户经理 周经理');
  await box.fill(seeded.apps[2]!.appNo);
  await box.press('Enter');
  await expect(page.getByRole('link', { name: seeded.apps[2]!.appNo })).toBeVisible();
  await expect(page.getByTestId('wb-key-manager')).toHaveCount(0);
  // Nothing but the list pages was asked for the badge: no customer or register look-ups.
  expect(requests.filter((p) => /customers|key-customers|account-managers/.test(p))).toEqual([]);
});
