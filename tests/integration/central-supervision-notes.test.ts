// Commendations and corrections end to end at the centre: pushed by a desk as their own entity
// ('supervision_note'), refused unless the writer is a hall manager of the device's hall, pulled
// by the hall's other desks, written through the admin API by a hall manager only, and listed
// with the hall's supervision figures.
import { describe, expect, it } from 'vitest';
import type { PullResponse } from '../../shared/protocol';
import { paths } from '../../shared/protocol';
import { changeNote, type SupervisionNote } from '../../shared/staff/notes';
import { staffPaths } from '../../shared/staff/directory';
import { centralForSuite } from '../support/centralSuite';
import type { TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';
import { change, device, push, type TestDevice } from '../support/serverClient';

const NOTES = `${staffPaths.adminSupervision}/notes`;

function note(hallCode: string, over: Partial<SupervisionNote> = {}): SupervisionNote {
  const today = new Date().toISOString().slice(0, 10);
  return {
    id: crypto.randomUUID(),
    hallCode,
    kind: 'correction',
    staffNo: 'N1',
    staffName: '甲一',
    periodFrom: today,
    periodTo: today,
    text: '身份证复印件漏收',
    ref: { entity: 'application', id: crypto.randomUUID(), label: 'NA01-20261207-0001' },
    createdAt: new Date().toISOString(),
    createdByStaffNo: 'NM',
    createdByName: '甲主管',
    ...over,
  };
}

for (const { variant, skipReason } of forEachDb()) {
  describe.skipIf(skipReason !== null)(`supervision notes at the centre (${variant})`, () => {
    let c: TestCentral;
    let a: TestDevice;
    let a2: TestDevice;
    let managerToken = '';
    let clerkToken = '';
    let otherHallToken = '';
    centralForSuite(variant, 'supnotes', async (central) => {
      c = central;
      await createHall(c, 'NA01', '甲营业厅');
      await createHall(c, 'NB01', '乙营业厅');
      a = device(await enrollDevice(c, 'NA01'));
      a2 = device(await enrollDevice(c, 'NA01'));
      const mk = async (staffNo: string, name: string, hallCode: string, roles: string[]) => {
        const pw = (
          await call(c.url, 'POST', staffPaths.adminStaff, {
            token: c.adminToken,
            body: { staffNo, name, hallCode, roles },
          })
        ).body.temporaryPassword as string;
        return (
          await call(c.url, 'POST', staffPaths.session, {
            body: { staffNo, password: pw, newPassword: 'Tianqi2026' },
          })
        ).body.token as string;
      };
      clerkToken = await mk('N1', '甲一', 'NA01', ['clerk']);
      managerToken = await mk('NM', '甲主管', 'NA01', ['hall_manager']);
      otherHallToken = await mk('NBM', '乙主管', 'NB01', ['hall_manager']);
    });

    it('a hall manager’s note is applied and pulled by the other desk; a clerk’s is refused', async () => {
      const good = note('NA01');
      const byClerk = note('NA01', { createdByStaffNo: 'N1', kind: 'commendation' });
      const byOtherHall = note('NA01', { createdByStaffNo: 'NBM' });
      const r = await push(c, a, [
        change(a, 'supervision_note', good),
        change(a, 'supervision_note', byClerk),
        change(a, 'supervision_note', byOtherHall),
        change(a, 'supervision_note', { ...good, id: crypto.randomUUID(), text: '' }),
      ]);
      expect(r.status).toBe(200);
      expect(r.body.results.map((x) => [x.status, 'code' in x ? x.code : undefined])).toEqual([
        ['applied', undefined],
        ['rejected', 'E_STAFF_ROLE'],
        ['rejected', 'E_STAFF_HALL'],
        ['rejected', 'E_VALIDATION'],
      ]);
      const stored = await c.server.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM supervision_notes',
      );
      expect(stored.rows[0]!.n).toBe(1);

      const pulled = await call<PullResponse>(
        c.url,
        'GET',
        `${paths.pull}?limit=500&accept=supervision_note`,
        { token: a2.token },
      );
      const notes = pulled.body.changes.filter((x) => x.kind === 'supervision_note');
      expect(notes.map((x) => x.record)).toEqual([good]);
      // A desk of an older build (no accept) is never sent a kind its schema would refuse.
      const older = await call<PullResponse>(c.url, 'GET', `${paths.pull}?limit=500`, {
        token: a2.token,
      });
      expect(older.status).toBe(200);
      expect(older.body.changes.some((x) => (x.kind as string) === 'supervision_note')).toBe(false);
      expect(older.body.checkpoint).toBe(pulled.body.checkpoint);

      const sup = await call(c.url, 'GET', `${staffPaths.adminSupervision}?hall=NA01`, {
        token: managerToken,
      });
      expect(sup.body.halls[0].notes.map((n: SupervisionNote) => n.id)).toEqual([good.id]);
    });

    it('the admin API takes a note from the hall manager only', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const body = {
        hallCode: 'NA01',
        kind: 'commendation',
        staffNo: 'N1',
        periodFrom: today,
        periodTo: today,
        text: '全月零差错',
      };
      const byClerk = await call(c.url, 'POST', NOTES, { token: clerkToken, body });
      expect(byClerk.status).toBe(403);
      expect(byClerk.body.error.code).toBe('E_STAFF_ROLE');
      const byAdmin = await call(c.url, 'POST', NOTES, { token: c.adminToken, body });
      expect(byAdmin.body.error.code).toBe('E_STAFF_ROLE');
      const otherHall = await call(c.url, 'POST', NOTES, {
        token: managerToken,
        body: { ...body, hallCode: 'NB01' },
      });
      expect(otherHall.body.error.code).toBe('E_STAFF_HALL');
      const badPeriod = await call(c.url, 'POST', NOTES, {
        token: managerToken,
        body: { ...body, periodFrom: '2026-12-31', periodTo: '2026-12-01' },
      });
      expect(badPeriod.status).toBe(400);
      const before = await c.server.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM supervision_notes',
      );
      const ok = await call(c.url, 'POST', NOTES, { token: managerToken, body });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.note).toMatchObject({ staffName: '甲一', createdByStaffNo: 'NM' });
      const after = await c.server.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM supervision_notes',
      );
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1);
      // The desks of the hall pull it.
      const pulled = await call<PullResponse>(
        c.url,
        'GET',
        `${paths.pull}?limit=500&accept=supervision_note`,
        {
          token: a.token,
        },
      );
      expect(
        pulled.body.changes.some(
          (x) => x.kind === 'supervision_note' && x.record.id === ok.body.note.id,
        ),
      ).toBe(true);
    });
    it('a note is edited and withdrawn by a hall manager with its history; others are refused', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const created = await call(c.url, 'POST', NOTES, {
        token: managerToken,
        body: {
          hallCode: 'NA01',
          kind: 'correction',
          staffNo: 'N1',
          periodFrom: today,
          periodTo: today,
          text: '漏收材料',
        },
      });
      expect(created.status).toBe(201);
      const id = created.body.note.id as string;
      const one = `${NOTES}/${id}`;
      const stored = async () =>
        (
          await c.server.db.query<{ record: SupervisionNote; kind: string }>(
            'SELECT record, kind FROM supervision_notes WHERE id = $1',
            [id],
          )
        ).rows[0]!;
      const edit = { action: 'edit', body: { text: '漏收材料（已补）', kind: 'commendation' } };
      for (const [token, code] of [
        [clerkToken, 'E_STAFF_ROLE'],
        [c.adminToken, 'E_STAFF_ROLE'],
        [otherHallToken, 'E_STAFF_HALL'],
      ] as const) {
        const r = await call(c.url, 'PATCH', one, { token, body: edit });
        expect(r.status, code).toBe(403);
        expect(r.body.error.code).toBe(code);
      }
      expect((await stored()).record.text).toBe('漏收材料');

      const edited = await call(c.url, 'PATCH', one, { token: managerToken, body: edit });
      expect(edited.status, JSON.stringify(edited.body)).toBe(200);
      const e = (await stored()).record;
      expect((await stored()).kind).toBe('commendation');
      expect(e).toMatchObject({
        text: '漏收材料（已补）',
        kind: 'commendation',
        updatedByStaffNo: 'NM',
      });
      expect(e.history).toEqual([
        expect.objectContaining({
          action: 'edit',
          byStaffNo: 'NM',
          byName: '甲主管',
          before: expect.objectContaining({ text: '漏收材料', kind: 'correction' }),
          after: expect.objectContaining({ text: '漏收材料（已补）', kind: 'commendation' }),
        }),
      ]);

      const withdrawn = await call(c.url, 'PATCH', one, {
        token: managerToken,
        body: { action: 'withdraw', reason: '记错了人' },
      });
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body.note.withdrawnAt).toBeTruthy();
      const again = await call(c.url, 'PATCH', one, { token: managerToken, body: edit });
      expect(again.status).toBe(400);
      expect(again.body.error.message).toMatch(/已撤回/);
      const w = (await stored()).record;
      expect(w.history!.map((h) => [h.action, h.byStaffNo, h.reason])).toEqual([
        ['edit', 'NM', undefined],
        ['withdraw', 'NM', '记错了人'],
      ]);
      // The hall's desks pull the withdrawn note with its history.
      const pulled = await call<PullResponse>(
        c.url,
        'GET',
        `${paths.pull}?limit=500&accept=supervision_note`,
        { token: a2.token },
      );
      const mine = pulled.body.changes.flatMap((x) =>
        x.kind === 'supervision_note' && x.record.id === id ? [x.record] : [],
      );
      expect(mine.at(-1)).toEqual(w);
    });

    it('a desk pushes an edit (op update): applied from a hall manager, refused from a clerk', async () => {
      const n = note('NA01');
      const first = await push(c, a, [change(a, 'supervision_note', n)]);
      expect(first.body.results[0]!.status).toBe('applied');
      const at = new Date().toISOString();
      const byClerk = changeNote(
        n,
        { staffNo: 'N1' },
        { action: 'edit', body: { text: '改' } },
        at,
      );
      const byManager = changeNote(
        n,
        { staffNo: 'NM', name: '甲主管' },
        { action: 'edit', body: { text: '改过了' } },
        at,
      );
      const r = await push(c, a, [
        change(a, 'supervision_note', byClerk, { op: 'update' }),
        change(a, 'supervision_note', byManager, { op: 'update' }),
      ]);
      expect(r.body.results.map((x) => [x.status, 'code' in x ? x.code : undefined])).toEqual([
        ['rejected', 'E_STAFF_ROLE'],
        ['applied', undefined],
      ]);
      const row = await c.server.db.query<{ record: SupervisionNote }>(
        'SELECT record FROM supervision_notes WHERE id = $1',
        [n.id],
      );
      expect(row.rows[0]!.record.text).toBe('改过了');
      expect(row.rows[0]!.record.history).toHaveLength(1);
    });
  });
}
