// Central endpoint under load (issue 16), the pull pages: served from the stored JSON text (an
// application's generated record_text), the same records in every encoding; built in the
// database with skipOwn and an exact hasMore; shared pages older than a write still leave a desk
// with the latest versions; a desk's next shared page needs no database round trip.
import { describe, expect, it, vi } from 'vitest';
import type { Application } from '../../shared/domain/model';
import type { PullChange, PullResponse } from '../../shared/protocol';
import { decodeCheckpoint, paths } from '../../shared/protocol';
import { runMigrations } from '../../server/db/migrations';
import { writeFeed } from '../../server/central/pushWrite';
import { appFor, change, device, push } from '../support/serverClient';
import type { TestDevice } from '../support/serverClient';
import type { TestCentral } from '../support/server';
import {
  call,
  createHall,
  enrollDevice,
  forEachDb,
  holdEveryConnection,
  withCentral,
} from '../support/server';

async function pullAll(c: TestCentral, dev: TestDevice, encoding: string, limit = 7) {
  const changes: PullChange[] = [];
  const encodings = new Set<string>();
  let cp: string | undefined;
  for (let page = 0; page < 100; page++) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cp) q.set('checkpoint', cp);
    const r = await call<PullResponse>(c.url, 'GET', `${paths.pull}?${q.toString()}`, {
      token: dev.token,
      headers: { 'accept-encoding': encoding },
    });
    expect(r.status).toBe(200);
    encodings.add(r.headers.get('content-encoding') ?? 'identity');
    changes.push(...r.body.changes);
    cp = r.body.checkpoint;
    if (!r.body.hasMore) break;
  }
  return { changes, encodings };
}

