// 设置 → 本机设置 in the real browser, wired to main's own settings code. This is not Electron:
// window.halldesk is a binding into this Node process, where the real IPC registry validates each
// call with the contract and electron/shellSettings.ts saves settings.json in a temp folder and
// names the effects main would carry out. Only what needs Electron is scripted: the monitors, the
// printers, the version info, the hall / updater states and the OS keystore (a map).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { EventName, IpcEvents } from '../../shared/ipc/contract';
import { recordingShellSettings, type Effect } from '../support/shellSettings';
import { bindShell } from './support/shellBinding';
import { openDesk } from './support/desk';

interface Harness {
  dataDir: string;
  defaultDir: string;
  /** What main would have done to windows, services and the OS, in order. */
  effects: () => Effect[];
  saved: () => Record<string, unknown> | null;
  emit: <E extends EventName>(event: E, payload: IpcEvents[E]) => Promise<void>;
  keystore: Map<string, string>;
}

/** Puts main's settings handlers behind window.halldesk for this page. */
async function wireShell(page: Page, argv: string[] = []): Promise<Harness> {
  const emit = async <E extends EventName>(event: E, payload: IpcEvents[E]) => {
    await page.evaluate(
      ([e, p]) =>
        (window as unknown as { __hdEmit: (e: string, p: unknown) => void }).__hdEmit(e, p),
      [event, payload] as const,
    );
  };
  const { shell, registry, dataDir, defaultDir, worldEffects, saved } = recordingShellSettings(
    fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-shell-settings-e2e-')),
    { argv, onChanged: (view) => void emit('settings:changed', view).catch(() => {}) },
  );
  registry.register('app:info', () => ({
    name: 'HallDesk',
    version: '1.4.0',
    platform: 'linux',
    arch: 'x64',
    electron: '45.3.4',
    chrome: '',
    role: shell.role.role,
    dataDir,
    isPackaged: true,
    secretsBackend: 'gnome_libsecret',
  }));
  const display = (id: number, index: number, x: number, primary: boolean) => ({
    id,
    index,
    label: '',
    primary,
    bounds: { x, y: 0, width: 1920, height: 1080 },
    workArea: { x, y: 0, width: 1920, height: 1040 },
    scaleFactor: 1,
  });
  registry.register('displays:list', () => [display(11, 1, 0, true), display(12, 2, 1920, false)]);
  registry.register('printers:list', () => [
    { name: 'HP_LaserJet_M1136', displayName: 'HP LaserJet M1136', isDefault: true },
    { name: 'XP-80C', displayName: 'XPrinter XP-80C', isDefault: false },
  ]);
  registry.register('hall:status', () => ({
    state: 'disabled' as const,
    port: null,
    restarts: 0,
    lastError: null,
    nextAttemptAt: null,
  }));
  // The keystore, as main's SecretStore answers (names validated by the contract).
  const keystore = new Map<string, string>();
  registry.register('secrets:get', ({ name }) => ({ value: keystore.get(name) ?? null }));
  registry.register('secrets:set', ({ name, value }) => {
    keystore.set(name, value);
  });
  registry.register('update:status', () => ({
    state: 'downloading' as const,
    readyVersion: null,
    percent: 42,
    error: null,
  }));

  await bindShell(page, registry);
  return { dataDir, defaultDir, effects: worldEffects, saved, emit, keystore };
}

async function pick(
  page: Page,
  select: ReturnType<Page['locator']>,
  option: string,
): Promise<void> {
  await select.click();
  await page
    .locator(`.ant-select-item-option[title="${option}"]`)
    .filter({ visible: true })
    .click();
  // antd keeps closed dropdowns in the page: wait until this one is gone before the next pick.
  await expect(page.locator('.ant-select-dropdown').filter({ visible: true })).toHaveCount(0);
}

test('browser mode: no 本机设置 card', async ({ page }) => {
  await openDesk(page, '/settings');
  await expect(page.getByTestId('retention')).toBeVisible();
  await expect(page.getByTestId('shell-settings')).toHaveCount(0);
  // No keystore in a browser: scans are stored as they are, and the page says so.
  await expect(page.getByTestId('vault-state')).toContainText('未加密');
});

