// The hall LAN API's access rules over real HTTP: screens and kiosks read and issue without a
// token but never see personal data; counter actions need a paired device's token (bound to its
// counter, revocable, stored hashed); configuration, statistics and pairing need the manager
// secret (generated on first start, mode 0600); every refusal is coded JSON; bodies are bounded;
// anonymous kiosk calls are rate-limited per address.
/* eslint-disable @typescript-eslint/no-explicit-any -- the test inspects loosely typed JSON answers */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hallRoster } from '../support/hallRoster';
import {
  startHallService,
  type HallService,
  type HallServiceOptions,
} from '../../server/hall/service';

let dir: string;
let svc: HallService | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-sec-'));
});
afterEach(async () => {
  await svc?.close();
  svc = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

const PHONE = '13912345678';
const ACCOUNT = '0101234567'; // 户号
const REASON_PHONE = '13700001111';

async function start(extra: Partial<HallServiceOptions> = {}): Promise<HallService> {
  svc = await startHallService({
    port: 0,
    dataDir: dir,
    log: () => {},
    staff: hallRoster([
      ['C001', '张三', ['clerk']],
      ['C002', '李四', ['clerk']],
    ]),
    initialConfig: {
      hallName: '安全测试营业厅',
      categories: [
        { id: 'A', name: '业扩报装', keyLane: true },
        { id: 'B', name: '变更用电', keyLane: true },
      ],
      counters: [
        { no: 1, name: '1号窗口', categories: ['A', 'B'] },
        { no: 3, name: '3号窗口', categories: ['A', 'B'] },
      ],
      keyCustomers: [{ ref: PHONE }, { ref: ACCOUNT, categoryId: 'A' }],
    },
    ...extra,
  });
  return svc;
}

async function call(
  method: string,
  p: string,
  opts: { token?: string | null; body?: unknown; raw?: string } = {},
): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(`${svc!.url}${p}`, { method, headers, ...(body ? { body } : {}) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Reads an SSE stream until `ms` passed; returns the raw text (snapshot and deltas). */
async function sseText(ms: number, during?: () => Promise<void>): Promise<string> {
  const ctrl = new AbortController();
  const res = await fetch(`${svc!.url}/api/queue/events`, { signal: ctrl.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      /* aborted */
    }
  })();
  await during?.();
  await new Promise((r) => setTimeout(r, ms));
  ctrl.abort();
  await pump;
  return text;
}

/** The code as a value of its own (not six digits inside a millisecond timestamp). */
const alone = (code: string) => new RegExp(`(?<!\\d)${code}(?!\\d)`);

async function pairDevice(name: string, counterNo: number | null) {
  const code = await call('POST', '/api/queue/pairing-codes', {
    token: svc!.managerSecret,
    body: { name, counterNo },
  });
  expect(code.status).toBe(201);
  expect(code.json.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  const paired = await call('POST', '/api/queue/pair', { body: { code: code.json.code } });
  expect(paired.status).toBe(201);
  return {
    code: code.json.code as string,
    token: paired.json.token as string,
    paired: paired.json,
  };
}

describe('hall LAN API access', () => {
  it('generates the manager secret once (0600), keeps it across restarts', async () => {
    const first = await start();
    expect(first.managerSecretCreated).toBe(true);
    const file = path.join(dir, 'manager.secret');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(first.managerSecret);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const secret = first.managerSecret;
    await first.close();
    svc = null;
    const second = await start();
    expect(second.managerSecretCreated).toBe(false);
    expect(second.managerSecret).toBe(secret);
    expect((await call('GET', '/api/queue/config', { token: secret })).status).toBe(200);
  });

  it('refuses counter, manager and configuration calls without a token, with stable codes', async () => {
    await start();
    const refusals: Array<[string, string, unknown?]> = [
      ['POST', '/api/queue/counters/1/call-next'],
      ['POST', '/api/queue/counters/1/pause'],
      ['POST', '/api/queue/ratings', { counterNo: 1, level: 3 }],
      ['GET', '/api/queue/config'],
      ['PUT', '/api/queue/config', { config: {} }],
      ['GET', '/api/queue/stats'],
      ['POST', '/api/queue/daily-clear'],
      ['POST', '/api/queue/pairing-codes', { name: 'x' }],
      ['GET', '/api/queue/devices'],
      ['GET', '/api/queue/whoami'],
    ];
    for (const [method, p, body] of refusals) {
      const r = await call(method, p, body === undefined ? {} : { body });
      expect(r.status, `${method} ${p}`).toBe(401);
      expect(r.json.error.code, `${method} ${p}`).toBe('E_AUTH_REQUIRED');
      expect(typeof r.json.error.message).toBe('string');
    }
    // A wrong token is refused as such (the device must pair again), even on public endpoints.
    const wrong = await call('GET', '/api/queue/state', { token: 'hq_not-a-real-token-at-all' });
    expect(wrong).toMatchObject({ status: 401, json: { error: { code: 'E_AUTH_INVALID' } } });
    const garbage = await fetch(`${svc!.url}/api/queue/stats`, {
      headers: { authorization: 'Basic abc' },
    });
    expect(garbage.status).toBe(401);
    // Nothing happened.
    expect(svc!.getState().config.keyCustomers).toHaveLength(2);
    expect(svc!.getState().counters['1']?.paused).toBe(false);
    // Public endpoints answer without a token.
    expect((await call('GET', '/api/queue/state')).status).toBe(200);
    expect((await call('GET', '/api/queue/health')).json).toMatchObject({ ok: true });
    expect((await call('POST', '/api/queue/tickets', { body: { categoryId: 'B' } })).status).toBe(
      201,
    );
    // Unknown method on a known path, unknown path.
    expect((await call('DELETE', '/api/queue/config')).json.error.code).toBe('E_METHOD');
    expect((await call('GET', '/api/queue/nope')).json.error.code).toBe('E_NOT_FOUND');
  });

  it('pairs a counter device: one-time code, token bound to its counter, hashed, listed, revocable', async () => {
    await start();
    const mgr = svc!.managerSecret;
    await call('POST', '/api/queue/tickets', { body: { categoryId: 'A' } });
    await call('POST', '/api/queue/tickets', { body: { categoryId: 'A' } });

    const bad = await call('POST', '/api/queue/pair', { body: { code: 'ZZZZ-ZZZZ' } });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'E_PAIRING_CODE' } } });
    const unknownCounter = await call('POST', '/api/queue/pairing-codes', {
      token: mgr,
      body: { name: 'x', counterNo: 9 },
    });
    expect(unknownCounter.json.error.code).toBe('E_UNKNOWN_COUNTER');

    const { code, token, paired } = await pairDevice('3号窗口受理台', 3);
    expect(paired.device).toMatchObject({ name: '3号窗口受理台', counterNo: 3, revokedAt: null });
    // The code is burnt.
    const again = await call('POST', '/api/queue/pair', { body: { code: code.toLowerCase() } });
    expect(again.json.error.code).toBe('E_PAIRING_CODE');

    expect((await call('GET', '/api/queue/whoami', { token })).json).toMatchObject({
      role: 'counter',
      device: { counterNo: 3 },
    });
    // Issue 13: the desk's signed-in clerk takes the counter before any call.
    await call('POST', '/api/queue/counters/3/sign-in', {
      token,
      body: { staffNo: 'C001', name: '张三', roles: ['clerk'] },
    });
    const called = await call('POST', '/api/queue/counters/3/call-next', { token });
    expect(called).toMatchObject({ status: 200, json: { current: 'A001' } });
    // Bound to counter 3: not another counter, not the manager's endpoints.
    const other = await call('POST', '/api/queue/counters/1/call-next', { token });
    expect(other).toMatchObject({ status: 403, json: { error: { code: 'E_FORBIDDEN' } } });
    for (const [method, p] of [
      ['GET', '/api/queue/config'],
      ['GET', '/api/queue/stats'],
      ['GET', '/api/queue/devices'],
    ] as const) {
      expect((await call(method, p, { token })).json.error.code).toBe('E_FORBIDDEN');
    }
    // The rating pad runs as the counter's device.
    await call('POST', '/api/queue/counters/3/finish', { token });
    const rated = await call('POST', '/api/queue/ratings', {
      token,
      body: { counterNo: 3, level: 3 },
    });
    expect(rated.status).toBe(200);

    // A device for any counter.
    const any = await pairDevice('流动窗口', null);
    await call('POST', '/api/queue/counters/1/sign-in', {
      token: any.token,
      body: { staffNo: 'C002', name: '李四', roles: ['clerk'] },
    });
    expect(
      (await call('POST', '/api/queue/counters/1/call-next', { token: any.token })).status,
    ).toBe(200);

    // Stored hashed, mode 0600; listed without any token.
    const file = fs.readFileSync(path.join(dir, 'devices.json'), 'utf8');
    expect(file).not.toContain(token);
    expect(file).not.toContain(any.token);
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dir, 'devices.json')).mode & 0o777).toBe(0o600);
    }
    const list = await call('GET', '/api/queue/devices', { token: mgr });
    expect(list.json.devices.map((d: any) => d.name)).toEqual(['3号窗口受理台', '流动窗口']);
    expect(list.text).not.toContain(token);
    expect(list.text).not.toContain('tokenSha256');

    // Survives a restart.
    await svc!.close();
    svc = null;
    await start();
    expect((await call('GET', '/api/queue/whoami', { token })).status).toBe(200);

    // Revoked: refused at once with the code that sends the device back to pairing.
    const deviceId = paired.device.id as string;
    const revoked = await call('POST', `/api/queue/devices/${deviceId}/revoke`, { token: mgr });
    expect(revoked.json.device.revokedAt).not.toBeNull();
    const after = await call('POST', '/api/queue/counters/3/recall', { token });
    expect(after).toMatchObject({ status: 401, json: { error: { code: 'E_AUTH_INVALID' } } });
    expect((await call('GET', '/api/queue/whoami', { token: any.token })).status).toBe(200);
    const listed = await call('GET', '/api/queue/devices', { token: mgr });
    expect(listed.json.devices.find((d: any) => d.id === deviceId).revokedAt).not.toBeNull();
  });

  it('no phone, 户号 or customer text reaches a display or kiosk answer or SSE event', async () => {
    await start();
    const mgr = svc!.managerSecret;
    const publicTexts: string[] = [];
    const sse = sseText(400, async () => {
      // The kiosk: lookup answers the lane only, never the list.
      const lookup = await call('POST', '/api/queue/lookup', { body: { customerRef: PHONE } });
      expect(lookup.json).toEqual({ keyCustomer: true, categoryId: 'A', categoryName: '业扩报装' });
      const byAccount = await call('POST', '/api/queue/lookup', {
        body: { customerRef: ACCOUNT },
      });
      expect(byAccount.json.keyCustomer).toBe(true);
      const notKey = await call('POST', '/api/queue/lookup', {
        body: { customerRef: '13800000000' },
      });
      expect(notKey.json).toEqual({ keyCustomer: false, categoryId: null, categoryName: null });
      const ticket = await call('POST', '/api/queue/tickets', {
        body: { categoryId: 'B', customerRef: PHONE },
      });
      // Their ticket is for the business they pressed, in its key lane (issue 12 §6).
      expect(ticket.json.receipt).toMatchObject({ categoryId: 'B', lane: 'key' });
      publicTexts.push(lookup.text, byAccount.text, ticket.text);
      // A counter serves it; the customer rates badly with a phone number in the reason.
      await call('POST', '/api/queue/counters/1/call-next', { token: mgr });
      await call('POST', '/api/queue/counters/1/finish', { token: mgr });
      const rated = await call('POST', '/api/queue/ratings', {
        token: mgr,
        body: { counterNo: 1, level: 1, reason: `请回电 ${REASON_PHONE}` },
      });
      expect(rated.status).toBe(200);
      // The manager changes the configuration (the event carries the config).
      const cfg = await call('GET', '/api/queue/config', { token: mgr });
      expect(cfg.text).toContain(PHONE); // the manager does see the list
      const put = await call('PUT', '/api/queue/config', {
        token: mgr,
        body: { config: { ...cfg.json.config, hallName: '改名营业厅' } },
      });
      expect(put.status).toBe(200);
    });
    publicTexts.push(await sse);
    publicTexts.push(await sseText(100)); // a screen connecting now (snapshot)
    publicTexts.push((await call('GET', '/api/queue/state')).text);
    publicTexts.push((await call('GET', '/api/queue/health')).text);
    const all = publicTexts.join('\n');
    expect(all).toContain('改名营业厅'); // the stream did carry the change
    expect(all).toContain('"rated"');
    for (const secret of [PHONE, ACCOUNT, REASON_PHONE, '请回电', mgr]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/); // no mobile number at all
    // The reason is kept for the manager's statistics (and the centre), just not for screens.
    const t = Object.values(svc!.getState().tickets).find((x) => x.rating === 1);
    expect(t?.ratingReason).toBe(`请回电 ${REASON_PHONE}`);
  });

  it('bounds bodies, answers bad JSON, rate-limits anonymous kiosks and caps SSE clients', async () => {
    await start({
      kioskLimit: { burst: 3, perMinute: 1 },
      lookupLimit: { burst: 2, perMinute: 1 },
      maxSseClients: 1,
    });
    const mgr = svc!.managerSecret;
    const big = await call('POST', '/api/queue/tickets', {
      body: { categoryId: 'A', pad: 'x'.repeat(20_000) },
    });
    expect(big).toMatchObject({ status: 413, json: { error: { code: 'E_TOO_LARGE' } } });
    // Even what Node cannot parse gets a coded JSON answer.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(svc!.port, '127.0.0.1', () =>
        socket.write('NOT HTTP AT ALL\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).error.code).toBe('E_BAD_REQUEST');
    const badJson = await call('POST', '/api/queue/tickets', { raw: '{oops' });
    expect(badJson).toMatchObject({ status: 400, json: { error: { code: 'E_BAD_JSON' } } });
    const invalid = await call('POST', '/api/queue/tickets', { body: { categoryId: 'a1' } });
    expect(invalid.json.error.code).toBe('E_VALIDATION');
    // The configuration may be larger (a long key-customer list), for the manager.
    const cfg = (await call('GET', '/api/queue/config', { token: mgr })).json.config;
    const keyCustomers = Array.from({ length: 3000 }, (_, i) => ({ ref: `0101${100000 + i}` }));
    const put = await call('PUT', '/api/queue/config', {
      token: mgr,
      body: { config: { ...cfg, keyCustomers } },
    });
    expect(put.status).toBe(200);
    const huge = await call('PUT', '/api/queue/config', {
      token: mgr,
      body: { config: { ...cfg, pad: 'x'.repeat(600_000) } },
    });
    expect(huge.json.error.code).toBe('E_TOO_LARGE');

    // Three anonymous tickets, then refused with a retry time; the manager is never limited.
    for (let i = 0; i < 3; i++) {
      const ok = await call('POST', '/api/queue/tickets', { body: { categoryId: 'B' } });
      expect(ok.status, `${i}: ${ok.text}`).toBe(201);
    }
    const limited = await call('POST', '/api/queue/tickets', { body: { categoryId: 'B' } });
    expect(limited).toMatchObject({ status: 429, json: { error: { code: 'E_RATE_LIMITED' } } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      (await call('POST', '/api/queue/tickets', { token: mgr, body: { categoryId: 'B' } })).status,
    ).toBe(201);
    // Lookups (and pairing attempts) have their own, tighter budget: no enumeration of phones.
    await call('POST', '/api/queue/lookup', { body: { customerRef: '13800000001' } });
    await call('POST', '/api/queue/lookup', { body: { customerRef: '13800000002' } });
    const enumerating = await call('POST', '/api/queue/lookup', {
      body: { customerRef: '13800000003' },
    });
    expect(enumerating.json.error.code).toBe('E_RATE_LIMITED');
    const guessing = await call('POST', '/api/queue/pair', { body: { code: 'AAAA-AAAA' } });
    expect(guessing.json.error.code).toBe('E_RATE_LIMITED');

    // One SSE client allowed here: the second is refused with a code.
    const ctrl = new AbortController();
    const first = await fetch(`${svc!.url}/api/queue/events`, { signal: ctrl.signal });
    expect(first.status).toBe(200);
    const second = await call('GET', '/api/queue/events');
    expect(second).toMatchObject({ status: 503, json: { error: { code: 'E_TOO_MANY_CLIENTS' } } });
    ctrl.abort();
  });

  it('appointments: staff book with a token, the kiosk checks in anonymously, codes stay off screens', async () => {
    const slot = new Date();
    slot.setSeconds(0, 0);
    slot.setMinutes(slot.getMinutes() - (slot.getMinutes() % 30));
    await start();
    const mgr = svc!.managerSecret;
    const cfg = (await call('GET', '/api/queue/config', { token: mgr })).json.config;
    await call('PUT', '/api/queue/config', {
      token: mgr,
      body: { config: { ...cfg, appointments: { ...cfg.appointments, enabled: true } } },
    });
    const anonymous = await call('POST', '/api/queue/appointments', {
      body: { categoryId: 'B', slotStart: slot.getTime() },
    });
    expect(anonymous.json.error.code).toBe('E_AUTH_REQUIRED');
    const { token } = await pairDevice('3号窗口', 3);
    let code = '';
    const stream = await sseText(300, async () => {
      const booked = await call('POST', '/api/queue/appointments', {
        token,
        body: { categoryId: 'B', slotStart: slot.getTime() },
      });
      expect(booked.status).toBe(201);
      code = booked.json.code;
      expect(code).toMatch(/^\d{6}$/);
      const listed = await call('GET', '/api/queue/appointments', { token });
      expect(listed.json.appointments.map((a: any) => a.code)).toEqual([code]);
      expect((await call('GET', '/api/queue/appointments')).status).toBe(401);
      const ticket = await call('POST', '/api/queue/check-in', { body: { code } });
      expect(ticket.status).toBe(201);
      expect(ticket.json.receipt).toMatchObject({ ticketNo: 'B001', lane: 'appointment' });
      expect(ticket.text).not.toMatch(alone(code));
      const again = await call('POST', '/api/queue/check-in', { body: { code } });
      expect(again).toMatchObject({ status: 409, json: { error: { code: 'E_APPOINTMENT_USED' } } });
    });
    expect(stream).toContain('"lane":"appointment"');
    expect(stream).not.toMatch(alone(code));
    expect((await call('GET', '/api/queue/state')).text).not.toMatch(alone(code));
  });
});
