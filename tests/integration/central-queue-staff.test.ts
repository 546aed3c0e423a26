// Issue 13 §2/§3 at the centre: queue events arrive with the counter's staff number and are
// refused (E_STAFF_UNKNOWN / E_STAFF_HALL / E_STAFF_ROLE, nothing stored) unless that person is
// of the device's hall and may serve the queue; events without one (未记录) pass. The supervision
// shows queue figures per clerk (served, handling, waiting, ratings with reasons, call → submit);
// a hall manager reads only their own hall's access log.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paths, type AuditRecord } from '../../shared/protocol';
import type { QueueEvent } from '../../shared/queue';
import { staffPaths } from '../../shared/staff/directory';
import { centralForSuite } from '../support/centralSuite';
import type { TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';
import { appFor, change, countRows, device, push, type TestDevice } from '../support/serverClient';

const DAY = '2026-12-07';
const at = (min: number) => Date.parse('2026-12-07T01:00:00Z') + min * 60_000;

function queueChange(dev: TestDevice, event: QueueEvent) {
  const id = crypto.randomUUID();
  return change(dev, 'queue_event', {
    id,
    hallCode: dev.hallCode,
    day: DAY,
    occurredAt: new Date(event.at).toISOString(),
    type: event.type,
    event,
  });
}

function auditRow(localId: number, staffNo: string): AuditRecord {
  return {
    localId,
    at: new Date(at(localId)).toISOString(),
    actor: staffNo,
    staffNo,
    action: 'view',
    entity: 'application',
    entityId: crypto.randomUUID(),
    label: `查看 ${localId}`,
  } as AuditRecord;
}

const variants = forEachDb().filter((v) => v.variant === 'pglite');
for (const { variant } of variants) {
  describe(`queue staff at the centre (${variant})`, () => {
    let c: TestCentral;
    let a: TestDevice;
    let b: TestDevice;
    let managerToken = '';
    centralForSuite(variant, 'queue_staff', async (central) => {
      c = central;
      await createHall(c, 'QA01', '甲营业厅');
      await createHall(c, 'QB01', '乙营业厅');
      a = device(await enrollDevice(c, 'QA01'));
      b = device(await enrollDevice(c, 'QB01'));
      const mk = async (staffNo: string, name: string, hallCode: string, roles: string[]) =>
        (
          await call(c.url, 'POST', staffPaths.adminStaff, {
            token: c.adminToken,
            body: { staffNo, name, hallCode, roles },
          })
        ).body.temporaryPassword as string;
      await mk('QA1', '甲一', 'QA01', ['clerk']);
      await mk('QBO', '甲后台', 'QA01', ['back_office']);
      await mk('QB1', '乙一', 'QB01', ['clerk']);
      const pw = await mk('QAM', '甲主管', 'QA01', ['hall_manager']);
      managerToken = (
        await call(c.url, 'POST', staffPaths.session, {
          body: { staffNo: 'QAM', password: pw, newPassword: 'Manager2026' },
        })
      ).body.token;
    });

    it('checks the staff member on queue events and shows queue figures per clerk', async () => {
      const before = await countRows(c, 'queue_events');
      const refused = await push(c, a, [
        queueChange(a, {
          type: 'called',
          at: at(1),
          counterNo: 1,
          ticketNo: 'A009',
          staffNo: 'QB1',
        }),
        queueChange(a, {
          type: 'called',
          at: at(1),
          counterNo: 1,
          ticketNo: 'A009',
          staffNo: 'QBO',
        }),
        queueChange(a, {
          type: 'finished',
          at: at(1),
          counterNo: 1,
          ticketNo: 'A009',
          staffNo: 'NOPE',
        }),
      ]);
      expect(refused.status).toBe(200);
      const results = refused.body.results as Array<{
        status: string;
        code?: string;
        reason?: string;
      }>;
      expect(results.map((r) => [r.status, r.code])).toEqual([
        ['rejected', 'E_STAFF_HALL'],
        ['rejected', 'E_STAFF_ROLE'],
        ['rejected', 'E_STAFF_UNKNOWN'],
      ]);
      expect(results[0]!.reason).toMatch(/不属于本营业厅/);
      expect(await countRows(c, 'queue_events')).toBe(before);

      const events: QueueEvent[] = [
        {
          type: 'ticket_issued',
          at: at(0),
          ticketNo: 'A001',
          categoryId: 'A',
          lane: 'normal',
          day: DAY,
        },
        {
          type: 'ticket_issued',
          at: at(0),
          ticketNo: 'A002',
          categoryId: 'A',
          lane: 'normal',
          day: DAY,
        },
        { type: 'counter_signed_in', at: at(1), counterNo: 1, staffNo: 'QA1', name: '甲一' },
        { type: 'called', at: at(4), counterNo: 1, ticketNo: 'A001', staffNo: 'QA1' },
        { type: 'finished', at: at(14), counterNo: 1, ticketNo: 'A001', staffNo: 'QA1' },
        {
          type: 'rated',
          at: at(15),
          counterNo: 1,
          ticketNo: 'A001',
          level: 1,
          reason: '态度差',
          staffNo: 'QA1',
        },
        // From before staff (or the manager's key at an empty counter): 未记录.
        { type: 'called', at: at(20), counterNo: 2, ticketNo: 'A002' },
        { type: 'finished', at: at(22), counterNo: 2, ticketNo: 'A002' },
      ];
      const ok = await push(
        c,
        a,
        events.map((e) => queueChange(a, e)),
      );
      expect(ok.body.results.every((r) => r.status === 'applied')).toBe(true);
      // The application started from ticket A001, submitted 6 minutes after the call.
      const app = appFor(a, {
        acceptedByStaffNo: 'QA1',
        acceptedAt: new Date(at(10)).toISOString(),
        ticketNo: 'A001',
      });
      expect((await push(c, a, [change(a, 'application', app)])).body.results[0]!.status).toBe(
        'applied',
      );

      const sup = await call(c.url, 'GET', `${staffPaths.adminSupervision}?from=${DAY}&to=${DAY}`, {
        token: managerToken,
      });
      expect(sup.status).toBe(200);
      expect(sup.body.halls.map((h: { hallCode: string }) => h.hallCode)).toEqual(['QA01']);
      const queue = sup.body.halls[0].queue;
      expect(
        queue.map((f: { staffNo: string | null; name: string }) => [f.staffNo, f.name]),
      ).toEqual([
        ['QA1', '甲一'],
        [null, '未记录'],
      ]);
      expect(queue[0]).toMatchObject({
        served: 1,
        handlingMsSum: 10 * 60_000,
        submitMsSum: 6 * 60_000,
        submitN: 1,
        waitMsSum: 4 * 60_000,
        rated: 1,
        badRatings: 1,
        badReasons: { 态度差: 1 },
      });
    });

    it('limits a hall manager to their own hall in the access log', async () => {
      for (const [dev, staffNo] of [
        [a, 'QA1'],
        [b, 'QB1'],
      ] as const) {
        const r = await call(c.url, 'POST', paths.audit, {
          token: dev.token,
          body: { entries: [auditRow(1, staffNo), auditRow(2, staffNo)] },
        });
        expect(r.status).toBe(200);
      }
      const all = await call(c.url, 'GET', paths.adminAudit, { token: c.adminToken });
      expect(new Set(all.body.events.map((e: { hallCode: string }) => e.hallCode))).toEqual(
        new Set(['QA01', 'QB01']),
      );
      const own = await call(c.url, 'GET', paths.adminAudit, { token: managerToken });
      expect(own.status).toBe(200);
      expect(own.body.events.length).toBe(2);
      expect(new Set(own.body.events.map((e: { hallCode: string }) => e.hallCode))).toEqual(
        new Set(['QA01']),
      );
      const other = await call(c.url, 'GET', `${paths.adminAudit}?hall=QB01`, {
        token: managerToken,
      });
      expect(other.status).toBe(403);
      expect(other.body.error.code).toBe('E_STAFF_HALL');
    });
  });
}
