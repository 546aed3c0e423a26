// End to end (built renderer in Chromium, real hall service): the stand-alone counter page
// (#/queue/counter on a PC without the desk, issue 13) asks a person to sign in with staff number
// and password before any call, checked by the hall service against its roster's verifier; the
// calls and finishes then carry that staff number; a wrong password is refused in Chinese and
// signs nobody in; 签退 brings the form back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startHallService, type HallService } from '../../server/hall/service';
import type { QueueState } from '../../shared/queue';
import { makeVerifier } from '../../shared/staff/password';

const staticDir = path.resolve(
  process.env.RENDERER_OUT ?? path.join(import.meta.dirname, '..', '..', 'dist', 'renderer'),
);
let hall: HallService;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-e2e-counter-signin-'));
  const verifier = await makeVerifier('Counter2026ok');
  hall = await startHallService({
    port: 0,
    dataDir,
    staticDir,
    log: () => {},
    staff: [
      {
        staffNo: 'W001',
        name: '窗口王',
        roles: ['clerk'],
        state: 'active',
        mustChange: false,
        pwVersion: 1,
        verifier,
      },
    ],
    initialConfig: {
      categories: [{ id: 'A', name: '业扩报装' }],
      counters: [{ no: 2, name: '2号窗口', categories: ['A'] }],
    },
  });
});

test.afterAll(async () => {
  await hall?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The service's own state (the public /api/queue/state leaves out who is at a counter). */
async function state(): Promise<QueueState> {
  return Promise.resolve(hall.getState());
}

test('a person signs in at the stand-alone counter page before calling; calls carry their number', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const code = (await (
    await fetch(`${hall.url}/api/queue/pairing-codes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${hall.managerSecret}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: '2号窗口叫号机', counterNo: 2 }),
    })
  ).json()) as { code: string };
  await fetch(`${hall.url}/api/queue/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ categoryId: 'A' }),
  });

  await page.goto(`${hall.url}/#/queue/counter`);
  await page.getByTestId('hall-pairing-code').fill(code.code);
  await page.getByTestId('hall-pairing-submit').click();
  // Paired, but nobody is signed in: the form, no calling.
  await expect(page.getByTestId('counter-sign-in')).toBeVisible();
  await expect(page.getByTestId('counter-call-next')).toHaveCount(0);

  await page.getByTestId('counter-staff-no').fill('W001');
  await page.getByTestId('counter-staff-password').fill('not-the-password1');
  await page.getByTestId('counter-staff-submit').click();
  await expect(page.getByTestId('counter-sign-in-error')).toContainText('工号或密码错误');
  expect((await state()).counters['2']!.staffNo ?? null).toBeNull();

  await page.getByTestId('counter-staff-password').fill('Counter2026ok');
  await page.getByTestId('counter-staff-submit').click();
  await expect(page.getByTestId('counter-staff')).toContainText('W001 窗口王');
  await page.getByTestId('counter-call-next').click();
  await expect(page.getByTestId('counter-current')).toHaveText('A001');
  await page.getByTestId('counter-finish').click();
  await expect(page.getByTestId('counter-current')).toHaveText('—');
  const s = await state();
  expect(s.tickets.A001).toMatchObject({ status: 'finished', servedBy: 'W001' });

  // 签退: the next person signs in again.
  await page.getByTestId('counter-sign-out').click();
  await expect(page.getByTestId('counter-sign-in')).toBeVisible();
  expect((await state()).counters['2']!.staffNo ?? null).toBeNull();
});
