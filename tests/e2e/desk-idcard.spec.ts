// The ID card reader at the counter, in the real browser with main's real reader code: this is not
// Electron. window.halldesk is a binding into this Node process, where the real IPC registry
// validates each call and electron/idCard/service.ts reads a simulated SDT reader (C, compiled in
// this run) through koffi, the real FFI path. Auto-read's cards reach the page as main sends them.
// Skips, saying why, where no C compiler exists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { IdCardService } from '../../electron/idCard/service';
import { openLibrary, type FfiLibrary } from '../../electron/idCard/library';
import type { EventName, IpcEvents } from '../../shared/ipc/contract';
import { recordingShellSettings } from '../support/shellSettings';
import { buildSimulators, simulatorsUnavailable, type Simulators } from '../support/idcardSim';
import {
  chooseBusinessType,
  fillCustomer,
  fillRequiredFields,
  openDesk,
  receiveRequiredDocuments,
  setupDesk,
  submitAndConfirm,
} from './support/desk';
import { bindShell } from './support/shellBinding';
import { residentId } from './support/ids';

const unavailable = simulatorsUnavailable();
test.skip(unavailable !== null, `ID card reader simulator: ${unavailable}`);

let sim: Simulators;
let control: FfiLibrary;
let script: (s: string) => number;

test.beforeAll(() => {
  sim = buildSimulators();
  control = openLibrary(sim.sdt);
  script = control.func('int SIM_Script(const char *s)') as unknown as (s: string) => number;
});
test.afterAll(() => {
  control?.unload();
  if (sim) fs.rmSync(sim.dir, { recursive: true, force: true });
});

const ID = residentId('110101', '19900307', '451');
const card = (name: string, id: string, validTo = '20400101') =>
  `card ${name}|1|01|19900307|北京市东城区景山前街4号|${id}|北京市公安局东城分局|20200101|${validTo}`;

/**
 * Main's reader service behind window.halldesk for this page; with `viaSettings` it starts
 * unconfigured and the settings page sets it up through main's own settings code.
 */
async function wireReader(
  page: Page,
  autoRead: boolean,
  viaSettings = false,
): Promise<IdCardService> {
  const emit = async <E extends EventName>(event: E, payload: IpcEvents[E]) => {
    await page
      .evaluate(
        ([e, p]) =>
          (window as unknown as { __hdEmit?: (e: string, p: unknown) => void }).__hdEmit?.(e, p),
        [event, payload] as const,
      )
      .catch(() => undefined);
  };
  const service = new IdCardService({
    savePort: () => undefined,
    onCard: (read) => void emit('idCard:placed', read),
    onStatus: (status) => void emit('idCard:state', status),
    locateEnv: { platform: 'linux', extraDirs: [sim.dir], env: {} },
    log: () => undefined,
    pollMs: 50,
  });
  const { registry } = recordingShellSettings(
    fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-idcard-e2e-')),
    { onIdCardReader: (r) => void service.configure(r) },
  );
  registry.register('idCard:status', () => service.status());
  registry.register('idCard:read', () => service.read());
  registry.register('idCard:locate', ({ kind }) => service.locate(kind));
  const keystore = new Map<string, string>();
  registry.register('secrets:get', ({ name }) => ({ value: keystore.get(name) ?? null }));
  registry.register('secrets:set', ({ name, value }) => {
    keystore.set(name, value);
  });
  registry.register('session:busy', () => undefined);
  await bindShell(page, registry);
  if (!viaSettings)
    await service.configure({
      kind: 'sdt',
      libraryPath: sim.sdt,
      photoPath: sim.wlt,
      autoRead,
      port: null,
    });
  return service;
}

test('a whole intake with the card read: fields filled, photo shown and kept, the read logged', async ({
  page,
}) => {
  script(card('王𠮷', ID));
  const service = await wireReader(page, false);
  await setupDesk(page);
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, '101', '低压居民新装');
  await expect(page.getByTestId('idcard-read')).toBeEnabled();
  await page.keyboard.press('F8');
  await expect(page.locator('#f-customer-name')).toHaveValue('王𠮷');
  await expect(page.locator('#f-customer-idNumber')).toHaveValue(ID);
  await expect(page.getByTestId('idcard-photo')).toBeVisible();
  // The screen shows the number masked; the photo is there to compare with the person.
  await expect(page.getByTestId('idcard-card')).toContainText('110101********451');
  await fillCustomer(page, { phone: '13812345678', address: '北京市东城区测试路1号' });
  await fillRequiredFields(page, { capacity: '7' });
  await receiveRequiredDocuments(page);
  await expect(page.getByTestId('doc-id_doc')).toContainText('idcard-photo-customer.bmp');
  const appNo = await submitAndConfirm(page);
  await page.getByRole('button', { name: '查看详情' }).click();
  await expect(page.getByTestId('detail-appno')).toHaveText(appNo);
  await expect(page.getByTestId('detail-doc-id_doc')).toContainText('idcard-photo-customer.bmp');
  // The read is in this record's access log: who, when, which card (masked).
  await page.getByTestId('access-log').getByText('访问记录').click();
  const readRow = page.locator('[data-testid="access-log-row"][data-action="read_card"]');
  await expect(readRow).toHaveCount(1);
  await expect(readRow).toContainText('王受理');
  await service.dispose();
});

