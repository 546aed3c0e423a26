// The desk uses the configuration the centre pushes: the back office publishes next year's
// holiday calendar with the CLI (`npm run backoffice -- calendar load-year 2027 file.json`) and a
// new catalogue over the admin API; after a sync the desk's configuration (desk/config.ts, live
// from the local database) computes deadlines reaching into 2027 and shows the versions. An
// invalid pushed document is ignored with a logged reason; the bundled configuration stays.
// Dexie's live queries need the IndexedDB globals (as in the browser), set before Dexie loads.
import 'fake-indexeddb/auto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultCatalogue, findBusinessType } from '../../shared/domain/catalogue';
import { tryComputeDeadline } from '../../shared/domain/workflow';
import { paths } from '../../shared/protocol';
import { runCli } from '../../server/central/cli';
import {
  buildDeskConfig,
  deskConfigStore,
  refreshDeskConfig,
  watchDeskConfig,
} from '../../renderer/src/desk/config';
import { createDexieSyncStore } from '../../renderer/src/sync/store';
import { ADMIN_TOKEN, startCentral, tempDir, type RunningCentral } from '../support/syncCentral';
import { createTestDesk, type TestDesk } from '../support/syncDesk';

const HALL = 'CFG01';
let central: RunningCentral;
let desk: TestDesk;
const dir = tempDir('config');
// Accepted on Wednesday 30 December 2026; 低压居民新装 has 5 working days.
const ACCEPTED = '2026-12-30T02:00:00.000Z';

beforeAll(async () => {
  central = await startCentral();
  await central.admin.createHall(HALL);
  desk = createTestDesk(await central.admin.enrollDesk(HALL, '1号窗口'));
});

afterAll(async () => {
  await desk?.close();
  await central?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function deadline(cfg = deskConfigStore.getState()) {
  const type = findBusinessType(cfg.catalogue, '101')!;
  return tryComputeDeadline(type, {}, ACCEPTED, cfg.calendar);
}

describe('configuration pushed by the centre', () => {
  it('publishing the 2027 holiday calendar lets the desk compute 2027 deadlines after a sync', async () => {
    const unwatch = watchDeskConfig(desk.db);
    try {
      // The bundled calendar ends with 2026: the deadline cannot be computed.
      expect((await desk.engine.syncNow()).kind).toBe('ok');
      await refreshDeskConfig(desk.db);
      expect(deadline()).toMatchObject({ ok: false, missingYear: 2027 });
      expect(deskConfigStore.getState().sources?.calendar.source).toBe('centre');

      const file = path.join(dir, '2027.json');
      fs.writeFileSync(
        file,
        JSON.stringify({
          holidays: [
            {
              name: '元旦',
              nameEn: "New Year's Day",
              from: '2027-01-01',
              to: '2027-01-03',
              makeupWorkdays: [],
            },
          ],
        }),
      );
      const out: string[] = [];
      await runCli(
        ['calendar', 'load-year', '2027', file],
        { url: central.url, token: ADMIN_TOKEN },
        (l) => out.push(l),
      );
      expect(out.join('\n')).toContain('2027');

      expect((await desk.engine.syncNow()).kind).toBe('ok');
      // No reload: the live query over the stored documents updates the configuration in use.
      await vi.waitFor(() => expect(deskConfigStore.getState().calendar.hasYear(2027)).toBe(true));
      // 31 Dec (1), 1-3 Jan holiday and weekend, 4-7 Jan (2-5): the holiday data is used.
      expect(deadline()).toEqual({ ok: true, deadline: '2027-01-07' });
      const src = deskConfigStore.getState().sources!.calendar;
      expect(src).toMatchObject({ source: 'centre' });
      // The years the program shipped with stay (the pushed years are laid over them).
      expect(deskConfigStore.getState().calendar.hasYear(2025)).toBe(true);
    } finally {
      unwatch();
    }
  });

  it('a new catalogue version from the centre replaces the bundled one', async () => {
    const catalogue = { ...defaultCatalogue, version: '2027.1' };
    const res = await fetch(central.url + paths.adminConfigKey('catalogue'), {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: catalogue }),
    });
    expect(res.status).toBe(200);
    const { version } = (await res.json()) as { version: number };
    expect((await desk.engine.syncNow()).kind).toBe('ok');
    const cfg = await refreshDeskConfig(desk.db);
    expect(cfg.catalogue.version).toBe('2027.1');
    expect(cfg.sources?.catalogue).toMatchObject({ source: 'centre', centreVersion: version });
  });

  it('an invalid pushed document is ignored with a reason; the desk keeps a working configuration', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const store = createDexieSyncStore(desk.db);
      const before = (await desk.db.meta.get('config.catalogue'))?.value;
      const checkpoint = (await store.getCheckpoint())!;
      // A centre that (through a bug or an older schema) sends a catalogue this desk cannot use.
      await store.applyPullPage(
        [
          {
            kind: 'config',
            key: 'catalogue',
            version: 9_999,
            updatedAt: new Date().toISOString(),
            data: { version: 'broken', types: 'nope' },
          },
        ],
        checkpoint,
      );
      expect((await desk.db.meta.get('config.catalogue'))?.value).toEqual(before);
      expect((await desk.db.meta.get('config.catalogue.ignored'))?.value).toMatchObject({
        version: 9_999,
        reason: expect.any(String),
      });
      expect(warn.mock.calls.flat().join(' ')).toContain(
        'ignoring catalogue configuration version 9999',
      );
      const cfg = await refreshDeskConfig(desk.db);
      expect(cfg.catalogue.version).toBe('2027.1');

      // A broken document already in the database (older build, damaged row): bundled, logged.
      const built = buildDeskConfig({
        catalogue: { version: 5, updatedAt: '', data: { nope: true } },
        calendar: 'garbage',
      });
      expect(built.catalogue).toBe(defaultCatalogue);
      expect(built.sources?.catalogue).toMatchObject({
        source: 'bundled',
        ignored: { version: 5, reason: expect.any(String) },
      });
      expect(built.sources?.calendar.source).toBe('bundled');
      expect(warn.mock.calls.flat().join(' ')).toContain("ignoring the centre's catalogue");
    } finally {
      warn.mockRestore();
    }
  });
});
