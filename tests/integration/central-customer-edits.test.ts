// The centre's customer record follows the centre's own edits, not only pushes (issue 14 §3), on
// PGlite and PostgreSQL (TEST_DATABASE_URL): a contact change made at the centre shows on the
// customer's row, a corrected ID number moves the application to the right customer (both rows
// recounted), registering a key customer or changing its account manager makes the row newer, and
// the application and customer lists carry the key customer's account manager (the badge).
import { describe, expect, it } from 'vitest';
import type { Application } from '../../shared/domain/model';
import { paths } from '../../shared/protocol';
import type { CustomerPage } from '../../shared/protocol/customers';
import { customerPaths } from '../../shared/protocol/customers';
import type { WorkbenchDetail, WorkbenchPage } from '../../shared/protocol/workbench';
import { workbenchPaths } from '../../shared/protocol/workbench';
import { staffPaths } from '../../shared/staff/directory';
import { residentId } from '../e2e/support/ids';
import { centralForSuite } from '../support/centralSuite';
import type { TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';
import { appFor, change, device, push } from '../support/serverClient';

type Err = { error?: { code: string; message: string } };

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason)
    console.warn(`[central-customer-edits] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`customer rows follow centre edits (${variant})`, () => {
    let c: TestCentral;
    let newer: Application;
    let older: Application;
    const ID = residentId('110101', '19800101', '771');
    const ID2 = residentId('110101', '19800101', '772');

    const api = async <T>(method: string, p: string, body?: unknown) =>
      call<T & Err>(c.url, method, p, {
        token: c.adminToken,
        ...(body === undefined ? {} : { body }),
      });
    const row = async (q: string) => {
      const r = await api<CustomerPage>('GET', `${customerPaths.customers}?q=${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.rows[0];
    };
    const updatedAt = async (key: string) => {
      const { rows } = await c.server.db.query<{ t: string }>(
        `SELECT to_char(updated_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS t FROM customers WHERE ckey = $1`,
        [key],
      );
      return rows[0]!.t;
    };
    /** The centre may edit an application once it is taken up: one forward move first. */
    const takeUp = async (a: Application) => {
      const d = await api<WorkbenchDetail>('GET', `${workbenchPaths.applications}/${a.id}`);
      const to = d.body.next.find((n) => n.kind === 'forward')!.state;
      const mv = await api('POST', workbenchPaths.move(a.id), { to, actor: '后台' });
      expect(mv.status, JSON.stringify(mv.body)).toBe(200);
    };
    const edit = async (a: Application, customer: Partial<Application['customer']>) => {
      const cur = await api<{ application: Application }>('GET', paths.adminApplication(a.id));
      const r = await api('PATCH', paths.adminApplication(a.id), {
        actor: '后台',
        changes: { customer: { ...cur.body.application.customer, ...customer } },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };

    centralForSuite(variant, 'customer-edits', async (central) => {
      c = central;
      await createHall(c, 'CE');
      const d = device(await enrollDevice(c, 'CE'));
      older = appFor(d, {
        acceptedAt: '2026-11-02T09:00:00+08:00',
        customer: { name: '孙悟空', idNumber: ID, phone: '13800000001', accountNo: '5500000001' },
      });
      newer = appFor(d, {
        acceptedAt: '2026-11-20T09:00:00+08:00',
        customer: { name: '孙悟空', idNumber: ID, phone: '13800000001', accountNo: '5500000001' },
      });
      const r = await push(
        c,
        d,
        [older, newer].map((a) => change(d, 'application', a)),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const s = await api('POST', staffPaths.adminStaff, {
        staffNo: 'AMCE',
        name: '钱经理',
        hallCode: 'CE',
        roles: ['account_manager'],
        phone: '13900002222',
      });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
    });

    it('a contact change at the centre shows on the customer row', async () => {
      expect(await row(ID)).toMatchObject({ phone: '13800000001', accountNos: ['5500000001'] });
      // A status move at the centre recounts the row too (same path as every centre write).
      const pushed = await updatedAt(`I:${ID}`);
      await takeUp(newer);
      expect((await updatedAt(`I:${ID}`)) > pushed).toBe(true);
      await edit(newer, { phone: '13911112222', accountNo: '5500000009' });
      expect(await row(ID)).toMatchObject({
        phone: '13911112222',
        accountNos: ['5500000001', '5500000009'],
        applications: 2,
      });
      // Found by the new 户号 too.
      expect((await row('5500000009'))?.key).toBe(`I:${ID}`);
    });

    it('a corrected ID number moves the application to the right customer', async () => {
      await takeUp(older);
      await edit(older, { idNumber: ID2, name: '孙行者' });
      expect(await row(ID2)).toMatchObject({
        name: '孙行者',
        applications: 1,
        accountNos: ['5500000001'],
      });
      expect(await row(ID)).toMatchObject({
        names: ['孙悟空'],
        applications: 1,
        accountNos: ['5500000009'],
      });
    });

    it('registering a key customer and changing its manager make the row newer', async () => {
      const key = `I:${ID}`;
      const before = await updatedAt(key);
      const put = await api('PUT', customerPaths.keyCustomer(key), {
        reasons: ['capacity'],
        managerStaffNo: 'AMCE',
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const registered = await updatedAt(key);
      expect(registered > before).toBe(true);
      expect(await row(ID)).toMatchObject({ keyCustomer: true });
      const del = await api('DELETE', customerPaths.keyCustomer(key));
      expect(del.status, JSON.stringify(del.body)).toBe(200);
      expect((await updatedAt(key)) > registered).toBe(true);
      expect(await row(ID)).toMatchObject({ keyCustomer: false });
    });

    it("serves a key customer's account manager with the lists' pages", async () => {
      const key = `I:${ID}`;
      const put = await api('PUT', customerPaths.keyCustomer(key), {
        reasons: ['capacity'],
        managerStaffNo: 'AMCE',
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const badge = { staffNo: 'AMCE', name: '钱经理', phone: '13900002222' };
      // The workbench's application list: the customer's rows carry the badge, the others null.
      const list = await api<WorkbenchPage>('GET', `${workbenchPaths.applications}?pageSize=50`);
      expect(list.status, JSON.stringify(list.body)).toBe(200);
      const byId = Object.fromEntries(list.body.rows.map((r) => [r.id, r.keyManager]));
      expect(byId).toEqual({ [newer.id]: badge, [older.id]: null });
      // Also on a search (another query shape).
      const found = await api<WorkbenchPage>('GET', `${workbenchPaths.applications}?q=${ID}`);
      expect(found.body.rows.map((r) => r.keyManager)).toEqual([badge]);
      // The customers list too.
      expect((await row(ID))?.keyManager).toEqual(badge);
      expect((await row(ID2))?.keyManager).toBeNull();
      // A customer merged into the key customer: their applications show the survivor's manager.
      const merge = await api('POST', customerPaths.merge(`I:${ID2}`), { into: key });
      expect(merge.status, JSON.stringify(merge.body)).toBe(200);
      const after = await api<WorkbenchPage>('GET', `${workbenchPaths.applications}?pageSize=50`);
      expect(after.body.rows.map((r) => r.keyManager)).toEqual([badge, badge]);
    });
  });
}
