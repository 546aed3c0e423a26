// Property test of the central endpoint (issue 11 §2): every device and administrator route is
// sent arbitrary strings (NUL, lone surrogates, very long), numbers (2^31, 1e308, fractions),
// dates that do not exist, deep nesting and large sizes. Whatever comes: never a 5xx, every
// refusal in the `{error:{code,message}}` envelope (the framework's own 400/404/413/414/431
// too), a refused request writes nothing, a push's `applied` changes are stored and its
// `rejected` ones are not, and the process answers /health afterwards.
// Seeded and bounded for CI; HALLDESK_FUZZ_RUNS=<n> runs more (and HALLDESK_FUZZ_SEED another seed).
/* eslint-disable @typescript-eslint/no-explicit-any -- arbitrary JSON is loosely typed */
import crypto from 'node:crypto';
import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Change, PushResponse } from '../../shared/protocol';
import { API_PREFIX, MAX_BODY_BYTES, paths } from '../../shared/protocol';
import { makeAttachmentMeta, makeFeedback } from '../unit/domain/factories';
import { centralForSuite } from '../support/centralSuite';
import type { JsonResponse, TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';
import { appFor, device } from '../support/serverClient';
import type { TestDevice } from '../support/serverClient';

const RUNS = Number(process.env.HALLDESK_FUZZ_RUNS) || 40;
const SEED = Number(process.env.HALLDESK_FUZZ_SEED) || 20261207;

// ---------------------------------------------------------------- arbitraries

const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '2026-02-30',
    '0000-01-01',
    '0000-01-01T00:00:00Z',
    '2026-02-30T10:00:00+08:00',
    '9999-12-31T23:59:59-14:00',
    '',
    ' ',
    '../../etc/passwd',
    "'; DROP TABLE halls; --",
    '%00',
    '\u202e\u001b[31m',
  ),
  fc.integer({ min: 100, max: 300_000 }).map((n) => 'x'.repeat(n)),
);
const nastyNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, 1e308, -1, 0, 0.5, 2 ** 63),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const deep = fc.integer({ min: 2, max: 3000 }).map((d) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < d; i++) v = i % 2 ? [v] : { k: v };
  return v;
});
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.boolean(),
  fc.constant(null),
  deep,
  fc.array(nastyString, { maxLength: 3 }),
  fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), nastyString, { maxKeys: 3 }),
);

const APP_PATHS = [
  'appNo',
  'deskCode',
  'businessCode',
  'status',
  'acceptedAt',
  'acceptedBy',
  'deadline',
  'updatedAt',
  'serverVersion',
  'notes',
  'address',
  'customer.name',
  'customer.idNumber',
  'customer.phone',
  'customer.creditCode',
  'fields.capacity',
  'fields.extra',
  'documents',
  'history',
  'history.0.actor',
  'history.0.at',
  'history.0.to',
  'customerRating',
  'keyCustomer',
  'workflowPath',
  'ticketNo',
];

function setPath(obj: any, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (o[p] === null || typeof o[p] !== 'object') o[p] = {};
    o = o[p];
  }
  o[parts.at(-1)!] = value;
}

type ChangeSpec =
  | { kind: 'app'; mutations: Array<[string, unknown]> }
  | { kind: 'feedback'; field: string; value: unknown }
  | { kind: 'attachment'; field: string; value: unknown }
  | { kind: 'queue'; payload: unknown }
  | { kind: 'raw'; change: unknown };

const changeSpec: fc.Arbitrary<ChangeSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('app' as const),
    mutations: fc.array(fc.tuple(fc.constantFrom(...APP_PATHS), nasty), { maxLength: 2 }),
  }),
  fc.record({
    kind: fc.constant('feedback' as const),
    field: fc.constantFrom('feedbackNo', 'content', 'phone', 'firstContactDue', 'acceptedAt'),
    value: nasty,
  }),
  fc.record({
    kind: fc.constant('attachment' as const),
    field: fc.constantFrom('fileName', 'size', 'documentCode', 'createdAt', 'mimeType'),
    value: nasty,
  }),
  fc.record({ kind: fc.constant('queue' as const), payload: nasty }),
  fc.record({
    kind: fc.constant('raw' as const),
    change: fc.record({
      changeId: fc.oneof(fc.uuid(), nastyString),
      seq: nastyNumber,
      entity: fc.oneof(fc.constantFrom('application', 'queue_event', 'nope'), nastyString),
      entityId: nastyString,
      op: fc.constantFrom('create', 'update', 'delete'),
      payload: nasty,
    }),
  }),
);

// ---------------------------------------------------------------- checks

