// End to end, built desk in Chromium against a real central endpoint (started here on port 0,
// PGlite in a temp folder): first-run enrollment through the UI, an application accepted and
// synced (status bar 已同步, nothing pending), the back office moves it and the desk's list and
// timeline show the new stage; next year's holiday calendar published by the centre is in use
// after a sync; the centre stops (status bar offline, no flood of error messages, an application
// accepted meanwhile waits), restarts on the same folder and port and everything arrives exactly
// once; a change the centre refuses is shown with its reason.
// Build first: `RENDERER_OUT=/tmp/x E2E_PORT=4332 npx vite build` (or `npm run build:renderer`).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Application } from '../../shared/domain/model';
import { KNOWN, residentId } from './support/ids';
import {
  chooseBusinessType,
  chooseCustomerKind,
  fillCustomer,
  fillRequiredFields,
  openDesk,
  receiveRequiredDocuments,
  searchApplications,
  submitAndConfirm,
} from './support/desk';

const HALL = 'SYNC01';
const HALL_NAME = '滨江供电营业厅';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
// The centre runs as a child process (tsx): the same entry the crash tests use. Playwright's
// loader cannot import the server's modules (JSON imports), and a child is a real restart.
const CHILD = path.join(import.meta.dirname, '..', 'support', 'centralChild.ts');
let dataDir: string;
let child: ChildProcess | null = null;
let port = 0;
let url = '';

/**
 * A PGlite folder: a copy of the initialised template the vitest suites keep in the temp folder
 * when there is one (a first start in an empty folder runs initdb: 10-20 s).
 */
function newDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-sync-e2e-'));
  const template = fs
    .readdirSync(os.tmpdir())
    .filter((n) => n.startsWith('halldesk-pglite-template-') && !n.includes('-build-'))
    .map((n) => path.join(os.tmpdir(), n))
    .find((d) => fs.existsSync(path.join(d, 'READY')));
  if (template) {
    fs.cpSync(template, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'READY'), { force: true });
  }
  return dir;
}

/** Starts the centre on `port` (0 = any free one) on the same PGlite folder. */
async function startCentre(): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      CENTRAL_DATA_DIR: dataDir,
      CENTRAL_PORT: String(port),
      CENTRAL_ADMIN_TOKEN: ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  port = await new Promise<number>((resolve, reject) => {
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
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`centre exited (${code}): ${stderr}`));
    });
  });
  url = `http://127.0.0.1:${port}`;
}

async function stopCentre(): Promise<void> {
  const proc = child;
  child = null;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  await exited;
}

