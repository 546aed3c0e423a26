// The central endpoint's pieces for keeping secrets out of places: the log serializers, the
// control-character escaping of device text, the failure rate limiter, attachment headers.
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { contentDisposition, servedContentType } from '../../../server/central/attachments';
import {
  centralLoggerOptions,
  safeError,
  safeUrl,
  startupMessage,
} from '../../../server/central/logging';
import { trustProxyFromEnv } from '../../../server/central/proxy';
import {
  FailureLimiter,
  parseRateLimitRule,
  rateLimitsFromEnv,
} from '../../../server/central/rateLimit';
import { escapeControls } from '../../../server/central/safeText';

const ID = '440524188001010014';

describe('safeError', () => {
  it('keeps the SQLSTATE and schema names of a PGlite error, not its statement or values', async () => {
    const db = await PGlite.create();
    let caught: unknown;
    try {
      await db.query('SELECT $1::int AS n, $2::text AS phone', [ID, '13987654321']);
    } catch (e) {
      caught = e;
    } finally {
      await db.close();
    }
    // The raw error carries all of it: that is what used to be logged.
    expect(JSON.stringify({ ...(caught as object), m: (caught as Error).message })).toContain(ID);
    const safe = JSON.stringify(safeError(caught));
    expect(safe).toContain('"code":"22003"');
    expect(safe).not.toContain(ID);
    expect(safe).not.toContain('13987654321');
    expect(safe).not.toContain('SELECT');
  });

  it('drops messages (JSON parse errors quote the input) and keeps codes and frames', () => {
    let caught: unknown;
    try {
      JSON.parse(`{"idNumber":"${ID}",`);
    } catch (e) {
      caught = e;
    }
    const s = safeError(caught);
    expect(s.type).toBe('SyntaxError');
    expect(JSON.stringify(s)).not.toContain(ID);
    expect(s.stack?.[0]).toMatch(/^at /);
    const withCause = safeError(
      Object.assign(new Error(`bad ${ID}`), { code: 'E_X', cause: new Error(ID) }),
    );
    expect(withCause).toMatchObject({ code: 'E_X', cause: { type: 'Error' } });
    expect(JSON.stringify(withCause)).not.toContain(ID);
    // A "code" that is not an identifier is not kept either.
    expect(safeError({ code: `x ${ID}` }).code).toBeUndefined();
  });

  it('start-up messages keep our own configuration errors, not data errors', () => {
    expect(startupMessage(new Error('admin token must be at least 16 characters'))).toContain(
      'admin token',
    );
    expect(
      startupMessage(Object.assign(new Error(`value ${ID}`), { severity: 'ERROR' })),
    ).not.toContain(ID);
  });
});

describe('the central logger', () => {
  it('never writes an error message, however the error is logged', async () => {
    const lines: string[] = [];
    const app = Fastify({
      logger: centralLoggerOptions({
        level: 'trace',
        stream: { write: (s: string) => lines.push(s) },
      }) as object,
    });
    app.log.error({ err: new Error('SECRET-1') });
    app.log.error(new Error('SECRET-2'));
    app.log.warn({ err: new Error('SECRET-3') }, 'SECRET-3');
    app.log.info('Route GET:/x?token=SECRET-4 not found');
    app.log.error({ error: Object.assign(new Error('SECRET-5'), { params: ['SECRET-5'] }) }, 'm');
    app.log.info({ req: { method: 'GET', url: '/a?token=SECRET-6', ip: '10.0.0.1' } }, 'r');
    await app.close();
    const log = lines.join('');
    expect(lines).toHaveLength(6);
    expect(log).not.toContain('SECRET');
    expect(log).toContain('/x?token=[redacted]');
    expect(log).toContain('"remoteAddress":"10.0.0.1"');
  });
});

describe('safeUrl', () => {
  it('keeps the path and query keys, never query values', () => {
    expect(safeUrl('/console?token=abc&x')).toBe('/console?token=[redacted]&x=[redacted]');
    expect(safeUrl('/api/v1/pull')).toBe('/api/v1/pull');
    expect(safeUrl(`/a?${ID}=1&k${ID}`)).toBe('/a?_=[redacted]&_=[redacted]');
  });
});

