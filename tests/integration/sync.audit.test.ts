// The desk's access log (PIPL Art. 51) reaches the centre: uploaded by the sync engine after the
// records it is about, stored once per (device, row) even when an answer is lost, masked again at
// the centre, readable per hall and per record by the administrator only; the desk's retention
// purge removes only rows the centre has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AUDIT_BATCH, paths } from '../../shared/protocol';
import {
  AUDIT_SENT_KEY,
  auditRow,
  auditSentId,
  purgeAuditBefore,
} from '../../renderer/src/db/audit';
import { AUDIT_BATCHES_PER_ROUND, SyncEngine } from '../../renderer/src/sync/engine';
import { enroll, loadCredentials } from '../../renderer/src/sync/credentials';
import { createDexieSyncStore } from '../../renderer/src/sync/store';
import { runCli } from '../../server/central/cli';
import { ADMIN_TOKEN, startCentral, type RunningCentral } from '../support/syncCentral';
import { makeApplication, openDeskDb, saveWithOutbox } from '../support/syncDesk';

const HALL = 'AUD-01';
const OTHER = 'AUD-02';
let central: RunningCentral;
const db = openDeskDb('audit');

beforeAll(async () => {
  central = await startCentral();
  await central.admin.createHall(HALL, '南山营业厅');
  await central.admin.createHall(OTHER, '北岭营业厅');
});

afterAll(async () => {
  db.close();
  await central?.close();
});

const realFetch = (input: string, init?: RequestInit) => fetch(input, init);

describe('access log at the centre', () => {
  it('uploads once, masks, isolates halls, and the purge keeps what the centre lacks', async () => {
    const code = await central.admin.enrollmentCode(HALL);
    await enroll(db, { endpoint: central.url, code, deviceName: '1号窗口' }, realFetch);
    const engine = new SyncEngine({
      store: createDexieSyncStore(db),
      fetch: realFetch,
      credentials: () => loadCredentials(db),
    });
    const app = makeApplication(HALL, 'D01');
    await saveWithOutbox(db, app);
    const row = (action: 'create' | 'view' | 'print', detail?: string) =>
      auditRow({
        actor: '张三',
        action,
        entity: 'application',
        entityId: app.id,
        label: app.appNo,
        ...(detail ? { detail } : {}),
      });
    await db.audit.bulkAdd([row('create'), row('view'), row('print')]);
    // A detail that slipped past the desk's own masking (an older build) is masked at the centre.
    await db.audit.add({ ...row('view'), detail: '核对证件 110105194912310021' });

    expect((await engine.syncNow()).kind).toBe('ok');
    const events = await central.admin.audit({ hall: HALL });
    // Row 1 is the desk's own: saving the application recorded its creation.
    expect(events.map((e) => [e.localId, e.action])).toEqual([
      [5, 'view'],
      [4, 'print'],
      [3, 'view'],
      [2, 'create'],
      [1, 'create'],
    ]);
    expect(events[3]).toMatchObject({
      action: 'create',
      actor: '张三',
      entityId: app.id,
      label: app.appNo,
      hallCode: HALL,
      deviceName: '1号窗口',
    });
    expect(events[0]?.detail).toBe('核对证件 110***********0021');
    expect(await central.admin.audit({ entityId: app.id })).toHaveLength(5);
    expect(await central.admin.audit({ hall: OTHER })).toEqual([]);

    // The answer was lost: the desk sends everything again, the centre keeps each row once.
    await db.meta.delete(AUDIT_SENT_KEY);
    expect((await engine.syncNow()).kind).toBe('ok');
    expect(await central.admin.audit({ hall: HALL })).toHaveLength(5);

    // Past the retention period, rows the centre has go; one it has not yet stays.
    await db.audit.add({ ...row('view'), at: '2020-01-01T00:00:00.000Z' });
    expect(await purgeAuditBefore(db, '2100-01-01T00:00:00.000Z')).toBe(5);
    expect((await db.audit.toArray()).map((r) => r.id)).toEqual([6]);
    expect((await engine.syncNow()).kind).toBe('ok');
    expect(await purgeAuditBefore(db, '2100-01-01T00:00:00.000Z')).toBe(1);
    expect(await central.admin.audit({ hall: HALL })).toHaveLength(6);

    // The back office on the command line reads the same log for one record.
    const out: string[] = [];
    await runCli(
      ['audit', 'list', '--record', app.id, '--limit', '2'],
      { url: central.url, token: ADMIN_TOKEN },
      (l) => out.push(l),
    );
    expect(out).toHaveLength(2);
    expect(out[1]).toContain(`${HALL} 1号窗口  张三  打印  ${app.appNo}`);
  });

  it('refuses a malformed upload with a coded error, and a device cannot read the log', async () => {
    const creds = await loadCredentials(db);
    const post = (body: unknown) =>
      fetch(central.url + paths.audit, {
        method: 'POST',
        headers: { authorization: `Bearer ${creds!.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post({ entries: [{ localId: 0, at: 'yesterday', action: 'steal' }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('E_VALIDATION');
    const read = await fetch(`${central.url}${paths.adminAudit}?hall=${HALL}`, {
      headers: { authorization: `Bearer ${creds!.token}` },
    });
    expect(read.status).toBe(403);
    const before = await central.admin.audit({ hall: HALL });
    expect(before).toHaveLength(6);
  });

  it('drains a long backlog over several rounds, so pushes are not held behind it', async () => {
    const desk = openDeskDb('audit-backlog');
    try {
      const code = await central.admin.enrollmentCode(OTHER);
      await enroll(desk, { endpoint: central.url, code, deviceName: '2号窗口' }, realFetch);
      const engine = new SyncEngine({
        store: createDexieSyncStore(desk),
        fetch: realFetch,
        credentials: () => loadCredentials(desk),
      });
      const perRound = AUDIT_BATCHES_PER_ROUND * MAX_AUDIT_BATCH;
      await desk.audit.bulkAdd(
        Array.from({ length: perRound + 100 }, (_, i) =>
          auditRow({
            actor: '李四',
            action: 'view',
            entity: 'application',
            entityId: `app-${i}`,
            label: `OLD-${i}`,
          }),
        ),
      );
      expect((await engine.syncNow()).kind).toBe('ok');
      expect(await auditSentId(desk)).toBe(perRound);
      expect((await engine.syncNow()).kind).toBe('ok');
      expect(await auditSentId(desk)).toBe(perRound + 100);
      const newest = await central.admin.audit({ hall: OTHER, limit: '1' });
      expect(newest.map((e) => e.localId)).toEqual([perRound + 100]);
    } finally {
      desk.close();
    }
  });
});
