// Supervision on the desk: the figures count a back-office return (with its reason code) as the
// accepting clerk's error, per reason, and per day; the drill-down opens exactly the records a
// figure counts; a commendation / correction is written only by the signed-in hall manager, with
// its outbox entry (the entity the sync pushes), and listed by period and person.
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../shared/domain/model';
import { inFigure, supervise, FIGURES } from '../../../shared/staff/supervision';
import {
  drillRecords,
  deskSupervisionFromRecords,
} from '../../../renderer/src/staff/supervisionData';
import { listNotes, NoteError, saveNote, updateNote } from '../../../renderer/src/staff/notes';
import { NoteChangeError } from '../../../shared/staff/notes';
import type { StaffSession } from '../../../renderer/src/staff/local';
import { deriveApplicationKeys } from '../../../renderer/src/db/keys';
import { makeApplication } from '../domain/factories';
import { freshDb } from '../store/factory';

const opts = { from: '2026-12-01', to: '2026-12-07', today: '2026-12-07', promisedDays: 5 };

function returned(a: Application, code: string): Application {
  return {
    ...a,
    history: [
      ...a.history,
      { from: 'accepted', to: 'construction', at: '2026-12-03T02:00:00Z', actor: '后台' },
      {
        from: 'construction',
        to: 'accepted',
        at: '2026-12-03T03:00:00Z',
        actor: '后台',
        reasonCode: code,
      },
    ],
  };
}

describe('supervision figures', () => {
  const a1 = makeApplication({ acceptedByStaffNo: 'C1', acceptedAt: '2026-12-02T01:00:00Z' });
  const a2 = returned(
    makeApplication({ acceptedByStaffNo: 'C1', acceptedAt: '2026-12-02T02:00:00Z' }),
    'missing_documents',
  );
  const a3 = returned(
    makeApplication({ acceptedByStaffNo: 'C2', acceptedAt: '2026-12-03T01:00:00Z' }),
    'information_error',
  );
  const a4 = makeApplication({ acceptedAt: '2026-12-04T01:00:00Z' });

  it('counts returns with their reasons per clerk and the trend per day', () => {
    const r = supervise([a1, a2, a3, a4], opts);
    const c1 = r.clerks.find((c) => c.staffNo === 'C1')!;
    expect(c1).toMatchObject({ accepted: 2, returned: 1, returnReasons: { missing_documents: 1 } });
    expect(c1.byDay).toEqual({ '2026-12-02': 2 });
    expect(r.hall.returnReasons).toEqual({ missing_documents: 1, information_error: 1 });
    expect(r.clerks.at(-1)).toMatchObject({ staffNo: null, name: '未记录', accepted: 1 });
  });

  it('every figure counts exactly the records its filter opens', () => {
    const apps = [a1, a2, a3, a4];
    const r = supervise(apps, opts);
    for (const f of FIGURES) {
      expect(r.hall[f], f).toBe(apps.filter((a) => inFigure(a, f, opts)).length);
    }
  });

  it('the desk computes from its store and drills down to the records behind a figure', async () => {
    const db = await freshDb();
    await db.applications.bulkAdd(
      [a1, a2, a3, a4].map((a) => ({ ...a, ...deriveApplicationKeys(a) }) as never),
    );
    const d = await deskSupervisionFromRecords(db, opts.from, opts.to, opts.today);
    expect(d.hall.accepted).toBe(4);
    expect(drillRecords(d, 'C1', 'returned').map((a) => a.id)).toEqual([a2.id]);
    expect(drillRecords(d, '*', 'returned').map((a) => a.id)).toEqual([a3.id, a2.id]);
    expect(drillRecords(d, null, 'accepted').map((a) => a.id)).toEqual([a4.id]);
    expect(drillRecords(d, '*', 'accepted', '2026-12-02')).toHaveLength(2);
  });
});

