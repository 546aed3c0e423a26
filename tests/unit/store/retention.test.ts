// Retention (PIPL Art. 19): only what the centre safely has and what is past its period is
// removed from the hall machine; anything unsent, unfinished or still uploading stays.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import * as repo from '../../../renderer/src/db/repo';
import { purgeExpired, RETENTION_META_KEY } from '../../../renderer/src/db/retention';
import { freshDb, makeApp, makeFeedback } from './factory';

const policy = { syncedApplicationDays: 180, attachmentDays: 90, draftDays: 30, feedbackDays: 180 };
const NOW = new Date('2027-12-01T02:00:00Z');
const LONG_AGO = '2026-11-02T02:00:00.000Z';

let db: HallDeskDB;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => {
  db.close();
});

/** Marks every outbox entry acknowledged, as the sync engine does on the centre's answer. */
async function ackAll() {
  await db.outbox.toCollection().modify({ state: 'acked' });
}

async function finishedOnCentre(id: string, updatedAt = LONG_AGO) {
  await db.applications.update(id, { status: 'archived', serverVersion: 7, updatedAt });
}

async function withScan(applicationId: string) {
  return repo.addAttachment(
    {
      applicationId,
      documentCode: 'ID',
      fileName: 'id.png',
      mimeType: 'image/png',
      createdAt: LONG_AGO,
    },
    new Blob([new Uint8Array([1, 2, 3, 4])], { type: 'image/png' }),
  );
}

