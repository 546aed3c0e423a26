// The workbench signed in by staff and its document scans, against a real endpoint (PGlite, and
// PostgreSQL when TEST_DATABASE_URL is set): a back-office clerk reads and moves (the move is
// theirs), a hall manager sees their own hall only and cannot move, a counter clerk is refused;
// an application's scans are listed, fetched on demand, and each view is in the access log
// (who, when, which) — the admin token stays valid throughout.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Application } from '../../shared/domain/model';
import { paths } from '../../shared/protocol';
import type {
  DocumentView,
  WorkbenchDetail,
  WorkbenchDocument,
  WorkbenchMe,
  WorkbenchPage,
} from '../../shared/protocol/workbench';
import { workbenchPaths } from '../../shared/protocol/workbench';
import { staffPaths } from '../../shared/staff/directory';
import { makeAttachmentMeta } from '../unit/domain/factories';
import { centralForSuite } from '../support/centralSuite';
import type { TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';
import type { TestDevice } from '../support/serverClient';
import { appFor, change, device, push } from '../support/serverClient';

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason)
    console.warn(`[central-workbench-access] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`workbench staff and documents (${variant})`, () => {
    let c: TestCentral;
    let da: TestDevice;
    let appA: Application;
    let appB: Application;
    const bytes = crypto.randomBytes(5000);
    const sha = crypto.createHash('sha256').update(bytes).digest('hex');
    let attId = '';
    const tokens: Record<string, string> = {};

    const as = <T>(token: string, method: string, p: string, body?: unknown) =>
      call<T & { error?: { code: string; message: string } }>(c.url, method, p, {
        token,
        ...(body === undefined ? {} : { body }),
      });

    async function signIn(staffNo: string, hallCode: string, roles: string[]): Promise<string> {
      const m = await as<{ temporaryPassword: string }>(
        c.adminToken,
        'POST',
        staffPaths.adminStaff,
        { staffNo, name: `员工${staffNo}`, hallCode, roles },
      );
      expect(m.status, JSON.stringify(m.body)).toBe(201);
      const s = await call<{ token: string }>(c.url, 'POST', staffPaths.session, {
        body: { staffNo, password: m.body.temporaryPassword, newPassword: 'Workbench-2026x' },
      });
      expect(s.status, JSON.stringify(s.body)).toBe(200);
      return s.body.token;
    }

    centralForSuite(variant, 'wbaccess', async (central) => {
      c = central;
      await createHall(c, 'XA');
      await createHall(c, 'XB');
      da = device(await enrollDevice(c, 'XA'));
      const db = device(await enrollDevice(c, 'XB'));
      appA = appFor(da, { customer: { name: '甲客户', phone: '13900000001' } });
      appB = appFor(db, { customer: { name: '乙客户', phone: '13900000002' } });
      const meta = makeAttachmentMeta({
        applicationId: appA.id,
        sha256: sha,
        size: bytes.length,
        mimeType: 'image/png',
        fileName: '身份证正面.png',
      });
      attId = meta.id;
      expect(
        (await push(c, da, [change(da, 'application', appA), change(da, 'attachment', meta)]))
          .status,
      ).toBe(200);
      expect((await push(c, db, [change(db, 'application', appB)])).status).toBe(200);
      const up = await call(
        c.url,
        'PUT',
        `${paths.attachment(sha)}?offset=0&size=${bytes.length}`,
        {
          token: da.token,
          rawBody: new Uint8Array(bytes),
          headers: { 'content-type': 'application/octet-stream' },
        },
      );
      expect(up.status, JSON.stringify(up.body)).toBe(200);
      tokens.back = await signIn('BO01', 'XA', ['back_office']);
      tokens.manager = await signIn('HM01', 'XA', ['hall_manager']);
      tokens.clerk = await signIn('CK01', 'XA', ['clerk']);
    });

    it('gates the workbench by role; a hall manager sees their own hall only', async () => {
      const me = await as<WorkbenchMe>(tokens.back!, 'GET', workbenchPaths.me);
      expect(me.body).toMatchObject({
        kind: 'staff',
        staffNo: 'BO01',
        can: { move: true, documents: true, allHalls: true },
        timeZone: 'Asia/Shanghai',
      });
      const all = await as<WorkbenchPage>(tokens.back!, 'GET', workbenchPaths.applications);
      expect(all.body.total).toBe(2);

      const mine = await as<WorkbenchPage>(
        tokens.manager!,
        'GET',
        `${workbenchPaths.applications}?hall=XB`,
      );
      expect(mine.status).toBe(200);
      expect(mine.body.rows.map((r) => r.id)).toEqual([]);
      const own = await as<WorkbenchPage>(tokens.manager!, 'GET', workbenchPaths.applications);
      expect(own.body.rows.map((r) => r.id)).toEqual([appA.id]);
      const other = await as(tokens.manager!, 'GET', workbenchPaths.application(appB.id));
      expect(other.status).toBe(403);
      expect(other.body.error?.code).toBe('E_STAFF_HALL');
      const noMove = await as(tokens.manager!, 'POST', workbenchPaths.move(appA.id), {
        to: 'construction',
        actor: 'x',
      });
      expect(noMove.status).toBe(403);
      expect(noMove.body.error?.code).toBe('E_STAFF_ROLE');

      const clerk = await as(tokens.clerk!, 'GET', workbenchPaths.applications);
      expect(clerk.status).toBe(403);
      expect(clerk.body.error?.message).toContain('需要角色');
      const admin = await as<WorkbenchMe>(c.adminToken, 'GET', workbenchPaths.me);
      expect(admin.body).toMatchObject({ kind: 'admin', can: { move: true } });
    });

    it("records a staff member's move under their own name", async () => {
      const r = await as<WorkbenchDetail>(tokens.back!, 'POST', workbenchPaths.move(appA.id), {
        to: 'construction',
        actor: '别人',
        note: '派工',
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.application.history.at(-1)).toMatchObject({
        to: 'construction',
        actor: '员工BO01 (BO01)',
      });
    });

    it('lists scans, serves one on demand and logs each view (who, when, which)', async () => {
      const list = await as<{ documents: WorkbenchDocument[]; views: DocumentView[] }>(
        tokens.back!,
        'GET',
        workbenchPaths.documents(appA.id),
      );
      expect(list.status).toBe(200);
      expect(list.body.documents).toEqual([
        expect.objectContaining({
          id: attId,
          fileName: '身份证正面.png',
          complete: true,
          sha256: sha,
        }),
      ]);
      expect(list.body.views).toEqual([]);

      const before = Date.now();
      const got = await fetch(new URL(workbenchPaths.document(appA.id, attId), c.url), {
        headers: { authorization: `Bearer ${tokens.back!}` },
      });
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
      await fetch(new URL(workbenchPaths.document(appA.id, attId), c.url), {
        headers: { authorization: `Bearer ${c.adminToken}` },
      });

      const views = await as<{ views: DocumentView[] }>(
        c.adminToken,
        'GET',
        `${workbenchPaths.documentViews}?application=${appA.id}`,
      );
      expect(views.body.views.map((v) => [v.viewer, v.viewerName, v.attachmentId])).toEqual([
        ['admin', null, attId],
        ['BO01', '员工BO01', attId],
      ]);
      expect(Date.parse(views.body.views[1]!.viewedAt)).toBeGreaterThanOrEqual(before - 5000);
      expect(views.body.views[0]).toMatchObject({ appNo: appA.appNo, fileName: '身份证正面.png' });

      // A counter clerk is not a workbench user: no bytes, and nothing logged.
      const denied = await as(tokens.clerk!, 'GET', workbenchPaths.document(appA.id, attId));
      expect(denied.status).toBe(403);
      const missing = await as(
        tokens.back!,
        'GET',
        workbenchPaths.document(appA.id, crypto.randomUUID()),
      );
      expect(missing.status).toBe(404);
      const after = await as<{ views: DocumentView[] }>(
        c.adminToken,
        'GET',
        workbenchPaths.documentViews,
      );
      expect(after.body.views).toHaveLength(2);
    });
  });
}
