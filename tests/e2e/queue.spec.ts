// End to end in Chromium against a real hall service (started here on port 0, serving the built
// renderer from dist/renderer; run `npm run build:renderer` first): the manager pairs the counter
// device, the kiosk issues a ticket, the counter calls it, the display shows it and queues its
// announcement, the customer's rating is stored; the manager revokes the device. A rating given
// on the desk's customer screen for the called ticket reaches the manager's statistics.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { QueueState } from '../../shared/queue';
import {
  startHallService,
  type HallService,
  type HallServiceOptions,
} from '../../server/hall/service';
import {
  chooseBusinessType,
  chooseCustomerKind,
  fillCustomer,
  fillRequiredFields,
  receiveRequiredDocuments,
  setupDesk,
  submitAndConfirm,
} from './support/desk';
import { KNOWN } from './support/ids';

const staticDir = path.resolve(
  process.env.RENDERER_OUT ?? path.join(import.meta.dirname, '..', '..', 'dist', 'renderer'),
);
let svc: HallService;
let dataDir: string;

/** A hall service of the test's own on a fresh data folder; `stop()` closes and removes it. */
async function ownHall(
  label: string,
  opts: Pick<HallServiceOptions, 'initialConfig' | 'now'>,
): Promise<{ hall: HallService; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hall-e2e-${label}-`));
  const hall = await startHallService({ port: 0, dataDir: dir, staticDir, log: () => {}, ...opts });
  return {
    hall,
    async stop() {
      await hall.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

test.beforeAll(async () => {
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build:renderer` first');
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-e2e-'));
  svc = await startHallService({
    port: 0,
    dataDir,
    staticDir,
    log: () => {},
    initialConfig: {
      hallName: '测试供电营业厅',
      categories: [
        { id: 'A', name: '业扩报装', businessCodes: ['101'] },
        { id: 'B', name: '变更用电' },
      ],
      counters: [
        { no: 1, name: '1号窗口', categories: ['B'] },
        { no: 3, name: '3号窗口', categories: ['A', 'B'] },
      ],
      announcementRepeat: 1,
    },
  });
});

