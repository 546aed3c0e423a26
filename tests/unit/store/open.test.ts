// Opening the local store: the v1 → v2 migration chain, persistence request, a newer window's
// upgrade, an upgrade blocked by an old window, failure classification, and reset with backup.
import 'fake-indexeddb/auto';
import { IDBDatabase as FakeIDBDatabase, IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CURRENT_SCHEMA_VERSION,
  HallDeskDB,
  LegacyHallDeskDB,
  activeDb,
} from '../../../renderer/src/db/db';
import { deriveApplicationKeys, deriveFeedbackKeys } from '../../../renderer/src/db/keys';
import {
  classifyOpenError,
  openDatabase,
  persisted,
  resetLocalDatabase,
} from '../../../renderer/src/db/open';
import * as repo from '../../../renderer/src/db/repo';
import { openBackup } from '../../../shared/backup/sealed';
import { makeApp, makeFeedback } from './factory';

afterEach(() => {
  vi.unstubAllGlobals();
});

function rawOpen(factory: IDBFactory, name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, version);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

describe('schema migration chain', () => {
  it('migrates a v1 database with data to the current version, deriving search keys', async () => {
    const indexedDB = new IDBFactory();
    const name = 'migrate-v1';
    const v1 = new LegacyHallDeskDB(name, 1, { indexedDB, IDBKeyRange });
    const a = makeApp(
      { status: 'accepted', deadline: '2026-11-05' },
      { name: '陈大文', phone: '13700001111' },
    );
    const b = makeApp({ status: 'archived', deadline: '2026-11-05' }, { name: '陈小文' });
    const fb = makeFeedback({ customerName: '周五' });
    await v1.table('applications').bulkAdd([a, b]);
    await v1.table('feedback').add(fb);
    await v1.table('outbox').add({
      changeId: crypto.randomUUID(),
      seq: 1,
      entity: 'application',
      entityId: a.id,
      op: 'create',
      payload: a,
      createdAt: a.acceptedAt,
      state: 'pending',
      attempts: 0,
    });
    await v1.table('meta').put({ key: 'outbox.seq', value: 1 });
    expect(v1.verno).toBe(1);
    v1.close();

    const r = await openDatabase({ name, indexedDB, IDBKeyRange, requestPersistence: false });
    if (!r.ok) throw new Error(r.message);
    expect(r.db.verno).toBe(CURRENT_SCHEMA_VERSION);
    const row = await r.db.applications.get(a.id);
    expect(row?.searchKeys).toContain(`n:陈${'\u0001'}${row?.t}`);
    expect(row?.openDeadline).toBe('2026-11-05');
    expect((await r.db.applications.get(b.id))?.openDeadline).toBeUndefined();
    // The migrated rows are found by the new indexes, and the data is unchanged.
    expect((await repo.searchApplications('陈')).rows.map((x) => x.id)).toEqual([b.id, a.id]);
    expect((await repo.searchApplications('1111')).rows.map((x) => x.id)).toEqual([a.id]);
    expect(await repo.getApplication(a.id)).toEqual(a);
    expect((await repo.listFeedback({ text: '周' })).rows.map((f) => f.id)).toEqual([fb.id]);
    expect(await repo.outboxStats()).toMatchObject({ pending: 1 });
    // Seq continues after the migrated counter.
    expect((await repo.submitApplication(makeApp())).seq).toBe(2);
    r.db.close();
  });
});

describe('schema v2 → v3', () => {
  it('adds the address keys to applications written by v2', async () => {
    const indexedDB = new IDBFactory();
    const name = 'migrate-v2';
    const v2 = new LegacyHallDeskDB(name, 2, { indexedDB, IDBKeyRange });
    const a = makeApp({ address: '苏州市工业园区星湖街328号' });
    const d = deriveApplicationKeys(a);
    // v2 derived no address keys.
    const v2Keys = d.searchKeys.filter((k) => !k.startsWith('ad:'));
    expect(v2Keys.length).toBeLessThan(d.searchKeys.length);
    await v2
      .table('applications')
      .add({ ...a, t: d.t, searchKeys: v2Keys, openDeadline: a.deadline });
    v2.close();
    const r = await openDatabase({ name, indexedDB, IDBKeyRange, requestPersistence: false });
    if (!r.ok) throw new Error(r.message);
    expect(r.db.verno).toBe(CURRENT_SCHEMA_VERSION);
    expect((await r.db.applications.get(a.id))?.searchKeys.sort()).toEqual(
      [...d.searchKeys].sort(),
    );
    expect((await repo.searchApplications({ text: '星湖街', kind: 'address' })).rows).toHaveLength(
      1,
    );
    r.db.close();
  });
});