test('auto-read: a card placed fills an empty form; over typed fields the form asks first', async ({
  page,
}) => {
  script('nocard');
  const service = await wireReader(page, true);
  await setupDesk(page);
  await openDesk(page, '/desk/new');
  await expect(page.getByTestId('idcard-panel')).toContainText('放卡自动读取');
  // The customer places the card before the clerk has chosen anything.
  script(`nocard\n${card('张三', ID)}`);
  await expect(page.getByTestId('idcard-card')).toContainText('张三');
  await chooseBusinessType(page, '101', '低压居民新装');
  await expect(page.locator('#f-customer-name')).toHaveValue('张三');

  // The clerk corrects the name by hand; the next card placed does not silently replace it.
  await page.locator('#f-customer-name').fill('张三丰');
  const other = residentId('310101', '19800101', '002');
  script(card('李四', other));
  const dialog = page.getByRole('dialog').filter({ hasText: '用身份证信息替换已填写的内容' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('idcard-conflicts')).toContainText('张三丰');
  await dialog.getByRole('button', { name: '保留已填写的' }).click();
  await expect(page.locator('#f-customer-name')).toHaveValue('张三丰');
  await expect(page.locator('#f-customer-idNumber')).toHaveValue(ID);
  await service.dispose();
});

test('an expired card is flagged; an unplugged reader says so and the form stays as it was', async ({
  page,
}) => {
  script(card('赵六', ID, '20260101'));
  const service = await wireReader(page, false);
  await setupDesk(page);
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, '101', '低压居民新装');
  await page.getByTestId('idcard-read').click();
  await expect(page.getByTestId('idcard-expired')).toContainText('已于 20260101 过期');
  const plug = control.func('void SIM_Plug(int port)') as unknown as (p: number) => void;
  plug(0);
  await page.locator('#f-customer-name').fill('赵六六');
  await page.getByTestId('idcard-read').click();
  await expect(page.getByText('未找到身份证读卡器，请检查读卡器连接').first()).toBeVisible();
  await expect(page.locator('#f-customer-name')).toHaveValue('赵六六');
  plug(1001);
  await service.dispose();
});

test('设置 → 身份证读卡器: the library is found in the install folders, loaded, and the desk reads with it', async ({
  page,
}) => {
  const service = await wireReader(page, false, true);
  await openDesk(page, '/settings');
  const cardEl = page.getByTestId('idcard-settings');
  await cardEl.getByText('SDT 接口（sdtapi）').click();
  await cardEl.getByRole('button', { name: '查找' }).click();
  await expect(page.locator('#idcard-lib')).toHaveValue(path.join(sim.dir, 'libsdtapi.so'));
  await expect(page.locator('#idcard-photo')).toHaveValue(path.join(sim.dir, 'libwlt.so'));
  await cardEl.getByRole('switch', { name: '放卡自动读取' }).click();
  await cardEl.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('idcard-settings-state')).toContainText('驱动已加载');
  // A library that is not there: said at once, in Chinese, and the desk keeps working.
  await page.locator('#idcard-lib').fill(path.join(sim.dir, 'missing', 'libsdtapi.so'));
  await cardEl.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('idcard-settings-state')).toContainText('找不到读卡器驱动库');
  await page.locator('#idcard-lib').fill(sim.sdt);
  await cardEl.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('idcard-settings-state')).toContainText('驱动已加载');

  script(card('钱七', ID));
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, '101', '低压居民新装');
  await page.keyboard.press('F8');
  await expect(page.locator('#f-customer-name')).toHaveValue('钱七');
  await expect(page.getByTestId('idcard-photo')).toBeVisible();
  await service.dispose();
});

test('the feedback form takes the name from the card', async ({ page }) => {
  script(card('孙八', ID));
  const service = await wireReader(page, false);
  await setupDesk(page);
  await openDesk(page, '/desk/feedback');
  await page.getByTestId('fb-idcard-read').click();
  await expect(page.locator('#fb-name')).toHaveValue('孙八');
  await service.dispose();
});

test('in a browser (no desktop program) there is no reader button and typing works as before', async ({
  page,
}) => {
  await openDesk(page, '/desk/new');
  await chooseBusinessType(page, '101', '低压居民新装');
  await expect(page.locator('#f-customer-name')).toBeVisible();
  await expect(page.getByTestId('idcard-read')).toHaveCount(0);
});