test.afterAll(async () => {
  await svc?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function serverState(): Promise<QueueState> {
  const res = await fetch(`${svc.url}/api/queue/state`);
  return ((await res.json()) as { state: QueueState }).state;
}

/** A counter action as the hall manager (the API refuses counter actions without a token). */
async function asManager(url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${svc.managerSecret}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

test('kiosk → counter → display with announcement → rating stored', async ({ browser }) => {
  // Four pages of the full app on a shared CI machine: give the whole flow room.
  test.setTimeout(180_000);
  const t0 = Date.now();
  const mark = (what: string) => console.log(`[queue e2e] ${what} +${Date.now() - t0} ms`);
  const context = await browser.newContext();
  await context.addInitScript(() => localStorage.setItem('halldesk.counterNo', '3'));

  const display = await context.newPage();
  await display.goto(`${svc.url}/#/display`);
  await expect(display.getByTestId('queue-display')).toBeVisible();
  await expect(display.getByTestId('display-counter-3')).toContainText('—');

  mark('display up');
  const kiosk = await context.newPage();
  await kiosk.goto(`${svc.url}/#/kiosk`);
  await kiosk.getByTestId('kiosk-category-A').click();
  await expect(kiosk.getByTestId('kiosk-ticket-no')).toHaveText('A001');
  await expect(kiosk.getByTestId('kiosk-ahead')).toHaveText('0 人');
  await expect(kiosk.getByTestId('kiosk-ticket')).toContainText('业扩报装');
  // Waiting counts reach the display live.
  await expect(display.getByTestId('display-waiting')).toContainText('业扩报装 1');

  mark('ticket issued');
  // The manager (with the printed manager URL) creates a pairing code for counter 3.
  const manager = await context.newPage();
  await manager.goto(`${svc.url}/#/queue/manager?key=${svc.managerSecret}`);
  await expect(manager.getByTestId('queue-manager-login')).toHaveCount(0);
  await expect(manager).not.toHaveURL(/key=/); // the secret leaves the address bar
  await manager.getByRole('tab', { name: '设备' }).click();
  await manager.getByTestId('device-name').fill('3号窗口受理台');
  await manager.getByTestId('device-counter').click();
  await manager.locator('.ant-select-item-option', { hasText: '仅限3号窗口' }).click();
  await manager.getByTestId('device-create-code').click();
  const code = (await manager.getByTestId('device-pairing-code').innerText()).trim();
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);

  // The counter device is not paired yet: it asks for the code, then works.
  const counter = await context.newPage();
  await counter.goto(`${svc.url}/#/queue/counter`);
  await expect(counter.getByTestId('hall-pairing')).toBeVisible();
  await counter.getByTestId('hall-pairing-code').fill(code);
  await counter.getByTestId('hall-pairing-submit').click();
  await expect(counter.getByTestId('counter-panel')).toContainText('本窗口等候 1 人');
  mark('paired');
  await counter.getByTestId('counter-call-next').click();
  await expect(counter.getByTestId('counter-current')).toHaveText('A001');

  mark('called');
  await expect(display.getByTestId('display-counter-3')).toContainText('A001');
  await expect(display.getByTestId('display-now-ticket')).toHaveText('A001');
  await expect
    .poll(() => display.evaluate(() => window.__hallAnnouncements ?? []))
    .toEqual(['请A001号到3号窗口办理']);
  // The speech layer finishes (simulated when headless Chromium has no voice) and frees the queue.
  await expect
    .poll(() => display.evaluate(() => window.__hallSpoken ?? []), { timeout: 20_000 })
    .toEqual(['请A001号到3号窗口办理']);
  mark('announced');
  // Screens show ticket numbers and counters only.
  await expect(display.locator('body')).not.toContainText(/1[3-9]\d{9}/);

  // Start application hands the ticket and its business codes to the desk route.
  await counter.getByTestId('counter-start-application').click();
  await expect(counter).toHaveURL(/#\/desk\/new\?.*ticket=A001.*business=101/);
  await counter.goto(`${svc.url}/#/queue/counter`);
  await counter.getByTestId('counter-finish').click();
  await expect(counter.getByTestId('counter-current')).toHaveText('—');

  mark('finished');
  const rate = await context.newPage();
  await rate.goto(`${svc.url}/#/rate?counter=3`);
  await rate.getByTestId('rate-level-3').click();
  await expect(rate.getByTestId('rate-thanks')).toBeVisible();
  const state = await serverState();
  expect(state.tickets.A001).toMatchObject({ status: 'finished', rating: 3, counterNo: 3 });

  // A second call is queued behind nothing and announced once more, never overlapping.
  // (The kiosk returns to the categories by itself after a while; start from a fresh page.)
  await kiosk.goto(`${svc.url}/#/kiosk`);
  await kiosk.getByTestId('kiosk-category-B').click();
  await expect(kiosk.getByTestId('kiosk-ticket-no')).toHaveText('B001');
  await asManager(`${svc.url}/api/queue/counters/1/call-next`);
  await asManager(`${svc.url}/api/queue/counters/1/recall`);
  await expect
    .poll(() => display.evaluate(() => window.__hallAnnouncements ?? []))
    .toEqual(['请A001号到3号窗口办理', '请B001号到1号窗口办理', '请B001号到1号窗口办理']);

  // The manager lists and revokes the device: the counter panel asks to pair again.
  await manager.reload();
  await manager.getByRole('tab', { name: '设备' }).click();
  const row = manager.getByTestId('device-list').locator('tr', { hasText: '3号窗口受理台' });
  await expect(row).toContainText('有效');
  await row.getByRole('button', { name: '撤销' }).click();
  await manager.locator('.ant-popconfirm').getByRole('button', { name: '撤销' }).click();
  await expect(row).toContainText('已撤销');
  await counter.getByRole('button', { name: '暂停服务' }).click();
  await expect(counter.getByTestId('hall-pairing')).toBeVisible();
  expect((await serverState()).counters['3']?.paused).toBe(false);
  await context.close();
});

test('a bad rating asks for a reason; a paused counter shows on the display', async ({ page }) => {
  await fetch(`${svc.url}/api/queue/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ categoryId: 'A' }),
  });
  await asManager(`${svc.url}/api/queue/counters/3/call-next`);
  await asManager(`${svc.url}/api/queue/counters/3/finish`);
  // A stand-alone rating pad pairs like any counter device.
  const codeRes = await fetch(`${svc.url}/api/queue/pairing-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.managerSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: '3号窗口评价器', counterNo: 3 }),
  });
  const { code } = (await codeRes.json()) as { code: string };
  await page.goto(`${svc.url}/#/rate?counter=3&pair=${code}`);
  await expect(page.getByTestId('hall-pairing-code')).toHaveValue(code);
  await page.getByTestId('hall-pairing-submit').click();
  await page.getByTestId('rate-level-1').click();
  await expect(page.getByText('请告诉我们原因')).toBeVisible();
  await expect(page.getByRole('button', { name: '提交评价' })).toBeDisabled();
  await page.getByRole('button', { name: '等候时间长' }).click();
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.getByTestId('rate-thanks')).toBeVisible();
  // The reason is stored (the screens' state does not carry customers' text).
  const rated = Object.values(svc.getState().tickets).find((t) => t.rating === 1);
  expect(rated?.ratingReason).toBe('等候时间长');
  expect(JSON.stringify(await serverState())).not.toContain('等候时间长');

  await asManager(`${svc.url}/api/queue/counters/1/pause`);
  await page.goto(`${svc.url}/#/display`);
  await expect(page.getByTestId('display-counter-1')).toContainText('1号窗口暂停服务');
  // The screens speak English too (?lang=en); the spoken call stays the zh-CN template.
  await page.goto(`${svc.url}/#/display?lang=en`);
  await expect(page.getByTestId('display-counter-1')).toContainText('Counter 1');
  await expect(page.getByTestId('display-counter-1-paused')).toHaveText('Closed');
  await page.goto(`${svc.url}/#/kiosk?lang=en`);
  await expect(page.getByTestId('queue-kiosk')).toContainText('Please choose your business');
  await page.getByTestId('kiosk-lang').click();
  await expect(page.getByTestId('queue-kiosk')).toContainText('请选择您要办理的业务');
  // A screen's language stays on that page: the desk on the same PC keeps its own.
  expect(await page.evaluate(() => localStorage.getItem('halldesk.lang'))).not.toBe('en');
});