describe('commendations and corrections on the desk', () => {
  const session = (roles: StaffSession['roles']): StaffSession => ({
    id: crypto.randomUUID(),
    staffNo: 'M1',
    name: '主管',
    roles,
    startedAt: new Date().toISOString(),
    locked: false,
    hasPin: true,
  });
  const input = {
    kind: 'correction' as const,
    staffNo: 'C1',
    staffName: '员工',
    periodFrom: '2026-12-01',
    periodTo: '2026-12-07',
    text: '漏收材料',
    ref: { entity: 'application' as const, id: crypto.randomUUID(), label: 'H001-0001' },
  };

  it('only a signed-in hall manager writes one; nothing is stored otherwise', async () => {
    const db = await freshDb();
    await expect(saveNote(db, 'H001', session(['clerk']), input)).rejects.toThrow(NoteError);
    await expect(saveNote(db, 'H001', null, input)).rejects.toThrow('只有营业厅主管');
    await expect(
      saveNote(db, 'H001', { ...session(['hall_manager']), locked: true }, input),
    ).rejects.toThrow(NoteError);
    // An administrator is not a hall manager: the note is the manager's own judgement.
    await expect(saveNote(db, 'H001', session(['admin']), input)).rejects.toThrow(NoteError);
    await expect(
      saveNote(db, 'H001', session(['hall_manager']), { ...input, text: '  ' }),
    ).rejects.toThrow('记录不完整');
    expect(await db.supervisionNotes.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('stores the note with its outbox entry and lists it by period and person', async () => {
    const db = await freshDb();
    const n = await saveNote(db, 'H001', session(['hall_manager', 'clerk']), input);
    expect(n).toMatchObject({ createdByStaffNo: 'M1', createdByName: '主管', hallCode: 'H001' });
    const out = await db.outbox.toArray();
    expect(out.map((e) => [e.entity, e.entityId, e.op])).toEqual([
      ['supervision_note', n.id, 'create'],
    ]);
    expect((await listNotes(db, '2026-12-05', '2026-12-31')).map((x) => x.id)).toEqual([n.id]);
    expect(await listNotes(db, '2026-12-08', '2026-12-31')).toEqual([]);
    expect((await listNotes(db, '2026-12-01', '2026-12-31', 'C1')).map((x) => x.id)).toEqual([
      n.id,
    ]);
    expect(await listNotes(db, '2026-12-01', '2026-12-31', 'C2')).toEqual([]);
  });
  it('is edited and withdrawn by a hall manager, each change kept with who, when, before and after', async () => {
    const db = await freshDb();
    const n = await saveNote(db, 'H001', session(['hall_manager']), input);
    const other = { ...session(['hall_manager']), staffNo: 'M2', name: '副主管' };
    // A clerk (or nobody) cannot; nothing is written.
    await expect(
      updateNote(db, session(['clerk']), n.id, { action: 'edit', body: { text: '改' } }),
    ).rejects.toThrow(NoteError);
    await expect(updateNote(db, null, n.id, { action: 'withdraw' })).rejects.toThrow(NoteError);
    await expect(
      updateNote(db, other, n.id, { action: 'edit', body: { text: input.text } }),
    ).rejects.toThrow(NoteChangeError);
    expect(await db.outbox.count()).toBe(1);
    expect((await db.supervisionNotes.get(n.id))!.history).toBeUndefined();

    const e = await updateNote(db, other, n.id, {
      action: 'edit',
      body: { text: '漏收材料（已补交）', periodTo: '2026-12-06' },
    });
    expect(e).toMatchObject({
      text: '漏收材料（已补交）',
      periodTo: '2026-12-06',
      updatedByStaffNo: 'M2',
    });
    expect(e.history).toEqual([
      {
        at: e.updatedAt,
        byStaffNo: 'M2',
        byName: '副主管',
        action: 'edit',
        before: {
          kind: 'correction',
          text: '漏收材料',
          periodFrom: '2026-12-01',
          periodTo: '2026-12-07',
        },
        after: {
          kind: 'correction',
          text: '漏收材料（已补交）',
          periodFrom: '2026-12-01',
          periodTo: '2026-12-06',
        },
      },
    ]);
    const w = await updateNote(db, session(['hall_manager']), n.id, {
      action: 'withdraw',
      reason: '记错了人',
    });
    expect(w.withdrawnAt).toBeTruthy();
    expect(w.history!.map((h) => [h.action, h.byStaffNo, h.reason])).toEqual([
      ['edit', 'M2', undefined],
      ['withdraw', 'M1', '记错了人'],
    ]);
    await expect(
      updateNote(db, session(['hall_manager']), n.id, { action: 'edit', body: { text: '再改' } }),
    ).rejects.toThrow('已撤回');
    const out = await db.outbox.orderBy('seq').toArray();
    expect(out.map((x) => [x.entity, x.op])).toEqual([
      ['supervision_note', 'create'],
      ['supervision_note', 'update'],
      ['supervision_note', 'update'],
    ]);
    expect(out.at(-1)!.payload).toEqual(w);
  });
});
