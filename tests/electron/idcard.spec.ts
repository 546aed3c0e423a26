// The ID card reader in the real Electron shell: main loads the simulated SDT reader (C, compiled
// in this run) through koffi as it would a vendor's sdtapi, the desk's F8 reads the card over the
// real IPC and the form fills. Skipped, with the reason printed, where no Electron binary or no C
// compiler exists.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { buildSimulators, simulatorsUnavailable, type Simulators } from '../support/idcardSim';
import { builtShellMissing, electron, launchShell, SKIP_REASON, tempDataDir } from './electronApp';

const noSim = simulatorsUnavailable();
if (!electron.path) console.warn(`tests/electron/idcard: ${SKIP_REASON}`);
test.skip(!electron.path, SKIP_REASON);
test.skip(noSim !== null, `ID card reader simulator: ${noSim}`);
test.skip(() => Boolean(electron.path && builtShellMissing()), builtShellMissing() ?? '');

let sim: Simulators;
test.beforeAll(() => {
  sim = buildSimulators();
});
test.afterAll(() => {
  if (sim) fs.rmSync(sim.dir, { recursive: true, force: true });
});

test('F8 on the desk reads the card through main and fills the form', async () => {
  const dataDir = tempDataDir();
  fs.writeFileSync(
    path.join(dataDir, 'settings.json'),
    JSON.stringify({
      idCardReader: {
        kind: 'sdt',
        libraryPath: sim.sdt,
        photoPath: sim.wlt,
        autoRead: false,
        port: null,
      },
    }),
  );
  const app = await launchShell(['--role=desk'], dataDir, {
    HALLDESK_IDSIM_SCRIPT:
      'port 1004\ncard 王𠮷|1|01|19900307|北京市|11010519491231002X|北京市公安局|20200101|20400101',
  });
  try {
    const page = await app.firstWindow();
    await page.evaluate(() => {
      window.location.hash = '#/desk/new?business=101';
    });
    await expect(page.getByTestId('idcard-read')).toBeEnabled({ timeout: 30_000 });
    await page.keyboard.press('F8');
    await expect(page.locator('#f-customer-name')).toHaveValue('王𠮷');
    await expect(page.locator('#f-customer-idNumber')).toHaveValue('11010519491231002X');
    // The port that answered is remembered for the next start.
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8')) as {
      idCardReader: { port: number };
    };
    expect(saved.idCardReader.port).toBe(1004);
    // A kiosk window could not have asked: the desk's status carries no library path.
    const status = await page.evaluate(() => window.halldesk!.invoke('idCard:status', undefined));
    expect(JSON.stringify(status)).not.toContain('libsdtapi');
  } finally {
    await app.close();
  }
});
