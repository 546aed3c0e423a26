// Central endpoint: no personal data or secret where it does not belong. A run that provokes
// every kind of refusal (bad push content, a database refusal, auth failures, a bad console
// sign-in, a token in a URL, oversize and malformed bodies) with a known ID number, phone,
// address and token logs codes and counts, and none of them. Console sessions: a random id in
// the cookie (not the token), shared through the database, with expiry and sign-out; no proxy
// trusted by default. Attachments are served inertly. Device text is escaped in CLI and console.
import crypto from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildCentralServer } from '../../server/central/app';
import { runCli } from '../../server/central/cli';
import { MAX_BODY_BYTES, paths } from '../../shared/protocol';
import { makeAttachmentMeta, VALID_RESIDENT_ID_2 } from '../unit/domain/factories';
import { centralForSuite } from '../support/centralSuite';
import type { TestCentral, TestStorage } from '../support/server';
import {
  call,
  createHall,
  enrollDevice,
  forEachDb,
  startCentral,
  TEST_ADMIN_TOKEN,
  testStorage,
} from '../support/server';
import { appFor, change, device, push } from '../support/serverClient';
import type { TestDevice } from '../support/serverClient';

const KNOWN_ID = VALID_RESIDENT_ID_2;
const KNOWN_PHONE = '13987654321';
const KNOWN_ADDRESS = '幸福路八十八号秘密小区';
const KNOWN_TOKEN = 'KnownSecretTokenThatMustNeverBeLogged0123456789';

