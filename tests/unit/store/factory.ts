// Test factories for the local-store tests: valid applications, drafts and feedback, and a
// fresh database per test (unique name on fake-indexeddb).
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { Application, Feedback } from '../../../shared/domain/model';
import { HallDeskDB, setActiveDb } from '../../../renderer/src/db/db';

let dbCounter = 0;

/** A new, opened database with a unique name, made the active one for the repo functions. */
export async function freshDb(): Promise<HallDeskDB> {
  dbCounter += 1;
  const db = new HallDeskDB(`test-${process.pid}-${Date.now()}-${dbCounter}`, {
    indexedDB: new IDBFactory(),
    IDBKeyRange,
  });
  await db.open();
  setActiveDb(db);
  return db;
}

let appCounter = 0;

/** A valid application; override any field. acceptedAt defaults to successive minutes. */
export function makeApp(
  over: Partial<Application> = {},
  customer: Partial<Application['customer']> = {},
): Application {
  appCounter += 1;
  const n = appCounter;
  const acceptedAt =
    over.acceptedAt ?? new Date(Date.UTC(2026, 10, 2, 1, 0) + n * 60_000).toISOString();
  return {
    id: crypto.randomUUID(),
    appNo: `H001-D01-20261102-${String(n).padStart(4, '0')}`,
    hallCode: 'H001',
    deskCode: 'D01',
    businessCode: 'LV_NEW',
    customerKind: 'resident',
    customer: {
      name: '张三',
      idType: 'resident_id',
      idNumber: `11010119900307${String(n % 10000).padStart(4, '0')}`,
      phone: `1380013${String(n % 10000).padStart(4, '0')}`,
      ...customer,
    },
    address: '南京市鼓楼区中山路1号',
    fields: {},
    documents: [],
    commitmentSigned: false,
    acceptedAt,
    acceptedBy: 'clerk01',
    deadline: '2026-11-09',
    status: 'accepted',
    history: [{ from: null, to: 'accepted', at: acceptedAt, actor: 'clerk01' }],
    updatedAt: acceptedAt,
    serverVersion: 0,
    ...over,
  };
}

export function makeFeedback(over: Partial<Feedback> = {}): Feedback {
  const at = over.acceptedAt ?? new Date().toISOString();
  return {
    id: crypto.randomUUID(),
    feedbackNo: `FB-${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    hallCode: 'H001',
    deskCode: 'D01',
    kind: 'complaint',
    customerName: '李四',
    phone: '13900001111',
    content: '停电未通知',
    acceptedAt: at,
    acceptedBy: 'clerk01',
    firstContactDue: '2026-11-03',
    replyDue: '2026-11-11',
    status: 'open',
    updatedAt: at,
    ...over,
  };
}
