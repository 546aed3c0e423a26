// The Electron shell end to end, one block per role (desk, hall display, ticket kiosk, customer
// screen): the built app is launched with `--role=…`, and each window is checked for its route,
// its locked-down web preferences, the one preload object, IPC validation in main, the CSP
// header and path refusal of the app:// protocol, and denied window.open / navigation.
// Skipped, with the reason printed, where no Electron binary exists.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { appUrl, ROLE_ROUTES } from '../../electron/roles';
import type { Role } from '../../shared/ipc/contract';
import { CONTENT_SECURITY_POLICY } from '../../shared/ipc/csp';
import {
  builtShellMissing,
  electron,
  launchShell,
  root,
  SKIP_REASON,
  tempDataDir,
} from './electronApp';

// Say it in the run's output too: the list reporter does not print skip reasons.
if (!electron.path) console.warn(`tests/electron: ${SKIP_REASON}`);
test.skip(!electron.path, SKIP_REASON);
test.skip(() => Boolean(electron.path && builtShellMissing()), builtShellMissing() ?? '');

async function windowFor(app: ElectronApplication, role: Role): Promise<Page> {
  const route = ROLE_ROUTES[role];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const page = app.windows().find((w) => w.url().endsWith(route));
    if (page) {
      await page.waitForLoadState('domcontentloaded');
      return page;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `no ${role} window (open: ${app
      .windows()
      .map((w) => w.url())
      .join(', ')})`,
  );
}

async function windowState(app: ElectronApplication, url: string) {
  return app.evaluate(({ BrowserWindow }, u) => {
    const w = BrowserWindow.getAllWindows().find((x) => x.webContents.getURL() === u);
    if (!w) return null;
    return { kiosk: w.isKiosk(), fullScreen: w.isFullScreen(), bounds: w.getBounds() };
  }, url);
}

/** The checks every role's window must pass. */
async function checkLockedDown(app: ElectronApplication, page: Page, role: Role): Promise<void> {
  expect(page.url()).toBe(appUrl(role, 'http://127.0.0.1:8700'));
  // Electron cannot report a window's web preferences back (a unit test pins them in
  // webPreferences.ts); here their effects are checked from the page.

  const seen = await page.evaluate(() => ({
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
    module: typeof (globalThis as Record<string, unknown>).module,
    ipcRenderer: typeof (globalThis as Record<string, unknown>).ipcRenderer,
    halldeskKeys: Object.keys(window.halldesk ?? {}).sort(),
    // contextBridge hands the page a frozen copy: only possible with context isolation.
    frozen: Object.isFrozen(window.halldesk),
  }));
  expect(seen).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    ipcRenderer: 'undefined',
    halldeskKeys: ['invoke', 'on', 'version'],
    frozen: true,
  });

  const info = await page.evaluate(() => window.halldesk!.invoke('app:info', undefined));
  expect(info.ok && info.value.role).toBe(role);

  // Main validates every argument before any handler runs.
  const bad = await page.evaluate(() =>
    window.halldesk!.invoke('secrets:get', { name: '../../etc/passwd' } as never),
  );
  expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
  const unknown = await page.evaluate(() =>
    window.halldesk!.invoke('fs:read' as never, undefined as never),
  );
  expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_handler' } });

  // The app:// protocol: CSP on every response, nothing outside the build.
  const served = await page.evaluate(async () => {
    const ok = await fetch('app://halldesk/index.html');
    const out = await fetch('app://halldesk/..%2f..%2fpackage.json');
    return { csp: ok.headers.get('content-security-policy'), outStatus: out.status };
  });
  expect(served.csp).toBe(CONTENT_SECURITY_POLICY);
  expect(served.outStatus).toBe(403);

  // window.open and navigation away are denied; the page stays where it is.
  const before = app.windows().length;
  const opened = await page.evaluate(() => window.open('https://example.com/') === null);
  expect(opened).toBe(true);
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(appUrl(role, 'http://127.0.0.1:8700'));
  expect(app.windows().length).toBe(before);
}

