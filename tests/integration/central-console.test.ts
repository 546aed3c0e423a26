// Central endpoint: the administrator's console (sign-in form, halls, devices, deadlines,
// errors, enrollment codes) and the back-office command line, against a running server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../server/central/cli';
import { allowedTransitions, pathOf } from '../../shared/domain/workflow';
import { paths } from '../../shared/protocol';
import { appFor, change, device, push } from '../support/serverClient';
import type { TestDevice } from '../support/serverClient';
import type { TestCentral } from '../support/server';
import { centralForSuite } from '../support/centralSuite';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason) console.warn(`[central-console] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`central console and back-office CLI (${variant})`, () => {
    let c: TestCentral;
    let dev: TestDevice;

    centralForSuite(variant, 'console', async (central) => {
      c = central;
      await createHall(c, 'GZ01', '广州天河营业厅');
      dev = device(await enrollDevice(c, 'GZ01', '一号窗口'));
    });

    const get = (p: string, cookie?: string) =>
      fetch(new URL(p, c.url), { redirect: 'manual', headers: cookie ? { cookie } : {} });
    const form = (p: string, fields: Record<string, string>, cookie?: string) =>
      fetch(new URL(p, c.url), {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(cookie ? { cookie } : {}),
        },
        body: new URLSearchParams(fields).toString(),
      });

    it('asks for the admin token, then shows halls, devices, deadlines, errors and codes', async () => {
      const overdue = appFor(dev, { deadline: '2026-01-05' });
      await push(c, dev, [
        change(dev, 'application', overdue),
        change(dev, 'application', { ...appFor(dev), address: '' }),
      ]);

      const anon = await get('/console');
      expect(anon.status).toBe(200);
      const loginHtml = await anon.text();
      expect(loginHtml).toContain('管理员令牌');
      expect(loginHtml).not.toContain('广州天河营业厅');
      expect(anon.headers.get('content-security-policy')).toContain("default-src 'none'");

      const wrong = await form('/console/login', { token: 'wrong-token-wrong-token' });
      expect(wrong.status).toBe(401);
      const login = await form('/console/login', { token: c.adminToken });
      expect(login.status).toBe(303);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      expect(login.headers.get('set-cookie')).toContain('HttpOnly');

      const page = await get('/console', cookie);
      const html = await page.text();
      expect(page.status).toBe(200);
      for (const text of [
        '广州天河营业厅',
        '一号窗口',
        overdue.appNo,
        '超期与临期',
        'E_VALIDATION',
        '登记码',
        '节假日日历',
        '个人信息访问记录',
      ]) {
        expect(html).toContain(text);
      }
      // No inline script or style (CSP forbids them), no external content.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc="\/console\/)/);
      expect(html).not.toMatch(/\sstyle=/);
      expect(html).not.toMatch(/(src|href)="https?:/);
      expect((await get('/console/console.css')).status).toBe(200);
      expect((await get('/console/console.js')).status).toBe(200);

      // Create an enrollment code from the page and use it.
      const created = await form(
        '/console/codes',
        { hall: 'GZ01', hours: '2', note: '二号窗口' },
        cookie,
      );
      const createdHtml = await created.text();
      const code = /class="code">([A-Z0-9-]+)</.exec(createdHtml)?.[1];
      expect(code).toBeTruthy();
      const enrolled = await call(c.url, 'POST', paths.enroll, {
        body: { code, deviceName: '二号窗口' },
      });
      expect(enrolled.status).toBe(200);
      // Without the cookie, actions are refused.
      const anonAction = await form('/console/codes', { hall: 'GZ01', hours: '2' });
      expect(anonAction.status).toBe(401);

      // A ?token= link signs no one in: a secret is never accepted in a URL.
      const link = await get(`/console?token=${encodeURIComponent(c.adminToken)}`);
      expect(link.status).toBe(400);
      expect(link.headers.get('set-cookie')).toBeNull();
    });

    it('the CLI moves an application by its number and lists, creates and revokes', async () => {
      const lines: string[] = [];
      const env = { url: c.url, token: c.adminToken };
      const run = async (...argv: string[]) => {
        lines.length = 0;
        await runCli(argv, env, (l) => lines.push(l));
        return lines.join('\n');
      };
      const app = appFor(dev);
      await push(c, dev, [change(dev, 'application', app)]);
      const to = allowedTransitions(pathOf(app), 'accepted')[0]!;

      expect(
        await run('transition', app.appNo, to, '--actor', '张三', '--note', '已派工'),
      ).toContain(app.appNo);
      const pulled = await call(c.url, 'GET', paths.application(app.id), { token: dev.token });
      expect(pulled.body.application.status).toBe(to);
      expect(pulled.body.application.history.at(-1)).toMatchObject({
        actor: '张三',
        note: '已派工',
      });
      await expect(run('transition', app.appNo, 'accepted', '--actor', '张三')).rejects.toThrow(
        /E_INVALID_TRANSITION/,
      );
      await expect(run('transition', app.appNo, to)).rejects.toThrow(/--actor/);

      expect(await run('halls', 'create', 'SZ02', '深圳南山营业厅')).toContain('SZ02');
      expect(await run('halls', 'list')).toContain('深圳南山营业厅');
      const codeLine = await run('codes', 'create', 'SZ02', '--hours', '1');
      // The code carries the hall and the desk it was made for (readable offline).
      expect(codeLine).toMatch(
        /登记码 \(enrollment code\): SZ02-D\d{2}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9] /,
      );
      expect(codeLine).toMatch(/受理台 D\d{2}/);
      expect(await run('apps', 'list', '--overdue')).toContain('超期');

      const d = device(await enrollDevice(c, 'SZ02', '待吊销'));
      expect(await run('devices', 'list', '--hall', 'SZ02')).toContain(d.deviceId);
      expect(await run('devices', 'revoke', d.deviceId)).toContain('已吊销');
      const refused = await call(c.url, 'GET', paths.device, { token: d.token });
      expect(refused.status).toBe(401);

      const file = path.join(os.tmpdir(), `cal-2027-${process.pid}.json`);
      fs.writeFileSync(
        file,
        JSON.stringify({
          holidays: [
            { name: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-01' },
          ],
        }),
      );
      try {
        expect(await run('calendar', 'load-year', '2027', file)).toContain('2027');
      } finally {
        fs.rmSync(file, { force: true });
      }
      await expect(runCli(['bogus'], env, () => undefined)).rejects.toThrow(/用法/);
      await expect(
        runCli(['halls', 'list'], { url: c.url, token: 'bad-token-bad-token' }, () => undefined),
      ).rejects.toThrow(/E_AUTH/);
    });
  });
}
