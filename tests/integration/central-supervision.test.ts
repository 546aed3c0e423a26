// Central endpoint: supervision per clerk and per hall for two halls (API and console), records
// without a staff number counted apart as 未记录, a hall manager limited to their own hall.
import { describe, expect, it } from 'vitest';
import { staffPaths } from '../../shared/staff/directory';
import { centralForSuite } from '../support/centralSuite';
import type { TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';
import { appFor, change, device, push, type TestDevice } from '../support/serverClient';

const variants = forEachDb().filter((v) => v.variant === 'pglite');
for (const { variant } of variants) {
  describe(`supervision at the centre (${variant})`, () => {
    let c: TestCentral;
    let a: TestDevice;
    let b: TestDevice;
    let managerToken = '';
    centralForSuite(variant, 'supervision', async (central) => {
      c = central;
      await createHall(c, 'SA01', '甲营业厅');
      await createHall(c, 'SB01', '乙营业厅');
      a = device(await enrollDevice(c, 'SA01'));
      b = device(await enrollDevice(c, 'SB01'));
      const mk = async (staffNo: string, name: string, hallCode: string, roles: string[]) =>
        (
          await call(c.url, 'POST', staffPaths.adminStaff, {
            token: c.adminToken,
            body: { staffNo, name, hallCode, roles },
          })
        ).body.temporaryPassword as string;
      await mk('A1', '甲一', 'SA01', ['clerk']);
      await mk('A2', '甲二', 'SA01', ['clerk']);
      await mk('B1', '乙一', 'SB01', ['clerk']);
      const pw = await mk('AM', '甲主管', 'SA01', ['hall_manager']);
      managerToken = (
        await call(c.url, 'POST', staffPaths.session, {
          body: { staffNo: 'AM', password: pw, newPassword: 'Manager2026' },
        })
      ).body.token;
    });

    it('counts per clerk and per hall, for every hall and for a manager their own', async () => {
      const now = new Date().toISOString();
      const appsA = [
        appFor(a, { acceptedByStaffNo: 'A1', acceptedAt: now, overriddenWarnings: ['W_MINOR'] }),
        appFor(a, {
          acceptedByStaffNo: 'A1',
          acceptedAt: now,
          customerRating: { level: '不满意', bad: true, reason: '等太久', at: now },
        }),
        appFor(a, { acceptedByStaffNo: 'A2', acceptedAt: now }),
        appFor(a, { acceptedAt: now }),
      ];
      const r1 = await push(
        c,
        a,
        appsA.map((x) => change(a, 'application', x)),
      );
      expect(r1.body.results.every((x) => x.status === 'applied')).toBe(true);
      const r2 = await push(c, b, [
        change(b, 'application', appFor(b, { acceptedByStaffNo: 'B1', acceptedAt: now })),
      ]);
      expect(r2.body.results[0]!.status).toBe('applied');

      const all = await call(c.url, 'GET', staffPaths.adminSupervision, { token: c.adminToken });
      expect(all.status).toBe(200);
      const [ha, hb] = all.body.halls;
      expect(ha.hallCode).toBe('SA01');
      expect(ha.hall.accepted).toBe(4);
      expect(
        ha.clerks.map((f: { staffNo: string | null; name: string; accepted: number }) => [
          f.staffNo,
          f.name,
          f.accepted,
        ]),
      ).toEqual([
        ['A1', '甲一', 2],
        ['A2', '甲二', 1],
        [null, '未记录', 1],
      ]);
      expect(ha.clerks[0]).toMatchObject({ overridden: 1, rated: 1, badRatings: 1 });
      expect(ha.clerks[0].badReasons).toEqual({ 等太久: 1 });
      expect(hb.clerks.map((f: { staffNo: string }) => f.staffNo)).toEqual(['B1']);

      const own = await call(c.url, 'GET', staffPaths.adminSupervision, { token: managerToken });
      expect(own.body.halls.map((h: { hallCode: string }) => h.hallCode)).toEqual(['SA01']);
      const other = await call(c.url, 'GET', `${staffPaths.adminSupervision}?hall=SB01`, {
        token: managerToken,
      });
      expect(other.status).toBe(403);

      // The console signs in with a POST form; the cookie holds a session id (console.ts).
      const login = await fetch(new URL('/console/login', c.url), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: c.adminToken }).toString(),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const html = await fetch(new URL('/console', c.url), { headers: { cookie } }).then((r) =>
        r.text(),
      );
      expect(html).toContain('工作监督');
      expect(html).toContain('甲一');
      expect(html).toContain('乙一');
      expect(html).toContain('等太久×1');
    });
  });
}