test('manager view: live wait alarm, charts, configuration saved', async ({ page }) => {
  test.setTimeout(120_000);
  // A hall whose clock we can move: one ticket that has waited 20 minutes (limit 10).
  let offset = 0;
  const { hall, stop } = await ownHall('mgr', {
    now: () => Date.now() + offset,
    initialConfig: {
      categories: [{ id: 'A', name: '业扩报装', waitAlarmMinutes: 10 }],
      counters: [{ no: 1, name: '1号窗口', categories: ['A'] }],
    },
  });
  try {
    await fetch(`${hall.url}/api/queue/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ categoryId: 'A' }),
    });
    offset = 20 * 60_000;
    // Without the key the manager view asks for it.
    await page.goto(`${hall.url}/#/queue/manager`);
    await page.getByTestId('queue-manager-key').fill(hall.managerSecret);
    await page.getByRole('button', { name: '进入' }).click();
    await expect(page.getByTestId('queue-alarm')).toContainText('业扩报装');
    await expect(page.getByTestId('queue-alarm')).toContainText('上限 10 分钟');
    await expect(page.locator('[data-testid="queue-manager"] canvas').first()).toBeVisible();

    await page.getByRole('tab', { name: '配置' }).click();
    const name = page.locator('input[value="供电营业厅"]');
    await name.fill('东城供电营业厅');
    await page.getByRole('button', { name: '保存配置' }).click();
    await expect(page.getByText('配置已保存')).toBeVisible();
    const saved = (await (
      await fetch(`${hall.url}/api/queue/config`, {
        headers: { authorization: `Bearer ${hall.managerSecret}` },
      })
    ).json()) as {
      config: { hallName: string };
    };
    expect(saved.config.hallName).toBe('东城供电营业厅');
  } finally {
    await stop();
  }
});

test('appointments: staff book a slot in the manager view, the kiosk checks the code', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { hall, stop } = await ownHall('appt', {
    initialConfig: {
      categories: [{ id: 'A', name: '业扩报装' }],
      counters: [{ no: 1, name: '1号窗口', categories: ['A'] }],
      appointments: { enabled: true, slotMinutes: 30, perSlot: 2 },
    },
  });
  try {
    await page.goto(`${hall.url}/#/queue/manager?key=${hall.managerSecret}`);
    await page.getByRole('tab', { name: '预约' }).click();
    // Tomorrow 10:00 (a slot that exists whatever the hour this runs at).
    const tomorrow = await page.evaluate(() => {
      const d = new Date(Date.now() + 86_400_000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    });
    await page.getByTestId('appointment-day').fill(tomorrow);
    await page.getByTestId('appointment-category').click();
    await page.locator('.ant-select-item-option', { hasText: 'A 业扩报装' }).click();
    await page.getByTestId('appointment-slot').click();
    await page.locator('.ant-select-item-option', { hasText: '10:00–10:30' }).click();
    await page.getByTestId('appointment-book').click();
    const code = (await page.getByTestId('appointment-code').innerText()).trim();
    expect(code).toMatch(/^\d{6}$/);
    await expect(page.locator('tr', { hasText: code })).toContainText('待签到');

    // The kiosk: the code is known, but it is not the slot's time yet.
    const kiosk = await page.context().newPage();
    await kiosk.goto(`${hall.url}/#/kiosk`);
    await kiosk.getByTestId('kiosk-checkin').click();
    for (const digit of code) await kiosk.getByRole('button', { name: digit, exact: true }).click();
    await kiosk.getByTestId('kiosk-pad-ok').click();
    await expect(kiosk.getByRole('alert')).toContainText('未到预约时段');
    // The code never reaches the screens' state.
    const pub = await (await fetch(`${hall.url}/api/queue/state`)).text();
    expect(pub).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
  } finally {
    await stop();
  }
});

test('a rating on the desk customer screen counts in the queue statistics of the called ticket', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const { hall, stop } = await ownHall('crate', {
    initialConfig: {
      categories: [{ id: 'A', name: '业扩报装' }],
      counters: [{ no: 2, name: '2号窗口', categories: ['A'] }],
    },
  });
  const manager = { authorization: `Bearer ${hall.managerSecret}` };
  const issue = () =>
    fetch(`${hall.url}/api/queue/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ categoryId: 'A' }),
    });
  try {
    // The desk is paired as counter 2's device (the pairing a clerk does once, here by API).
    const codeRes = await fetch(`${hall.url}/api/queue/pairing-codes`, {
      method: 'POST',
      headers: { ...manager, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '2号窗口受理台', counterNo: 2 }),
    });
    const { code } = (await codeRes.json()) as { code: string };
    const pairRes = await fetch(`${hall.url}/api/queue/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    const pairing = (await pairRes.json()) as unknown;
    const context = await browser.newContext({ baseURL: hall.url });
    await context.addInitScript((p) => {
      localStorage.setItem('halldesk.hallDevice', JSON.stringify(p));
    }, pairing);

    const desk = await context.newPage();
    await setupDesk(desk);
    const customer = await context.newPage();
    await customer.goto('/#/customer');
    await expect(customer.getByTestId('customer-idle')).toBeVisible();
    const note = desk.getByTestId('queue-rating-note');

    /** The counter calls the next ticket, the desk accepts an application for it, the customer rates. */
    async function serveAndRate(ticketNo: string, level: string, reason?: string) {
      await issue();
      await desk.goto('/#/counter');
      await desk.getByTestId('counter-call-next').click();
      await expect(desk.getByTestId('counter-current')).toHaveText(ticketNo);
      await desk.getByTestId('counter-start-application').click();
      await expect(desk).toHaveURL(new RegExp(`#/desk/new\\?.*ticket=${ticketNo}`));
      await chooseBusinessType(desk, 'dyjmxz', '低压居民新装');
      await chooseCustomerKind(desk, 'resident');
      await fillCustomer(desk, {
        name: '李四',
        idNumber: KNOWN.residentIdX,
        phone: '13812345678',
        address: '北京市东城区和平里2号',
      });
      await fillRequiredFields(desk, { capacity: '8' });
      await receiveRequiredDocuments(desk);
      await submitAndConfirm(desk);
      await desk.getByTestId('ask-customer-rating').click();
      await customer.getByRole('button', { name: level, exact: true }).click();
      if (reason) {
        await customer.getByRole('button', { name: reason }).click();
        await customer.getByTestId('customer-rate-send').click();
      }
      await expect(customer.getByTestId('customer-thanks')).toBeVisible();
      await expect(desk.getByTestId('customer-rating-value')).toContainText(level);
      // The ticket is still being served: the queue takes ratings of finished tickets only.
      await expect(note).toHaveAttribute('data-kind', 'waiting');
      await expect(note).toContainText(ticketNo);
      expect(hall.getState().tickets[ticketNo]?.rating).toBeNull();
    }

    // A bad level with a reason for A001; 完成 at the counter counts it once, with the reason.
    await serveAndRate('A001', '不满意', '等候时间长');
    await desk.goto('/#/counter');
    await desk.getByTestId('counter-finish').click();
    await expect(desk.getByTestId('counter-current')).toHaveText('—');
    await expect(note).toHaveAttribute('data-kind', 'sent');
    expect(hall.getState().tickets.A001).toMatchObject({
      status: 'finished',
      rating: 1,
      ratingReason: '等候时间长',
    });
    // A reload resends nothing.
    await desk.reload();
    await expect(desk.getByTestId('counter-current')).toHaveText('—');
    expect(await desk.evaluate(() => localStorage.getItem('halldesk.queueRatings'))).toBe('[]');

    // A002: the service records the rating but its answer is lost on the way back. The desk
    // does not count it twice (the state shows it rated; the queue would refuse a second one).
    await serveAndRate('A002', '满意');
    const warnings: string[] = [];
    desk.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    let ratingRequests = 0;
    await context.route('**/api/queue/ratings', async (route) => {
      ratingRequests++;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await desk.goto('/#/counter');
    await desk.getByTestId('counter-finish').click();
    await expect(desk.getByTestId('counter-current')).toHaveText('—');
    await expect(note).toHaveAttribute('data-kind', 'sent');
    expect(ratingRequests).toBe(1);
    // The lost answer was seen (and only logged for the clerk: nothing on the customer screen).
    expect(warnings.some((w) => w.includes('ticket A002: retry'))).toBe(true);
    await expect(customer.locator('.cs-error')).toHaveCount(0);
    expect(hall.getState().tickets.A002?.rating).toBe(3);
    await context.unroute('**/api/queue/ratings');

    // The manager's statistics count both for counter 2, once each.
    const stats = (await (
      await fetch(`${hall.url}/api/queue/stats`, { headers: manager })
    ).json()) as {
      today: {
        total: { ratings: Record<string, number> };
        counters: Record<string, { ratings: Record<string, number>; badRatings: number }>;
      };
    };
    expect(stats.today.total.ratings).toEqual({ '1': 1, '3': 1 });
    expect(stats.today.counters['2']).toMatchObject({
      ratings: { '1': 1, '3': 1 },
      badRatings: 1,
    });
    const view = await context.newPage();
    await view.goto(`/#/queue/manager?key=${hall.managerSecret}`);
    const row = view.locator('tr', { hasText: '2号窗口' });
    await expect(row).toHaveCount(1);
    // 差评 is the counter table's last column.
    await expect(row.locator('td').last()).toHaveText('1');
    await context.close();
  } finally {
    await stop();
  }
});

test('display as the hall sees it: paused cell keeps its ticket, no-show leaves, recalls once, voice keeps up', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { hall, stop } = await ownHall('display', {
    initialConfig: {
      categories: [{ id: 'A', name: '业扩报装' }],
      counters: [
        { no: 1, name: '1号窗口', categories: ['A'] },
        { no: 2, name: '2号窗口', categories: ['A'] },
      ],
      announcementRepeat: 1,
    },
  });
  const act = (no: number, action: string) =>
    fetch(`${hall.url}/api/queue/counters/${no}/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hall.managerSecret}` },
    });
  try {
    for (let i = 0; i < 3; i++) {
      await fetch(`${hall.url}/api/queue/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ categoryId: 'A' }),
      });
    }
    // A narrow screen (a 1080p TV in portrait, or a small monitor): cells are tight.
    await page.setViewportSize({ width: 900, height: 700 });
    await page.goto(`${hall.url}/#/display`);
    await expect(page.getByTestId('queue-display')).toBeVisible();
    await act(1, 'call-next'); // A001 → 1
    await act(2, 'call-next'); // A002 → 2
    await act(1, 'pause');

    // The paused counter says so AND still shows the ticket it is serving, inside its cell.
    const cell = page.getByTestId('display-counter-1');
    await expect(cell).toContainText('暂停服务');
    await expect(cell).toContainText('A001');
    const fits = await cell.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return [...el.querySelectorAll('div')].every((d) => {
        const r = d.getBoundingClientRect();
        return (
          d.scrollWidth <= d.clientWidth + 1 &&
          r.left >= box.left - 1 &&
          r.right <= box.right + 1 &&
          r.bottom <= box.bottom + 1
        );
      });
    });
    expect(fits).toBe(true);

    // A no-show leaves the large panel: the call still standing shows instead.
    await expect(page.getByTestId('display-now-ticket')).toHaveText('A002');
    await act(2, 'no-show');
    await expect(page.getByTestId('display-now-ticket')).toHaveText('A001');

    // Six recalls of one ticket are one line of the recent calls.
    await act(2, 'call-next'); // A003 → 2
    for (let i = 0; i < 6; i++) await act(2, 'recall');
    const recent = page.getByTestId('display-recent').locator('li');
    await expect(recent.filter({ hasText: 'A003' })).toHaveCount(1);
    await expect(recent.filter({ hasText: 'A001' })).toHaveCount(1);

    // Voice: the quick recalls replaced each other in the unread line instead of queueing up.
    await expect
      .poll(() => page.evaluate(() => window.__hallDropped?.length ?? 0))
      .toBeGreaterThanOrEqual(4);
    const spoken = await page.evaluate(() => window.__hallAnnouncements?.length ?? 0);
    expect(spoken).toBeGreaterThanOrEqual(9);
  } finally {
    await stop();
  }
});

