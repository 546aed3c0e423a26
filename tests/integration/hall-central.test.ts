// The hall queue service and the real central endpoint (PGlite, real HTTP on a port of its own):
// the hall service is enrolled as a device of its hall, the centre goes down, a morning's
// tickets are issued, called, served and rated (and the hall service restarts) while it is
// down, the centre comes back on the same address, and every queue event arrives exactly once:
// one change per event, seqs 1..N without gaps, one queue_events row each, in the right order.
/* eslint-disable @typescript-eslint/no-explicit-any -- rows and payloads are loosely typed JSON */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as admin from '../../server/central/admin';
import { buildCentralServer, type CentralServer } from '../../server/central/app';
import { httpCentralPush } from '../../server/hall/central';
import { startHallService, type HallService } from '../../server/hall/service';
import { pgliteDataDir } from '../support/server';

const HALL = 'H0301';
let centralDir = '';
let hallDir = '';
let central: CentralServer | null = null;
let hall: HallService | null = null;

afterEach(async () => {
  await hall?.close();
  hall = null;
  await central?.close();
  central = null;
  for (const d of [centralDir, hallDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

async function startCentral(port: number): Promise<{ server: CentralServer; port: number }> {
  const server = await buildCentralServer({
    dataDir: centralDir,
    adminToken: 'hall-central-test-admin-token-0123456789',
    logger: false,
  });
  await server.app.listen({ port, host: '127.0.0.1' });
  return { server, port: (server.app.server.address() as { port: number }).port };
}

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('hall queue events reach the central endpoint', () => {
  it('sends every event exactly once after the centre was down (and the hall restarted)', async () => {
    centralDir = await pgliteDataDir('hallq');
    hallDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-central-'));

    // The centre, a hall, and the hall queue service enrolled as one of its devices.
    const first = await startCentral(0);
    central = first.server;
    const port = first.port;
    await admin.createHall(central.db, { code: HALL, name: '排队测试营业厅' });
    const code = await admin.createEnrollmentCode(central.db, HALL, { note: 'hall queue' });
    const device = await admin.enroll(central.db, {
      code: code.code,
      deviceName: '排队叫号服务',
    });
    // The centre goes down.
    await central.close();
    central = null;

    const hallOptions = {
      port: 0,
      dataDir: hallDir,
      log: () => {},
      hallCode: HALL,
      centralRetryMaxMs: 400,
      centralPush: httpCentralPush({
        baseUrl: `http://127.0.0.1:${port}`,
        deviceId: device.deviceId,
        token: device.token,
        timeoutMs: 3000,
      }),
      initialConfig: {
        categories: [
          { id: 'A', name: '业扩报装' },
          { id: 'B', name: '变更用电' },
        ],
        counters: [
          { no: 1, name: '1号窗口', categories: ['A', 'B'] },
          { no: 2, name: '2号窗口', categories: ['B', 'A'] },
        ],
      },
    };
    hall = await startHallService(hallOptions);
    const expected: string[] = ['config_changed'];
    const post = async (p: string, body: unknown = {}) => {
      const res = await fetch(`${hall!.url}${p}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${hall!.managerSecret}`,
        },
        body: JSON.stringify(body),
      });
      expect(res.status, `${p}: ${await res.clone().text()}`).toBeLessThan(300);
      const json = (await res.json()) as { events?: Array<{ type: string }> };
      return json;
    };
    for (const cat of ['A', 'B', 'A', 'B', 'A']) {
      await post('/api/queue/tickets', { categoryId: cat });
      expected.push('ticket_issued');
    }
    for (const [p, body] of [
      ['/api/queue/counters/1/call-next', {}],
      ['/api/queue/counters/2/call-next', {}],
      ['/api/queue/counters/1/recall', {}],
      ['/api/queue/counters/1/finish', {}],
      ['/api/queue/ratings', { counterNo: 1, level: 1, reason: '等候时间长' }],
    ] as const) {
      const r = await post(p, body);
      expected.push(...(r.events ?? []).map((e) => e.type));
    }
    await until('a failed push', () => hall!.outbox().lastError !== null);
    expect(hall.outbox().pending).toBe(expected.length);

    // The hall service restarts while the centre is still down; the outbox comes from disk.
    await hall.close();
    hall = await startHallService(hallOptions);
    expect(hall.outbox()).toMatchObject({ pending: expected.length, ackSeq: 0 });
    for (const p of ['/api/queue/counters/2/no-show', '/api/queue/counters/1/call-next']) {
      const r = await post(p);
      expected.push(...(r.events ?? []).map((e) => e.type));
    }

    // The centre comes back on the same address: the hall's back-off finds it.
    const second = await startCentral(port);
    central = second.server;
    await until('outbox drained', () => hall!.outbox().pending === 0);
    expect(hall.outbox()).toMatchObject({ ackSeq: expected.length, lastError: null });

    const db = central.db;
    const changes = await db.query<{ seq: number; status: string; entity: string }>(
      'SELECT seq, status, entity FROM changes WHERE device_id = $1 ORDER BY seq',
      [device.deviceId],
    );
    expect(changes.rows.map((r) => r.seq)).toEqual(expected.map((_, i) => i + 1));
    expect(new Set(changes.rows.map((r) => r.status))).toEqual(new Set(['applied']));
    const rows = await db.query<{ id: string; payload: any }>(
      `SELECT q.id, q.payload FROM queue_events q JOIN halls h ON h.id = q.hall_id
        WHERE h.code = $1`,
      [HALL],
    );
    expect(rows.rows).toHaveLength(expected.length);
    const ordered = rows.rows
      .map((r) => r.payload)
      .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    // Same events, once each (no resend under a new id): type order as issued at the hall.
    const seen = new Set(ordered.map((p) => JSON.stringify(p.event)));
    expect(seen.size).toBe(expected.length);
    expect(ordered.every((p) => p.hallCode === HALL)).toBe(true);
    // In the hall's order: the change seq (outbox order) joined to the stored event.
    const inOrder = await db.query<{ type: string }>(
      `SELECT q.payload->>'type' AS type FROM changes c
         JOIN queue_events q ON q.id = c.entity_id AND q.hall_id = c.hall_id
        WHERE c.device_id = $1 ORDER BY c.seq`,
      [device.deviceId],
    );
    expect(inOrder.rows.map((r) => r.type)).toEqual(expected);
    // The centre keeps what the manager's reports need (the rating reason) but no key customers.
    const rated = ordered.find((p) => p.type === 'rated');
    expect(rated.event.reason).toBe('等候时间长');
    const devices = await admin.listDevices(db, HALL);
    expect(devices.find((d) => d.id === device.deviceId)).toMatchObject({
      ackSeq: expected.length,
      maxSeq: expected.length,
    });

    // A later restart of the hall service resends nothing.
    await hall.close();
    hall = await startHallService(hallOptions);
    expect(hall.outbox()).toMatchObject({ pending: 0, ackSeq: expected.length });
  }, 120_000);

  it('a hall enrolled again goes on as the new device: what was unsent is renumbered and arrives', async () => {
    centralDir = await pgliteDataDir('hallq-re');
    hallDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-central-re-'));
    const started = await startCentral(0);
    central = started.server;
    const baseUrl = `http://127.0.0.1:${started.port}`;
    await admin.createHall(central.db, { code: HALL, name: '排队测试营业厅' });
    const enrollOnce = async () =>
      admin.enroll(central!.db, {
        code: (await admin.createEnrollmentCode(central!.db, HALL, { note: 'hall queue' })).code,
        deviceName: '排队叫号服务',
      });
    const options = (device: { deviceId: string; token: string }) => ({
      port: 0,
      dataDir: hallDir,
      log: () => {},
      hallCode: HALL,
      centralRetryMaxMs: 400,
      centralPush: httpCentralPush({ baseUrl, ...device, timeoutMs: 3000 }),
      initialConfig: {
        categories: [{ id: 'A', name: '业扩报装' }],
        counters: [{ no: 1, name: '1号窗口', categories: ['A'] }],
      },
    });
    const issue = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await fetch(`${hall!.url}/api/queue/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ categoryId: 'A' }),
        });
        expect(res.status).toBe(201);
      }
    };

    // Device A sends the configuration and 3 tickets.
    const a = await enrollOnce();
    hall = await startHallService(options(a));
    await issue(3);
    await until('A drained', () => hall!.outbox().pending === 0);
    expect(hall.outbox().ackSeq).toBe(4);
    // The uplink is lost (token revoked, PC replaced...): 4 more tickets wait unsent.
    await hall.close();
    hall = await startHallService({ ...options(a), centralPush: undefined });
    await issue(4);
    expect(hall.outbox()).toMatchObject({ pending: 4, ackSeq: 4 });
    await hall.close();

    // Enrolled again as device B: B's seqs start at 1; the 4 waiting events go out as 1..4.
    const b = await enrollOnce();
    hall = await startHallService(options(b));
    await until('B drained', () => hall!.outbox().pending === 0);
    expect(hall.outbox()).toMatchObject({ ackSeq: 4, lastError: null });
    const byDevice = await central.db.query<{ device_id: string; seq: number; status: string }>(
      'SELECT device_id, seq, status FROM changes ORDER BY device_id, seq',
    );
    const seqsOf = (id: string) =>
      byDevice.rows.filter((r) => r.device_id === id).map((r) => r.seq);
    expect(seqsOf(a.deviceId)).toEqual([1, 2, 3, 4]);
    expect(seqsOf(b.deviceId)).toEqual([1, 2, 3, 4]);
    expect(new Set(byDevice.rows.map((r) => r.status))).toEqual(new Set(['applied']));
    const events = await central.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM queue_events q JOIN halls h ON h.id = q.hall_id
        WHERE h.code = $1 AND q.payload->>'type' = 'ticket_issued'`,
      [HALL],
    );
    expect(events.rows[0]?.n).toBe(7);
    // The renumbering is on disk: a restart as B resends nothing.
    await hall.close();
    hall = await startHallService(options(b));
    expect(hall.outbox()).toMatchObject({ pending: 0, ackSeq: 4 });
  }, 120_000);
});
