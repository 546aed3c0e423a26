// Central endpoint: what the centre accepts (issue 11 §2, §3). One bad record never stops a batch
// (values the database cannot store are `rejected`, the others applied; a change the database
// still refuses is found alone), and the centre decides what is true: creates only as freshly
// accepted with valid identity data, attachments of known applications, a bounded seq gap,
// attachment quota and expiry, and a `service` device limited to queue events and configuration.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../shared/domain/catalogue';
import type { AttachmentStatus, EnrollResponse, PullResponse } from '../../shared/protocol';
import { paths } from '../../shared/protocol';
import { makeAttachmentMeta } from '../unit/domain/factories';
import { appFor, change, countRows, device, push } from '../support/serverClient';
import type { TestDevice } from '../support/serverClient';
import type { TestCentral, TestStorage } from '../support/server';
import {
  call,
  createHall,
  enrollDevice,
  forEachDb,
  startCentral,
  testStorage,
} from '../support/server';

const QUOTA = 4096;
const MAX_GAP = 1000;

function putChunk(c: TestCentral, dev: TestDevice, bytes: Uint8Array, upTo = bytes.length) {
  const sha = crypto.createHash('sha256').update(bytes).digest('hex');
  return call<AttachmentStatus & { error?: { code: string } }>(
    c.url,
    'PUT',
    `${paths.attachment(sha)}?offset=0&size=${bytes.length}`,
    {
      token: dev.token,
      rawBody: new Uint8Array(bytes.subarray(0, upTo)),
      headers: { 'content-type': 'application/octet-stream' },
    },
  );
}