test('kiosk without its service: customers read where to go, staff get the cause', async ({
  page,
}) => {
  const { hall, stop } = await ownHall('kiosk-down', {
    initialConfig: {
      categories: [{ id: 'A', name: '业扩报装' }],
      counters: [{ no: 1, name: '1号窗口', categories: ['A'] }],
    },
  });
  let stopped = false;
  try {
    await page.goto(`${hall.url}/#/kiosk`);
    await expect(page.getByTestId('kiosk-category-A')).toBeVisible();
    await stop();
    stopped = true;
    await page.getByTestId('kiosk-category-A').click();
    await expect(page.getByTestId('kiosk-error')).toHaveText('暂停取号，请到窗口咨询');
    await expect(page.getByTestId('kiosk-error')).not.toContainText('网络');
    await expect(page.getByTestId('kiosk-staff-detail')).toContainText('无法连接排队服务');
  } finally {
    if (!stopped) await stop();
  }
});

test("manager's charts keep their size after switching tabs", async ({ page }) => {
  const { hall, stop } = await ownHall('charts', {
    initialConfig: {
      categories: [{ id: 'A', name: '业扩报装' }],
      counters: [{ no: 1, name: '1号窗口', categories: ['A'] }],
    },
  });
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${hall.url}/#/queue/manager?key=${hall.managerSecret}`);
    const canvas = page.locator('[data-testid="queue-manager"] canvas').first();
    await expect(canvas).toBeVisible();
    const before = (await canvas.boundingBox())!.width;
    expect(before).toBeGreaterThan(300);
    await page.getByRole('tab', { name: '配置' }).click();
    // The window changes while the statistics are hidden (a monitor plugged in, a restore).
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('tab', { name: '统计' }).click();
    await expect.poll(async () => (await canvas.boundingBox())?.width ?? 0).toBeGreaterThan(300);
  } finally {
    await stop();
  }
});