test.describe('desk', () => {
  test('opens the desk, locked down, and remembers its window bounds and settings', async () => {
    const dataDir = tempDataDir();
    let app = await launchShell(['--role=desk'], dataDir);
    try {
      const page = await windowFor(app, 'desk');
      await checkLockedDown(app, page, 'desk');
      const state = await windowState(app, page.url());
      expect(state).toMatchObject({ kiosk: false, fullScreen: false });

      const saved = await page.evaluate(() =>
        window.halldesk!.invoke('settings:set', {
          printers: { receipt: 'HP', ticket: null, ticketWidthMm: 58 },
        }),
      );
      expect(saved.ok).toBe(true);
      await app.evaluate(({ BrowserWindow }) => {
        BrowserWindow.getAllWindows()[0]!.setBounds({ x: 40, y: 30, width: 1100, height: 720 });
      });
      await page.waitForTimeout(800);
    } finally {
      await app.close();
    }
    const remembered = JSON.parse(
      fs.readFileSync(path.join(dataDir, 'window-state.json'), 'utf8'),
    ) as {
      desk: { bounds: { width: number; height: number } };
    };
    expect(remembered.desk.bounds).toMatchObject({ width: 1100, height: 720 });

    app = await launchShell([], dataDir);
    try {
      const page = await windowFor(app, 'desk');
      const state = await windowState(app, page.url());
      expect(state?.bounds).toMatchObject({ width: 1100, height: 720 });
      const view = await page.evaluate(() => window.halldesk!.invoke('settings:get', undefined));
      expect(view.ok && view.value.settings.printers).toEqual({
        receipt: 'HP',
        ticket: null,
        ticketWidthMm: 58,
      });
      expect(view.ok && view.value.dataDir).toBe(dataDir);
    } finally {
      await app.close();
    }
  });

  test('a second instance on the same data folder exits and leaves the first running', async () => {
    const dataDir = tempDataDir();
    const app = await launchShell(['--role=desk'], dataDir);
    try {
      await windowFor(app, 'desk');
      const extra = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
      const second = spawnSync(
        electron.path!,
        [...extra, path.join(root, 'dist-electron', 'main.cjs')],
        {
          env: { ...process.env, HALLDESK_DATA_DIR: dataDir },
          timeout: 30_000,
        },
      );
      expect(second.status).toBe(0);
      expect(app.windows().length).toBeGreaterThanOrEqual(1);
    } finally {
      await app.close();
    }
  });

  test('relays the desk to its customer-facing screen and back', async () => {
    const dataDir = tempDataDir();
    fs.writeFileSync(
      path.join(dataDir, 'settings.json'),
      JSON.stringify({ role: 'desk', customerScreen: { enabled: true, monitor: 2 } }),
    );
    const app = await launchShell([], dataDir);
    try {
      const desk = await windowFor(app, 'desk');
      const customer = await windowFor(app, 'customer');
      await customer.evaluate(() => {
        window.halldesk!.on('customer:view', (v) => {
          (window as unknown as { __view?: unknown }).__view = v;
        });
      });
      await desk.evaluate(() => {
        window.halldesk!.on('customer:response', (r) => {
          (window as unknown as { __response?: unknown }).__response = r;
        });
      });
      const shown = await desk.evaluate(() =>
        window.halldesk!.invoke('customer:show', {
          stage: 'confirm',
          title: '低压居民新装',
          rows: [{ label: '户名', value: '张*' }],
        }),
      );
      expect(shown).toEqual({ ok: true, value: { delivered: true } });
      await expect
        .poll(() =>
          customer.evaluate(
            () => (window as unknown as { __view?: { title?: string } }).__view?.title,
          ),
        )
        .toBe('低压居民新装');
      await customer.evaluate(() =>
        window.halldesk!.invoke('customer:respond', { kind: 'rated', rating: '满意' }),
      );
      await expect
        .poll(() =>
          desk.evaluate(
            () => (window as unknown as { __response?: { rating?: string } }).__response?.rating,
          ),
        )
        .toBe('满意');
    } finally {
      await app.close();
    }
  });
});

