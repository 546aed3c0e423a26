// Repeat complaints at the centre (issue 14 §2) on PGlite and PostgreSQL (TEST_DATABASE_URL):
// besides the same phone or 户号, an earlier complaint of the same ID number (through the
// applications the records are linked to, or the customer a 户号 belongs to) or at the same
// address within the configured window is a repeat; outside the window it is not; which matches
// count is configuration (complaints.json repeatMatch). Marked on the record by the watch and
// shown by the list and the record's page.
import { describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../shared/domain/calendar';
import { complaintsConfig } from '../../shared/domain/complaintsConfig';
import type { Application, Feedback } from '../../shared/domain/model';
import type { ComplaintDetail, ComplaintPage } from '../../shared/protocol/complaints';
import { complaintPaths } from '../../shared/protocol/complaints';
import { staffPaths } from '../../shared/staff/directory';
import { watchFeedback } from '../../server/central/complaintsWatch';
import { repeatOfSql } from '../../server/central/repeatComplaints';
import { residentId } from '../e2e/support/ids';
import { centralForSuite } from '../support/centralSuite';
import type { TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';
import { appFor, change, device, push } from '../support/serverClient';
import { makeFeedback } from '../unit/store/factory';

const TODAY = shanghaiDate();
const at = (daysAgo: number) => `${addDays(TODAY, -daysAgo)}T09:00:00+08:00`;

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason)
    console.warn(`[central-repeat-complaints] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`repeat complaints (${variant})`, () => {
    let c: TestCentral;
    const X = residentId('110101', '19800101', '311');
    const Y = residentId('110101', '19800101', '312');
    const Z = residentId('110101', '19800101', '313');
    const ADDRESS = '南京市玄武区中山路100号';
    const fb: Record<string, Feedback> = {};
    const apps: Record<string, Application> = {};

    const record = async (id: string) =>
      (
        await c.server.db.query<{ record: Feedback }>('SELECT record FROM feedback WHERE id = $1', [
          id,
        ])
      ).rows[0]!.record;
    /** The repeat look-up of one record under another configuration. */
    const repeatUnder = async (id: string, repeatMatch: typeof complaintsConfig.repeatMatch) =>
      (
        await c.server.db.query<{ r: string | null }>(
          `SELECT ${repeatOfSql('$2', { repeatMatch })} AS r FROM feedback f WHERE f.id = $1`,
          [id, complaintsConfig.repeatWindowDays],
        )
      ).rows[0]!.r;

    centralForSuite(variant, 'repeat-complaints', async (central) => {
      c = central;
      await createHall(c, 'RA');
      const d = device(await enrollDevice(c, 'RA'));
      const s = await call(c.url, 'POST', staffPaths.adminStaff, {
        token: c.adminToken,
        body: { staffNo: 'RH1', name: '处理人', hallCode: 'RA', roles: ['complaint_handler'] },
      });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      const app = (name: string, idNumber: string, address: string, accountNo: string) =>
        appFor(d, { customer: { name, idNumber, phone: '13700000000', accountNo }, address });
      apps.x1 = app('甲', X, ADDRESS, '6600000001');
      apps.x2 = app('甲', X, '南京市鼓楼区北京西路1号', '6600000002');
      apps.y = app('乙', Y, `  ${ADDRESS} `, '6600000003');
      apps.z = app('丙', Z, '南京市秦淮区夫子庙9号', '6600000004');
      const r1 = await push(
        c,
        d,
        Object.values(apps).map((a) => change(d, 'application', a)),
      );
      expect(r1.status, JSON.stringify(r1.body)).toBe(200);
      const f = (no: string, daysAgo: number, o: Partial<Feedback>) =>
        makeFeedback({
          hallCode: 'RA',
          feedbackNo: `RA-FB-${no}`,
          phone: `139000000${no.slice(-2)}`,
          acceptedAt: at(daysAgo),
          ...o,
        });
      // Every phone differs and no record gives the 户号 of another: only ID and address link them.
      fb.old = f('0001', 60, { applicationNo: apps.x1.appNo }); // outside the 30 days
      fb.first = f('0002', 20, { applicationNo: apps.x1.appNo });
      fb.sameId = f('0003', 15, { applicationNo: apps.x2.appNo }); // customer X again
      fb.sameAddress = f('0004', 10, { applicationNo: apps.y.appNo }); // Y, at x1's address
      fb.byAccount = f('0005', 5, { accountNo: '6600000002' }); // X's 户号, no link
      fb.other = f('0006', 3, { applicationNo: apps.z.appNo });
      fb.opinion = f('0007', 2, { kind: 'opinion', applicationNo: apps.x1.appNo });
      const r2 = await push(
        c,
        d,
        Object.values(fb).map((x) => change(d, 'feedback', x)),
      );
      expect(r2.status, JSON.stringify(r2.body)).toBe(200);
      expect(
        r2.body.results.every((x) => x.status === 'applied'),
        JSON.stringify(r2.body),
      ).toBe(true);
      await watchFeedback(c.server.db);
    });

    it('marks repeats by ID number and by address within the window', async () => {
      const marked = async (k: string) => (await record(fb[k]!.id)).repeatOf ?? null;
      expect(await marked('old')).toBeNull();
      expect(await marked('first')).toBeNull(); // the old one is 40 days earlier
      expect(await marked('sameId')).toBe('RA-FB-0002');
      expect(await marked('sameAddress')).toBe('RA-FB-0002');
      expect(await marked('byAccount')).toBe('RA-FB-0003');
      expect(await marked('other')).toBeNull();
      expect(await marked('opinion')).toBeNull();
    });

    it('shows them in the list and on the record', async () => {
      const r = await call<ComplaintPage>(c.url, 'GET', `${complaintPaths.list}?pageSize=50`, {
        token: c.adminToken,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const of = Object.fromEntries(r.body.rows.map((x) => [x.feedbackNo, x.repeatOf]));
      expect(of).toEqual({
        'RA-FB-0001': null,
        'RA-FB-0002': null,
        'RA-FB-0003': 'RA-FB-0002',
        'RA-FB-0004': 'RA-FB-0002',
        'RA-FB-0005': 'RA-FB-0003',
        'RA-FB-0006': null,
        'RA-FB-0007': null,
      });
      const d = await call<ComplaintDetail>(c.url, 'GET', complaintPaths.one(fb.sameAddress!.id), {
        token: c.adminToken,
      });
      expect(d.status, JSON.stringify(d.body)).toBe(200);
      expect(d.body.repeatOf).toBe('RA-FB-0002');
    });

    it('counts only the matches the configuration lists', async () => {
      expect(await repeatUnder(fb.sameId!.id, ['phone', 'accountNo'])).toBeNull();
      expect(await repeatUnder(fb.sameId!.id, ['idNumber'])).toBe('RA-FB-0002');
      expect(await repeatUnder(fb.sameAddress!.id, ['phone', 'idNumber'])).toBeNull();
      expect(await repeatUnder(fb.sameAddress!.id, ['address'])).toBe('RA-FB-0002');
      expect(await repeatUnder(fb.byAccount!.id, ['address'])).toBeNull();
      expect(await repeatUnder(fb.byAccount!.id, [])).toBeNull();
    });

    // Skipped in the PGlite variant: EXPLAIN plans are checked on real PostgreSQL only.
    it.skipIf(variant !== 'postgres')(
      'EXPLAIN: the look-up reads indexes, not the whole feedback table',
      async () => {
        await c.server.db.query(
          `INSERT INTO feedback (id, hall_id, record)
           SELECT gen_random_uuid(), h.id,
                  jsonb_build_object('id', gen_random_uuid(), 'feedbackNo', 'RA-FB-X' || g,
                    'kind', 'complaint', 'status', 'open', 'phone', '135' || lpad(g::text, 8, '0'),
                    'accountNo', '77' || lpad(g::text, 8, '0'),
                    'applicationNo', 'RA-X-' || g,
                    'acceptedAt', to_char(now() - (g || ' minutes')::interval,
                                          'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'))
             FROM generate_series(1, 20000) g, halls h WHERE h.code = 'RA'`,
        );
        await c.server.db.query('ANALYZE feedback');
        await c.server.db.query('ANALYZE applications');
        const { rows } = await c.server.db.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT ${repeatOfSql('$2', complaintsConfig)} FROM feedback f WHERE f.id = $1`,
          [fb.byAccount!.id, complaintsConfig.repeatWindowDays],
        );
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        expect(plan).toContain('feedback_c_application');
        expect(plan).toContain('feedback_c_phone');
        expect(plan).toContain('feedback_c_account');
        expect(plan).not.toMatch(/Seq Scan on feedback/);
      },
    );
  });
}