describe('purgeExpired', () => {
  it('removes a finished, fully synced, old application with its files and outbox rows', async () => {
    const app = makeApp();
    await repo.submitApplication(app);
    const scan = await withScan(app.id);
    await ackAll();
    await finishedOnCentre(app.id);
    const report = await purgeExpired(db, policy, NOW);
    expect(report.applications).toBe(1);
    expect(await db.applications.get(app.id)).toBeUndefined();
    expect(await db.attachments.get(scan.id)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
    expect((await db.meta.get(RETENTION_META_KEY))?.value).toMatchObject({ applications: 1 });
  });

  it('keeps anything the centre does not safely have, or that is not finished or not old', async () => {
    const unsent = makeApp();
    await repo.submitApplication(unsent);
    await finishedOnCentre(unsent.id); // a local change still pending in the outbox

    const neverSynced = makeApp();
    await repo.submitApplication(neverSynced);
    await ackAll();
    await db.applications.update(neverSynced.id, { status: 'archived', updatedAt: LONG_AGO });

    const inProgress = makeApp();
    await repo.submitApplication(inProgress);
    await ackAll();
    await db.applications.update(inProgress.id, {
      status: 'survey',
      serverVersion: 3,
      updatedAt: LONG_AGO,
    });

    const recent = makeApp();
    await repo.submitApplication(recent);
    await ackAll();
    await finishedOnCentre(recent.id, '2027-11-20T00:00:00.000Z');

    const uploading = makeApp();
    await repo.submitApplication(uploading);
    const scan = await withScan(uploading.id);
    await ackAll();
    await finishedOnCentre(uploading.id);
    await db.meta.put({ key: `sync.upload:${scan.id}`, value: { attachmentId: scan.id } });

    // unsent's outbox entry is acked by ackAll above too: give it a new pending change.
    await db.outbox.add({
      changeId: crypto.randomUUID(),
      seq: 999,
      entity: 'application',
      entityId: unsent.id,
      op: 'update',
      payload: {},
      createdAt: LONG_AGO,
      state: 'pending',
      attempts: 0,
    });

    const report = await purgeExpired(db, policy, NOW);
    expect(report.applications).toBe(0);
    expect(await db.applications.count()).toBe(5);
    expect((await db.attachments.get(scan.id))?.blob.size).toBe(4);
  });

  it('drops the bytes of uploaded scans after their shorter period, keeping the metadata', async () => {
    const app = makeApp();
    await repo.submitApplication(app);
    const scan = await withScan(app.id);
    await ackAll();
    await db.applications.update(app.id, { status: 'survey', serverVersion: 2 });
    const draftScan = await withScan(crypto.randomUUID()); // a draft's scan: never uploaded
    const record = await repo.addAttachment(
      {
        applicationId: app.id,
        documentCode: 'customer_signature_record',
        fileName: 'signature.json',
        mimeType: 'application/json',
        createdAt: LONG_AGO,
      },
      new Blob(['{"sha256":"…"}'], { type: 'application/json' }),
    );
    await ackAll();

    const report = await purgeExpired(db, policy, NOW);
    expect(report.attachmentBytes).toBe(1);
    const kept = await db.attachments.get(scan.id);
    expect(kept?.blob.size).toBe(0);
    expect(kept?.sha256).toBe(scan.sha256);
    expect((await db.attachments.get(draftScan.id))?.blob.size).toBe(4);
    expect((await db.attachments.get(record.id))?.blob.size).toBeGreaterThan(0);
    expect(await db.applications.get(app.id)).toBeDefined();
  });

  it('removes abandoned drafts and answered, synced, old feedback only', async () => {
    await repo.saveDraft({ id: crypto.randomUUID(), form: {}, updatedAt: LONG_AGO });
    const fresh = await repo.saveDraft({
      id: crypto.randomUUID(),
      form: {},
      updatedAt: '2027-11-25T00:00:00.000Z',
    });
    const answered = makeFeedback({
      acceptedAt: LONG_AGO,
      status: 'replied',
      updatedAt: LONG_AGO,
      reply: '已处理',
      repliedAt: LONG_AGO,
    });
    const open = makeFeedback({ acceptedAt: LONG_AGO, updatedAt: LONG_AGO });
    await repo.saveFeedback(answered);
    await repo.saveFeedback(open);
    await ackAll();
    const unsentAnswer = makeFeedback({
      acceptedAt: LONG_AGO,
      status: 'closed',
      updatedAt: LONG_AGO,
    });
    await repo.saveFeedback(unsentAnswer);

    const report = await purgeExpired(db, policy, NOW);
    expect(report.drafts).toBe(1);
    expect((await db.drafts.toArray()).map((d) => d.id)).toEqual([fresh.id]);
    expect(report.feedback).toBe(1);
    expect(await db.feedback.get(answered.id)).toBeUndefined();
    expect(await db.feedback.get(open.id)).toBeDefined();
    expect(await db.feedback.get(unsentAnswer.id)).toBeDefined();
  });
});

describe('audit trail retention', () => {
  it('keeps audit rows when their application is purged, and ages them out by auditDays', async () => {
    const app = makeApp();
    await repo.submitApplication(app);
    await ackAll();
    await finishedOnCentre(app.id);
    const day = 86_400_000;
    const old = new Date(NOW.getTime() - 400 * day).toISOString();
    const recent = new Date(NOW.getTime() - 10 * day).toISOString();
    // The submit's row as if written 10 days before NOW (the test clock is not the real one).
    await db.audit.toCollection().modify({ at: recent });
    await db.audit.bulkAdd([
      {
        at: old,
        actor: '李四',
        action: 'view',
        entity: 'application',
        entityId: 'x',
        label: 'A-1',
      },
      {
        at: recent,
        actor: '李四',
        action: 'print',
        entity: 'application',
        entityId: 'x',
        label: 'A-1',
      },
    ]);
    const report = await purgeExpired(db, { ...policy, auditDays: 365 }, NOW);
    expect(report.applications).toBe(1);
    expect(report.audit).toBe(1);
    // The submit's row and the recent one stay.
    const left = await db.audit.toArray();
    expect(left.map((r) => r.at)).not.toContain(old);
    expect(left.some((r) => r.action === 'create' && r.entityId === app.id)).toBe(true);
    expect(left.some((r) => r.at === recent)).toBe(true);
  });

  it('uses the default period (1095 days) when the policy has none', async () => {
    const day = 86_400_000;
    const within = new Date(NOW.getTime() - 1000 * day).toISOString();
    const beyond = new Date(NOW.getTime() - 1100 * day).toISOString();
    const row = {
      actor: 'a',
      action: 'view',
      entity: 'application',
      entityId: 'x',
      label: 'A',
    } as const;
    await db.audit.bulkAdd([
      { ...row, at: within },
      { ...row, at: beyond },
    ]);
    const report = await purgeExpired(db, policy, NOW);
    expect(report.audit).toBe(1);
    expect((await db.audit.toArray()).map((r) => r.at)).toEqual([within]);
  });
});
