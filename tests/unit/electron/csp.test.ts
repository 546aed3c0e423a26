// The CSP the shell sends with every app:// response, and the renderer's meta tag agreeing with
// it; plus the navigation and window-open rules.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, parseCsp } from '../../../shared/ipc/csp';
import { SECURITY_HEADERS } from '../../../electron/protocolPath';
import { decideNavigation, decideWindowOpen } from '../../../electron/navigation';
import { secureWebPreferences } from '../../../electron/webPreferences';

describe('content security policy', () => {
  it('is exactly the agreed policy', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' http: https:; media-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('never allows inline or evaluated scripts', () => {
    const p = parseCsp(CONTENT_SECURITY_POLICY);
    expect(p.get('script-src')).toBe("'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(p.get('object-src')).toBe("'none'");
  });

  it('is sent by the app protocol with nosniff', () => {
    expect(SECURITY_HEADERS['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(SECURITY_HEADERS['x-content-type-options']).toBe('nosniff');
  });

  const indexHtml = path.resolve('renderer/index.html');
  it.skipIf(!fs.existsSync(indexHtml))('matches the meta tag in renderer/index.html', () => {
    const html = fs.readFileSync(indexHtml, 'utf8');
    const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    expect(m, 'renderer/index.html has a CSP meta tag').not.toBeNull();
    expect(parseCsp(m![1]!)).toEqual(parseCsp(CONTENT_SECURITY_POLICY));
  });
});

describe('navigation and window.open', () => {
  const hosts = ['95598.cn'];
  it('allows navigation only inside app://halldesk', () => {
    expect(decideNavigation('app://halldesk/index.html#/kiosk')).toBe('allow');
    expect(decideNavigation('https://95598.cn/')).toBe('deny');
    expect(decideNavigation('file:///etc/passwd')).toBe('deny');
    expect(decideNavigation('app://other/index.html')).toBe('deny');
  });

  it('opens allow-listed http(s) links externally and denies everything else', () => {
    expect(decideWindowOpen('https://www.95598.cn/osgweb/', hosts)).toBe('external');
    expect(decideWindowOpen('http://95598.cn/', hosts)).toBe('external');
    expect(decideWindowOpen('https://95598.cn.evil.com/', hosts)).toBe('deny');
    expect(decideWindowOpen('https://evil95598.cn/', hosts)).toBe('deny');
    expect(decideWindowOpen('https://user:pw@95598.cn/', hosts)).toBe('deny');
    expect(decideWindowOpen('javascript:alert(1)', hosts)).toBe('deny');
    expect(decideWindowOpen('file:///C:/Windows/system32/calc.exe', hosts)).toBe('deny');
    expect(decideWindowOpen('app://halldesk/index.html', hosts)).toBe('deny');
  });
});

describe('window web preferences', () => {
  it('isolates, sandboxes and keeps Node out of every role window', () => {
    for (const role of ['desk', 'display', 'kiosk', 'customer'] as const) {
      expect(secureWebPreferences('/app/dist-electron/preload.cjs', role)).toMatchObject({
        preload: '/app/dist-electron/preload.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
      });
    }
    expect(secureWebPreferences('p', 'display').backgroundThrottling).toBe(false);
  });
});
