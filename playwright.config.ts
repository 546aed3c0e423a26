// Playwright: end-to-end tests of the built renderer in Chromium (what Electron runs), and the
// Electron-shell tests, which skip with a plain message where no Electron binary exists.
import { defineConfig } from '@playwright/test';
import { chromiumExecutable, chromiumArgs } from './tests/support/browser';

const PREVIEW_PORT = Number(process.env.E2E_PORT ?? 4317);

export default defineConfig({
  testDir: 'tests',
  testMatch: ['e2e/**/*.spec.ts', 'electron/**/*.spec.ts'],
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PREVIEW_PORT}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    // The app-shell service worker would serve assets past page.route (tests that stall or
    // fail chunks): blocked, except in the test of the worker itself (desk-offline-reload).
    serviceWorkers: 'block',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: chromiumArgs,
    },
  },
  webServer: {
    command: `npx vite preview --port ${PREVIEW_PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PREVIEW_PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
