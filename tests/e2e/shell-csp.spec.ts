// The built renderer under the shell's rules, in Chromium (what Electron runs): index.html
// carries the agreed CSP, the app:// protocol's path logic and security headers serve it (here
// over a local HTTP server on port 0 that uses the same modules), the app still starts under
// that policy, inline and evaluated scripts are refused, and no Node global reaches the page.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { mimeType, resolveAppPath, SECURITY_HEADERS } from '../../electron/protocolPath';
import { CONTENT_SECURITY_POLICY, parseCsp } from '../../shared/ipc/csp';

const rendererDir = path.resolve(process.env.RENDERER_OUT ?? 'dist/renderer');
let server: http.Server;
let origin = '';

test.beforeAll(async () => {
  test.setTimeout(180_000);
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    execSync('npm run build:renderer', { stdio: 'inherit' });
  }
  server = http.createServer((req, res) => {
    // The same mapping and headers as main's protocol.handle('app', …).
    const r = resolveAppPath(rendererDir, `app://halldesk${req.url ?? '/'}`, {
      realpath: fs.realpathSync,
    });
    if (!r.ok) {
      res.writeHead(r.status, SECURITY_HEADERS).end();
      return;
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': mimeType(r.filePath) });
    res.end(fs.readFileSync(r.filePath));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('the built index.html carries exactly the shell CSP', () => {
  const html = fs.readFileSync(path.join(rendererDir, 'index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  expect(meta, 'CSP meta tag in dist/renderer/index.html').not.toBeNull();
  expect(parseCsp(meta![1]!)).toEqual(parseCsp(CONTENT_SECURITY_POLICY));
  // The built page must not need inline scripts (the CSP would block them).
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
});

test('the app starts under the CSP with no Node global, and inline scripts are refused', async ({
  page,
}) => {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  const response = await page.goto(`${origin}/index.html#/desk/new`);
  expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(response?.headers()['x-content-type-options']).toBe('nosniff');
  // The React app rendered something: its scripts were allowed by 'self'.
  await expect(page.locator('#root > *').first()).toBeVisible();

  const globals = await page.evaluate(() => ({
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
    module: typeof (globalThis as Record<string, unknown>).module,
    Buffer: typeof (globalThis as Record<string, unknown>).Buffer,
    halldesk: typeof (globalThis as Record<string, unknown>).halldesk,
  }));
  expect(globals).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    Buffer: 'undefined',
    halldesk: 'undefined',
  });

  // (eval is not probed here: DevTools-evaluated code is exempt from the page's CSP; the policy
  // text itself, checked above and in the unit test, carries no 'unsafe-eval'.)
  const inlineRan = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.appendChild(s);
    await new Promise((r) => setTimeout(r, 50));
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(inlineRan).toBe(false);
  await expect.poll(() => violations.length).toBeGreaterThan(0);
});

test('paths outside the build are refused by the protocol logic', async ({ request }) => {
  for (const p of [
    '/..%2f..%2fpackage.json',
    '/..%5cpackage.json',
    '/%2e%2e/%2e%2e/package.json',
  ]) {
    const res = await request.get(`${origin}${p}`);
    expect([403, 404], p).toContain(res.status());
    expect(res.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  }
});