describe('schema v3 → v4', () => {
  it('adds the audit table and keeps every v3 row', async () => {
    const indexedDB = new IDBFactory();
    const name = 'migrate-v3';
    const v3 = new LegacyHallDeskDB(name, 3, { indexedDB, IDBKeyRange });
    const a = makeApp({ address: '苏州市工业园区星湖街328号' }, { name: '陈大文' });
    const fb = makeFeedback({ customerName: '周五' });
    await v3.table('applications').add({ ...a, ...deriveApplicationKeys(a) });
    await v3.table('feedback').add({ ...fb, ...deriveFeedbackKeys(fb) });
    await v3.table('drafts').add({
      id: 'd1',
      form: { name: '王五' },
      createdAt: a.acceptedAt,
      updatedAt: a.acceptedAt,
    });
    await v3.table('meta').put({ key: 'outbox.seq', value: 4 });
    await v3.table('settings').put({ key: 'desk.profile', value: { clerkName: '李四' } });
    expect(v3.verno).toBe(3);
    expect(v3.tables.map((t) => t.name)).not.toContain('audit');
    v3.close();

    const r = await openDatabase({ name, indexedDB, IDBKeyRange, requestPersistence: false });
    if (!r.ok) throw new Error(r.message);
    expect(r.db.verno).toBe(CURRENT_SCHEMA_VERSION);
    expect(await repo.getApplication(a.id)).toEqual(a);
    expect((await repo.searchApplications('陈')).rows.map((x) => x.id)).toEqual([a.id]);
    expect((await repo.listFeedback({ text: '周' })).rows.map((f) => f.id)).toEqual([fb.id]);
    expect(await repo.getDraft('d1')).toMatchObject({ form: { name: '王五' } });
    expect(await repo.getSetting('desk.profile')).toEqual({ clerkName: '李四' });
    // The new table is empty and usable; seq continues after the migrated counter.
    expect(await r.db.audit.count()).toBe(0);
    expect((await repo.submitApplication(makeApp())).seq).toBe(5);
    expect(await r.db.audit.count()).toBe(1);
    r.db.close();
  });
});

