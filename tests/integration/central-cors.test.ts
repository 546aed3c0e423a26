// Central endpoint: desks on other origins (hall service in browser mode, app:// in Electron)
// may call the device API; the admin API stays same-origin only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../shared/protocol';
import type { TestCentral, TestStorage } from '../support/server';
import { startCentral, testStorage } from '../support/server';

describe('central endpoint CORS', () => {
  let storage: TestStorage;
  let c: TestCentral;

  beforeAll(async () => {
    const s = await testStorage('pglite', 'cors');
    if (typeof s === 'string') throw new Error(s);
    storage = s;
    c = await startCentral(storage);
  });
  afterAll(async () => {
    await c?.close();
    await storage?.cleanup();
  });

  it('answers a preflight for push without a token', async () => {
    const res = await fetch(new URL(paths.push, c.url), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:8700',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, content-encoding',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('content-encoding');
  });

  it('marks device API answers, errors included, as readable cross-origin', async () => {
    const health = await fetch(new URL(paths.apiHealth, c.url), {
      headers: { origin: 'app://halldesk' },
    });
    expect(health.status).toBe(200);
    expect(health.headers.get('access-control-allow-origin')).toBe('*');
    const denied = await fetch(new URL(paths.pull, c.url), {
      headers: { origin: 'app://halldesk' },
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await denied.json()) as { error: { code: string } }).error.code).toMatch(/^E_/);
  });

  it('does not open the admin API to other origins', async () => {
    const res = await fetch(new URL(paths.adminHalls, c.url), {
      headers: { origin: 'http://evil.example', authorization: `Bearer ${c.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(new URL(paths.adminHalls, c.url), { method: 'OPTIONS' });
    expect(pre.status).toBe(404);
  });
});
