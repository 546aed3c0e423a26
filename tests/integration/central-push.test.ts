// Central endpoint: enrollment (one-time codes, hashed tokens, revocation) and push (applied,
// duplicate after a lost answer, conflict with the centre's record, rejected, seq bookkeeping),
// over real HTTP, on PGlite and on PostgreSQL.
import { describe, expect, it } from 'vitest';
import { allowedTransitions, pathOf } from '../../shared/domain/workflow';
import { paths } from '../../shared/protocol';
import { sha256Hex } from '../../server/central/auth';
import { appFor, change, countRows, device, push } from '../support/serverClient';
import type { TestDevice } from '../support/serverClient';
import type { TestCentral } from '../support/server';
import { centralForSuite } from '../support/centralSuite';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason) console.warn(`[central-push] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`central enrollment and push (${variant})`, () => {
    let c: TestCentral;
    let dev: TestDevice;

    centralForSuite(variant, 'push', async (central) => {
      c = central;
      await createHall(c, 'HA');
      dev = device(await enrollDevice(c, 'HA'));
    });

    it('enrollment codes are one-time, expire, and tokens are stored only as hashes', async () => {
      const code = await call(c.url, 'POST', paths.adminEnrollmentCodes('HA'), {
        token: c.adminToken,
        body: { ttlMinutes: 60 },
      });
      expect(code.status).toBe(201);
      // The hall and desk, readable offline, then the secret and a check character.
      expect(code.body.code).toMatch(/^HA-D\d{2}-([A-Z0-9]{4}-){3}[A-Z0-9]$/);
      // Typed by a clerk: lower case, spaces for some dashes.
      const typed = code.body.code.toLowerCase().replace('-', ' ').replace('-', ' ');
      const first = await call(c.url, 'POST', paths.enroll, {
        body: { code: typed, deviceName: '2号窗口' },
      });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ hallCode: 'HA', hallName: 'HA 营业厅' });
      const again = await call(c.url, 'POST', paths.enroll, {
        body: { code: code.body.code, deviceName: 'x' },
      });
      expect(again.status).toBe(400);
      expect(again.body.error.code).toBe('E_ENROLLMENT_CODE');

      const expiring = await call(c.url, 'POST', paths.adminEnrollmentCodes('HA'), {
        token: c.adminToken,
        body: {},
      });
      await c.server.db.query(
        "UPDATE enrollment_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
      );
      const late = await call(c.url, 'POST', paths.enroll, {
        body: { code: expiring.body.code, deviceName: 'x' },
      });
      expect(late.status).toBe(400);
      expect(late.body.error.code).toBe('E_ENROLLMENT_CODE');

      // Nothing secret is stored in the clear.
      const dump = JSON.stringify(
        (await c.server.db.query('SELECT * FROM devices')).rows.concat(
          (await c.server.db.query('SELECT * FROM enrollment_codes')).rows,
          (await c.server.db.query('SELECT * FROM settings')).rows,
        ),
      );
      expect(dump).not.toContain(first.body.token);
      expect(dump).not.toContain(code.body.code.replace('-', ''));
      expect(dump).not.toContain(c.adminToken);
      expect(dump).toContain(sha256Hex(first.body.token));

      const me = await call(c.url, 'GET', paths.device, { token: first.body.token });
      expect(me.body).toMatchObject({
        deviceId: first.body.deviceId,
        hallCode: 'HA',
        ackSeq: 0,
        maxSeq: 0,
      });
      const unknownHall = await call(c.url, 'POST', paths.adminEnrollmentCodes('NOPE'), {
        token: c.adminToken,
        body: {},
      });
      expect(unknownHall.status).toBe(404);
      expect(unknownHall.body.error.code).toBe('E_NOT_FOUND');
    });

    it('a revoked device is refused (401 E_TOKEN_REVOKED) and tokens do not cross roles', async () => {
      const other = device(await enrollDevice(c, 'HA', '临时设备'));
      const ok = await push(c, other, [change(other, 'application', appFor(other))]);
      expect(ok.status).toBe(200);
      const revoke = await call(c.url, 'POST', paths.adminRevokeDevice(other.deviceId), {
        token: c.adminToken,
      });
      expect(revoke.status).toBe(200);
      expect(revoke.body.device.revokedAt).toBeTruthy();
      const before = await countRows(c, 'applications');
      const refused = await push(c, other, [change(other, 'application', appFor(other))]);
      expect(refused.status).toBe(401);
      expect(refused.body.error!.code).toBe('E_TOKEN_REVOKED');
      expect(await countRows(c, 'applications')).toBe(before);
      const pull = await call(c.url, 'GET', paths.pull, { token: other.token });
      expect(pull.status).toBe(401);

      const devOnAdmin = await call(c.url, 'GET', paths.adminHalls, { token: dev.token });
      expect(devOnAdmin.status).toBe(403);
      expect(devOnAdmin.body.error.code).toBe('E_FORBIDDEN');
      const adminOnDevice = await call(c.url, 'GET', paths.pull, { token: 'hd_adm_whatever' });
      expect(adminOnDevice.status).toBe(403);
      const wrongAdmin = await call(c.url, 'GET', paths.adminHalls, {
        token: 'not-the-admin-token-at-all',
      });
      expect(wrongAdmin.status).toBe(401);
      expect(wrongAdmin.body.error.code).toBe('E_AUTH');
    });

    it('applies a create, answers a resend (lost answer) with duplicate and never applies twice', async () => {
      const app = appFor(dev);
      const ch = change(dev, 'application', app);
      const first = await push(c, dev, [ch]);
      expect(first.status).toBe(200);
      expect(first.body.results).toEqual([
        { changeId: ch.changeId, seq: ch.seq, status: 'applied', serverVersion: 1 },
      ]);
      expect(first.body.ackSeq).toBe(ch.seq);

      // The desk never saw that answer and sends the same change again, twice at once.
      const [a, b] = await Promise.all([push(c, dev, [ch]), push(c, dev, [ch])]);
      for (const r of [a, b]) {
        expect(r.status).toBe(200);
        expect(r.body.results[0]).toMatchObject({
          status: 'duplicate',
          original: { status: 'applied' },
          serverVersion: 1,
        });
      }
      expect(await countRows(c, 'applications', 'id = $1', [app.id])).toBe(1);
      expect(await countRows(c, 'changes', 'change_id = $1', [ch.changeId])).toBe(1);
      const stored = await call(c.url, 'GET', paths.application(app.id), { token: dev.token });
      expect(stored.body.application).toMatchObject({
        id: app.id,
        serverVersion: 1,
        status: 'accepted',
      });

      // Same changeId, different body: refused, not applied.
      const reused = await push(c, dev, [
        { ...ch, seq: dev.nextSeq++, payload: { ...app, address: '别处' } },
      ]);
      expect(reused.body.results[0]).toMatchObject({
        status: 'rejected',
        code: 'E_CHANGE_ID_REUSED',
      });
      // Another change under an already used seq: refused.
      const seqReused = await push(c, dev, [
        change(dev, 'application', appFor(dev), { seq: ch.seq }),
      ]);
      expect(seqReused.body.results[0]).toMatchObject({ status: 'rejected', code: 'E_SEQ_REUSED' });
    });

    it('hall-owned fields follow the desk until take-up; afterwards a desk update is a conflict', async () => {
      const app = appFor(dev);
      await push(c, dev, [change(dev, 'application', app)]);
      // Still 'accepted': the desk's corrections win; status from the desk is ignored.
      const edited = {
        ...app,
        customer: { ...app.customer, phone: '13900000000' },
        status: 'archived',
        updatedAt: new Date().toISOString(),
      };
      const upd = await push(c, dev, [change(dev, 'application', edited, { op: 'update' })]);
      expect(upd.body.results[0]).toMatchObject({ status: 'applied', serverVersion: 2 });
      let centre = (await call(c.url, 'GET', paths.application(app.id), { token: dev.token })).body
        .application;
      expect(centre.customer.phone).toBe('13900000000');
      expect(centre.status).toBe('accepted');

      // The back office takes it up.
      const to = allowedTransitions(pathOf(app), 'accepted')[0]!;
      const moved = await call(c.url, 'POST', paths.adminTransition(app.appNo), {
        token: c.adminToken,
        body: { to, actor: '张三', note: '开始处理' },
      });
      expect(moved.status).toBe(200);
      expect(moved.body.application).toMatchObject({ status: to, serverVersion: 3 });

      // The desk, unaware, edits the phone again: conflict with the centre's record.
      const late = {
        ...edited,
        customer: { ...edited.customer, phone: '13711112222' },
        notes: '客户补充说明',
      };
      const conflict = await push(c, dev, [change(dev, 'application', late, { op: 'update' })]);
      expect(conflict.status).toBe(200);
      const r = conflict.body.results[0]!;
      expect(r.status).toBe('conflict');
      if (r.status !== 'conflict') throw new Error('unreachable');
      expect(r.current).toMatchObject({ id: app.id, status: to, serverVersion: 3 });
      expect(r.current.customer.phone).toBe('13900000000');
      expect(r.notApplied.sort()).toEqual(['customer', 'notes']);
      centre = (await call(c.url, 'GET', paths.application(app.id), { token: dev.token })).body
        .application;
      expect(centre.customer.phone).toBe('13900000000');
      expect(centre.serverVersion).toBe(3);

      // The same data as the centre's: nothing to tell, nothing written.
      const same = await push(c, dev, [
        change(dev, 'application', { ...centre, status: 'accepted' }, { op: 'update' }),
      ]);
      expect(same.body.results[0]).toMatchObject({ status: 'applied', serverVersion: 3 });
    });

    it("the customer's rating is the hall's whatever the state: taken after take-up, also beside a conflict", async () => {
      const app = appFor(dev);
      await push(c, dev, [change(dev, 'application', app)]);
      const to = allowedTransitions(pathOf(app), 'accepted')[0]!;
      const moved = await call(c.url, 'POST', paths.adminTransition(app.appNo), {
        token: c.adminToken,
        body: { to, actor: '张三' },
      });
      expect(moved.body.application).toMatchObject({ status: to, serverVersion: 2 });

      const at = new Date().toISOString();
      const rated = { ...app, customerRating: { level: '满意', bad: false, at }, updatedAt: at };
      const r1 = await push(c, dev, [change(dev, 'application', rated, { op: 'update' })]);
      expect(r1.body.results[0]).toMatchObject({ status: 'applied', serverVersion: 3 });
      let centre = (await call(c.url, 'GET', paths.application(app.id), { token: dev.token })).body
        .application;
      expect(centre.customerRating).toMatchObject({ level: '满意' });
      expect(centre.status).toBe(to);

      // A changed rating together with a late hall edit: the edit conflicts, the rating is kept.
      const later = {
        ...rated,
        customerRating: { level: '不满意', bad: true, reason: '等待太久', at },
        notes: '迟到的修改',
      };
      const r2 = await push(c, dev, [change(dev, 'application', later, { op: 'update' })]);
      const res = r2.body.results[0]!;
      expect(res.status).toBe('conflict');
      if (res.status !== 'conflict') throw new Error('unreachable');
      expect(res.notApplied).toEqual(['notes']);
      expect(res.current.customerRating).toMatchObject({ level: '不满意', reason: '等待太久' });
      centre = (await call(c.url, 'GET', paths.application(app.id), { token: dev.token })).body
        .application;
      expect(centre.customerRating).toMatchObject({ level: '不满意' });
      expect(centre.notes).toBeUndefined();
      expect(centre.serverVersion).toBe(4);
    });

    it('rejects invalid changes with a reason, records them, and keeps going with the rest', async () => {
      const good = appFor(dev);
      const bad = { ...appFor(dev), customer: undefined };
      const idMismatch = appFor(dev);
      const changes = [
        change(dev, 'application', bad),
        change(dev, 'application', good),
        change(dev, 'application', idMismatch, { entityId: crypto.randomUUID() }),
        change(dev, 'queue_event', 'not an object', { entityId: 'ev-1' }),
      ];
      const r = await push(c, dev, changes);
      expect(r.status).toBe(200);
      expect(r.body.results.map((x) => x.status)).toEqual([
        'rejected',
        'applied',
        'rejected',
        'rejected',
      ]);
      expect(r.body.results[0]).toMatchObject({ code: 'E_VALIDATION' });
      expect((r.body.results[0] as { reason: string }).reason).toContain('customer');
      expect(await countRows(c, 'applications', 'id = $1', [bad.id])).toBe(0);
      expect(await countRows(c, 'applications', 'id = $1', [good.id])).toBe(1);
      // The rejection is durable: a resend says what happened the first time.
      const again = await push(c, dev, [changes[0]!]);
      expect(again.body.results[0]).toMatchObject({
        status: 'duplicate',
        original: { status: 'rejected', code: 'E_VALIDATION' },
      });
      const rejected = await call(c.url, 'GET', `${paths.adminRejected}?hall=HA`, {
        token: c.adminToken,
      });
      expect(rejected.body.rejected.map((x: { changeId: string }) => x.changeId)).toContain(
        changes[0]!.changeId,
      );
    });

    it('acknowledges contiguously, tolerates gaps and out-of-order resends', async () => {
      const d = device(await enrollDevice(c, 'HA', '序号测试'));
      const app = appFor(d);
      const c1 = change(d, 'application', app, { seq: 1 });
      const c3 = change(
        d,
        'application',
        { ...app, address: '第三版地址' },
        { seq: 3, op: 'update' },
      );
      const r1 = await push(c, d, [c1, c3]);
      expect(r1.body).toMatchObject({ ackSeq: 1, maxSeq: 3 });
      // seq 2 (an older edit) arrives late: acknowledged, but it does not roll the record back.
      const c2 = change(
        d,
        'application',
        { ...app, address: '第二版地址' },
        { seq: 2, op: 'update' },
      );
      const r2 = await push(c, d, [c2]);
      expect(r2.body.results[0]).toMatchObject({ status: 'applied', superseded: true });
      expect(r2.body).toMatchObject({ ackSeq: 3, maxSeq: 3 });
      const centre = (await call(c.url, 'GET', paths.application(app.id), { token: d.token })).body
        .application;
      expect(centre.address).toBe('第三版地址');
      const info = await call(c.url, 'GET', paths.device, { token: d.token });
      expect(info.body).toMatchObject({ ackSeq: 3, maxSeq: 3 });
    });

    it('stores feedback, attachment metadata and queue events', async () => {
      const { makeFeedback, makeAttachmentMeta } = await import('../unit/domain/factories');
      const app = appFor(dev);
      const fb = makeFeedback({ hallCode: 'HA' });
      const meta = makeAttachmentMeta({ applicationId: app.id });
      const r = await push(c, dev, [
        change(dev, 'application', app),
        change(dev, 'feedback', fb),
        change(dev, 'attachment', meta),
        change(
          dev,
          'queue_event',
          { kind: 'called', ticketNo: 'A001', counter: 3, hallCode: 'HA' },
          { entityId: 'ev-A001-1' },
        ),
      ]);
      expect(r.body.results.map((x) => x.status)).toEqual([
        'applied',
        'applied',
        'applied',
        'applied',
      ]);
      expect(await countRows(c, 'feedback', 'id = $1', [fb.id])).toBe(1);
      expect(await countRows(c, 'attachments', 'id = $1', [meta.id])).toBe(1);
      expect(await countRows(c, 'queue_events', "id = 'ev-A001-1'")).toBe(1);
    });
  });
}
