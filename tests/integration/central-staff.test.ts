// Central endpoint: the staff directory (create, list, import all-or-nothing, reset, disable),
// the desk's directory pull (verifiers, never passwords), staff sign-in for the admin API with
// roles and hall scope, and the CLI's staff commands.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../server/central/cli';
import { paths } from '../../shared/protocol';
import { staffPaths, type StaffDirectoryResponse } from '../../shared/staff/directory';
import { checkVerifier } from '../../shared/staff/password';
import { centralForSuite } from '../support/centralSuite';
import { appFor, change, device, push, type TestDevice } from '../support/serverClient';
import type { TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';

for (const { variant, skipReason } of forEachDb()) {
  describe.skipIf(!!skipReason)(`staff directory at the centre (${variant})`, () => {
    let c: TestCentral;
    let deskToken = '';
    let otherDeskToken = '';
    let desk: TestDevice;
    centralForSuite(variant, 'staff', async (central) => {
      c = central;
      await createHall(c, 'ST01');
      await createHall(c, 'ST02');
      desk = device(await enrollDevice(c, 'ST01'));
      deskToken = desk.token;
      otherDeskToken = (await enrollDevice(c, 'ST02')).token;
    });
    const admin = (method: string, p: string, body?: unknown) =>
      call(c.url, method, p, { token: c.adminToken, ...(body === undefined ? {} : { body }) });

    it('creates staff with a temporary password that only the verifier keeps', async () => {
      const r = await admin('POST', staffPaths.adminStaff, {
        staffNo: 'C001',
        name: '张三',
        hallCode: 'ST01',
        roles: ['clerk'],
        phone: '13800000001',
      });
      expect(r.status).toBe(201);
      expect(r.body.staff).toMatchObject({ staffNo: 'C001', mustChange: true, hallCode: 'ST01' });
      const pw = r.body.temporaryPassword as string;
      expect(pw).toMatch(/^[a-z2-9]{10}$/);
      expect(JSON.stringify(r.body.staff)).not.toContain(pw);
      // The desk of the hall gets the verifier; the password matches it; nothing reversible.
      const dir = await call<StaffDirectoryResponse>(c.url, 'GET', staffPaths.directory, {
        token: deskToken,
      });
      expect(dir.status).toBe(200);
      const me = dir.body.staff.find((s) => s.staffNo === 'C001')!;
      expect(me.verifier?.alg).toBe('scrypt');
      expect(JSON.stringify(dir.body)).not.toContain(pw);
      expect(await checkVerifier(pw, me.verifier)).toBe(true);
      expect(await checkVerifier(`${pw}x`, me.verifier)).toBe(false);
      // Another hall's desk does not see them.
      const other = await call<StaffDirectoryResponse>(c.url, 'GET', staffPaths.directory, {
        token: otherDeskToken,
      });
      expect(other.body.staff.map((s) => s.staffNo)).not.toContain('C001');
      // A duplicate staff number is refused.
      const dup = await admin('POST', staffPaths.adminStaff, {
        staffNo: 'C001',
        name: '李四',
        hallCode: 'ST01',
        roles: ['clerk'],
      });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('E_EXISTS');
    });

    it('imports a CSV all or nothing, naming the bad row', async () => {
      const bad = '工号,姓名,角色,电话\nI001,王五,受理员,13800000002\nI002,赵六,扫地僧,\n';
      const r = await admin('POST', `${staffPaths.adminStaffImport}?hall=ST01`, { csv: bad });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('E_IMPORT');
      expect(r.body.error.message).toContain('第 3 行');
      expect(r.body.error.details.problems[0]).toEqual({ row: 3, reason: '未知角色：扫地僧' });
      const list = await admin('GET', `${staffPaths.adminStaff}?hall=ST01`);
      expect(list.body.staff.map((s: { staffNo: string }) => s.staffNo)).not.toContain('I001');

      const good =
        '\uFEFF工号,姓名,角色,电话\r\nI001,王五,受理员,13800000002\r\nI002,"赵, 六",clerk;营业厅主管,\r\n';
      const ok = await admin('POST', `${staffPaths.adminStaffImport}?hall=ST01`, { csv: good });
      expect(ok.status).toBe(201);
      expect(ok.body.imported).toHaveLength(2);
      expect(ok.body.imported[1].staff).toMatchObject({
        name: '赵, 六',
        roles: ['clerk', 'hall_manager'],
      });
      // The same file again: every number exists, nothing imported twice.
      const again = await admin('POST', `${staffPaths.adminStaffImport}?hall=ST01`, { csv: good });
      expect(again.status).toBe(400);
      expect(again.body.error.details.problems).toHaveLength(2);
    });

    it('signs staff in for the admin API with roles and their own hall only', async () => {
      const m = await admin('POST', staffPaths.adminStaff, {
        staffNo: 'M001',
        name: '主管甲',
        hallCode: 'ST01',
        roles: ['hall_manager'],
      });
      const temp = m.body.temporaryPassword as string;
      const wrong = await call(c.url, 'POST', staffPaths.session, {
        body: { staffNo: 'M001', password: 'nope' },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('E_STAFF_PASSWORD');
      const first = await call(c.url, 'POST', staffPaths.session, {
        body: { staffNo: 'M001', password: temp },
      });
      expect(first.body.error.code).toBe('E_STAFF_MUST_CHANGE');
      const weak = await call(c.url, 'POST', staffPaths.session, {
        body: { staffNo: 'M001', password: temp, newPassword: 'short' },
      });
      expect(weak.body.error.code).toBe('E_VALIDATION');
      const s = await call(c.url, 'POST', staffPaths.session, {
        body: { staffNo: 'M001', password: temp, newPassword: 'Manager2026' },
      });
      expect(s.status).toBe(200);
      const token = s.body.token as string;
      // The old password no longer works; the new one does.
      const old = await call(c.url, 'POST', staffPaths.session, {
        body: { staffNo: 'M001', password: temp },
      });
      expect(old.body.error.code).toBe('E_STAFF_PASSWORD');

      const own = await call(c.url, 'GET', `${staffPaths.adminStaff}?hall=ST01`, { token });
      expect(own.status).toBe(200);
      const other = await call(c.url, 'GET', `${staffPaths.adminStaff}?hall=ST02`, { token });
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('E_STAFF_HALL');
      const cfg = await call(c.url, 'PUT', paths.adminConfigKey('settings'), {
        token,
        body: { data: {} },
      });
      expect(cfg.status).toBe(403);
      expect(cfg.body.error.code).toBe('E_STAFF_ROLE');

      // A clerk may not manage staff.
      const cl = await admin('POST', staffPaths.adminStaff, {
        staffNo: 'C002',
        name: '受理乙',
        hallCode: 'ST01',
        roles: ['clerk'],
      });
      const cs = await call(c.url, 'POST', staffPaths.session, {
        body: { staffNo: 'C002', password: cl.body.temporaryPassword, newPassword: 'Clerk20261' },
      });
      const refused = await call(c.url, 'GET', `${staffPaths.adminStaff}?hall=ST01`, {
        token: cs.body.token,
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('E_STAFF_ROLE');
      expect(refused.body.error.message).toContain('营业厅主管');

      // Disabling ends the console session and the desk gets no verifier.
      await call(c.url, 'PATCH', staffPaths.adminStaffMember('C002'), {
        token,
        body: { state: 'disabled' },
      });
      const after = await call(c.url, 'GET', paths.adminHalls, { token: cs.body.token });
      expect(after.status).toBe(401);
      const dir = await call<StaffDirectoryResponse>(c.url, 'GET', staffPaths.directory, {
        token: deskToken,
      });
      const c2 = dir.body.staff.find((x) => x.staffNo === 'C002')!;
      expect(c2.state).toBe('disabled');
      expect(c2.verifier).toBeUndefined();
    });

    it('accepts a password set at a desk unless the centre reset it since', async () => {
      const dir = await call<StaffDirectoryResponse>(c.url, 'GET', staffPaths.directory, {
        token: deskToken,
      });
      const me = dir.body.staff.find((s) => s.staffNo === 'C001')!;
      const { makeVerifier } = await import('../../shared/staff/password');
      const v = await makeVerifier('NewPass2026');
      const ev = {
        id: crypto.randomUUID(),
        kind: 'password',
        staffNo: 'C001',
        at: new Date().toISOString(),
        basePwVersion: me.pwVersion,
        verifier: v,
      };
      const r = await call(c.url, 'POST', staffPaths.events, {
        token: deskToken,
        body: { events: [ev] },
      });
      expect(r.body.results).toEqual([{ id: ev.id, status: 'applied' }]);
      const again = await call(c.url, 'POST', staffPaths.events, {
        token: deskToken,
        body: { events: [ev] },
      });
      expect(again.body.results[0].status).toBe('duplicate');
      const stale = { ...ev, id: crypto.randomUUID() };
      const r2 = await call(c.url, 'POST', staffPaths.events, {
        token: deskToken,
        body: { events: [stale] },
      });
      expect(r2.body.results[0].status).toBe('superseded');
      // Another hall's desk cannot report for this hall's staff.
      const foreign = await call(c.url, 'POST', staffPaths.events, {
        token: otherDeskToken,
        body: {
          events: [
            { id: crypto.randomUUID(), kind: 'lockout', staffNo: 'C001', at: ev.at, attempts: 5 },
          ],
        },
      });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error.code).toBe('E_STAFF_HALL');
      const lock = await call(c.url, 'POST', staffPaths.events, {
        token: deskToken,
        body: {
          events: [
            { id: crypto.randomUUID(), kind: 'lockout', staffNo: 'C001', at: ev.at, attempts: 5 },
          ],
        },
      });
      expect(lock.body.results[0].status).toBe('applied');
      const list = await admin('GET', `${staffPaths.adminStaff}?hall=ST01`);
      const c1 = list.body.staff.find((s: { staffNo: string }) => s.staffNo === 'C001');
      expect(c1).toMatchObject({ mustChange: false, lockouts: 1 });
    });

    it('checks the person on pushed records: own hall and the role, else a clear code', async () => {
      await admin('POST', staffPaths.adminStaff, {
        staffNo: 'B001',
        name: '后台甲',
        hallCode: 'ST01',
        roles: ['back_office'],
      });
      await admin('POST', staffPaths.adminStaff, {
        staffNo: 'X001',
        name: '外厅受理',
        hallCode: 'ST02',
        roles: ['clerk'],
      });
      const cases: Array<[string | undefined, string]> = [
        ['C001', 'applied'],
        [undefined, 'applied'],
        ['X001', 'E_STAFF_HALL'],
        ['B001', 'E_STAFF_ROLE'],
        ['NOBODY', 'E_STAFF_UNKNOWN'],
      ];
      const apps = cases.map(([no]) => appFor(desk, no ? { acceptedByStaffNo: no } : {}));
      const r = await push(
        c,
        desk,
        apps.map((a) => change(desk, 'application', a)),
      );
      expect(r.status).toBe(200);
      expect(r.body.results.map((x) => (x.status === 'rejected' ? x.code : x.status))).toEqual(
        cases.map(([, want]) => want),
      );
      const role = r.body.results[3]!;
      expect(role.status === 'rejected' && role.reason).toContain('受理员');
      // An edit by a person without application.edit is refused; by the clerk it is applied.
      const edited = { ...apps[0]!, notes: '改', updatedByStaffNo: 'B001' };
      const e1 = await push(c, desk, [change(desk, 'application', edited, { op: 'update' })]);
      expect(e1.body.results[0]).toMatchObject({ status: 'rejected', code: 'E_STAFF_ROLE' });
      const e2 = await push(c, desk, [
        change(desk, 'application', { ...edited, updatedByStaffNo: 'C001' }, { op: 'update' }),
      ]);
      expect(e2.body.results[0]!.status).toBe('applied');
    });

    it('has CLI commands for the directory', async () => {
      const lines: string[] = [];
      const env = { url: c.url, token: c.adminToken };
      await runCli(
        ['staff', 'add', 'K001', '客户经理甲', '--roles', 'account_manager', '--hall', 'ST02'],
        env,
        (l) => lines.push(l),
      );
      expect(lines.join('\n')).toMatch(/临时密码.*: [a-z2-9]{10}/);
      lines.length = 0;
      await runCli(['staff', 'list', '--hall', 'ST02'], env, (l) => lines.push(l));
      expect(lines.join('\n')).toContain('K001  客户经理甲  ST02  客户经理  在用  (待改密码)');
      lines.length = 0;
      await runCli(['staff', 'disable', 'K001'], env, (l) => lines.push(l));
      expect(lines[0]).toContain('停用');
    });

    it('imports an XLSX workbook through the CLI, all or nothing with the sheet row', async () => {
      const ExcelJS = (await import('exceljs')).default;
      const fs = await import('node:fs');
      const os = await import('node:os');
      const path = await import('node:path');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hd-xlsx-'));
      const write = async (rows: unknown[][]) => {
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('人员');
        for (const r of rows) ws.addRow(r);
        const file = path.join(dir, `staff-${rows.length}.xlsx`);
        await wb.xlsx.writeFile(file);
        return file;
      };
      const env = { url: c.url, token: c.adminToken };
      const lines: string[] = [];
      // Row 3 names a role that does not exist: nothing of the file is imported.
      const bad = await write([
        ['工号', '姓名', '角色', '电话'],
        ['X101', '赵一', '受理员', '13800000101'],
        ['X102', '钱二', '保安', ''],
      ]);
      await expect(
        runCli(['staff', 'import', 'ST02', bad], env, (l) => lines.push(l)),
      ).rejects.toThrow(/第 3 行 未知角色：保安/);
      const none = await admin('GET', `${staffPaths.adminStaff}?hall=ST02`);
      expect(JSON.stringify(none.body)).not.toContain('X101');
      // A numeric staff number cell and rich text are read as the text shown.
      const good = await write([
        ['工号', '姓名', '角色', '电话'],
        [9101, { richText: [{ text: '孙' }, { text: '三' }] }, '受理员、营业厅主管', '13800000103'],
      ]);
      await runCli(['staff', 'import', 'ST02', good], env, (l) => lines.push(l));
      expect(lines.join('\n')).toMatch(/已导入 1 人[\s\S]*9101 {2}孙三 {2}[a-z2-9]{10}/);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
}
