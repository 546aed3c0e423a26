// The central endpoint killed with SIGKILL while a desk is pushing, then restarted on the same
// PGlite data folder: nothing the desk saved is lost and nothing is doubled. The desk talks to
// a proxy in front of the server so it keeps one endpoint address across the restart.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { pgliteDataDir, startCentralChild, type RunningCentral } from '../support/syncCentral';
import {
  createTestDesk,
  localApplication,
  makeApplication,
  saveWithOutbox,
  type TestDesk,
} from '../support/syncDesk';

const HALL = 'CRASH-01';
const APPS = 240;

let central: (RunningCentral & { kill(): Promise<void> }) | null = null;
let proxy: FaultProxy | null = null;
let desk: TestDesk | null = null;
let dataDir: string | null = null;

afterAll(async () => {
  await desk?.close();
  await proxy?.close();
  await central?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('server killed during a push', () => {
  it('loses nothing and doubles nothing across SIGKILL and restart', async () => {
    dataDir = await pgliteDataDir('crash');
    central = await startCentralChild(dataDir);
    await central.admin.createHall(HALL);
    proxy = await startFaultProxy({ target: { port: central.port } });
    const creds = await central.admin.enrollDesk(HALL, '1号窗口', proxy.url);
    // Small batches: many pushes, so the kill lands in the middle of the stream.
    desk = createTestDesk(creds, { batchMaxChanges: 20 });
    const apps = Array.from({ length: APPS }, () => makeApplication(HALL, 'D1'));
    for (const a of apps) await saveWithOutbox(desk.db, a);

    let kills = 0;
    for (let crash = 0; crash < 2; crash++) {
      const before = proxy.stats.requests;
      const round = desk.engine.syncNow();
      // Kill as soon as a few pushes went through: the next one is in flight or about to be.
      await waitFor(() => proxy!.stats.requests >= before + 3 + crash, 60_000);
      await central.kill();
      kills += 1;
      const r = await round;
      expect(r.kind).toBe('failed');
      expect(desk.engine.status.getState().phase).toBe('offline');
      const pendingAfterCrash = desk.engine.status.getState().pending;
      expect(pendingAfterCrash).toBeGreaterThan(0);
      // Restart on the same data folder (any port; the proxy follows it).
      central = await startCentralChild(dataDir);
      proxy.setTarget({ port: central.port });
    }
    expect(kills).toBe(2);

    for (let i = 0; i < 20; i++) {
      const r = await desk.engine.syncNow();
      if (r.kind === 'ok' && desk.engine.status.getState().pending === 0) break;
    }
    expect(desk.engine.status.getState()).toMatchObject({ phase: 'synced', pending: 0 });
    const onCentre = await central.admin.applications(HALL);
    expect(onCentre).toHaveLength(APPS);
    expect(new Set(onCentre.map((a) => a.id)).size).toBe(APPS);
    expect(onCentre.map((a) => a.id).sort()).toEqual(apps.map((a) => a.id).sort());
    for (const c of onCentre) {
      // Created once: version 1, one history entry.
      expect(c.serverVersion).toBe(1);
      expect(c.history).toHaveLength(1);
    }
    expect(await desk.db.outbox.count()).toBe(0);
    expect((await localApplication(desk.db, apps[APPS - 1]!.id))?.serverVersion).toBe(1);
  }, 180_000);
});
