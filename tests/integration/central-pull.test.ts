// Central endpoint: pull in pages with checkpoints, back-office transitions and edits flowing
// back to the hall, configuration (calendar year load) delivered by pull, and hall isolation.
import { describe, expect, it } from 'vitest';
import type { Application } from '../../shared/domain/model';
import { allowedTransitions, pathOf } from '../../shared/domain/workflow';
import type { PullChange, PullResponse } from '../../shared/protocol';
import { decodeCheckpoint, paths } from '../../shared/protocol';
import { appFor, change, countRows, device, push } from '../support/serverClient';
import type { TestDevice } from '../support/serverClient';
import type { TestCentral } from '../support/server';
import { centralForSuite } from '../support/centralSuite';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';

async function pullAll(
  c: TestCentral,
  dev: TestDevice,
  checkpoint: string | undefined,
  limit: number,
) {
  const changes: PullChange[] = [];
  let cp = checkpoint;
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cp) q.set('checkpoint', cp);
    const r = await call<PullResponse>(c.url, 'GET', `${paths.pull}?${q.toString()}`, {
      token: dev.token,
    });
    expect(r.status).toBe(200);
    expect(r.body.changes.filter((x) => x.kind !== 'config').length).toBeLessThanOrEqual(limit);
    changes.push(...r.body.changes);
    cp = r.body.checkpoint;
    pages++;
    if (!r.body.hasMore) break;
  }
  return { changes, checkpoint: cp!, pages };
}

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason) console.warn(`[central-pull] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(
    `central pull, back office, configuration, isolation (${variant})`,
    () => {
      let c: TestCentral;
      let a1: TestDevice;
      let a2: TestDevice;
      let b1: TestDevice;

      centralForSuite(variant, 'pull', async (central) => {
        c = central;
        await createHall(c, 'HA');
        await createHall(c, 'HB');
        a1 = device(await enrollDevice(c, 'HA', 'A-1'));
        a2 = device(await enrollDevice(c, 'HA', 'A-2'));
        b1 = device(await enrollDevice(c, 'HB', 'B-1'));
      });

      it('pages a hall feed with checkpoints: every record once, configuration first', async () => {
        const apps = Array.from({ length: 25 }, () => appFor(a1));
        const r = await push(
          c,
          a1,
          apps.map((a) => change(a1, 'application', a)),
        );
        expect(r.body.results.every((x) => x.status === 'applied')).toBe(true);

        const all = await pullAll(c, a2, undefined, 7);
        expect(all.pages).toBe(4);
        const config = all.changes.filter((x) => x.kind === 'config');
        expect(config.map((x) => x.key).sort()).toEqual(['calendar', 'catalogue', 'settings']);
        const got = all.changes.flatMap((x) => (x.kind === 'application' ? [x.record] : []));
        expect(got.map((x) => x.id).sort()).toEqual(apps.map((x) => x.id).sort());
        expect(got.every((x) => x.serverVersion === 1)).toBe(true);
        // Feed order is stable and increasing.
        const seqs = all.changes.flatMap((x) => (x.kind === 'application' ? [x.seq] : []));
        expect([...seqs].sort((p, q) => p - q)).toEqual(seqs);

        // Nothing new: an empty page, same checkpoint, no more.
        const none = await call<PullResponse>(
          c.url,
          'GET',
          `${paths.pull}?checkpoint=${all.checkpoint}`,
          { token: a2.token },
        );
        expect(none.body).toEqual({ changes: [], checkpoint: all.checkpoint, hasMore: false });

        // An update moves the record to the head of the feed; only it comes next.
        const upd = { ...apps[3]!, address: '新地址 8 号', updatedAt: new Date().toISOString() };
        await push(c, a1, [change(a1, 'application', upd, { op: 'update' })]);
        const next = await pullAll(c, a2, all.checkpoint, 7);
        expect(next.changes).toHaveLength(1);
        expect(next.changes[0]).toMatchObject({
          kind: 'application',
          record: { id: upd.id, address: '新地址 8 号', serverVersion: 2 },
        });
        expect(decodeCheckpoint(next.checkpoint)!.hallSeq).toBeGreaterThan(
          decodeCheckpoint(all.checkpoint)!.hallSeq,
        );

        const bad = await call(c.url, 'GET', `${paths.pull}?checkpoint=garbage`, {
          token: a2.token,
        });
        expect(bad.status).toBe(400);
        expect(bad.body.error.code).toBe('E_BAD_REQUEST');
      });

      it("a page of many records: all of them in feed order, a desk's echoes left out between", async () => {
        // The page query returns its records in rows of a few each (pull.ts): more than one
        // row per page here, and left-out echoes inside and across those rows.
        const head = await pullAll(c, a1, undefined, 1000);
        const mine: Application[] = [];
        const theirs: Application[] = [];
        for (let round = 0; round < 8; round++) {
          const [dev, into] = round % 2 ? [a2, theirs] : [a1, mine];
          const apps = Array.from({ length: 5 + round }, () => appFor(dev));
          const r = await push(
            c,
            dev,
            apps.map((a) => change(dev, 'application', a)),
          );
          expect(r.body.results.every((x) => x.status === 'applied')).toBe(true);
          into.push(...apps);
        }
        const ids = (changes: PullChange[]) =>
          changes.flatMap((x) => (x.kind === 'application' ? [x.record.id] : []));

        const whole = await pullAll(c, a2, head.checkpoint, 1000);
        expect(whole.pages).toBe(1);
        expect(new Set(ids(whole.changes))).toEqual(new Set([...mine, ...theirs].map((x) => x.id)));
        expect(ids(whole.changes)).toHaveLength(mine.length + theirs.length);
        const seqs = whole.changes.map((x) => (x.kind === 'application' ? x.seq : 0));
        expect([...seqs].sort((p, q) => p - q)).toEqual(seqs);

        const r = await call<PullResponse>(
          c.url,
          'GET',
          `${paths.pull}?limit=1000&skipOwn=1&checkpoint=${head.checkpoint}`,
          { token: a1.token },
        );
        expect(r.status).toBe(200);
        expect(ids(r.body.changes)).toEqual(
          ids(whole.changes).filter((id) => !mine.some((m) => m.id === id)),
        );
        // The echoes left out still move the checkpoint to the end of the feed.
        expect(r.body.checkpoint).toBe(whole.checkpoint);
        expect(r.body.hasMore).toBe(false);
      });

      it('back-office transitions and edits flow to the hall by pull; invalid ones are 409', async () => {
        const app = appFor(a1);
        await push(c, a1, [change(a1, 'application', app)]);
        const start = await pullAll(c, a1, undefined, 500);

        // Edits are refused while the hall owns the application.
        const early = await call(c.url, 'PATCH', paths.adminApplication(app.id), {
          token: c.adminToken,
          body: { actor: '王五', changes: { notes: '中心备注' } },
        });
        expect(early.status).toBe(409);
        expect(early.body.error.code).toBe('E_HALL_OWNED');

        const path = pathOf(app);
        const to = allowedTransitions(path, 'accepted')[0]!;
        const invalid = await call(c.url, 'POST', paths.adminTransition(app.id), {
          token: c.adminToken,
          body: { to: 'archived', actor: '王五' },
        });
        expect(invalid.status).toBe(409);
        expect(invalid.body.error.code).toBe('E_INVALID_TRANSITION');
        const unknownApp = await call(c.url, 'POST', paths.adminTransition(crypto.randomUUID()), {
          token: c.adminToken,
          body: { to, actor: '王五' },
        });
        expect(unknownApp.status).toBe(404);

        const moved = await call(c.url, 'POST', paths.adminTransition(app.appNo), {
          token: c.adminToken,
          body: { to, actor: '王五', note: '派工' },
        });
        expect(moved.status).toBe(200);
        const edit = await call(c.url, 'PATCH', paths.adminApplication(app.id), {
          token: c.adminToken,
          body: { actor: '王五', changes: { deadline: '2026-12-31', notes: '中心备注' } },
        });
        expect(edit.status).toBe(200);

        const after = await pullAll(c, a1, start.checkpoint, 500);
        const recs = after.changes.flatMap((x) => (x.kind === 'application' ? [x.record] : []));
        expect(recs).toHaveLength(1);
        const rec = recs[0]! as Application;
        expect(rec).toMatchObject({
          id: app.id,
          status: to,
          deadline: '2026-12-31',
          notes: '中心备注',
          serverVersion: 3,
        });
        expect(rec.history.at(-1)).toMatchObject({
          from: 'accepted',
          to,
          actor: '王五',
          note: '派工',
        });

        const list = await call(c.url, 'GET', `${paths.adminApplications}?hall=HA&status=${to}`, {
          token: c.adminToken,
        });
        expect(
          list.body.applications.map((x: { application: Application }) => x.application.id),
        ).toContain(app.id);
      });

      it('a customer part stops the clock: the back office records it and the deadline moves', async () => {
        const app = appFor(a1, { businessCode: '104' });
        await push(c, a1, [change(a1, 'application', app)]);
        const move = (body: Record<string, unknown>) =>
          call<{ application: Application }>(c.url, 'POST', paths.adminTransition(app.id), {
            token: c.adminToken,
            body: { actor: '王五', ...body },
          });
        expect((await move({ to: 'site_survey' })).status).toBe(200);
        const wrong = await move({ to: 'scheme_reply', customerPart: 'start' });
        expect(wrong.status).toBe(409);
        const started = await move({ to: 'site_survey', customerPart: 'start', note: '客户施工' });
        expect(started.status).toBe(200);
        expect(started.body.application.customerPauses).toHaveLength(1);
        expect(started.body.application.customerPauses?.[0]?.to).toBeUndefined();
        const twice = await move({ to: 'site_survey', customerPart: 'start' });
        expect(twice.status).toBe(409);
        // Moving on ends the part; the deadline never moves earlier.
        const on = await move({ to: 'scheme_reply' });
        expect(on.status).toBe(200);
        expect(on.body.application.customerPauses?.[0]?.to).toBeDefined();
        expect(on.body.application.deadline >= app.deadline).toBe(true);
      });

      it('delivers a newly loaded calendar year through pull', async () => {
        const before = await pullAll(c, a1, undefined, 500);
        const year = {
          holidays: [
            {
              name: '元旦',
              nameEn: "New Year's Day",
              from: '2027-01-01',
              to: '2027-01-03',
              makeupWorkdays: [],
            },
          ],
        };
        const bad = await call(c.url, 'PUT', paths.adminCalendarYear(2027), {
          token: c.adminToken,
          body: {
            data: { holidays: [{ name: 'x', nameEn: 'x', from: '2028-01-01', to: '2028-01-01' }] },
          },
        });
        expect(bad.status).toBe(400);
        expect(bad.body.error.code).toBe('E_VALIDATION');
        const put = await call(c.url, 'PUT', paths.adminCalendarYear(2027), {
          token: c.adminToken,
          body: { data: year },
        });
        expect(put.status).toBe(200);
        const after = await pullAll(c, a1, before.checkpoint, 500);
        const cal = after.changes.filter((x) => x.kind === 'config');
        expect(cal).toHaveLength(1);
        expect(cal[0]).toMatchObject({
          kind: 'config',
          key: 'calendar',
          version: put.body.version,
        });
        const data = (cal[0] as { data: { years: Record<string, unknown> } }).data;
        expect(Object.keys(data.years)).toEqual(expect.arrayContaining(['2025', '2026', '2027']));
      });

      it('keeps halls apart: pull, reads and writes of another hall are refused, nothing written', async () => {
        const own = appFor(a1);
        await push(c, a1, [change(a1, 'application', own)]);
        const bPull = await pullAll(c, b1, undefined, 500);
        expect(bPull.changes.filter((x) => x.kind !== 'config')).toEqual([]);

        const read = await call(c.url, 'GET', paths.application(own.id), { token: b1.token });
        expect(read.status).toBe(404);
        expect(read.body.error.code).toBe('E_NOT_FOUND');

        const before = await countRows(c, 'changes');
        // B writes a record claiming hall A.
        const claim = appFor(b1, { hallCode: 'HA' });
        const r1 = await push(c, b1, [
          change(b1, 'application', appFor(b1)),
          change(b1, 'application', claim),
        ]);
        expect(r1.status).toBe(403);
        expect(r1.body.error!.code).toBe('E_FORBIDDEN_HALL');
        // B overwrites A's record under its own hall code.
        const hijack = { ...own, hallCode: 'HB', address: '改到B厅' };
        const r2 = await push(c, b1, [
          change(b1, 'application', appFor(b1)),
          change(b1, 'application', hijack, { op: 'update' }),
        ]);
        expect(r2.status).toBe(403);
        expect(r2.body.error!.code).toBe('E_FORBIDDEN_HALL');
        // B attaches a file to A's application.
        const { makeAttachmentMeta } = await import('../unit/domain/factories');
        const r3 = await push(c, b1, [
          change(b1, 'attachment', makeAttachmentMeta({ applicationId: own.id })),
        ]);
        expect(r3.status).toBe(403);

        expect(await countRows(c, 'changes')).toBe(before);
        expect(
          await countRows(c, 'applications', 'hall_id = (SELECT id FROM halls WHERE code = $1)', [
            'HB',
          ]),
        ).toBe(0);
        const centre = (await call(c.url, 'GET', paths.application(own.id), { token: a1.token }))
          .body.application;
        expect(centre.address).toBe(own.address);
        // Another device's id in the body is refused too.
        const mismatch = await call(c.url, 'POST', paths.push, {
          token: b1.token,
          body: { deviceId: a1.deviceId, changes: [change(b1, 'application', appFor(b1))] },
        });
        expect(mismatch.status).toBe(403);
        expect(mismatch.body.error.code).toBe('E_DEVICE_MISMATCH');
        // The server still serves B normally.
        const ok = await push(c, b1, [change(b1, 'application', appFor(b1))]);
        expect(ok.status).toBe(200);
      });
    },
  );
}