test('本机设置: printers, customer screen, hall host, updates, data folder, role', async ({
  page,
}) => {
  const h = await wireShell(page);
  await openDesk(page, '/settings');
  const card = page.getByTestId('shell-settings');
  await expect(card).toContainText('本机设置');
  await expect(page.getByTestId('shell-active-role')).toHaveText('受理台');
  await expect(page.getByTestId('shell-update-state')).toHaveText('正在后台下载新版本（42%）');
  // The updater's progress arrives as it goes.
  await h.emit('update:state', {
    state: 'ready',
    readyVersion: '1.5.0',
    percent: 100,
    error: null,
  });
  await expect(page.getByTestId('shell-update-state')).toHaveText(
    '新版本 1.5.0 已下载，将在下次启动时安装',
  );
  // A download whose signature does not hold is refused, and the page says so.
  await h.emit('update:state', {
    state: 'error',
    readyVersion: null,
    percent: null,
    error:
      '更新包校验失败，已拒绝安装（1.6.0）：更新清单签名无效 / update 1.6.0 refused: manifest signature invalid',
  });
  await expect(page.getByTestId('shell-update-state')).toHaveText(
    '更新包校验失败，已拒绝安装（1.6.0）：更新清单签名无效',
  );
  await h.emit('update:state', {
    state: 'ready',
    readyVersion: '1.5.0',
    percent: 100,
    error: null,
  });
  // The desktop program made the scans' key and keeps it in the keystore.
  await expect(page.getByTestId('vault-state')).toContainText('已加密保存');
  expect(atob(h.keystore.get('data.key') ?? '')).toHaveLength(32);
  const save = page.getByTestId('shell-settings-save');
  await expect(save).toBeDisabled();

  // Printers from the system list; the ticket paper width.
  await pick(page, page.locator('#shell-receipt-printer'), 'HP LaserJet M1136（默认）');
  await pick(page, page.locator('#shell-ticket-printer'), 'XPrinter XP-80C');
  await page.getByTestId('shell-ticket-width').getByText('58 毫米').click();
  await save.click();
  await expect(page.getByText('本机设置已保存')).toBeVisible();
  expect(h.saved()?.printers).toEqual({
    receipt: 'HP_LaserJet_M1136',
    ticket: 'XP-80C',
    ticketWidthMm: 58,
  });
  expect(h.effects()).toEqual([]);
  await expect(save).toBeDisabled();

  // The customer-facing screen on monitor 2 opens at once.
  await page.getByTestId('shell-customer-enabled').click();
  // Its monitor defaults to the second one (the Select shows the chosen option's title).
  await expect(card.getByTitle('显示器 2 · 1920×1080')).toBeVisible();
  await save.click();
  await expect
    .poll(() => h.effects().at(-1))
    .toEqual(['customerScreen', { enabled: true, monitor: 2 }]);

  // Hosting the hall queue service on port 8710: main restarts it and reports its state.
  await page.getByTestId('shell-hall-host').click();
  const port = page.getByLabel('端口');
  await port.fill('8710');
  await save.click();
  await expect.poll(() => h.effects().at(-1)).toEqual(['restartHall', null]);
  expect(h.saved()?.hallHost).toEqual({ enabled: true, port: 8710, bindAddress: '0.0.0.0' });
  await h.emit('hall:state', {
    state: 'running',
    port: 8710,
    restarts: 0,
    lastError: null,
    nextAttemptAt: null,
  });
  await expect(page.getByTestId('shell-hall-state')).toHaveText('排队服务运行中（端口 8710）');
  // The page's hall address is now this machine: reloading applies it.
  await expect(page.getByTestId('shell-hall-reload')).toBeVisible();

  // A bad update feed is refused on the page; a good one waits for the next start.
  const feed = page.locator('#shell-update-url');
  await feed.fill('ftp://10.1.0.5/updates');
  await expect(page.getByText('地址格式不对，例如 http://10.1.0.5:8600/updates/')).toBeVisible();
  await expect(save).toBeDisabled();
  await feed.fill('10.1.0.5:8600/updates/');
  await save.click();
  await expect(page.getByTestId('shell-restart-required')).toBeVisible();
  expect(h.saved()?.updateUrl).toBe('http://10.1.0.5:8600/updates/');

  // A data folder main cannot use is refused in Chinese; nothing saved before is lost.
  const folder = page.locator('#shell-data-dir');
  await folder.fill('halldesk-data');
  await save.click();
  await expect(page.getByTestId('shell-settings-error')).toContainText('数据目录必须是完整路径');
  expect(h.saved()?.printers).toMatchObject({ receipt: 'HP_LaserJet_M1136' });
  const elsewhere = path.join(path.dirname(h.dataDir), 'moved');
  await folder.fill(elsewhere);
  await save.click();
  await expect(page.getByTestId('shell-settings-error')).toHaveCount(0);
  expect(
    JSON.parse(fs.readFileSync(path.join(h.defaultDir, 'location.json'), 'utf8')).dataDir,
  ).toBe(elsewhere);

  // Switching the machine to the hall display asks first, then main swaps the windows.
  await page.getByTestId('shell-role').getByText('大厅显示屏').click();
  await pick(page, page.locator('#shell-display-monitor'), '显示器 2 · 1920×1080');
  await save.click();
  const confirm = page.locator('.ant-modal-confirm');
  await expect(confirm).toContainText('将本机切换为「大厅显示屏」？');
  await expect(confirm).toContainText('--role=desk');
  await confirm.getByRole('button', { name: '取消' }).click();
  expect(h.saved()?.role).toBe('desk');
  await save.click();
  await page
    .locator('.ant-modal-confirm')
    .getByRole('button', { name: /^切\s?换$/ })
    .click();
  await expect
    .poll(() => h.effects().at(-1))
    .toEqual(['switchRole', { role: 'display', source: 'settings', monitor: 2 }]);
  expect(h.saved()).toMatchObject({ role: 'display', displayMonitor: 2 });
});

test('本机设置: a --role flag keeps this run on its role and says so', async ({ page }) => {
  const h = await wireShell(page, ['--role=desk']);
  await openDesk(page, '/settings');
  await expect(page.getByTestId('shell-settings')).toContainText('启动参数指定');
  await page.getByTestId('shell-role').getByText('取号机').click();
  await page.getByTestId('shell-settings-save').click();
  await expect(page.getByText('本机设置已保存')).toBeVisible();
  expect(h.saved()?.role).toBe('kiosk');
  expect(h.effects()).toEqual([]);
  await expect(page.getByTestId('shell-active-role')).toHaveText('受理台');
});
