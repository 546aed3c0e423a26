// End to end: the renderer is split into page chunks. A hall screen renders without the desk's
// database; a desk whose network goes away right after the first page still opens every desk
// page (the chunks came with the first load); a chunk that cannot be fetched shows a Chinese
// message with 重试 instead of a blank page, and 重试 loads it once the network is back.
import { expect, test } from '@playwright/test';

// Each desk route and the heading its page shows.
const DESK_ROUTES: [string, string][] = [
  ['/desk/drafts', '草稿'],
  ['/desk/feedback', '意见反馈'],
  ['/settings', '设置'],
  ['/desk/new', '新建受理'],
  ['/desk/applications', '受理查询'],
];

test('a full-screen hall page never opens the desk database', async ({ page }) => {
  await page.goto('/#/display');
  await expect(page.locator('#root')).not.toBeEmpty();
  // Give a stray open the time it would need.
  await page.waitForTimeout(500);
  const names = await page.evaluate(async () =>
    (await indexedDB.databases()).map((d) => d.name ?? ''),
  );
  expect(names).not.toContain('halldesk');
  await expect(page.getByText('正在打开本地数据库')).toHaveCount(0);
  // The desk on the same origin opens it as usual.
  await page.goto('/#/desk/applications');
  await expect(page.getByTestId('status-bar')).toBeVisible();
  const after = await page.evaluate(async () =>
    (await indexedDB.databases()).map((d) => d.name ?? ''),
  );
  expect(after).toContain('halldesk');
});

test('offline right after the first page, every desk page still opens', async ({
  page,
  context,
}) => {
  const failures: string[] = [];
  page.on('requestfailed', (r) => failures.push(r.url()));
  await page.goto('/#/desk/applications');
  await expect(page.getByTestId('status-bar')).toBeVisible();
  // No waiting for the idle-time preload: the chunks must already be here.
  await context.setOffline(true);
  for (const [route, text] of DESK_ROUTES) {
    await page.evaluate((r) => {
      location.hash = r;
    }, route);
    await expect(page.getByRole('main').getByRole('heading', { name: text })).toBeVisible();
    await expect(page.getByTestId('chunk-load-error')).toHaveCount(0);
  }
  expect(failures.filter((u) => u.includes('/assets/'))).toEqual([]);
});

test('a page whose code cannot be fetched says so in Chinese, and 重试 loads it', async ({
  page,
}) => {
  // The feedback page's chunk is unreachable (the LAN service went away) until we say so.
  let blocked = true;
  await page.route(/\/assets\/Feedback-[\w-]+\.js$/, (route) =>
    blocked ? route.abort('internetdisconnected') : route.continue(),
  );
  await page.goto('/#/desk/feedback');
  const error = page.getByTestId('chunk-load-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('页面文件加载失败');
  await expect(page.getByTestId('status-bar')).toBeVisible();
  blocked = false;
  await error.getByRole('button', { name: '重试' }).click();
  await expect(page.getByTestId('chunk-load-error')).toHaveCount(0);
  await expect(page.getByRole('main').getByRole('heading', { name: '意见反馈' })).toBeVisible();
});
