// Central endpoint: supervision per clerk and per hall for two halls (API and console), records
// without a staff number counted apart as 未记录, a hall manager limited to their own hall; the
// back office's returns (with reason codes) as the accepting clerk's errors; the drill-down to the
// records behind a figure; on PostgreSQL, the figures come from an index range scan (EXPLAIN).
import { describe, expect, it } from 'vitest';
import { workbenchPaths } from '../../shared/protocol/workbench';
import { staffPaths } from '../../shared/staff/directory';
import { centralForSuite } from '../support/centralSuite';
import type { TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';
import { appFor, change, device, push, type TestDevice } from '../support/serverClient';

for (const { variant, skipReason } of forEachDb()) {
  describe.skipIf(skipReason !== null)(`supervision at the centre (${variant})`, () => {
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

    it('counts a back-office return with its reason against the clerk, drills down to it', async () => {
      const now = new Date().toISOString();
      const app = appFor(a, { acceptedByStaffNo: 'A2', acceptedAt: now });
      expect((await push(c, a, [change(a, 'application', app)])).body.results[0]!.status).toBe(
        'applied',
      );
      const move = (body: unknown) =>
        call(c.url, 'POST', workbenchPaths.move(app.id), { token: c.adminToken, body });
      expect((await move({ to: 'construction', actor: '王五' })).status).toBe(200);
      const back = await move({ to: 'accepted', actor: '王五', reasonCode: 'missing_documents' });
      expect(back.status, JSON.stringify(back.body)).toBe(200);

      const sup = await call(c.url, 'GET', `${staffPaths.adminSupervision}?hall=SA01`, {
        token: managerToken,
      });
      const a2 = sup.body.halls[0].clerks.find((f: { staffNo: string }) => f.staffNo === 'A2');
      expect(a2).toMatchObject({ accepted: 2, returned: 1 });
      expect(a2.returnReasons).toEqual({ missing_documents: 1 });
      expect(sup.body.halls[0].hall.returnReasons).toEqual({ missing_documents: 1 });

      const recs = (q: string) =>
        call(c.url, 'GET', `${staffPaths.adminSupervisionRecords}?${q}`, { token: managerToken });
      const returned = await recs('hall=SA01&figure=returned&staff=A2');
      expect(returned.status).toBe(200);
      expect(returned.body.records.map((x: { id: string }) => x.id)).toEqual([app.id]);
      const unrecorded = await recs('hall=SA01&staff=-');
      expect(unrecorded.body.records).toHaveLength(1);
      expect(unrecorded.body.records[0].staffNo).toBeNull();
      // Keyset pages: 5 records of SA01, 2 a page, every id once.
      const seen: string[] = [];
      let after = '';
      for (let i = 0; i < 5; i++) {
        const p = await recs(
          `hall=SA01&limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`,
        );
        seen.push(...p.body.records.map((x: { id: string }) => x.id));
        if (!p.body.next) break;
        after = p.body.next;
      }
      expect(new Set(seen).size).toBe(5);
      expect((await recs('hall=SA01&figure=nonsense')).status).toBe(400);
      expect((await recs('hall=SB01')).status).toBe(403);
      const bad = await call(c.url, 'GET', `${staffPaths.adminSupervision}?from=2026-13-01`, {
        token: managerToken,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('E_BAD_REQUEST');
    });

    // Skipped in the PGlite variant: EXPLAIN plans are checked on real PostgreSQL only (PGlite's
    // planner sees tiny tables and its plans are not what a province's database runs).
    it.skipIf(variant !== 'postgres')(
      'reads a month of a hall through the covering index (EXPLAIN on PostgreSQL)',
      async () => {
        // VACUUM sets the visibility map an index-only scan needs (autovacuum does it on a centre).
        await c.server.db.query('VACUUM ANALYZE applications');
        // Without many rows the planner prefers a sequential scan: forbid it to see the plan
        // the index allows (on a real centre the range is a small part of the table).
        const plan = await c.server.db.transaction(async (tx) => {
          await tx.query('SET LOCAL enable_seqscan = off');
          await tx.query('SET LOCAL enable_bitmapscan = off');
          const r = await tx.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN SELECT hall_id, sup_staff_no, sup_business_code, count(*),
                    count(*) FILTER (WHERE sup_returned), count(*) FILTER (WHERE sup_rating = 2)
               FROM applications
              WHERE hall_id = ANY($1::int[]) AND accepted_at >= $2::timestamptz
                AND accepted_at < $3::timestamptz
              GROUP BY 1, 2, 3`,
            [[1, 2], '2026-12-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00'],
          );
          return r.rows.map((x) => x['QUERY PLAN']).join('\n');
        });
        expect(plan).toMatch(/Index Only Scan using applications_sup_hall_accepted/);
      },
    );
  });
}
