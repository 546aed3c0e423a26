// End to end: 受理查询 opened at start paints its first page from the local database before the
// UI code (React, antd) has arrived, with masked numbers only; the React list then takes over
// in place (same rows, same positions, nothing left behind). A click on a painted row opens the
// application; neither a UI that fails to load nor the recovery screen is hidden behind it.
import { expect, type Page, test } from '@playwright/test';
import type { BenchApi } from '../../renderer/src/db/benchImpl';
import { refuseWrites } from './support/desk';

declare global {
  interface Window {
    __halldeskBench?: BenchApi;
  }
}

const MOUNT_CHUNK = /\/assets\/mount-[\w-]+\.js$/;
const PAINTED = '[data-testid="app-row-first-paint"]';
const REACT_ROW = '[data-testid="app-row"]';

/** Stores `n` synthetic applications through the built desk's bench hook. */
async function seed(page: Page, n: number): Promise<void> {
  await page.goto('/?bench=1#/desk/new');
  await page.waitForFunction(() => window.__halldeskBench !== undefined);
  const r = await page.evaluate((k) => window.__halldeskBench!.seed(k), n);
  expect(r.count).toBeGreaterThanOrEqual(n - 5);
}

/** Holds the UI code back until the returned function is called. */
async function holdUiCode(page: Page): Promise<() => void> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route(MOUNT_CHUNK, async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

async function box(page: Page, sel: string) {
  const b = await page.locator(sel).first().boundingBox();
  if (!b) throw new Error(`${sel} has no box`);
  return b;
}

test('the first rows are painted from the database before the UI code, then React takes over in place', async ({
  page,
}) => {
  await seed(page, 120);
  const release = await holdUiCode(page);
  await page.goto('/#/desk/applications');

  const painted = page.locator(PAINTED);
  await expect(painted.first()).toBeVisible();
  // The UI code has not arrived: these rows came from the database through the plain paint.
  await expect(page.locator(REACT_ROW)).toHaveCount(0);
  await expect(page.locator('#root')).toBeEmpty();
  await expect(painted).toHaveCount(50);
  await expect(page.locator('.first-paint')).toContainText('受理查询');
  await expect(page.locator('.first-paint')).toContainText('已显示 50 条，还有更多');
  // Masked on screen, as in the React list: 6 + 8 stars + 4, and 3****4.
  const cells = await painted.evaluateAll((rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent ?? '')),
  );
  for (const c of cells) {
    expect(c[2]).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(c[3]).toMatch(/^1\d{2}\*{4}\d{4}$/);
  }
  const paintedFirst = await painted.first().innerText();
  const paintedBox = await box(page, PAINTED);
  const headBox = await box(page, '.list-head');

  release();
  await expect(page.locator(REACT_ROW).first()).toBeVisible();
  await expect(page.locator('.first-paint')).toHaveCount(0);
  await expect(painted).toHaveCount(0);
  // The same application in the same place.
  expect(await page.locator(REACT_ROW).first().innerText()).toBe(paintedFirst);
  expect(await box(page, REACT_ROW)).toEqual(paintedBox);
  expect(await box(page, '.list-head')).toEqual(headBox);
  // And the list works as usual: the search box is the React one.
  await expect(page.locator('#app-search')).toBeVisible();
});

test('a click on a painted row opens that application once the UI is in', async ({ page }) => {
  await seed(page, 20);
  const release = await holdUiCode(page);
  await page.goto('/#/desk/applications');
  const row = page.locator(PAINTED).nth(2);
  const appNo = (await row.locator('.fp-appno').innerText()).trim();
  await row.click();
  await expect(page).toHaveURL(/#\/desk\/app\/[\w-]+$/);
  // Leaving the route takes the paint away at once.
  await expect(page.locator('.first-paint')).toHaveCount(0);
  release();
  await expect(page.getByRole('main')).toContainText(appNo);
});

test('what the clerk types into the painted search box carries over into the list search', async ({
  page,
}) => {
  await seed(page, 120);
  const release = await holdUiCode(page);
  await page.goto('/#/desk/applications');
  const box = page.locator('.first-paint input.fp-input');
  // Focused at once, as the React list's search box is: the clerk can type before it exists.
  await expect(box).toBeFocused();
  await page.keyboard.type('张');
  await expect(box).toHaveValue('张');
  release();
  const search = page.locator('#app-search');
  await expect(search).toHaveValue('张');
  await expect(search).toBeFocused();
  await expect(page.locator('.first-paint')).toHaveCount(0);
  // The search runs: every row is a 张 (name prefix), and typing goes on in the real box.
  await expect(page.locator(`${REACT_ROW} strong`).first()).toHaveText(/^张/);
  const names = await page.locator(`${REACT_ROW} strong`).allInnerTexts();
  expect(names.length).toBeGreaterThan(0);
  for (const n of names) expect(n).toMatch(/^张/);
  await page.keyboard.type('三');
  await expect(search).toHaveValue('张三');
});

test('the paint follows the language the desk was left in', async ({ page }) => {
  await seed(page, 10);
  await page.evaluate(() => localStorage.setItem('halldesk.lang', 'en'));
  const release = await holdUiCode(page);
  await page.goto('/#/desk/applications');
  await expect(page.locator(PAINTED).first()).toBeVisible();
  await expect(page.locator('.first-paint')).toContainText('Applications');
  await expect(page.locator('.first-paint .list-head')).toContainText('Customer / business');
  release();
  await expect(page.locator(REACT_ROW).first()).toBeVisible();
});

test('UI code that cannot load takes the paint away and says so', async ({ page }) => {
  await seed(page, 10);
  let painted = false;
  await page.route(MOUNT_CHUNK, async (route) => {
    // Fail only once the paint is up, as a LAN service going away mid-start would.
    await page.waitForSelector(PAINTED).catch(() => undefined);
    painted = true;
    await route.abort();
  });
  await page.goto('/#/desk/applications');
  await expect(page.getByText('受理台界面文件加载失败')).toBeVisible();
  expect(painted).toBe(true);
  await expect(page.locator('.first-paint')).toHaveCount(0);
});

test('a disk that refuses writes: the recovery screen is not hidden behind the paint', async ({
  page,
}) => {
  await seed(page, 10);
  // Reads work (the paint can show), every write fails as on a full disk (the write probe).
  await refuseWrites(page);
  await page.goto('/#/desk/applications');
  await expect(page.getByText('磁盘空间或浏览器存储配额已满')).toBeVisible();
  await expect(page.locator('.first-paint')).toHaveCount(0);
  await expect(page.locator(PAINTED)).toHaveCount(0);
});

test('on a 1024 px hall PC the list keeps the number on one line and the name in view', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await seed(page, 10);
  const release = await holdUiCode(page);
  await page.goto('/#/desk/applications');
  for (const row of [PAINTED, REACT_ROW]) {
    if (row === REACT_ROW) release();
    const first = page.locator(row).first();
    await expect(first).toBeVisible();
    // One line of text for the application number; the customer's name not squeezed out.
    const no = await first.locator(row === PAINTED ? '.fp-appno' : 'a').boundingBox();
    const nameCell = await first.locator('strong').locator('xpath=..').boundingBox();
    expect(no!.height).toBeLessThan(30);
    expect(nameCell!.width).toBeGreaterThanOrEqual(120);
  }
});