async function enrollService(c: TestCentral, hallCode: string): Promise<EnrollResponse> {
  const code = await call<{ code: string }>(c.url, 'POST', paths.adminEnrollmentCodes(hallCode), {
    token: c.adminToken,
    body: {},
  });
  const r = await call<EnrollResponse>(c.url, 'POST', paths.enroll, {
    body: { code: code.body.code, deviceName: '排队服务', kind: 'service' },
  });
  expect(r.status).toBe(200);
  return r.body;
}

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason) console.warn(`[central-trust] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`what the centre accepts (${variant})`, () => {
    let storage: TestStorage;
    let c: TestCentral;
    let dev: TestDevice;

    beforeAll(async () => {
      const s = await testStorage(variant, 'trust');
      if (typeof s === 'string') throw new Error(s);
      storage = s;
      c = await startCentral(storage, {
        deviceQuotaBytes: QUOTA,
        maxSeqGap: MAX_GAP,
        uploadExpiryDays: 7,
      });
      await createHall(c, 'HT');
      dev = device(await enrollDevice(c, 'HT'));
    });
    afterAll(async () => {
      await c?.close();
      await storage?.cleanup();
    });

    it('values the database cannot store are rejected one by one; the rest of the batch lands', async () => {
      const good1 = appFor(dev);
      const good2 = appFor(dev);
      const bad = [
        appFor(dev, { notes: 'NUL \u0000 inside' }),
        appFor(dev, { address: `lone surrogate \ud800 here` }),
        appFor(dev, { deadline: '2026-02-30' }),
        { ...appFor(dev), acceptedAt: '0000-01-01T00:00:00Z' },
        appFor(dev, { appNo: 'N'.repeat(1024 * 1024) }),
        appFor(dev, { status: 'S'.repeat(100_000) }),
      ];
      let deep: unknown = 'leaf';
      for (let i = 0; i < 40; i++) deep = { d: deep };
      const changes = [
        change(dev, 'application', good1),
        ...bad.map((a) => change(dev, 'application', a)),
        change(dev, 'queue_event', { deep }, { entityId: 'ev-deep' }),
        change(dev, 'queue_event', { text: 'NUL \u0000' }, { entityId: 'ev-nul' }),
        change(dev, 'application', good2),
      ];
      const r = await push(c, dev, changes);
      expect(r.status).toBe(200);
      const statuses = r.body.results.map((x) => x.status);
      expect(statuses[0]).toBe('applied');
      expect(statuses.slice(1, -1)).toEqual(Array(bad.length + 2).fill('rejected'));
      expect(statuses.at(-1)).toBe('applied');
      for (const x of r.body.results.slice(1, -1)) {
        expect(x).toMatchObject({ status: 'rejected', code: expect.any(String) });
        if (x.status === 'rejected') expect(x.reason.length).toBeGreaterThan(0);
      }
      expect(
        await countRows(c, 'applications', 'id = ANY($1::uuid[])', [[good1.id, good2.id]]),
      ).toBe(2);
      expect(
        await countRows(c, 'applications', 'id = ANY($1::uuid[])', [bad.map((a) => a.id)]),
      ).toBe(0);
      expect(await countRows(c, 'queue_events', "id IN ('ev-deep', 'ev-nul')")).toBe(0);
      // Every change was processed: the device's acknowledgement covers the whole batch.
      expect(r.body.ackSeq).toBe(changes.at(-1)!.seq);
    });

    it('a seq at 2^31 or more is refused as a bad request, never a 500', async () => {
      const r = await push(c, dev, [change(dev, 'application', appFor(dev), { seq: 2 ** 31 })]);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    });

    it('when the database still refuses one change, the others are applied and that one is rejected', async () => {
      // A rule only the database knows (as a constraint added by an operator would be).
      await c.server.db.query(
        "ALTER TABLE applications ADD CONSTRAINT trust_test_refuse CHECK (app_no <> 'REFUSE-ME')",
      );
      try {
        const a = appFor(dev);
        const refused = appFor(dev, { appNo: 'REFUSE-ME' });
        const b = appFor(dev);
        const changes = [a, refused, b].map((x) => change(dev, 'application', x));
        const r = await push(c, dev, changes);
        expect(r.status).toBe(200);
        expect(r.body.results.map((x) => x.status)).toEqual(['applied', 'rejected', 'applied']);
        expect(r.body.results[1]).toMatchObject({ code: 'E_STORAGE_REFUSED' });
        expect(r.body.ackSeq).toBe(changes.at(-1)!.seq);
        expect(await countRows(c, 'applications', 'id = ANY($1::uuid[])', [[a.id, b.id]])).toBe(2);
        // The refusal is recorded like any other: a resend is a duplicate, not a new attempt.
        const again = await push(c, dev, [changes[1]!]);
        expect(again.body.results[0]).toMatchObject({
          status: 'duplicate',
          original: { status: 'rejected', code: 'E_STORAGE_REFUSED' },
        });
      } finally {
        await c.server.db.query('ALTER TABLE applications DROP CONSTRAINT trust_test_refuse');
      }
    });

    it('a desk creates only freshly accepted applications with its own acceptance entry', async () => {
      const archived = appFor(dev, { status: 'archived' });
      const backOffice = appFor(dev);
      backOffice.history = [
        ...backOffice.history,
        { from: 'accepted', to: 'survey', at: backOffice.acceptedAt, actor: '后台审核员' },
      ];
      const otherActor = appFor(dev);
      otherActor.history = [{ ...otherActor.history[0]!, actor: '某后台' }];
      const fine = appFor(dev);
      const changes = [archived, backOffice, otherActor, fine].map((x) =>
        change(dev, 'application', x),
      );
      const r = await push(c, dev, changes);
      expect(r.status).toBe(200);
      expect(r.body.results.map((x) => x.status)).toEqual([
        'rejected',
        'rejected',
        'rejected',
        'applied',
      ]);
      for (const x of r.body.results.slice(0, 3))
        expect(x).toMatchObject({ code: 'E_CREATE_REFUSED' });
      expect(
        await countRows(c, 'applications', 'id = ANY($1::uuid[])', [
          [archived.id, backOffice.id, otherActor.id],
        ]),
      ).toBe(0);
    });

    it('checks the business code against its catalogue and ID, phone and credit code with the desk validators', async () => {
      const companyType = defaultCatalogue.types.find((t) => t.customerKinds.includes('company'))!;
      const cases = [
        { ...appFor(dev), businessCode: '999999' },
        appFor(dev, { customer: { idNumber: '110105194912310021' } }), // wrong check digit
        appFor(dev, { customer: { phone: '12345' } }),
        appFor(dev, {
          businessCode: companyType.code,
          customerKind: 'company',
          customer: { creditCode: '91110000600037341X' },
        }),
      ];
      const good = appFor(dev, { businessCode: companyType.code, customerKind: 'company' });
      const r = await push(
        c,
        dev,
        [...cases, good].map((x) => change(dev, 'application', x)),
      );
      expect(r.status).toBe(200);
      expect(r.body.results.map((x) => x.status)).toEqual([
        'rejected',
        'rejected',
        'rejected',
        'rejected',
        'applied',
      ]);
      const reasons = r.body.results.map((x) => (x.status === 'rejected' ? x.reason : ''));
      expect(reasons[0]).toContain('999999');
      expect(reasons[1]).toContain('证件号码');
      expect(reasons[2]).toContain('联系电话');
      expect(reasons[3]).toContain('统一社会信用代码');
      expect(
        await countRows(c, 'applications', 'id = ANY($1::uuid[])', [cases.map((x) => x.id)]),
      ).toBe(0);
    });

    it('an attachment record must point at an application of the hall', async () => {
      const app = appFor(dev);
      const withApp = makeAttachmentMeta({ applicationId: app.id });
      const orphan = makeAttachmentMeta({ applicationId: crypto.randomUUID() });
      const r = await push(c, dev, [
        change(dev, 'application', app),
        change(dev, 'attachment', withApp),
        change(dev, 'attachment', orphan),
      ]);
      expect(r.body.results.map((x) => x.status)).toEqual(['applied', 'applied', 'rejected']);
      expect(r.body.results[2]).toMatchObject({ code: 'E_NO_APPLICATION' });
      expect(await countRows(c, 'attachments', 'id = $1', [orphan.id])).toBe(0);
      // Later, in its own push, for an application the centre has: applied.
      const later = makeAttachmentMeta({ applicationId: app.id });
      const r2 = await push(c, dev, [change(dev, 'attachment', later)]);
      expect(r2.body.results[0]!.status).toBe('applied');
    });

    it('a seq far beyond the device last is refused, not taken as the high-water mark', async () => {
      const d = device(await enrollDevice(c, 'HT', 'gap desk'));
      const first = await push(c, d, [change(d, 'application', appFor(d), { seq: 1 })]);
      expect(first.body).toMatchObject({ ackSeq: 1, maxSeq: 1 });
      const far = await push(c, d, [
        change(d, 'application', appFor(d), { seq: 5_000_000 }),
        change(d, 'application', appFor(d), { seq: 1 + MAX_GAP }), // within the gap: kept
      ]);
      expect(far.body.results.map((x) => x.status)).toEqual(['rejected', 'applied']);
      expect(far.body.results[0]).toMatchObject({ code: 'E_SEQ_GAP' });
      expect(far.body.maxSeq).toBe(1 + MAX_GAP);
      const info = await call(c.url, 'GET', paths.device, { token: d.token });
      expect(info.body.maxSeq).toBe(1 + MAX_GAP);
    });

    it('a per-device quota on stored and pending attachment bytes, with its own code', async () => {
      const d = device(await enrollDevice(c, 'HT', 'quota desk'));
      const big = crypto.randomBytes(3000);
      expect((await putChunk(c, d, big)).body.complete).toBe(true);
      // A pending (half-sent) upload counts too.
      const pending = crypto.randomBytes(1000);
      expect((await putChunk(c, d, pending, 500)).status).toBe(200);
      const over = await putChunk(c, d, crypto.randomBytes(200));
      expect(over.status).toBe(413);
      expect(over.body.error).toMatchObject({ code: 'E_QUOTA', message: expect.any(String) });
      // Another device of the hall has its own quota.
      const other = device(await enrollDevice(c, 'HT', 'other desk'));
      expect((await putChunk(c, other, crypto.randomBytes(200))).status).toBe(200);
    });

    it('unfinished uploads expire and their bytes are removed by the sweep', async () => {
      const d = device(await enrollDevice(c, 'HT', 'sweep desk'));
      const bytes = crypto.randomBytes(1000);
      const sha = crypto.createHash('sha256').update(bytes).digest('hex');
      const done = crypto.randomBytes(100);
      const doneSha = crypto.createHash('sha256').update(done).digest('hex');
      expect((await putChunk(c, d, bytes, 400)).body.received).toBe(400);
      expect((await putChunk(c, d, done)).body.complete).toBe(true);
      expect(await c.server.sweepUploads()).toBe(0); // young: kept
      await c.server.db.query(
        "UPDATE blobs SET created_at = now() - interval '8 days' WHERE sha256 = ANY($1)",
        [[sha, doneSha]],
      );
      expect(await c.server.sweepUploads()).toBe(1);
      expect(await countRows(c, 'blobs', 'sha256 = $1', [sha])).toBe(0);
      expect(await countRows(c, 'blob_chunks', 'sha256 = $1', [sha])).toBe(0);
      // Complete uploads never expire.
      expect(await countRows(c, 'blobs', 'sha256 = $1 AND complete', [doneSha])).toBe(1);
      const st = await call<AttachmentStatus>(c.url, 'GET', paths.attachment(sha), {
        token: d.token,
      });
      expect(st.body).toMatchObject({ received: 0, complete: false });
    });

    it('a service device pushes queue events and reads its configuration, nothing else', async () => {
      const appOfHall = appFor(dev);
      await push(c, dev, [change(dev, 'application', appOfHall)]);
      const s = device(await enrollService(c, 'HT'));
      const r = await push(c, s, [
        change(s, 'queue_event', { type: 'ticket', hallCode: 'HT' }, { entityId: 'svc-ev-1' }),
        change(s, 'application', appFor(s)),
        change(s, 'feedback', { id: crypto.randomUUID() }),
        change(s, 'attachment', makeAttachmentMeta({ applicationId: appOfHall.id })),
      ]);
      expect(r.status).toBe(200);
      expect(r.body.results.map((x) => x.status)).toEqual([
        'applied',
        'rejected',
        'rejected',
        'rejected',
      ]);
      for (const x of r.body.results.slice(1))
        expect(x).toMatchObject({ code: 'E_FORBIDDEN_KIND' });
      expect(await countRows(c, 'queue_events', "id = 'svc-ev-1'")).toBe(1);

      const pulled = await call<PullResponse>(c.url, 'GET', paths.pull, { token: s.token });
      expect(pulled.status).toBe(200);
      expect(pulled.body.changes.length).toBeGreaterThan(0);
      expect(pulled.body.changes.every((x) => x.kind === 'config')).toBe(true);
      // A desk of the same hall does get the records.
      const deskPull = await call<PullResponse>(c.url, 'GET', paths.pull, { token: dev.token });
      expect(deskPull.body.changes.some((x) => x.kind === 'application')).toBe(true);

      const forbidden = [
        await call(c.url, 'GET', paths.application(appOfHall.id), { token: s.token }),
        await call(c.url, 'GET', paths.attachment('a'.repeat(64)), { token: s.token }),
        await call(c.url, 'GET', paths.attachmentContent('a'.repeat(64)), { token: s.token }),
        await call(c.url, 'POST', paths.audit, {
          token: s.token,
          body: {
            entries: [
              {
                localId: 1,
                at: '2026-11-26T09:30:00+08:00',
                actor: 'x',
                action: 'view',
                entity: 'application',
                entityId: appOfHall.id,
                label: 'x',
              },
            ],
          },
        }),
      ];
      for (const f of forbidden) {
        expect(f.status).toBe(403);
        expect(f.body.error.code).toBe('E_FORBIDDEN_KIND');
      }
      // Its own device record (and revoking itself) stay open to it.
      expect((await call(c.url, 'GET', paths.device, { token: s.token })).status).toBe(200);
    });
  });
}