describe('openDatabase', () => {
  it('asks for persistent storage and records the answer', async () => {
    const persist = vi.fn(async () => true);
    vi.stubGlobal('navigator', { storage: { persisted: async () => false, persist } });
    const r = await openDatabase({
      name: 'persist',
      indexedDB: new IDBFactory(),
      IDBKeyRange,
      persistWaitMs: 2000,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.persisted).toBe(true);
    expect(persist).toHaveBeenCalledOnce();
    expect(await repo.getMeta('storage.persisted')).toMatchObject({ persisted: true });
    expect(activeDb()).toBe(r.db);
    r.db.close();
  });

  it('reports a disk that refuses writes through `writable`, after open', async () => {
    vi.stubGlobal('navigator', { storage: { persisted: async () => true } });
    const healthy = await openDatabase({
      name: 'probe-ok',
      indexedDB: new IDBFactory(),
      IDBKeyRange,
    });
    if (!healthy.ok) throw new Error(healthy.message);
    expect(await healthy.writable).toBeNull();
    expect(await repo.getMeta('storage.lastOpen')).toMatchObject({ openedAt: expect.any(String) });
    healthy.db.close();

    // Every write refused as by a full disk: open still succeeds (reads work), and the probe
    // says why, so the desk swaps its first page for the recovery screen.
    const proto = FakeIDBDatabase.prototype as IDBDatabase;
    const original = proto.transaction;
    const spy = vi.spyOn(proto, 'transaction').mockImplementation(function (
      this: IDBDatabase,
      ...args: Parameters<IDBDatabase['transaction']>
    ) {
      if (args[1] === 'readwrite') {
        throw Object.assign(new Error('disk full'), { name: 'QuotaExceededError' });
      }
      return original.apply(this, args);
    });
    try {
      const full = await openDatabase({
        name: 'probe-full',
        indexedDB: new IDBFactory(),
        IDBKeyRange,
      });
      if (!full.ok) throw new Error(full.message);
      const failure = await full.writable;
      expect(failure).toMatchObject({ ok: false, reason: 'quota' });
      expect(failure?.message).toContain('磁盘空间');
      full.db.close();
    } finally {
      spy.mockRestore();
    }
  });

  it('does not hold start-up for a slow persist() answer, and records it when it comes', async () => {
    let answer: (v: boolean) => void = () => undefined;
    const persist = vi.fn(() => new Promise<boolean>((r) => (answer = r)));
    vi.stubGlobal('navigator', { storage: { persisted: async () => false, persist } });
    const r = await openDatabase({
      name: 'persist-slow',
      indexedDB: new IDBFactory(),
      IDBKeyRange,
    });
    if (!r.ok) throw new Error(r.message);
    expect(r.persisted).toBe(false);
    expect(await repo.getMeta('storage.persisted')).toBeUndefined();
    answer(true);
    await vi.waitFor(async () => {
      expect(await repo.getMeta('storage.persisted')).toMatchObject({ persisted: true });
    });
    expect(persisted()).toBe(true);
    r.db.close();
  });

  it('closes and hands over when another window upgrades to a newer version', async () => {
    const indexedDB = new IDBFactory();
    const onVersionChange = vi.fn();
    const r = await openDatabase({
      name: 'vc',
      indexedDB,
      IDBKeyRange,
      onVersionChange,
      requestPersistence: false,
    });
    if (!r.ok) throw new Error(r.message);
    // A newer program opens at a higher IndexedDB version (Dexie stores version × 10).
    const newer = await rawOpen(indexedDB, 'vc', 1000);
    expect(onVersionChange).toHaveBeenCalledOnce();
    expect(r.db.isOpen()).toBe(false);
    newer.close();
  });

  it('reports "blocked" when an old window does not let the upgrade through', async () => {
    const indexedDB = new IDBFactory();
    const old = await rawOpen(indexedDB, 'blk', 10); // holds v1, ignores versionchange
    const onBlocked = vi.fn();
    const r = await openDatabase({
      name: 'blk',
      indexedDB,
      IDBKeyRange,
      blockedTimeoutMs: 100,
      onBlocked,
      requestPersistence: false,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('blocked');
    expect(onBlocked).toHaveBeenCalled();
    old.close();
  });

  it('reports "version" when the stored database is newer than this program', async () => {
    const indexedDB = new IDBFactory();
    (await rawOpen(indexedDB, 'newer', 990)).close();
    const r = await openDatabase({
      name: 'newer',
      indexedDB,
      IDBKeyRange,
      requestPersistence: false,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('version');
      expect(r.message).toMatch(/升级/);
    }
  });

  it('classifies broken storage, full disks and missing IndexedDB', () => {
    const backing = {
      name: 'UnknownError',
      message: 'Internal error opening backing store for indexedDB.open.',
    };
    expect(classifyOpenError({ name: 'OpenFailedError', message: 'x', inner: backing })).toBe(
      'corrupt',
    );
    expect(
      classifyOpenError({ name: 'DatabaseClosedError', message: 'closed', inner: backing }),
    ).toBe('corrupt');
    expect(classifyOpenError({ name: 'QuotaExceededError', message: 'q' })).toBe('quota');
    expect(
      classifyOpenError({
        name: 'AbortError',
        message: 'a',
        inner: { name: 'QuotaExceededError', message: '' },
      }),
    ).toBe('quota');
    expect(classifyOpenError({ name: 'MissingAPIError', message: 'IndexedDB API missing' })).toBe(
      'unavailable',
    );
    expect(classifyOpenError(new Error('something else'))).toBe('unknown');
  });
});

describe('resetLocalDatabase', () => {
  it('exports every readable row (attachments as data URLs) before deleting the database', async () => {
    const indexedDB = new IDBFactory();
    const r = await openDatabase({
      name: 'reset',
      indexedDB,
      IDBKeyRange,
      requestPersistence: false,
    });
    if (!r.ok) throw new Error(r.message);
    const app = makeApp();
    await repo.submitApplication(app);
    await repo.addAttachment(
      { applicationId: app.id, documentCode: 'ID', fileName: 'a.txt', mimeType: 'text/plain' },
      new Blob(['hello'], { type: 'text/plain' }),
    );
    const res = await resetLocalDatabase({
      name: 'reset',
      indexedDB,
      download: false,
      password: '恢复密码 2026',
    });
    expect(res.deleted).toBe(true);
    expect(res.counts).toMatchObject({ applications: 1, outbox: 2, attachments: 1 });
    expect(res.fileName).toMatch(/\.hdbak$/);
    // Sealed: no ID number in the file; the password opens it.
    const sealed = new Uint8Array(await res.backup.arrayBuffer());
    expect(Buffer.from(sealed).includes(Buffer.from(app.customer.idNumber))).toBe(false);
    await expect(openBackup(res.backup, 'wrong password')).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    });
    const doc = JSON.parse(await (await openBackup(res.backup, '恢复密码 2026')).text()) as {
      tables: { applications: { id: string }[]; attachments: { blob: { $blob: string } }[] };
    };
    expect(doc.tables.applications[0]?.id).toBe(app.id);
    expect(doc.tables.attachments[0]?.blob.$blob).toBe(`data:text/plain;base64,${btoa('hello')}`);
    // Reopened: a fresh, empty database.
    const again = new HallDeskDB('reset', { indexedDB, IDBKeyRange });
    await again.open();
    expect(await again.applications.count()).toBe(0);
    again.close();
  });
});