const TABLES = [
  'applications',
  'feedback',
  'attachments',
  'queue_events',
  'changes',
  'audit_events',
  'blobs',
  'halls',
  'devices',
  'enrollment_codes',
  'config',
];

async function counts(c: TestCentral): Promise<string> {
  const { rows } = await c.server.db.query<{ t: string; n: number }>(
    TABLES.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM ${t}`).join(' UNION ALL '),
  );
  return rows
    .map((r) => `${r.t}=${r.n}`)
    .sort()
    .join(' ');
}

function expectAnswer(r: JsonResponse<any>, what: string): void {
  if (r.status >= 500) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  if (r.status >= 400) {
    const e = r.body?.error;
    if (typeof e?.code !== 'string' || typeof e?.message !== 'string')
      throw new Error(`${what}: ${r.status} without the envelope: ${JSON.stringify(r.body)}`);
  }
}

/** Sends a request; a refusal must leave every table as it was. */
async function probe(
  c: TestCentral,
  what: string,
  method: string,
  p: string,
  opts: Parameters<typeof call>[3] = {},
): Promise<JsonResponse<any>> {
  const before = await counts(c);
  const r = await call(c.url, method, p, opts);
  expectAnswer(r, `${what} ${method} ${p.slice(0, 80)}`);
  if (r.status >= 400) {
    // A hash mismatch discards the upload it completes (documented): only blobs may shrink.
    const drop = (s: string) =>
      r.body?.error?.code === 'E_HASH_MISMATCH' ? s.replace(/ ?blobs=\d+/, '') : s;
    expect(drop(await counts(c)), `${what}: a refusal wrote something`).toBe(drop(before));
  }
  return r;
}

/** A URL segment; a lone surrogate goes as the bytes of its (invalid) UTF-8 form. */
function seg(s: string): string {
  try {
    return encodeURIComponent(s).slice(0, 3000);
  } catch {
    const bytes = [...Buffer.from(s, 'utf8')].map((x) => `%${x.toString(16).padStart(2, '0')}`);
    return `${bytes.join('').slice(0, 3000)}%ED%A0%80`;
  }
}

/** Raw HTTP for what fetch will not send (oversized headers). */
function rawRequest(url: string, text: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => sock.write(text));
    let data = '';
    sock.on('data', (d) => (data += d.toString('latin1')));
    sock.on('error', reject);
    sock.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
  });
}

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason) console.warn(`[central-fuzz] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`central endpoint under arbitrary input (${variant})`, () => {
    let c: TestCentral;
    let dev: TestDevice;
    let service: { token: string; deviceId: string };
    const known: { appId?: string } = {};

    centralForSuite(variant, 'fuzz', async (central) => {
      c = central;
      await createHall(c, 'HF');
      dev = device(await enrollDevice(c, 'HF'));
      const code = await call(c.url, 'POST', paths.adminEnrollmentCodes('HF'), {
        token: c.adminToken,
        body: {},
      });
      service = (
        await call(c.url, 'POST', paths.enroll, {
          body: { code: code.body.code, deviceName: 'svc', kind: 'service' },
        })
      ).body;
    });

    it(
      'push: arbitrary changes are applied or rejected one by one, never a 5xx',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.tuple(changeSpec, fc.integer({ min: 0, max: 9 })), {
              minLength: 1,
              maxLength: 6,
            }),
            async (specs) => {
              const changes: unknown[] = specs.map(([s, seqMode]) => {
                const seq = seqMode === 0 ? dev.nextSeq + 3 : dev.nextSeq++;
                const base = (entity: Change['entity'], payload: any) => ({
                  changeId: crypto.randomUUID(),
                  seq,
                  entity,
                  entityId: typeof payload?.id === 'string' ? payload.id : crypto.randomUUID(),
                  op: 'create',
                  payload,
                });
                switch (s.kind) {
                  case 'app': {
                    const a: any = appFor(dev);
                    for (const [p, v] of s.mutations) setPath(a, p, v);
                    return base('application', a);
                  }
                  case 'feedback': {
                    const f: any = makeFeedback({ hallCode: 'HF' });
                    f[s.field] = s.value;
                    return base('feedback', f);
                  }
                  case 'attachment': {
                    const m: any = makeAttachmentMeta({
                      applicationId: known.appId ?? crypto.randomUUID(),
                    });
                    m[s.field] = s.value;
                    return base('attachment', m);
                  }
                  case 'queue':
                    return {
                      ...base('queue_event', s.payload),
                      entityId: `q-${crypto.randomUUID()}`,
                    };
                  case 'raw':
                    return s.change;
                }
              });
              const before = await counts(c);
              const r = await call<PushResponse>(c.url, 'POST', paths.push, {
                token: dev.token,
                body: { deviceId: dev.deviceId, changes },
              });
              expectAnswer(r, 'push');
              if (r.status >= 400) {
                expect(await counts(c), 'a refused push wrote something').toBe(before);
                return;
              }
              expect(r.body.results).toHaveLength(changes.length);
              for (const [i, res] of r.body.results.entries()) {
                const ch = changes[i] as Change;
                if (ch.entity !== 'application' && ch.entity !== 'feedback') continue;
                const table = ch.entity === 'application' ? 'applications' : 'feedback';
                const { rows } = await c.server.db.query<{ n: number }>(
                  `SELECT count(*)::int AS n FROM ${table} WHERE id::text = $1`,
                  [ch.entityId],
                );
                if (res.status === 'applied') {
                  expect(rows[0]!.n, `applied ${ch.entity} stored`).toBe(1);
                  if (ch.entity === 'application') known.appId = ch.entityId;
                }
                if (res.status === 'rejected') expect(rows[0]!.n, 'rejected not stored').toBe(0);
              }
            },
          ),
          { numRuns: RUNS * 2, seed: SEED },
        );
      },
      60_000 + RUNS * 1000,
    );

    it(
      'every other device and administrator route: never a 5xx, refusals in the envelope',
      async () => {
        type Req = { what: string; method: string; path: string; opts: Parameters<typeof call>[3] };
        const admin = { token: () => c.adminToken };
        const requests: fc.Arbitrary<Req> = fc.oneof(
          fc.record({ cp: nastyString, limit: nastyString, own: nastyString }).map((q) => ({
            what: 'pull',
            method: 'GET',
            path: `${paths.pull}?checkpoint=${seg(q.cp)}&limit=${seg(q.limit)}&skipOwn=${seg(q.own)}`,
            opts: { token: dev.token },
          })),
          fc.record({ body: nasty, svc: fc.boolean() }).map((q) => ({
            what: 'audit',
            method: 'POST',
            path: paths.audit,
            opts: { token: q.svc ? service.token : dev.token, body: { entries: [q.body] } },
          })),
          fc
            .record({
              field: fc.constantFrom('localId', 'at', 'actor', 'label', 'entityId'),
              v: nasty,
            })
            .map((q) => ({
              what: 'audit field',
              method: 'POST',
              path: paths.audit,
              opts: {
                token: dev.token,
                body: {
                  entries: [
                    {
                      localId: 1 + Math.floor(Math.random() * 1e9),
                      at: '2026-11-26T09:30:00+08:00',
                      actor: 'clerk',
                      action: 'view',
                      entity: 'application',
                      entityId: crypto.randomUUID(),
                      label: 'A1',
                      [q.field]: q.v,
                    },
                  ],
                },
              },
            })),
          fc.record({ code: nasty, name: nasty, kind: nasty, deskCode: nasty }).map((b) => ({
            what: 'enroll',
            method: 'POST',
            path: paths.enroll,
            opts: { body: b },
          })),
          fc.record({ id: nastyString }).map((q) => ({
            what: 'application',
            method: 'GET',
            path: `${API_PREFIX}/applications/${seg(q.id)}`,
            opts: { token: dev.token },
          })),
          fc
            .record({
              sha: fc.oneof(nastyString, fc.constant('a'.repeat(64))),
              offset: nastyString,
              size: nastyString,
              bytes: fc.uint8Array({ maxLength: 64 }),
            })
            .map((q) => ({
              what: 'attachment put',
              method: 'PUT',
              path: `${API_PREFIX}/attachments/${seg(q.sha)}?offset=${seg(q.offset)}&size=${seg(q.size)}`,
              opts: {
                token: dev.token,
                rawBody: q.bytes,
                headers: { 'content-type': 'application/octet-stream' },
              },
            })),
          fc.record({ sha: nastyString, content: fc.boolean() }).map((q) => ({
            what: 'attachment get',
            method: 'GET',
            path: `${API_PREFIX}/attachments/${seg(q.sha)}${q.content ? '/content' : ''}`,
            opts: { token: dev.token },
          })),
          fc.record({ code: nasty, name: nasty }).map((b) => ({
            what: 'admin halls',
            method: 'POST',
            path: paths.adminHalls,
            opts: { token: admin.token(), body: b },
          })),
          fc.record({ hall: nastyString, ttl: nasty, note: nasty }).map((q) => ({
            what: 'admin codes',
            method: 'POST',
            path: `${API_PREFIX}/admin/halls/${seg(q.hall)}/enrollment-codes`,
            opts: { token: admin.token(), body: { ttlMinutes: q.ttl, note: q.note } },
          })),
          fc
            .record({
              route: fc.constantFrom('devices', 'audit', 'applications', 'rejected'),
              hall: nastyString,
              extra: nastyString,
            })
            .map((q) => ({
              what: 'admin list',
              method: 'GET',
              path: `${API_PREFIX}/admin/${q.route}?hall=${seg(q.hall)}&status=${seg(q.extra)}&appNo=${seg(q.extra)}&entityId=${seg(q.extra)}&limit=${seg(q.extra)}&due=${seg(q.extra)}&days=${seg(q.extra)}`,
              opts: { token: admin.token() },
            })),
          fc.record({ id: nastyString }).map((q) => ({
            what: 'admin revoke',
            method: 'POST',
            path: `${API_PREFIX}/admin/devices/${seg(q.id)}/revoke`,
            opts: { token: admin.token(), body: {} },
          })),
          fc
            .record({
              useKnown: fc.boolean(),
              id: nastyString,
              to: nasty,
              actor: nasty,
              note: nasty,
            })
            .map((q) => ({
              what: 'admin transition',
              method: 'POST',
              path: `${API_PREFIX}/admin/applications/${seg(q.useKnown && known.appId ? known.appId : q.id)}/transition`,
              opts: { token: admin.token(), body: { to: q.to, actor: q.actor, note: q.note } },
            })),
          fc
            .record({ useKnown: fc.boolean(), id: nastyString, field: nastyString, v: nasty })
            .map((q) => ({
              what: 'admin edit',
              method: 'PATCH',
              path: `${API_PREFIX}/admin/applications/${seg(q.useKnown && known.appId ? known.appId : q.id)}`,
              opts: {
                token: admin.token(),
                body: { actor: 'back office', changes: { [q.field]: q.v, notes: q.v } },
              },
            })),
          fc.record({ key: nastyString, data: nasty }).map((q) => ({
            what: 'admin config',
            method: 'PUT',
            path: `${API_PREFIX}/admin/config/${seg(q.key)}`,
            opts: { token: admin.token(), body: { data: q.data } },
          })),
          fc.record({ year: nastyString, data: nasty }).map((q) => ({
            what: 'admin calendar year',
            method: 'PUT',
            path: `${API_PREFIX}/admin/config/calendar/years/${seg(q.year)}`,
            opts: { token: admin.token(), body: q.data },
          })),
          fc
            .record({ p: nastyString, m: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT') })
            .map((q) => ({
              what: 'any path',
              method: q.m,
              path: `/${seg(q.p)}`,
              opts: {},
            })),
        );
        await fc.assert(
          fc.asyncProperty(requests, async (r) => {
            await probe(c, r.what, r.method, r.path, r.opts);
          }),
          { numRuns: RUNS * 5, seed: SEED },
        );
      },
      60_000 + RUNS * 1000,
    );

    it("the framework's own refusals use the envelope: 400, 404, 413, 414, 415, 431", async () => {
      const malformed = await probe(c, 'malformed', 'POST', paths.push, {
        token: dev.token,
        rawBody: '{"changes": [',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
      expect((await probe(c, 'no route', 'GET', '/nope/nope')).status).toBe(404);
      const big = await probe(c, 'too large', 'POST', paths.push, {
        token: dev.token,
        rawBody: `{"x":"${'y'.repeat(MAX_BODY_BYTES + 10)}"}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(big.status).toBe(413);
      const long = await probe(
        c,
        'long url',
        'GET',
        `${paths.pull}?checkpoint=${'a'.repeat(10_000)}`,
        {
          token: dev.token,
        },
      );
      expect(long.status).toBe(414);
      const media = await probe(c, 'text body', 'POST', paths.push, {
        token: dev.token,
        rawBody: 'hello',
        headers: { 'content-type': 'text/plain' },
      });
      expect(media.status).toBe(415);
      const deepBody = await probe(c, 'deep body', 'POST', paths.push, {
        token: dev.token,
        rawBody: `{"deviceId":"${dev.deviceId}","changes":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(deepBody.status).toBe(400);
      const headers = await rawRequest(
        c.url,
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(70_000)}\r\n\r\n`,
      );
      expect(headers.status).toBe(431);
      expect(JSON.parse(headers.body)).toMatchObject({
        error: { code: 'E_HEADERS_TOO_LARGE', message: expect.any(String) },
      });
      // Still healthy after all of it.
      const health = await call(c.url, 'GET', paths.health);
      expect(health.status).toBe(200);
      expect(health.body.ok).toBe(true);
      const me = await call(c.url, 'GET', paths.device, { token: dev.token });
      expect(me.status).toBe(200);
    });
  });
}