/** The back office over the admin API. */
async function adminCall<T>(method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(url + p, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function centreApplications(): Promise<Application[]> {
  const r = await adminCall<{ applications: { application: Application }[] }>(
    'GET',
    `/api/v1/admin/applications?hall=${HALL}&limit=1000`,
  );
  return r.applications.map((x) => x.application);
}

test.beforeAll(async () => {
  dataDir = newDataDir();
  await startCentre();
  await adminCall('POST', '/api/v1/admin/halls', { code: HALL, name: HALL_NAME });
});

test.afterAll(async () => {
  await stopCentre();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function accept(page: Page, name: string, idNumber: string): Promise<string> {
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, 'dyjmxz', '低压居民新装');
  await chooseCustomerKind(page, 'resident');
  await fillCustomer(page, {
    name,
    idNumber,
    phone: '13812345678',
    address: '杭州市滨江区江南大道1号',
  });
  await fillRequiredFields(page, { capacity: '8' });
  await receiveRequiredDocuments(page);
  return submitAndConfirm(page);
}

async function syncNow(page: Page): Promise<void> {
  await openDesk(page, '/sync');
  const button = page.getByTestId('sync-now');
  await expect(button).toBeEnabled();
  await button.click();
}

test('enroll, sync, back-office stage back on the desk, centre outage and restart, rejection shown', async ({
  page,
}) => {
  // Two centre starts and eight sync rounds: ~30 s alone, more on a loaded machine.
  test.setTimeout(180_000);
  const status = page.getByTestId('sync-status');

  // First run: the sync page asks for the endpoint and the one-time code.
  await openDesk(page, '/sync');
  await expect(status).toHaveAttribute('data-phase', 'unconfigured');
  const form = page.getByTestId('enrollment-form');
  await form.getByLabel('中心地址').fill(url);
  const { code } = await adminCall<{ code: string }>(
    'POST',
    `/api/v1/admin/halls/${HALL}/enrollment-codes`,
    {},
  );
  await form.getByLabel('登记码').fill(code);
  await form.getByRole('button', { name: '登记本机' }).click();
  await expect(page.getByText(`${HALL_NAME}（${HALL}）`)).toBeVisible();
  await expect(status).toHaveAttribute('data-phase', 'synced');

  // Enrollment set the hall and the centre-allocated desk code; the clerk adds the name.
  await openDesk(page, '/settings');
  await expect(page.getByLabel('营业厅编码')).toHaveValue(HALL);
  await expect(page.getByLabel('受理台编码')).toHaveValue('D01');
  await page.getByLabel('受理员').fill('王受理');
  await page.getByTestId('save-profile').click();
  await expect(page.getByText('设置已保存')).toBeVisible();

  // An application: saved locally, pushed within seconds, the status bar says 已同步.
  const first = await accept(page, '张三', KNOWN.residentIdX);
  expect(first).toMatch(new RegExp(`^${HALL}-D01-\\d{8}-\\d{4}$`));
  await expect
    .poll(async () => (await centreApplications()).map((a) => a.appNo), { timeout: 20_000 })
    .toEqual([first]);
  await expect(status).toHaveAttribute('data-phase', 'synced');
  await expect(page.getByTestId('outbox-state')).toContainText('全部变更已上传');
  const onCentre = await centreApplications();

  // The back office moves it to its next stage (低压两环节: 施工接电); after a sync the desk
  // shows it.
  await adminCall('POST', `/api/v1/admin/applications/${onCentre[0]!.id}/transition`, {
    to: 'construction',
    actor: '后台张工',
  });
  const label = '施工接电';
  await syncNow(page);
  await expect(status).toHaveAttribute('data-phase', 'synced');
  const rows = await searchApplications(page, first);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(label);
  await rows.first().click();
  await expect(page.getByTestId('history')).toContainText(label);

  // The centre publishes next year's holiday calendar: after a sync the desk uses it (settings
  // shows 2027 from the centre; the "2027 not loaded" warning is gone) without a reload.
  // (The settings page warns about next year only, so that part holds while it is 2026.)
  const warnsAbout2027 = new Date().getFullYear() === 2026;
  await openDesk(page, '/settings');
  if (warnsAbout2027) await expect(page.getByText('尚未载入2027年节假日安排')).toBeVisible();
  await adminCall('PUT', '/api/v1/admin/config/calendar/years/2027', {
    data: {
      holidays: [{ name: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-01' }],
    },
  });
  await syncNow(page);
  await expect(status).toHaveAttribute('data-phase', 'synced');
  await openDesk(page, '/settings');
  await expect(page.getByTestId('config-versions')).toContainText('节假日日历版本');
  await expect(page.getByTestId('config-versions')).toContainText('中心下发');
  await expect(page.locator('.ant-tag').getByText('2027', { exact: true })).toBeVisible();
  if (warnsAbout2027) await expect(page.getByText('尚未载入2027年节假日安排')).toHaveCount(0);

  // The centre goes away: offline, quietly.
  await stopCentre();
  await syncNow(page);
  await expect(status).toHaveAttribute('data-phase', 'offline');
  const second = await accept(page, '李四', residentId('330108', '19900101', '123'));
  await expect(page.getByTestId('outbox-state')).toContainText('待上传 1 条', { timeout: 15_000 });
  await syncNow(page);
  await expect(status).toHaveAttribute('data-phase', 'offline');
  // Offline is a state, not an error: no toast or notification per failed round.
  await expect(page.locator('.ant-message-notice-error')).toHaveCount(0);
  await expect(page.locator('.ant-notification-notice')).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(1);

  // Back on the same folder and port: the waiting application goes, exactly once.
  await startCentre();
  await syncNow(page);
  await expect(status).toHaveAttribute('data-phase', 'synced', { timeout: 20_000 });
  await expect(page.getByTestId('sync-panel-pending')).toHaveText('0');
  const after = await centreApplications();
  expect(after.map((a) => a.appNo).sort()).toEqual([first, second].sort());
  expect(new Set(after.map((a) => a.id)).size).toBe(2);

  // A change the centre refuses (a queue event of the wrong shape, as a faulty module could
  // queue it): parked, shown in the sync panel with the centre's reason; the rest goes on.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('halldesk');
        open.onerror = () => reject(new Error('open failed'));
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['outbox', 'meta'], 'readwrite');
          const meta = tx.objectStore('meta');
          const get = meta.get('outbox.seq');
          get.onsuccess = () => {
            const seq = ((get.result as { value?: number } | undefined)?.value ?? 0) + 1;
            meta.put({ key: 'outbox.seq', value: seq });
            tx.objectStore('outbox').add({
              changeId: crypto.randomUUID(),
              seq,
              entity: 'queue_event',
              entityId: 'bad-event-1',
              op: 'create',
              payload: 'not-an-object',
              createdAt: new Date().toISOString(),
              state: 'pending',
              attempts: 0,
            });
          };
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(new Error(String(tx.error)));
        };
      }),
  );
  await syncNow(page);
  await expect(status).toHaveAttribute('data-phase', 'error');
  await expect(page.getByText('被中心拒收（1）')).toBeVisible();
  await expect(page.getByTestId('sync-panel')).toContainText('排队事件必须是对象');
  await expect(page.getByTestId('sync-panel-pending')).toHaveText('0');
  expect(await centreApplications()).toHaveLength(2);
});