test.describe('hall display', () => {
  test('runs full screen as a kiosk, locked down', async () => {
    const app = await launchShell(['--role=display', '--display=1'], tempDataDir());
    try {
      const page = await windowFor(app, 'display');
      await checkLockedDown(app, page, 'display');
      expect(await windowState(app, page.url())).toMatchObject({ kiosk: true });
    } finally {
      await app.close();
    }
  });
});

test.describe('settings in the shell', () => {
  test('switching the role in settings swaps the windows; the display finds the hall service at the configured address', async () => {
    const dataDir = tempDataDir();
    const app = await launchShell([], dataDir);
    try {
      const desk = await windowFor(app, 'desk');
      const saved = await desk.evaluate(() =>
        window.halldesk!.invoke('settings:set', {
          hallServiceUrl: 'http://192.168.1.20:8700',
          role: 'display',
          displayMonitor: 1,
        }),
      );
      expect(saved).toMatchObject({ ok: true, value: { activeRole: 'display' } });
      const display = await windowFor(app, 'display');
      expect(new URL(display.url()).searchParams.get('hallUrl')).toBe('http://192.168.1.20:8700');
      await expect
        .poll(() => app.windows().filter((w) => w.url().endsWith(ROLE_ROUTES.desk)).length)
        .toBe(0);
      expect(
        JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8')),
      ).toMatchObject({
        role: 'display',
        hallServiceUrl: 'http://192.168.1.20:8700',
      });
    } finally {
      await app.close();
    }
  });
});

test.describe('ticket kiosk', () => {
  test('runs as a kiosk and validates ticket print jobs in main', async () => {
    const app = await launchShell(['--role=kiosk'], tempDataDir());
    try {
      const page = await windowFor(app, 'kiosk');
      await checkLockedDown(app, page, 'kiosk');
      expect(await windowState(app, page.url())).toMatchObject({ kiosk: true });
      const bad = await page.evaluate(() =>
        window.halldesk!.invoke('print:ticket', { ticketNo: '', waitingAhead: -1 } as never),
      );
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    } finally {
      await app.close();
    }
  });
});

test.describe('customer screen', () => {
  test('runs full screen and stores a signature with the hash of what was signed', async () => {
    const dataDir = tempDataDir();
    const app = await launchShell(['--role=customer'], dataDir);
    try {
      const page = await windowFor(app, 'customer');
      await checkLockedDown(app, page, 'customer');
      expect(await windowState(app, page.url())).toMatchObject({ fullScreen: true, kiosk: false });
      const result = await page.evaluate(async () => {
        const canvas = document.createElement('canvas');
        canvas.width = 200;
        canvas.height = 80;
        const ctx = canvas.getContext('2d')!;
        ctx.moveTo(10, 40);
        ctx.lineTo(190, 50);
        ctx.stroke();
        const document_ = { title: '低压居民新装', rows: [{ label: '户名', value: '张*' }] };
        const saved = await window.halldesk!.invoke('signature:save', {
          applicationId: '3f1c1b8e-8d63-4d55-9f4e-2d9a3c1e7b21',
          document: document_,
          pngDataUrl: canvas.toDataURL('image/png'),
        });
        if (!saved.ok) return { saved };
        const same = await window.halldesk!.invoke('signature:verify', {
          id: saved.value.id,
          currentDocument: document_,
        });
        const changed = await window.halldesk!.invoke('signature:verify', {
          id: saved.value.id,
          currentDocument: { ...document_, title: '高压新装' },
        });
        return { saved, same, changed };
      });
      expect(result.saved.ok).toBe(true);
      expect(result.same).toMatchObject({ ok: true, value: { valid: true } });
      expect(result.changed).toMatchObject({
        ok: true,
        value: { valid: false, matchesCurrentDocument: false },
      });
      expect(fs.readdirSync(path.join(dataDir, 'signatures')).length).toBe(2);
    } finally {
      await app.close();
    }
  });
});
