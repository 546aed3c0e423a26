// End to end, the centre's 工作监督 in the workbench (built renderer served by a real central
// endpoint): two halls' figures counted at the centre, a figure opened to the records behind it,
// the ranking chart drawn, a hall chosen on its own; the console links to the page.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { TestCentre } from './support/centre';

const centre = new TestCentre();
let appNos: Record<string, string[]> = {};

test.beforeAll(async () => {
  await centre.start();
  // Seeded in a child process: Playwright's loader cannot import the domain's JSON catalogue.
  const seed = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, '..', 'support', 'supervisionSeed.ts')],
    {
      env: { ...process.env, SEED_URL: centre.url, SEED_TOKEN: centre.adminToken },
      encoding: 'utf8',
    },
  );
  if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
  appNos = JSON.parse(seed.stdout.trim().split('\n').at(-1)!) as Record<string, string[]>;
});

test.afterAll(async () => {
  await centre.dispose();
});

test('the workbench shows two halls’ supervision, opens a figure’s records, draws the ranking', async ({
  page,
}) => {
  await page.goto(`${centre.url}/workbench/#/workbench/supervision`);
  await page.getByText('令牌登录').click();
  await page.getByLabel('管理员令牌').fill(centre.adminToken);
  await page.getByRole('button', { name: '登录' }).click();
  const a = page.getByTestId('wb-sup-hall-SVA01');
  const b = page.getByTestId('wb-sup-hall-SVB01');
  await expect(a).toContainText('员工A1');
  await expect(b).toContainText('员工B1');
  await expect(page.getByTestId('wb-sup-SVA01-A1-accepted')).toHaveText('2');
  await expect(page.getByTestId('wb-sup-SVA01-*-accepted')).toHaveText('3');
  await page.getByTestId('wb-sup-SVA01-A1-accepted').click();
  const drill = a.getByTestId('wb-sup-drill');
  await expect(drill.getByTestId('wb-drill-row')).toHaveCount(2);
  expect((await drill.getByTestId('wb-drill-row').allTextContents()).sort()).toEqual(
    appNos.SVA01!.slice(0, 2).sort(),
  );
  await expect(a.locator('[data-testid="supervision-ranking"] canvas')).toBeVisible();
  // One hall on its own.
  await page.getByRole('combobox').click();
  await page.locator('.ant-select-item-option', { hasText: 'SVB01' }).click();
  await expect(b).toBeVisible();
  await expect(a).toHaveCount(0);
});
