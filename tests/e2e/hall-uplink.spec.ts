// 设置 → 排队服务上传中心 in the real browser: absent in browser mode; on a hall host (a scripted
// window.halldesk answering like main's hall:*CentralUplink handlers, which are unit-tested in
// tests/unit/electron/hallUplink.test.ts; this is not Electron) the card shows the state and whether
// queue events reach the centre, explains a refused code in Chinese, enrols and clears.
import { expect, test } from '@playwright/test';
import { openDesk } from './support/desk';

test('browser mode: the settings page has no uplink card', async ({ page }) => {
  await openDesk(page, '/settings');
  await expect(page.getByTestId('retention')).toBeVisible();
  await expect(page.getByTestId('hall-uplink')).toHaveCount(0);
});

test('hall host: enrol with a code, a refused code in Chinese, clear', async ({ page }) => {
  await page.addInitScript(() => {
    type Uplink = Record<string, unknown>;
    const none: Uplink = {
      configured: false,
      centralUrl: null,
      hallCode: null,
      hallName: null,
      deviceId: null,
      enrolledAt: null,
      problem: null,
    };
    let uplink: Uplink = none;
    const calls: unknown[] = [];
    (window as unknown as { __calls: unknown[] }).__calls = calls;
    const ok = (value: unknown) => Promise.resolve({ ok: true, value });
    // As main: the hall service restarted with the uplink reports its push (here: the centre
    // is unreachable and three queue events wait), pushed to the page as hall:state.
    const hallListeners = new Set<(s: unknown) => void>();
    const hallStatus = () => ({
      state: 'running',
      port: 8700,
      restarts: 0,
      lastError: null,
      nextAttemptAt: null,
      push: uplink.configured
        ? {
            pending: 3,
            lastError: 'connect ECONNREFUSED 10.1.0.5:8600',
            lastSuccessAt: null,
            reportedAt: Date.now(),
          }
        : null,
    });
    (window as unknown as { halldesk: unknown }).halldesk = {
      version: 1,
      on(event: string, listener: (s: unknown) => void) {
        if (event !== 'hall:state') return () => {};
        hallListeners.add(listener);
        return () => hallListeners.delete(listener);
      },
      invoke(name: string, arg: { centralUrl?: string; enrollmentCode?: string }) {
        calls.push([name, arg]);
        if (name === 'settings:get') {
          return ok({
            settings: { hallHost: { enabled: true, port: 8700, bindAddress: '0.0.0.0' } },
          });
        }
        if (name === 'hall:getCentralUplink') return ok(uplink);
        if (name === 'hall:status') return ok(hallStatus());
        if (name === 'hall:clearCentralUplink') {
          uplink = none;
          // As main when the centre cannot be reached to revoke the device.
          return ok({ ...uplink, centreRevoked: false });
        }
        if (name === 'hall:setCentralUplink') {
          if (arg.enrollmentCode !== 'K7QH-3MZP') {
            return Promise.resolve({
              ok: false,
              error: {
                code: 'invalid_argument',
                message: '登记码无效、已使用或已过期，请向中心管理员重新申请 / bad code',
                reason: 'E_ENROLLMENT_CODE',
              },
            });
          }
          uplink = {
            ...none,
            configured: true,
            centralUrl: arg.centralUrl,
            hallCode: 'H0101',
            hallName: '城关营业厅',
            deviceId: '2f7c9a52-3f5e-4a55-9a0e-6f2d1c3b4a59',
            enrolledAt: '2026-11-27T08:00:00.000Z',
          };
          setTimeout(() => hallListeners.forEach((l) => l(hallStatus())), 50);
          return ok(uplink);
        }
        if (name === 'secrets:get') return ok({ value: null });
        return Promise.resolve({
          ok: false,
          error: { code: 'unavailable', message: `scripted bridge: ${name}` },
        });
      },
    };
  });
  await openDesk(page, '/settings');
  const card = page.getByTestId('hall-uplink');
  await expect(card).toContainText('排队服务上传中心');
  await expect(page.getByTestId('hall-uplink-state')).toContainText('未设置');

  await page.getByLabel('中心地址').fill('10.1.0.5:8600');
  await page.getByLabel('登记码').fill('used-code');
  await page.getByTestId('hall-uplink-submit').click();
  await expect(page.getByTestId('hall-uplink-error')).toContainText(
    '登记码无效、已使用或已过期，请向中心管理员重新申请',
  );
  await expect(page.getByTestId('hall-uplink-state')).toContainText('未设置');

  await page.getByLabel('登记码').fill('k7qh-3mzp');
  await page.getByTestId('hall-uplink-submit').click();
  await expect(page.getByTestId('hall-uplink-state')).toContainText('已登记');
  await expect(card).toContainText('H0101 城关营业厅');
  await expect(card).toContainText('http://10.1.0.5:8600');
  await expect(page.getByTestId('hall-uplink-push')).toContainText(
    '上传失败，3 条待上传本次启动后尚未成功上传。原因：connect ECONNREFUSED 10.1.0.5:8600',
  );
  await expect(page.getByTestId('hall-uplink-error')).toHaveCount(0);
  // The address got its scheme, the code was upper-cased as typed.
  const sent = await page.evaluate(() =>
    (window as unknown as { __calls: [string, unknown][] }).__calls.filter(
      ([n]) => n === 'hall:setCentralUplink',
    ),
  );
  expect(sent.at(-1)?.[1]).toEqual({
    centralUrl: 'http://10.1.0.5:8600',
    enrollmentCode: 'K7QH-3MZP',
  });

  await page.getByTestId('hall-uplink-clear').click();
  // antd spaces two-character Chinese button labels ("清 除").
  await page
    .locator('.ant-popconfirm')
    .getByRole('button', { name: /^清\s?除$/ })
    .click();
  await expect(page.getByTestId('hall-uplink-state')).toContainText('未设置');
  await expect(page.getByTestId('hall-uplink-error')).toContainText(
    '已清除本机设置，但无法连接中心端，设备 2f7c9a52-3f5e-4a55-9a0e-6f2d1c3b4a59 未能吊销：请中心管理员在中心端吊销该设备。',
  );
});
