// The local store's write paths: submit is atomic with its outbox entry, seq is per-device
// increasing and unique, drafts, attachments, feedback, key customers and the outbox API.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import * as repo from '../../../renderer/src/db/repo';
import { freshDb, makeApp, makeFeedback } from './factory';

let db: HallDeskDB;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => {
  db.close();
});

describe('submitApplication', () => {
  it('stores the application, its outbox entry and releases the draft together', async () => {
    const app = makeApp();
    await repo.saveDraft({ id: app.id, form: { name: '张三' } });
    const { seq } = await repo.submitApplication(app);
    expect(seq).toBe(1);
    expect(await repo.getApplication(app.id)).toEqual(app);
    const out = await db.outbox.toArray();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      seq: 1,
      entity: 'application',
      entityId: app.id,
      op: 'create',
      state: 'pending',
    });
    expect(out[0]!.payload).toEqual(app);
    expect(await repo.getDraft(app.id)).toBeUndefined();
  });

  it('writes nothing when the schema rejects the application', async () => {
    const bad = { ...makeApp(), customer: { ...makeApp().customer, name: '' } };
    await expect(repo.submitApplication(bad)).rejects.toMatchObject({ code: 'validation' });
    expect(await db.applications.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('writes neither the application nor the outbox entry when the outbox write fails', async () => {
    const app = makeApp();
    // A stored entry with the change id the next entry will get makes the unique index fail
    // after the application row was put inside the same transaction.
    const fixed = '00000000-0000-4000-8000-000000000001';
    await db.outbox.add({
      changeId: fixed,
      seq: 999,
      entity: 'application',
      entityId: 'x',
      op: 'create',
      payload: null,
      createdAt: new Date().toISOString(),
      state: 'acked',
      attempts: 0,
    });
    const orig = crypto.randomUUID.bind(crypto);
    const spy = globalThis.crypto as { randomUUID: () => string };
    spy.randomUUID = () => fixed as ReturnType<typeof orig>;
    try {
      await expect(repo.submitApplication(app)).rejects.toThrow();
    } finally {
      spy.randomUUID = orig;
    }
    expect(await db.applications.get(app.id)).toBeUndefined();
    expect(await db.outbox.where('entityId').equals(app.id).count()).toBe(0);
    expect(await repo.getMeta('outbox.seq')).toBeUndefined();
  });

  it('writes nothing when the number assigner throws after the counter moved', async () => {
    const app = makeApp();
    await expect(
      repo.submitApplication(app, {
        assignAppNo: () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(await db.applications.count()).toBe(0);
    expect(await db.meta.count()).toBe(0);
  });

  it('assigns gapless application numbers inside the transaction', async () => {
    const a = makeApp({ acceptedAt: '2026-11-02T02:00:00.000Z' });
    const b = makeApp({ acceptedAt: '2026-11-02T03:00:00.000Z' });
    const assignAppNo = (seq: number, date: string) =>
      `H001-D01-${date.replace(/-/g, '')}-${String(seq).padStart(4, '0')}`;
    const r1 = await repo.submitApplication(a, { assignAppNo });
    const r2 = await repo.submitApplication(b, { assignAppNo });
    const date = repo.localDateOf(a.acceptedAt).replace(/-/g, '');
    expect(r1.application.appNo).toBe(`H001-D01-${date}-0001`);
    expect(r2.application.appNo).toBe(`H001-D01-${date}-0002`);
    expect((await repo.findByAppNo(r2.application.appNo))?.id).toBe(b.id);
  });

  it('refuses a second application with the same id or number, writing nothing', async () => {
    const app = makeApp();
    await repo.submitApplication(app);
    await expect(repo.submitApplication(app)).rejects.toMatchObject({ code: 'already_exists' });
    const other = makeApp({ appNo: app.appNo });
    await expect(repo.submitApplication(other)).rejects.toMatchObject({ code: 'already_exists' });
    expect(await db.applications.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
  });

  it('gives unique, increasing seqs under concurrent submits', async () => {
    const apps = Array.from({ length: 40 }, () => makeApp());
    const results = await Promise.all(apps.map((a) => repo.submitApplication(a)));
    const seqs = results.map((r) => r.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const out = await db.outbox.orderBy('seq').toArray();
    expect(new Set(out.map((e) => e.changeId)).size).toBe(40);
    // Outbox order follows commit order: an entry's createdAt never goes back as seq grows.
    for (let i = 1; i < out.length; i++)
      expect(out[i]!.createdAt >= out[i - 1]!.createdAt).toBe(true);
  });

  it('seq keeps increasing across update, feedback and attachment entries', async () => {
    const app = makeApp();
    await repo.submitApplication(app);
    await repo.updateApplication({ ...app, notes: '补充说明' }, { kind: 'note', actor: 'clerk01' });
    await repo.saveFeedback(makeFeedback());
    await repo.addAttachment(
      { applicationId: app.id, documentCode: 'ID', fileName: 'a.jpg', mimeType: 'image/jpeg' },
      new Blob([new Uint8Array([1, 2, 3])]),
    );
    const out = await db.outbox.orderBy('seq').toArray();
    expect(out.map((e) => [e.seq, e.entity, e.op])).toEqual([
      [1, 'application', 'create'],
      [2, 'application', 'update'],
      [3, 'feedback', 'create'],
      [4, 'attachment', 'create'],
    ]);
    expect((out[1]!.payload as typeof app).notes).toBe('补充说明');
    expect(out[1]).toMatchObject({ summary: 'note:clerk01' });
  });
});

describe('updateApplication and applyRemoteApplication', () => {
  it('refuses to update an unknown application', async () => {
    await expect(
      repo.updateApplication(makeApp(), { kind: 'edit', actor: 'c' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await db.outbox.count()).toBe(0);
  });

  it('applies centre records without an outbox entry, by the shared conflict policy', async () => {
    const app = makeApp();
    await repo.submitApplication(app);
    await repo.updateApplication({ ...app, notes: 'local edit' }, { kind: 'note', actor: 'c' });
    // Not yet taken up and the desk still has unsent changes: the clerk's fields stay.
    const centreCopy = { ...app, serverVersion: 1, notes: 'centre note' };
    expect(await repo.applyRemoteApplication(centreCopy)).toBe('merged');
    let got = await repo.getApplication(app.id);
    expect(got?.notes).toBe('local edit');
    expect(got?.serverVersion).toBe(1);
    expect(await repo.applyRemoteApplication(centreCopy)).toBe('stale');
    // Taken up by the back office: the centre owns everything, status shows on the desk.
    const surveyed = {
      ...app,
      serverVersion: 2,
      status: 'site_survey',
      history: [
        ...app.history,
        { from: 'accepted', to: 'site_survey', at: new Date().toISOString(), actor: 'centre' },
      ],
    };
    expect(await repo.applyRemoteApplication(surveyed)).toBe('updated');
    got = await repo.getApplication(app.id);
    expect(got?.status).toBe('site_survey');
    expect(got?.history).toHaveLength(2);
    // An edit made on the copy read before the centre's update keeps the centre's progress.
    const edited = await repo.updateApplication(
      { ...app, notes: 'after survey' },
      { kind: 'note', actor: 'c' },
    );
    expect(edited.application).toMatchObject({ status: 'site_survey', serverVersion: 2 });
    got = await repo.getApplication(app.id);
    expect(got).toMatchObject({ status: 'site_survey', notes: 'after survey' });
    expect(got?.history).toHaveLength(2);
    await expect(
      repo.updateApplication({ ...app, appNo: 'OTHER' }, { kind: 'edit', actor: 'c' }),
    ).rejects.toMatchObject({ code: 'validation' });
    // Another desk's application of this hall is inserted.
    expect(await repo.applyRemoteApplication(makeApp({ deskCode: 'D02' }))).toBe('inserted');
    expect(await db.outbox.count()).toBe(3);
  });
});

describe('nextApplicationSeq', () => {
  it('counts per date, uniquely under concurrency', async () => {
    const got = await Promise.all(
      Array.from({ length: 25 }, () => repo.nextApplicationSeq('2026-11-02')),
    );
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await repo.nextApplicationSeq('2026-11-03')).toBe(1);
  });
});

describe('drafts', () => {
  it('saves, keeps createdAt, lists newest first and deletes with its attachments', async () => {
    const a = await repo.saveDraft({
      id: crypto.randomUUID(),
      form: { step: 1 },
      updatedAt: '2026-11-02T01:00:00.000Z',
    });
    const b = await repo.saveDraft({
      id: crypto.randomUUID(),
      form: { step: 2 },
      updatedAt: '2026-11-02T02:00:00.000Z',
    });
    const a2 = await repo.saveDraft({
      id: a.id,
      form: { step: 3 },
      updatedAt: '2026-11-02T03:00:00.000Z',
    });
    expect(a2.createdAt).toBe(a.createdAt);
    expect((await repo.listDrafts()).map((d) => d.id)).toEqual([a.id, b.id]);
    expect((await repo.getDraft(a.id))?.form).toEqual({ step: 3 });
    await repo.addAttachment(
      { applicationId: a.id, documentCode: 'ID', fileName: 'x.png', mimeType: 'image/png' },
      new Blob(['x']),
    );
    await repo.deleteDraft(a.id);
    expect(await repo.getDraft(a.id)).toBeUndefined();
    expect(await repo.listAttachments(a.id)).toEqual([]);
  });
});

describe('attachments', () => {
  it('hashes with SHA-256, keeps the bytes, and queues them after their application', async () => {
    const app = makeApp();
    const bytes = new TextEncoder().encode('abc');
    const meta = await repo.addAttachment(
      {
        applicationId: app.id,
        documentCode: 'ID_CARD',
        fileName: '身份证.jpg',
        mimeType: 'image/jpeg',
      },
      new Blob([bytes], { type: 'image/jpeg' }),
    );
    expect(meta.sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(meta.size).toBe(3);
    expect(await db.outbox.count()).toBe(0); // draft stage: queued on submit
    const got = await repo.getAttachment(meta.id);
    expect(new Uint8Array(await got!.blob.arrayBuffer())).toEqual(bytes);
    expect((await db.attachments.where('sha256').equals(meta.sha256).first())?.id).toBe(meta.id);
    await repo.submitApplication(app);
    const out = await db.outbox.orderBy('seq').toArray();
    expect(out.map((e) => [e.entity, e.entityId])).toEqual([
      ['application', app.id],
      ['attachment', meta.id],
    ]);
    await expect(repo.deleteAttachment(meta.id)).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('outbox for the sync engine', () => {
  it('reports pending, rejected and the oldest pending time; compacts acked entries', async () => {
    expect(await repo.outboxStats()).toEqual({ pending: 0, rejected: 0, oldestPendingAt: null });
    for (let i = 0; i < 5; i++) await repo.submitApplication(makeApp());
    const all = await db.outbox.orderBy('seq').toArray();
    await repo.markOutboxSending([1, 2]);
    let stats = await repo.outboxStats();
    expect(stats.pending).toBe(5);
    expect(stats.oldestPendingAt).toBe(all[0]!.createdAt);
    await repo.ackOutbox([1]);
    await repo.rejectOutbox(2, '字段缺失');
    stats = await repo.outboxStats();
    expect(stats).toEqual({ pending: 3, rejected: 1, oldestPendingAt: all[2]!.createdAt });
    expect((await repo.pendingOutbox(10)).map((e) => e.seq)).toEqual([3, 4, 5]);
    await repo.markOutboxSending([3]);
    await repo.retryOutbox([3], 'timeout');
    const e3 = await db.outbox.get(3);
    expect(e3).toMatchObject({ state: 'pending', attempts: 1, lastError: 'timeout' });
    expect((await repo.listOutbox('rejected'))[0]?.lastError).toBe('字段缺失');
    expect(await repo.compactOutbox()).toBe(1);
    expect(await db.outbox.count()).toBe(4);
  });
});

describe('feedback, key customers, meta', () => {
  it('records and lists feedback newest first with filters', async () => {
    const a = await repo.saveFeedback(
      makeFeedback({ acceptedAt: '2026-11-02T01:00:00.000Z', kind: 'praise' }),
    );
    const b = await repo.saveFeedback(
      makeFeedback({ acceptedAt: '2026-11-02T02:00:00.000Z', customerName: '王五' }),
    );
    expect((await repo.listFeedback()).rows.map((f) => f.id)).toEqual([b.id, a.id]);
    expect((await repo.listFeedback({ kind: 'praise' })).rows.map((f) => f.id)).toEqual([a.id]);
    expect((await repo.listFeedback({ text: '王' })).rows.map((f) => f.id)).toEqual([b.id]);
    expect((await repo.listFeedback({ overdue: true, today: '2026-11-04' })).total).toBe(2);
    await repo.updateFeedback({
      ...a,
      status: 'replied',
      reply: '感谢',
      repliedAt: '2026-11-03T01:00:00.000Z',
      firstContactAt: '2026-11-02T05:00:00.000Z',
    });
    expect(
      (await repo.listFeedback({ overdue: true, today: '2026-11-04' })).rows.map((f) => f.id),
    ).toEqual([b.id]);
    expect((await repo.getFeedback(a.id))?.status).toBe('replied');
  });

  it('marks and finds key customers by 户号 or ID number', async () => {
    await repo.markKeyCustomer({
      accountNo: '3201001234',
      idNumber: '91320000MA1XXXXX1X',
      customerName: '某某公司',
      managerName: '赵经理',
      markedBy: 'c',
    });
    expect((await repo.findKeyCustomer({ accountNo: '3201001234' }))?.managerName).toBe('赵经理');
    expect((await repo.findKeyCustomer({ idNumber: '91320000ma1xxxxx1x' }))?.managerName).toBe(
      '赵经理',
    );
    expect(await repo.findKeyCustomer({ accountNo: '999' })).toBeUndefined();
    await expect(
      repo.markKeyCustomer({ customerName: 'x', managerName: 'y', markedBy: 'c' }),
    ).rejects.toMatchObject({ code: 'validation' });
    await repo.unmarkKeyCustomer({ accountNo: '3201001234' });
    expect(await repo.findKeyCustomer({ accountNo: '3201001234' })).toBeUndefined();
  });

  it('keeps meta and settings values', async () => {
    await repo.setMeta('sync.checkpoint', { at: 5 });
    expect(await repo.getMeta('sync.checkpoint')).toEqual({ at: 5 });
    await repo.setSetting('lang', 'en');
    expect(await repo.getSetting('lang')).toBe('en');
    const id = await repo.ensureDeviceId();
    expect(await repo.ensureDeviceId()).toBe(id);
  });
});