function form(url: string, p: string, fields: Record<string, string>, headers = {}) {
  return fetch(new URL(p, url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Raw control characters other than the newline (which joins lines here and in HTML). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const cookieOf = (r: Response) => r.headers.get('set-cookie')?.split(';')[0] ?? '';

for (const { variant, skipReason } of forEachDb()) {
  if (skipReason) console.warn(`[central-secrets] skipping the ${variant} variant: ${skipReason}`);
  describe.skipIf(!!skipReason)(`central secrets (${variant})`, () => {
    it('logs codes and counts, never an ID number, phone, address or token', async () => {
      const storage = (await testStorage(variant, 'logs')) as TestStorage;
      const lines: string[] = [];
      const c = await startCentral(storage, {
        logger: { level: 'trace', stream: { write: (s: string) => lines.push(s) } },
      });
      try {
        await createHall(c, 'LG01');
        const dev = device(await enrollDevice(c, 'LG01'));
        const customer = {
          name: '王秘密',
          idType: 'resident_id' as const,
          idNumber: KNOWN_ID,
          phone: KNOWN_PHONE,
        };
        const good = appFor(dev, { customer, address: KNOWN_ADDRESS });

        // 1. Bad push content: refused per change (schema), and a whole bad envelope.
        await push(c, dev, [change(dev, 'application', { ...good, status: 42 })]);
        await call(c.url, 'POST', paths.push, {
          token: dev.token,
          body: { deviceId: dev.deviceId, changes: 'x', idNumber: KNOWN_ID },
        });
        // 2. Content the database itself refuses (a NUL in a string) and a real database error
        //    thrown inside the push transaction with the customer's data as parameters.
        await push(c, dev, [
          change(dev, 'application', { ...good, id: crypto.randomUUID(), notes: 'a\u0000b' }),
        ]);
        const db = c.server.db;
        const original = db.transaction.bind(db);
        db.transaction = (async () => {
          db.transaction = original;
          await db.query('SELECT $1::text, $2::text, $3::text FROM no_such_table', [
            KNOWN_ID,
            KNOWN_PHONE,
            KNOWN_ADDRESS,
          ]);
        }) as typeof db.transaction;
        // The centre either refuses the batch (500) or, falling back to one change at a time,
        // rejects the one change: either way nothing of it may reach the log.
        const refused = await push(c, dev, [change(dev, 'application', good)]);
        expect([200, 500]).toContain(refused.status);
        // And a database error that reaches the error handler (500), raised with the values.
        const query = db.query.bind(db);
        db.query = (async (sql: string, params?: unknown[]) => {
          if (sql.includes('max(d.last_seen_at)')) {
            db.query = query;
            await query('SELECT $1::text, $2::text, $3::text FROM no_such_table', [
              KNOWN_ID,
              KNOWN_PHONE,
              KNOWN_ADDRESS,
            ]);
          }
          return query(sql, params);
        }) as typeof db.query;
        const failed = await call(c.url, 'GET', paths.adminHalls, { token: c.adminToken });
        expect(failed.status, JSON.stringify(failed.body)).toBe(500);
        expect(failed.body.error.code).toBe('E_INTERNAL');
        // 3. Malformed JSON (parsers quote the input) and an oversize body, both with the ID.
        await call(c.url, 'POST', paths.push, {
          token: dev.token,
          headers: { 'content-type': 'application/json' },
          rawBody: `{"idNumber":"${KNOWN_ID}","phone":"${KNOWN_PHONE}",`,
        });
        const big = await call(c.url, 'POST', paths.push, {
          token: dev.token,
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
          rawBody: gzipSync(JSON.stringify({ x: `${KNOWN_ID} `.repeat(MAX_BODY_BYTES / 10) })),
        });
        expect(big.status).toBe(413);
        // 4. Auth failures: an unknown device token, a wrong admin token, a device token on
        //    an admin route; enrollment with garbage.
        expect((await call(c.url, 'GET', paths.pull, { token: KNOWN_TOKEN })).status).toBe(401);
        expect((await call(c.url, 'GET', paths.adminHalls, { token: KNOWN_TOKEN })).status).toBe(
          401,
        );
        await call(c.url, 'GET', paths.adminHalls, { token: dev.token });
        await call(c.url, 'POST', paths.enroll, {
          body: { code: KNOWN_PHONE, deviceName: KNOWN_ID },
        });
        // 5. The console: a wrong token, a token in the URL, the right token.
        await form(c.url, '/console/login', { token: KNOWN_TOKEN });
        const inUrl = await fetch(new URL(`/console?token=${KNOWN_TOKEN}`, c.url));
        expect(inUrl.status).toBe(400);
        await fetch(new URL(`/nowhere?token=${KNOWN_TOKEN}&id=${KNOWN_ID}`, c.url));
        await form(c.url, '/console/login', { token: c.adminToken });
        // 6. Bad queries carrying values.
        await call(c.url, 'GET', `${paths.pull}?since=${KNOWN_ID}&limit=${KNOWN_PHONE}`, {
          token: dev.token,
        });
        await call(c.url, 'GET', `${paths.adminApplications}?appNo=${KNOWN_ID}`, {
          token: c.adminToken,
        });
      } finally {
        await c.close();
        await storage.cleanup();
      }
      const log = lines.join('');
      // The log is there and useful: request lines, refusal codes, the database's SQLSTATE.
      expect(log).toContain('incoming request');
      expect(log).toContain('E_AUTH');
      expect(log).toContain('E_INTERNAL');
      // The failed statement's SQLSTATE (42P01: undefined table) is there, its values are not.
      expect(log).toContain('"code":"42P01"');
      for (const secret of [
        KNOWN_ID,
        KNOWN_PHONE,
        KNOWN_ADDRESS,
        KNOWN_TOKEN,
        TEST_ADMIN_TOKEN,
        encodeURIComponent(KNOWN_ADDRESS),
        '王秘密',
      ]) {
        expect(log.includes(secret), `log must not contain ${secret}`).toBe(false);
      }
    });

    describe('console sessions, proxies and rate limits', () => {
      let c: TestCentral;
      centralForSuite(variant, 'sessions', async (central) => {
        c = central;
        await createHall(c, 'SE01');
      });

      it('signs in by form into a random server-side session; sign-out and expiry end it', async () => {
        const login = await form(c.url, '/console/login', { token: c.adminToken });
        expect(login.status).toBe(303);
        const setCookie = login.headers.get('set-cookie')!;
        const cookie = cookieOf(login);
        const value = cookie.split('=')[1]!;
        expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(setCookie).not.toContain(c.adminToken);
        expect(setCookie).not.toContain(encodeURIComponent(c.adminToken));
        expect(setCookie).toContain('HttpOnly');
        // Plain HTTP and no trusted proxy: a forged X-Forwarded-Proto does not make it Secure.
        expect(setCookie).not.toContain('Secure');
        const forged = await form(
          c.url,
          '/console/login',
          { token: c.adminToken },
          { 'x-forwarded-proto': 'https' },
        );
        expect(forged.headers.get('set-cookie')).not.toContain('Secure');

        const page = (ck: string) =>
          fetch(new URL('/console', c.url), { headers: { cookie: ck } }).then((r) => r.text());
        expect(await page(cookie)).toContain('退出登录');
        // The token itself as cookie value signs no one in.
        expect(await page(`hd_session=${c.adminToken}`)).toContain('管理员令牌');
        expect(await page(`hd_admin=${encodeURIComponent(c.adminToken)}`)).toContain('管理员令牌');

        // Stored as a hash only.
        const { rows } = await c.server.db.query<{ id_sha256: string }>(
          'SELECT id_sha256 FROM console_sessions',
        );
        expect(rows.map((r) => r.id_sha256)).toContain(
          crypto.createHash('sha256').update(value).digest('hex'),
        );
        expect(rows.map((r) => r.id_sha256)).not.toContain(value);

        // Sign-out ends it on the server, not only in this browser.
        const out = await fetch(new URL('/console/logout', c.url), {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie },
        });
        expect(out.status).toBe(303);
        expect(await page(cookie)).toContain('管理员令牌');

        // Expiry: a session past its time signs no one in.
        const again = cookieOf(await form(c.url, '/console/login', { token: c.adminToken }));
        expect(await page(again)).toContain('退出登录');
        await c.server.db.query(
          "UPDATE console_sessions SET expires_at = now() - interval '1 second'",
        );
        expect(await page(again)).toContain('管理员令牌');
        // Idle: a session unused past the idle time ends too.
        const idle = cookieOf(await form(c.url, '/console/login', { token: c.adminToken }));
        await c.server.db.query(
          "UPDATE console_sessions SET last_seen_at = now() - interval '2 hours'",
        );
        expect(await page(idle)).toContain('管理员令牌');
      });

      it('a ?token= link signs no one in', async () => {
        const r = await fetch(
          new URL(`/console?token=${encodeURIComponent(c.adminToken)}`, c.url),
          {
            redirect: 'manual',
          },
        );
        expect(r.status).toBe(400);
        expect(r.headers.get('set-cookie')).toBeNull();
        expect(await r.text()).toContain('令牌不能写在网址里');
      });

      // Skipped in the PGlite variant: two endpoint processes on one database need a database
      // server (PGlite's data folder is opened by one process only).
      it.runIf(variant === 'postgres')(
        'a session made by one endpoint process is honoured by another on the same database',
        async () => {
          const cookie = cookieOf(await form(c.url, '/console/login', { token: c.adminToken }));
          const dbUrl = (await c.server.db.query<{ db: string }>('SELECT current_database() AS db'))
            .rows[0]!.db;
          const base = new URL(process.env.TEST_DATABASE_URL!);
          base.pathname = `/${dbUrl}`;
          const other = await buildCentralServer({
            databaseUrl: base.toString(),
            adminToken: TEST_ADMIN_TOKEN,
          });
          try {
            const otherUrl = await other.app.listen({ port: 0, host: '127.0.0.1' });
            const html = await fetch(new URL('/console', otherUrl), { headers: { cookie } }).then(
              (r) => r.text(),
            );
            expect(html).toContain('退出登录');
          } finally {
            await other.close();
          }
        },
      );

      it('cuts off a burst of enrollment-code guesses with 429 and Retry-After, even a forged address', async () => {
        const statuses: number[] = [];
        let limited: Awaited<ReturnType<typeof call>> | undefined;
        for (let i = 0; i < 40; i++) {
          const r = await call(c.url, 'POST', paths.enroll, {
            // Each guess claims another client address: without a trusted proxy it counts for the
            // real one.
            headers: { 'x-forwarded-for': `10.0.${i}.1` },
            body: { code: `GUES-S${String(i).padStart(3, '0')}`, deviceName: '猜测' },
          });
          statuses.push(r.status);
          if (r.status === 429) limited ??= r;
        }
        expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
        expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
        expect(limited!.body).toMatchObject({ error: { code: 'E_RATE_LIMITED' } });
        expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
        // While limited, even a real code is not tried (a guess that hits tells nothing).
        const real = await call<{ code: string }>(
          c.url,
          'POST',
          paths.adminEnrollmentCodes('SE01'),
          {
            token: c.adminToken,
            body: {},
          },
        );
        expect(real.status).toBe(201);
        const tried = await call(c.url, 'POST', paths.enroll, {
          body: { code: real.body.code, deviceName: '真码' },
        });
        expect(tried.status).toBe(429);
      });
    });

    describe('rate limits on admin authentication and console sign-in, behind a trusted proxy', () => {
      it('refuses an address after too many failures, then lets it in when the window ends', async () => {
        const storage = (await testStorage(variant, 'limits')) as TestStorage;
        // The operator names the proxy: only then do X-Forwarded-For/-Proto count.
        const c = await startCentral(storage, {
          trustProxy: '127.0.0.1',
          rateLimits: {
            adminAuth: { max: 3, windowMs: 1500 },
            consoleLogin: { max: 2, windowMs: 60_000 },
          },
        });
        try {
          const admin = (token: string) => call(c.url, 'GET', paths.adminHalls, { token });
          for (let i = 0; i < 3; i++)
            expect((await admin(`wrong-token-${i}-xxxxxxxx`)).status).toBe(401);
          const blocked = await admin(c.adminToken);
          expect(blocked.status).toBe(429);
          expect(blocked.body).toMatchObject({ error: { code: 'E_RATE_LIMITED' } });
          expect(blocked.headers.get('retry-after')).toMatch(/^[12]$/);
          await new Promise((r) => setTimeout(r, 1600));
          expect((await admin(c.adminToken)).status).toBe(200);

          const from = (addr: string, extra: Record<string, string> = {}) => ({
            'x-forwarded-for': addr,
            ...extra,
          });
          for (let i = 0; i < 2; i++) {
            const r = await form(
              c.url,
              '/console/login',
              { token: 'nope-nope-nope' },
              from('10.9.9.9'),
            );
            expect(r.status).toBe(401);
          }
          const third = await form(
            c.url,
            '/console/login',
            { token: c.adminToken },
            from('10.9.9.9'),
          );
          expect(third.status).toBe(429);
          expect(third.headers.get('retry-after')).toBeTruthy();
          expect(third.headers.get('set-cookie')).toBeNull();
          expect(await third.text()).toContain('登录失败次数过多');
          // Another client behind the same proxy is not held back; HTTPS at the proxy makes the
          // cookie Secure.
          const other = await form(
            c.url,
            '/console/login',
            { token: c.adminToken },
            from('10.9.9.8', { 'x-forwarded-proto': 'https' }),
          );
          expect(other.status).toBe(303);
          expect(other.headers.get('set-cookie')).toContain('; Secure');
        } finally {
          await c.close();
          await storage.cleanup();
        }
      });
    });

    describe('attachments and device text', () => {
      let c: TestCentral;
      let dev: TestDevice;
      centralForSuite(variant, 'inert', async (central) => {
        c = central;
        await createHall(c, 'AT01');
        dev = device(await enrollDevice(c, 'AT01'));
      });

      async function upload(mimeType: string, fileName: string, bytes: Buffer) {
        const sha = crypto.createHash('sha256').update(bytes).digest('hex');
        const app = appFor(dev);
        const meta = makeAttachmentMeta({
          applicationId: app.id,
          sha256: sha,
          size: bytes.length,
          mimeType,
          fileName,
        });
        const r = await push(c, dev, [
          change(dev, 'application', app),
          change(dev, 'attachment', meta),
        ]);
        expect(r.status).toBe(200);
        const put = await call(
          c.url,
          'PUT',
          `${paths.attachment(sha)}?offset=0&size=${bytes.length}`,
          {
            token: dev.token,
            rawBody: new Uint8Array(bytes),
            headers: { 'content-type': 'application/octet-stream' },
          },
        );
        expect(put.status).toBe(200);
        return fetch(new URL(paths.attachmentContent(sha), c.url), {
          headers: { authorization: `Bearer ${dev.token}` },
        });
      }

      it('serves only raster images and PDF as recorded, always nosniff and as a download', async () => {
        const html = await upload(
          'text/html',
          '身份证 "正面"/../x.html',
          Buffer.from(`<script>alert(1)</script>${crypto.randomUUID()}`),
        );
        expect(html.headers.get('content-type')).toBe('application/octet-stream');
        expect(html.headers.get('x-content-type-options')).toBe('nosniff');
        const cd = html.headers.get('content-disposition')!;
        expect(cd).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''/);
        expect(cd).toContain(`filename*=UTF-8''${encodeURIComponent('身份证 "正面"_.._x.html')}`);
        expect(cd.split('filename*=')[1]).not.toMatch(/["/\\ ]/);

        const svg = await upload(
          'image/svg+xml',
          'a.svg',
          Buffer.from(`<svg>${crypto.randomUUID()}</svg>`),
        );
        expect(svg.headers.get('content-type')).toBe('application/octet-stream');
        const pdf = await upload(
          'application/pdf',
          'scan.pdf',
          Buffer.from(`%PDF-1.4 ${crypto.randomUUID()}`),
        );
        expect(pdf.headers.get('content-type')).toBe('application/pdf');
        expect(pdf.headers.get('x-content-type-options')).toBe('nosniff');
        const jpg = await upload('image/jpeg', 'id.jpg', crypto.randomBytes(64));
        expect(jpg.headers.get('content-type')).toBe('image/jpeg');
        expect(jpg.headers.get('content-disposition')).toBe(
          `attachment; filename="id.jpg"; filename*=UTF-8''id.jpg`,
        );
      });

      it('escapes control characters of device text in the CLI and the console', async () => {
        const hostile =
          '\u001b[2J\u001b]0;pwned\u0007窗口\u009b31m\r<script>x</script>\u202etxt.exe';
        const d = await enrollDevice(c, 'AT01', '临时');
        // Stored text as a desk may have sent it (whatever the door lets through today or later).
        await c.server.db.query('UPDATE devices SET name = $1 WHERE id = $2', [
          hostile,
          d.deviceId,
        ]);
        const lines: string[] = [];
        await runCli(
          ['devices', 'list', '--hall', 'AT01'],
          { url: c.url, token: c.adminToken },
          (l) => lines.push(l),
        );
        const out = lines.join('\n');
        expect(out).toContain('\\u001b[2J');
        expect(out).toContain('\\u009b31m');
        expect(out).toContain('\\r');
        expect(out).toContain('\\u202e');
        expect(out).not.toMatch(RAW_CONTROLS);

        const login = await form(c.url, '/console/login', { token: c.adminToken });
        const html = await fetch(new URL('/console', c.url), {
          headers: { cookie: cookieOf(login) },
        }).then((r) => r.text());
        expect(html).toContain('\\u001b[2J');
        expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
        expect(html).not.toContain('<script>x');
        expect(html).not.toMatch(RAW_CONTROLS);
      });
    });
  });
}