describe('escapeControls', () => {
  it('shows C0, C1, DEL and bidi controls as escapes and leaves Chinese text alone', () => {
    expect(escapeControls('\u001b[31m红\u0007')).toBe('\\u001b[31m红\\u0007');
    expect(escapeControls('a\r\nb\tc')).toBe('a\\r\\nb\\tc');
    expect(escapeControls('\u009b2J\u007f')).toBe('\\u009b2J\\u007f');
    expect(escapeControls('abc\u202eexe.txt\u2066')).toBe('abc\\u202eexe.txt\\u2066');
    expect(escapeControls('广州天河营业厅 1号窗口')).toBe('广州天河营业厅 1号窗口');
  });
});

describe('FailureLimiter', () => {
  it('refuses an address past max failures until its window ends; others are not affected', () => {
    let now = 1_000_000;
    const l = new FailureLimiter({ max: 3, windowMs: 10_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.blockedFor('1.2.3.4')).toBe(0);
      l.failed('1.2.3.4');
    }
    expect(l.blockedFor('1.2.3.4')).toBe(10);
    expect(l.blockedFor('5.6.7.8')).toBe(0);
    now += 9_500;
    expect(l.blockedFor('1.2.3.4')).toBe(1);
    now += 600;
    expect(l.blockedFor('1.2.3.4')).toBe(0);
    l.failed('1.2.3.4');
    expect(l.blockedFor('1.2.3.4')).toBe(0);
  });

  it('reads limits from the environment as max/seconds and refuses nonsense', () => {
    expect(parseRateLimitRule('10/60')).toEqual({ max: 10, windowMs: 60_000 });
    expect(() => parseRateLimitRule('ten')).toThrow(/max\/windowSeconds/);
    expect(() => parseRateLimitRule('0/60')).toThrow();
    expect(rateLimitsFromEnv({ HALLDESK_RATE_LIMIT_ENROLL: '5/30' })).toEqual({
      enroll: { max: 5, windowMs: 30_000 },
    });
  });
});

describe('trustProxyFromEnv', () => {
  it('trusts no proxy unless told', () => {
    expect(trustProxyFromEnv(undefined)).toBe(false);
    expect(trustProxyFromEnv('')).toBe(false);
    expect(trustProxyFromEnv('false')).toBe(false);
    expect(trustProxyFromEnv('true')).toBe(true);
    expect(trustProxyFromEnv('1')).toBe(1);
    expect(trustProxyFromEnv('10.0.0.1, 192.168.0.0/16')).toEqual(['10.0.0.1', '192.168.0.0/16']);
  });
});

describe('attachment headers', () => {
  it('serves raster images and PDF as recorded, anything else as octet-stream', () => {
    expect(servedContentType('image/png')).toBe('image/png');
    expect(servedContentType('IMAGE/JPEG; charset=x')).toBe('image/jpeg');
    expect(servedContentType('application/pdf')).toBe('application/pdf');
    for (const t of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', '', null]) {
      expect(servedContentType(t)).toBe('application/octet-stream');
    }
  });

  it('names the file in RFC 5987 form without quotes, paths or controls', () => {
    const sha = 'a'.repeat(64);
    expect(contentDisposition('身份证正面.jpg', sha)).toBe(
      `attachment; filename="_____.jpg"; filename*=UTF-8''${encodeURIComponent('身份证正面.jpg')}`,
    );
    const cd = contentDisposition('a"b\r\n\\c/../d;(x)*\'.pdf', sha);
    expect(cd).not.toMatch(/[\r\n]/);
    expect(cd.split('filename*=')[1]).toBe(`UTF-8''a%22b___c_.._d%3B%28x%29%2A%27.pdf`);
    expect(contentDisposition(null, sha)).toBe(
      `attachment; filename="${sha}"; filename*=UTF-8''${sha}`,
    );
    expect(contentDisposition('..', sha)).toContain(sha);
  });
});
