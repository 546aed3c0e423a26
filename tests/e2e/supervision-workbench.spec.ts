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

test('a hall manager edits and withdraws a note at the centre; the history shows who did what', async ({
  page,
}) => {
  const post = async <T>(p: string, body: unknown, token = centre.adminToken): Promise<T> => {
    const r = await fetch(`${centre.url}${p}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status, p).toBeLessThan(300);
    return (await r.json()) as T;
  };
  const { temporaryPassword } = await post<{ temporaryPassword: string }>('/api/v1/admin/staff', {
    staffNo: 'SVM1',
    name: '甲主管',
    hallCode: 'SVA01',
    roles: ['hall_manager'],
  });
  const { token } = await post<{ token: string }>('/api/v1/staff/session', {
    staffNo: 'SVM1',
    password: temporaryPassword,
    newPassword: 'Manager-2026x',
  });
  const today = new Date().toISOString().slice(0, 10);
  await post(
    '/api/v1/admin/supervision/notes',
    {
      hallCode: 'SVA01',
      kind: 'correction',
      staffNo: 'A1',
      periodFrom: today,
      periodTo: today,
      text: '复印件不清',
    },
    token,
  );
  // Signed in as that manager (the workbench keeps the session token for the tab).
  await page.addInitScript((t) => sessionStorage.setItem('halldesk.workbench.token', t), token);
  await page.goto(`${centre.url}/workbench/#/workbench/supervision`);
  const notes = page.getByTestId('wb-sup-hall-SVA01').getByTestId('wb-sup-notes');
  await expect(notes).toContainText('复印件不清');
  await notes.getByTestId('wb-note-edit').click();
  await page.getByTestId('wb-note-input').fill('复印件不清，已重新扫描');
  await page.getByRole('button', { name: '确定' }).click();
  await expect(notes).toContainText('修改：「复印件不清」→「复印件不清，已重新扫描」');
  await expect(notes.getByTestId('note-history')).toContainText('甲主管（SVM1）');
  await notes.getByTestId('wb-note-withdraw').click();
  await page.getByTestId('wb-note-input').fill('记错了人');
  await page.getByRole('button', { name: '确定' }).click();
  await expect(notes).toContainText('已撤回');
  await expect(notes).toContainText('撤回：记错了人');
  await expect(notes.getByTestId('wb-note-edit')).toHaveCount(0);
  // Kept at the centre with both changes.
  const r = await fetch(`${centre.url}/api/v1/admin/supervision?hall=SVA01`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await r.json()) as {
    halls: { notes: { withdrawnAt?: string; history?: { action: string }[] }[] }[];
  };
  expect(body.halls[0]!.notes[0]!.withdrawnAt).toBeTruthy();
  expect(body.halls[0]!.notes[0]!.history!.map((h) => h.action)).toEqual(['edit', 'withdraw']);
});
