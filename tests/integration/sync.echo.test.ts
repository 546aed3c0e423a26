// Pulls do not echo a desk's own pushes back (skipOwn): the push result carries serverVersion,
// so the echo is wasted bytes on a weak link. What must still arrive does: the other desk's
// records, the back office's moves of this desk's records, and everything for a desk whose
// database was rebuilt (no checkpoint: a full pull, own records included).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullResponse } from '../../shared/protocol';
import type { FetchLike } from '../../renderer/src/sync/transport';
import { startCentral, type RunningCentral } from '../support/syncCentral';
import {
  createTestDesk,
  editLocal,
  localApplication,
  makeApplication,
  saveWithOutbox,
  type TestDesk,
} from '../support/syncDesk';

const HALL = 'ECHO01';
let central: RunningCentral;
let a: TestDesk;
let b: TestDesk;
const pulls = new Map<string, PullResponse[]>();

/** Real fetch that keeps the pull answers each desk received. */
function recording(name: string): FetchLike {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (new URL(input).pathname.endsWith('/pull') && res.ok) {
      const body = (await res.clone().json()) as PullResponse;
      pulls.set(name, [...(pulls.get(name) ?? []), body]);
    }
    return res;
  };
}

function pulledApplications(name: string): string[] {
  return (pulls.get(name) ?? []).flatMap((p) =>
    p.changes.flatMap((c) => (c.kind === 'application' ? [c.record.id] : [])),
  );
}

beforeAll(async () => {
  central = await startCentral();
  await central.admin.createHall(HALL);
  a = createTestDesk(await central.admin.enrollDesk(HALL, 'A'), { fetch: recording('a') });
  b = createTestDesk(await central.admin.enrollDesk(HALL, 'B'), { fetch: recording('b') });
  // Both have synced once (checkpoints stored): from now on they pull with skipOwn.
  expect((await a.engine.syncNow()).kind).toBe('ok');
  expect((await b.engine.syncNow()).kind).toBe('ok');
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await central?.close();
});

describe('pull without echoes of the own pushes', () => {
  it("leaves desk A's own records out of its pull, sends them to desk B, keeps the versions right", async () => {
    const apps = Array.from({ length: 20 }, () => makeApplication(HALL, 'DA'));
    for (const app of apps) await saveWithOutbox(a.db, app);
    pulls.clear();
    expect(await a.engine.syncNow()).toMatchObject({ kind: 'ok', pushed: 20, pulled: 0 });
    expect(pulledApplications('a')).toEqual([]);
    // The push results gave the desk the centre's version: not "未上传中心" any more.
    for (const app of apps) expect((await localApplication(a.db, app.id))?.serverVersion).toBe(1);

    expect((await b.engine.syncNow()).kind).toBe('ok');
    expect(pulledApplications('b').sort()).toEqual(apps.map((x) => x.id).sort());
    expect(await b.db.applications.count()).toBe(20);

    // An edit by A: applied, version 2 on A without the echo.
    const first = apps[0]!;
    const row = (await localApplication(a.db, first.id))!;
    await editLocal(a.db, first.id, (x) => ({ ...x, notes: '客户改约周五' }));
    pulls.clear();
    expect((await a.engine.syncNow()).kind).toBe('ok');
    expect(pulledApplications('a')).toEqual([]);
    expect((await localApplication(a.db, first.id))?.serverVersion).toBe(row.serverVersion + 1);
    expect((await central.admin.application(first.id)).serverVersion).toBe(row.serverVersion + 1);
  });

  it("the back office's move of A's record comes back to A", async () => {
    const [one] = await central.admin.applications(HALL);
    const moved = await central.admin.advance(one!.id);
    pulls.clear();
    expect((await a.engine.syncNow()).kind).toBe('ok');
    expect(pulledApplications('a')).toEqual([one!.id]);
    expect(await localApplication(a.db, one!.id)).toMatchObject({
      status: moved.status,
      serverVersion: moved.serverVersion,
    });
  });

  it('a rebuilt desk database (no checkpoint) gets its own records back', async () => {
    const rebuilt = createTestDesk(a.credentials, { fetch: recording('rebuilt') });
    try {
      expect((await rebuilt.engine.syncNow()).kind).toBe('ok');
      expect(await rebuilt.db.applications.count()).toBe(20);
    } finally {
      await rebuilt.close();
    }
  });
});
