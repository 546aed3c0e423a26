// The access audit trail (PIPL Art. 51): create and update rows commit in the same transaction
// as the change (a failed write leaves none), read accesses are recorded with the desk's clerk,
// and no ID number ever reaches a row.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import {
  auditRow,
  listAudit,
  listAuditFor,
  maskSensitive,
  recordAccess,
} from '../../../renderer/src/db/audit';
import * as repo from '../../../renderer/src/db/repo';
import { freshDb, makeApp, makeFeedback } from './factory';

let db: HallDeskDB;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => {
  db.close();
});

describe('audit rows of writes', () => {
  it('a submit writes exactly one create row, in the same transaction as the application', async () => {
    const app = makeApp({ acceptedBy: '李四' });
    await repo.submitApplication(app);
    const rows = await db.audit.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: '李四',
      action: 'create',
      entity: 'application',
      entityId: app.id,
      label: app.appNo,
    });
    // Same transaction: the row carries the outbox entry's time.
    const [entry] = await db.outbox.toArray();
    expect(rows[0]!.at).toBe(entry!.createdAt);
    expect(JSON.stringify(rows)).not.toContain(app.customer.idNumber);
  });

  it('a failing submit writes no audit row (validation and duplicate number)', async () => {
    const bad = { ...makeApp(), customer: { ...makeApp().customer, name: '' } };
    await expect(repo.submitApplication(bad)).rejects.toMatchObject({ code: 'validation' });
    const a = makeApp();
    await repo.submitApplication(a);
    const dup = makeApp({ appNo: a.appNo });
    await expect(repo.submitApplication(dup)).rejects.toMatchObject({ code: 'already_exists' });
    expect(await db.audit.count()).toBe(1);
    expect(await db.applications.count()).toBe(1);
  });

  it('an update writes one update row with the actor; a refused update writes none', async () => {
    const app = makeApp();
    await repo.submitApplication(app);
    await repo.updateApplication(
      { ...app, customer: { ...app.customer, phone: '13900001111' } },
      { kind: 'edit', actor: '王五', note: '修改联系方式' },
    );
    const rows = await listAuditFor(app.id);
    expect(rows.map((r) => r.action)).toEqual(['update', 'create']);
    expect(rows[0]).toMatchObject({
      actor: '王五',
      label: app.appNo,
      detail: 'edit: 修改联系方式',
    });
    await expect(
      repo.updateApplication({ ...app, appNo: 'OTHER-1' }, { kind: 'edit', actor: '王五' }),
    ).rejects.toMatchObject({ code: 'validation' });
    expect(await db.audit.count()).toBe(2);
  });

  it('feedback create and update each write one row (update actor from the profile)', async () => {
    await repo.setSetting('desk.profile', { hallCode: 'H001', deskCode: 'D01', clerkName: '赵六' });
    const fb = makeFeedback({ acceptedBy: '李四' });
    await repo.saveFeedback(fb);
    await repo.updateFeedback({ ...fb, status: 'closed' });
    const rows = await listAuditFor(fb.id);
    expect(rows.map((r) => [r.action, r.actor, r.label])).toEqual([
      ['update', '赵六', fb.feedbackNo],
      ['create', '李四', fb.feedbackNo],
    ]);
  });
});

describe('read accesses and listing', () => {
  it('records a view with the profile clerk and lists newest first', async () => {
    await repo.setSetting('desk.profile', { hallCode: 'H001', deskCode: 'D01', clerkName: '李四' });
    const app = makeApp();
    await repo.submitApplication(app);
    await recordAccess({
      at: '2099-01-01T00:00:00.000Z',
      action: 'view',
      entity: 'application',
      entityId: app.id,
      label: app.appNo,
    });
    const { rows, total } = await listAudit({ limit: 200 });
    expect(total).toBe(2);
    expect(rows[0]).toMatchObject({ action: 'view', actor: '李四', entityId: app.id });
  });

  it('masks anything shaped like an ID number in labels and details', () => {
    expect(maskSensitive('证件 11010119900307123X 已核对')).toBe('证件 110***********123X 已核对');
    const row = auditRow({
      actor: 'a',
      action: 'view',
      entity: 'application',
      entityId: 'x',
      label: '110101199003071234',
      detail: '手机 13800138000',
    });
    expect(row.label).not.toContain('110101199003071234');
    expect(row.detail).not.toContain('13800138000');
    expect(maskSensitive('H001-D01-20261102-0001')).toBe('H001-D01-20261102-0001');
  });
});