for (const { variant, skipReason } of forEachDb()) {
  describe.skipIf(!!skipReason)(`pull pages under load (${variant})`, () => {
    it('pull pages from stored text carry exactly the stored records, in br, gzip and plain', async () => {
      await withCentral(variant, 'fleet-text', {}, async (c) => {
        await createHall(c, 'FT');
        const a = device(await enrollDevice(c, 'FT', 'A'));
        const b = device(await enrollDevice(c, 'FT', 'B'));
        // Records with what text round trips get wrong: non-ASCII, escapes, numbers, nesting.
        const apps: Application[] = Array.from({ length: 20 }, (_, i) =>
          appFor(a, {
            address: `北京市"西城区"\\某街${i}号\n二单元 😀`,
            notes: `備註 <b>&amp;</b> \t ${'é'.repeat(i)}`,
          }),
        );
        const r = await push(
          c,
          a,
          apps.map((x) => change(a, 'application', x)),
        );
        expect(r.status).toBe(200);
        // What the database holds, parsed by the driver (what the old pull sent).
        const stored = await c.server.db.query<{ id: string; record: Application }>(
          'SELECT id, record FROM applications',
        );
        const want = new Map(stored.rows.map((x) => [x.id, x.record]));
        expect(want.size).toBe(20);
        for (const enc of ['br', 'gzip', 'identity']) {
          const got = await pullAll(c, b, enc);
          expect(got.encodings).toEqual(new Set([enc]));
          const records = got.changes.filter((x) => x.kind === 'application');
          expect(records).toHaveLength(20);
          for (const x of records) expect(x.record).toEqual(want.get(x.record.id));
          // The configuration comes first, as whole documents.
          expect(got.changes[0]?.kind).toBe('config');
        }
        // A page served again (cache) is the same; after a write the hall's pages change.
        const again = await pullAll(c, b, 'br', 1000);
        const extra = appFor(a);
        expect((await push(c, a, [change(a, 'application', extra)])).status).toBe(200);
        const after = await pullAll(c, b, 'br', 1000);
        const ids = (x: { changes: PullChange[] }) =>
          x.changes.flatMap((y) => (y.kind === 'application' ? [y.record.id] : []));
        expect(ids(after)).toEqual([...ids(again), extra.id]);
      });
    });

    it("pages carry an application's stored text: written by push, by the centre's own SQL, and filled for rows older than the column", async () => {
      await withCentral(variant, 'fleet-record-text', {}, async (c) => {
        await createHall(c, 'FR');
        const a = device(await enrollDevice(c, 'FR', 'A'));
        const b = device(await enrollDevice(c, 'FR', 'B'));
        const apps = Array.from({ length: 5 }, (_, i) => appFor(a, { notes: `原备注 ${i}` }));
        expect(
          (
            await push(
              c,
              a,
              apps.map((x) => change(a, 'application', x)),
            )
          ).status,
        ).toBe(200);
        const db = c.server.db;
        // A database migrated before the column existed: its rows get the text when it is added.
        await db.exec(`ALTER TABLE applications DROP COLUMN record_text`);
        await db.query(`DELETE FROM schema_migrations WHERE id = $1`, [
          '20261207d_fleet_application_record_text',
        ]);
        expect(await runMigrations(db)).toEqual(['20261207d_fleet_application_record_text']);
        // The centre changes a record with its own SQL (no push): the text follows the record.
        await db.transaction(async (tx) => {
          await tx.query(
            `UPDATE applications SET record = jsonb_set(record, '{notes}', to_jsonb($2::text))
              WHERE id = $1`,
            [apps[0]!.id, '中心改过的备注'],
          );
          const hall = await tx.query<{ hall_id: number }>(
            'SELECT hall_id FROM applications WHERE id = $1 FOR UPDATE',
            [apps[0]!.id],
          );
          await tx.query('SELECT 1 FROM halls WHERE id = $1 FOR UPDATE', [hall.rows[0]!.hall_id]);
          await writeFeed(tx, hall.rows[0]!.hall_id, [{ entity: 'application', id: apps[0]!.id }]);
        });
        const stale = await db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM applications WHERE record_text IS DISTINCT FROM record::text`,
        );
        expect(stale.rows[0]!.n).toBe('0');
        const got = await pullAll(c, b, 'br', 1000);
        const notes = new Map(
          got.changes.flatMap((x) =>
            x.kind === 'application' ? [[x.record.id, x.record.notes]] : [],
          ),
        );
        expect(notes.size).toBe(5);
        expect(notes.get(apps[0]!.id)).toBe('中心改过的备注');
        expect(notes.get(apps[4]!.id)).toBe('原备注 4');
      });
    });

    it('pages built in the database: skipOwn leaves own records out but moves past them, hasMore is exact', async () => {
      await withCentral(variant, 'fleet-skipown', {}, async (c) => {
        await createHall(c, 'FS');
        const a = device(await enrollDevice(c, 'FS', 'A'));
        const b = device(await enrollDevice(c, 'FS', 'B'));
        const fromA = Array.from({ length: 5 }, () => appFor(a));
        const fromB = Array.from({ length: 3 }, () => appFor(b));
        const lastA = Array.from({ length: 2 }, () => appFor(a));
        for (const [d, xs] of [
          [a, fromA],
          [b, fromB],
          [a, lastA],
        ] as const) {
          const r = await push(
            c,
            d,
            xs.map((x) => change(d, 'application', x)),
          );
          expect(r.status).toBe(200);
        }
        const feed = await c.server.db.query<{ feed_seq: string | number }>(
          "SELECT feed_seq FROM halls WHERE code = 'FS'",
        );
        const end = Number(feed.rows[0]!.feed_seq);
        const pages = async (dev: TestDevice, limit: number, skipOwn: boolean) => {
          const out: Array<{
            ids: string[];
            hallSeq: number;
            hasMore: boolean;
            checkpoint: string;
          }> = [];
          let cp: string | undefined;
          for (let i = 0; i < 20; i++) {
            const q = new URLSearchParams({ limit: String(limit) });
            if (cp) q.set('checkpoint', cp);
            if (skipOwn) q.set('skipOwn', '1');
            const r = await call<PullResponse>(c.url, 'GET', `${paths.pull}?${q.toString()}`, {
              token: dev.token,
            });
            expect(r.status).toBe(200);
            cp = r.body.checkpoint;
            out.push({
              ids: r.body.changes.flatMap((x) => (x.kind === 'application' ? [x.record.id] : [])),
              hallSeq: decodeCheckpoint(cp)!.hallSeq,
              hasMore: r.body.hasMore,
              checkpoint: cp,
            });
            if (!r.body.hasMore) break;
          }
          return out;
        };
        // B skips its own 3: A's 7 arrive in order; 10 positions in pages of 5 are 2 pages.
        const pb = await pages(b, 5, true);
        expect(pb.map((p) => p.hasMore)).toEqual([true, false]);
        expect(pb.flatMap((p) => p.ids)).toEqual([...fromA, ...lastA].map((x) => x.id));
        expect(pb.at(-1)!.hallSeq).toBe(end);
        // A's last page holds only its own records: empty, yet the checkpoint moves to the end.
        const pa = await pages(a, 4, true);
        expect(pa.flatMap((p) => p.ids)).toEqual(fromB.map((x) => x.id));
        expect(pa.at(-1)!.ids).toEqual([]);
        expect(pa.at(-1)!.hallSeq).toBe(end);
        expect(pa.at(-1)!.hasMore).toBe(false);
        // Without skipOwn (a rebuilt desk): everything, own records included.
        const full = await pages(a, 3, false);
        expect(full.flatMap((p) => p.ids)).toHaveLength(10);
        expect(full.at(-1)!.hallSeq).toBe(end);
        // From the end: an empty last page that keeps the checkpoint.
        const r = await call<PullResponse>(
          c.url,
          'GET',
          `${paths.pull}?checkpoint=${encodeURIComponent(pb.at(-1)!.checkpoint)}`,
          { token: b.token },
        );
        expect(r.status).toBe(200);
        expect(r.body.changes).toEqual([]);
        expect(decodeCheckpoint(r.body.checkpoint)!.hallSeq).toBe(end);
        expect(r.body.hasMore).toBe(false);
      });
    });

    it('a shared page older than a write still leaves a desk with the latest versions', async () => {
      await withCentral(variant, 'fleet-cache', {}, async (c) => {
        await createHall(c, 'FK');
        const a = device(await enrollDevice(c, 'FK', 'A'));
        const b = device(await enrollDevice(c, 'FK', 'B'));
        const d = device(await enrollDevice(c, 'FK', 'D'));
        const apps = Array.from({ length: 12 }, () => appFor(a));
        await push(
          c,
          a,
          apps.map((x) => change(a, 'application', x)),
        );
        // B's first pages (5 records each) go into the cache.
        await pullAll(c, b, 'br', 5);
        const hits = c.server.pageCache.hits;
        // A record of the first page changes: it moves to the head of the hall's feed.
        const changed = { ...apps[0]!, notes: '改过了' };
        const r = await push(c, a, [change(a, 'application', changed, { op: 'update' })]);
        expect(r.body.results[0]?.status).toBe('applied');
        // D pulls from the start: the first pages come from the cache (the old version of the
        // record), the latest version comes again later; D ends with it.
        const got = await pullAll(c, d, 'br', 5);
        expect(c.server.pageCache.hits).toBeGreaterThan(hits);
        const view = new Map<string, Application>();
        for (const x of got.changes) if (x.kind === 'application') view.set(x.record.id, x.record);
        expect(view.size).toBe(12);
        expect(view.get(changed.id)?.notes).toBe('改过了');
      });
    });

    it("a desk's next shared page comes from the cache without a database round trip", async () => {
      await withCentral(variant, 'fleet-nohead', { maxConnections: 2 }, async (c) => {
        await createHall(c, 'FN');
        const a = device(await enrollDevice(c, 'FN', 'A'));
        const b = device(await enrollDevice(c, 'FN', 'B'));
        const d = device(await enrollDevice(c, 'FN', 'D'));
        await push(
          c,
          a,
          Array.from({ length: 12 }, () => change(a, 'application', appFor(a))),
        );
        const page = async (dev: TestDevice, cp: string | undefined, timeoutMs = 30_000) => {
          const q = new URLSearchParams({ limit: '5' });
          if (cp) q.set('checkpoint', cp);
          const res = await fetch(`${c.url}${paths.pull}?${q.toString()}`, {
            headers: { authorization: `Bearer ${dev.token}` },
            signal: AbortSignal.timeout(timeoutMs),
          });
          expect(res.status).toBe(200);
          return (await res.json()) as PullResponse;
        };
        // B's pages go into the cache; D's first page is read with the head query.
        const b1 = await page(b, undefined);
        const b2 = await page(b, b1.checkpoint);
        expect(b2.hasMore).toBe(true);
        const d1 = await page(d, undefined);
        expect(d1).toEqual(b1);

        // Now every connection is taken: the head query could not run.
        const release = await holdEveryConnection(c, variant);
        try {
          expect(await page(d, d1.checkpoint, 2_000)).toEqual(b2);
        } finally {
          await release();
        }
        // The rest of the way (the last page) goes through the database as before.
        const d3 = await page(d, b2.checkpoint);
        expect(d3.hasMore).toBe(false);
        const all = [...d1.changes, ...b2.changes, ...d3.changes].filter(
          (x) => x.kind === 'application',
        );
        expect(all).toHaveLength(12);
      });
    });
    it('a turn of first pulls reads each configuration document once; a new version reaches the desks', async () => {
      await withCentral(variant, 'fleet-config', {}, async (c) => {
        await createHall(c, 'FC');
        const desks: TestDevice[] = [];
        for (let i = 0; i < 30; i++) desks.push(device(await enrollDevice(c, 'FC', `C${i}`)));
        const stored = async () =>
          new Map(
            (
              await c.server.db.query<{ key: string; version: number; data: string }>(
                'SELECT key, version, data::text AS data FROM config',
              )
            ).rows.map((r) => [r.key, { version: Number(r.version), data: JSON.parse(r.data) }]),
          );
        const docs = await stored();
        const total = [...docs.values()].reduce((n, d) => n + JSON.stringify(d.data).length, 0);
        expect(total).toBeGreaterThan(10_000); // the catalogue
        // What the database sends of the configuration while the desks start together.
        const spy = vi.spyOn(c.server.db, 'query');
        const first = await Promise.all(
          desks.map((d) =>
            call<PullResponse>(c.url, 'GET', `${paths.pull}?limit=1`, { token: d.token }),
          ),
        );
        let configBytes = 0;
        for (const [i, [sql]] of spy.mock.calls.entries()) {
          if (!/FROM config/.test(sql)) continue;
          const r = (await spy.mock.results[i]!.value) as { rows: unknown[] };
          configBytes += JSON.stringify(r.rows).length;
        }
        spy.mockRestore();
        // Once (or twice, across event-loop turns), not once per desk.
        expect(configBytes).toBeLessThan(total * 3);
        for (const r of first) {
          expect(r.status).toBe(200);
          const cfg = r.body.changes.filter((x) => x.kind === 'config');
          expect(new Map(cfg.map((x) => [x.key, { version: x.version, data: x.data }]))).toEqual(
            docs,
          );
        }

        // The centre changes a document: a desk's next pull carries the new version's content.
        const settings = docs.get('settings')!.data as { idCard: { expiringWithinDays: number } };
        const changed = { ...settings, idCard: { ...settings.idCard, expiringWithinDays: 45 } };
        const put = await call(c.url, 'PUT', paths.adminConfigKey('settings'), {
          token: c.adminToken,
          body: { data: changed },
        });
        expect(put.status).toBe(200);
        const next = await call<PullResponse>(
          c.url,
          'GET',
          `${paths.pull}?limit=1&checkpoint=${encodeURIComponent(first[0]!.body.checkpoint)}`,
          { token: desks[0]!.token },
        );
        const got = next.body.changes.filter((x) => x.kind === 'config');
        expect(got.map((x) => x.key)).toEqual(['settings']);
        expect(got[0]).toMatchObject({
          version: (await stored()).get('settings')!.version,
          data: changed,
        });
      });
    });
  });
}
