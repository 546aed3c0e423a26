// The hall queue service over real HTTP: several SSE clients see every change in order and
// converge on the server's state, Last-Event-ID resumes without a snapshot, errors are coded
// JSON, key customers never reach screens, static pages are served, and queue events reach the
// central hook exactly once per change id even across a failed push and a restart.
/* eslint-disable @typescript-eslint/no-explicit-any -- the test inspects loosely typed JSON answers */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  publicState,
  reduce,
  type QueueDeltaMessage,
  type QueueSnapshotMessage,
  type QueueState,
} from '../../shared/queue';
import type { Change } from '../../shared/protocol';
import { startHallService, type HallService } from '../../server/hall/service';
import { hallWall } from '../support/hallWall';

let dir: string;
let svc: HallService | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-int-'));
});
afterEach(async () => {
  await svc?.close();
  svc = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** POST as the hall manager by default (counter actions need a token since the LAN API is locked). */
async function post(
  url: string,
  body: unknown = {},
  token: string | null = svc?.managerSecret ?? null,
): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

function manager(): Record<string, string> {
  return { authorization: `Bearer ${svc!.managerSecret}` };
}

/** A minimal SSE client on fetch: keeps frames, folds them into a state like the renderer does. */
class SseClient {
  frames: Array<{ id: string; event: string; data: any }> = [];
  state: QueueState | null = null;
  seq = 0;
  private ctrl = new AbortController();
  private waiters: Array<() => void> = [];

  static async open(base: string, lastEventId?: number): Promise<SseClient> {
    const c = new SseClient();
    const res = await fetch(`${base}/api/queue/events`, {
      headers: lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {},
      signal: c.ctrl.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    void c.pump(res.body!);
    return c;
  }

  private async pump(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const raw = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f = { id: '', event: 'message', data: '' };
          for (const line of raw.split('\n')) {
            if (line.startsWith('id: ')) f.id = line.slice(4);
            else if (line.startsWith('event: ')) f.event = line.slice(7);
            else if (line.startsWith('data: ')) f.data += line.slice(6);
          }
          if (!f.data) continue;
          const data = JSON.parse(f.data);
          this.frames.push({ ...f, data });
          if (f.event === 'snapshot') {
            const s = data as QueueSnapshotMessage;
            this.state = s.state;
            this.seq = s.seq;
          } else if (f.event === 'queue' && this.state) {
            const d = data as QueueDeltaMessage;
            this.state = reduce(this.state, d.event);
            this.seq = d.seq;
          }
          for (const w of this.waiters.splice(0)) w();
        }
      }
    } catch {
      /* aborted */
    }
  }

  async waitFor(pred: () => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error('timed out waiting for SSE');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close() {
    this.ctrl.abort();
  }
}

describe('hall service over HTTP', () => {
  it('pushes every change to several SSE clients, which converge on the server state', async () => {
    svc = await startHallService({ port: 0, dataDir: dir, log: () => {} });
    const base = svc.url;
    const clients = await Promise.all([1, 2, 3].map(() => SseClient.open(base)));
    await Promise.all(clients.map((c) => c.waitFor(() => c.state !== null)));

    const issued = [];
    for (const cat of ['A', 'A', 'B', 'C']) {
      const r = await post(`${base}/api/queue/tickets`, { categoryId: cat });
      expect(r.status).toBe(201);
      issued.push(r.json.receipt.ticketNo);
    }
    expect(issued).toEqual(['A001', 'A002', 'B001', 'C001']);
    const second = await post(`${base}/api/queue/tickets`, { categoryId: 'A', green: true });
    expect(second.json.receipt).toMatchObject({ ticketNo: 'A003', lane: 'green', peopleAhead: 0 });

    const called = await post(`${base}/api/queue/counters/3/call-next`);
    expect(called.status).toBe(200);
    expect(called.json.current).toBe('A003'); // green first
    await post(`${base}/api/queue/counters/3/recall`);
    await post(`${base}/api/queue/counters/1/call-next`);
    await post(`${base}/api/queue/counters/1/hold`);
    await post(`${base}/api/queue/counters/2/pause`);

    const serverSeq = svc.seq();
    for (const c of clients) {
      await c.waitFor(() => c.seq === serverSeq);
      expect(c.state).toEqual(JSON.parse(JSON.stringify(publicState(svc.getState()))));
      const kinds = c.frames.filter((f) => f.event === 'queue').map((f) => f.data.event.type);
      expect(kinds).toEqual([
        ...Array(5).fill('ticket_issued'),
        'called',
        'recalled',
        'called',
        'held',
        'paused',
      ]);
      c.close();
    }
  });

  it('resumes from Last-Event-ID with only the missed events', async () => {
    svc = await startHallService({ port: 0, dataDir: dir, log: () => {} });
    await post(`${svc.url}/api/queue/tickets`, { categoryId: 'A' });
    const mark = svc.seq();
    await post(`${svc.url}/api/queue/tickets`, { categoryId: 'B' });
    await post(`${svc.url}/api/queue/counters/1/call-next`);
    const c = await SseClient.open(svc.url, mark);
    await c.waitFor(() => c.frames.length >= 2);
    expect(c.frames.map((f) => f.event)).toEqual(['queue', 'queue']);
    expect(c.frames.map((f) => f.data.event.type)).toEqual(['ticket_issued', 'called']);
    expect(Number(c.frames[1]!.id)).toBe(svc.seq());
    c.close();
    // An id the server cannot resume from (from the future) gets a snapshot instead.
    const d = await SseClient.open(svc.url, 9999);
    await d.waitFor(() => d.frames.length >= 1);
    expect(d.frames[0]!.event).toBe('snapshot');
    d.close();
  });

  it('answers rule violations and bad input with coded JSON errors', async () => {
    svc = await startHallService({ port: 0, dataDir: dir, log: () => {} });
    const empty = await post(`${svc.url}/api/queue/counters/1/call-next`);
    expect(empty).toMatchObject({ status: 409, json: { error: { code: 'E_QUEUE_EMPTY' } } });
    expect(empty.json.error.message).toMatch(/没有等候/);
    const bad = await post(`${svc.url}/api/queue/tickets`, { categoryId: 7 });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'E_VALIDATION' } } });
    const unknown = await post(`${svc.url}/api/queue/counters/42/call-next`);
    expect(unknown).toMatchObject({ status: 404, json: { error: { code: 'E_UNKNOWN_COUNTER' } } });
    const action = await post(`${svc.url}/api/queue/counters/1/explode`);
    expect(action.status).toBe(404);
    const res = await fetch(`${svc.url}/api/queue/tickets`, { method: 'POST', body: '{oops' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('E_BAD_JSON');
  });

  it('stores ratings, computes stats and keeps key customers off public channels', async () => {
    svc = await startHallService({
      port: 0,
      dataDir: dir,
      log: () => {},
      initialConfig: {
        categories: [{ id: 'A', name: '业扩', keyLane: true }],
        counters: [{ no: 3, name: '3号', categories: ['A'] }],
        keyCustomers: [{ ref: '13800138000' }],
      },
    });
    const lookup = await post(`${svc.url}/api/queue/lookup`, { customerRef: '13800138000' });
    expect(lookup.json).toMatchObject({ keyCustomer: true, categoryId: 'A' });
    const t = await post(`${svc.url}/api/queue/tickets`, {
      categoryId: 'A',
      customerRef: '13800138000',
    });
    expect(t.json.receipt.lane).toBe('key');
    const state = await (await fetch(`${svc.url}/api/queue/state`)).text();
    const events = await SseClient.open(svc.url);
    await events.waitFor(() => events.frames.length > 0);
    expect(state).not.toContain('13800138000');
    expect(JSON.stringify(events.frames)).not.toContain('13800138000');
    events.close();

    await post(`${svc.url}/api/queue/counters/3/call-next`);
    await post(`${svc.url}/api/queue/counters/3/finish`);
    const noReason = await post(`${svc.url}/api/queue/ratings`, { counterNo: 3, level: 1 });
    expect(noReason).toMatchObject({ status: 422, json: { error: { code: 'E_REASON_REQUIRED' } } });
    const rated = await post(`${svc.url}/api/queue/ratings`, {
      counterNo: 3,
      level: 1,
      reason: '等候时间长',
    });
    expect(rated.status).toBe(200);
    const stats = (await (
      await fetch(`${svc.url}/api/queue/stats`, { headers: manager() })
    ).json()) as any;
    expect(stats.today.counters['3']).toMatchObject({ served: 1, badRatings: 1 });
    expect(stats.today.total.ratings).toEqual({ '1': 1 });
    expect(stats.alarms).toEqual([]);
  });

  it('serves the built renderer and refuses paths outside it', async () => {
    const staticDir = path.join(dir, 'www');
    fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<html>hall</html>');
    fs.writeFileSync(path.join(staticDir, 'assets', 'a.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    svc = await startHallService({
      port: 0,
      dataDir: path.join(dir, 'data'),
      staticDir,
      log: () => {},
    });
    const index = await fetch(`${svc.url}/`);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toBe('<html>hall</html>');
    const js = await fetch(`${svc.url}/assets/a.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${svc.url}/..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${svc.url}/assets/../../secret.txt`)).status).toBe(404);
  });

  it('sends queue events to the centre once per change id, across failures and a restart', async () => {
    const received = new Map<string, Change>();
    let fail = true;
    let maxSeq = 0;
    const hook = async (changes: Change[]) => {
      if (fail) {
        fail = false;
        throw new Error('uplink down');
      }
      for (const c of changes) {
        expect(c.entity).toBe('queue_event');
        const before = received.get(c.changeId);
        if (before) expect(before).toEqual(c); // a resend must be identical
        received.set(c.changeId, c);
        maxSeq = Math.max(maxSeq, c.seq);
      }
      return { ackSeq: maxSeq };
    };
    svc = await startHallService({
      port: 0,
      dataDir: dir,
      log: () => {},
      centralPush: hook,
      hallCode: 'GD-SZ-001',
    });
    await post(`${svc.url}/api/queue/tickets`, { categoryId: 'A' });
    await post(`${svc.url}/api/queue/counters/1/call-next`);
    // First push fails; the back-off retries within a few seconds.
    const until = Date.now() + 8000;
    while (svc.outbox().pending > 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    expect(svc.outbox().pending).toBe(0);
    const types = [...received.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((c) => (c.payload as any).type);
    expect(types).toEqual(['config_changed', 'ticket_issued', 'called']);
    const seqs = [...received.values()].map((c) => c.seq).sort((a, b) => a - b);
    expect(seqs).toEqual([1, 2, 3]);
    expect((received.values().next().value!.payload as any).hallCode).toBe('GD-SZ-001');
    await svc.close();

    // Restart: acknowledged changes are not resent; new ones continue the seq.
    const before = received.size;
    svc = await startHallService({ port: 0, dataDir: dir, log: () => {}, centralPush: hook });
    expect(svc.outbox()).toMatchObject({ pending: 0, ackSeq: 3 });
    await post(`${svc.url}/api/queue/counters/1/finish`);
    const until2 = Date.now() + 5000;
    while (svc.outbox().pending > 0 && Date.now() < until2)
      await new Promise((r) => setTimeout(r, 50));
    expect(received.size).toBe(before + 1);
    expect(Math.max(...[...received.values()].map((c) => c.seq))).toBe(4);
  });
  it('clears the day at the configured time (clock-driven), keeps the day in history, survives a restart', async () => {
    let now = hallWall(2026, 10, 26, 16, 0);
    const opts = {
      port: 0,
      dataDir: dir,
      log: () => {},
      now: () => now,
      initialConfig: {
        categories: [{ id: 'A', name: '业扩' }],
        counters: [{ no: 1, name: '1号', categories: ['A'] }],
        dailyClearTime: '17:00',
      },
    };
    svc = await startHallService(opts);
    await post(`${svc.url}/api/queue/tickets`, { categoryId: 'A' });
    await post(`${svc.url}/api/queue/tickets`, { categoryId: 'A' });
    await post(`${svc.url}/api/queue/counters/1/call-next`);
    now = hallWall(2026, 10, 26, 17, 5);
    const after = await post(`${svc.url}/api/queue/tickets`, { categoryId: 'A' });
    expect(after.json.receipt.ticketNo).toBe('A001');
    const stats = (await (
      await fetch(`${svc.url}/api/queue/stats`, { headers: manager() })
    ).json()) as any;
    expect(stats.history).toHaveLength(1);
    expect(stats.history[0]).toMatchObject({ day: '2026-11-26', total: { tickets: 2 } });
    expect(stats.today.total.tickets).toBe(1);
    await svc.close();
    // Next morning, after a night with the PC off: numbering starts again.
    now = hallWall(2026, 10, 27, 8, 0);
    svc = await startHallService(opts);
    expect(svc.getState().order).toEqual([]);
    // The ticket issued after the clear time counts for its own day (merged, not a new entry).
    expect(svc.getState().history).toHaveLength(1);
    expect(svc.getState().history[0]).toMatchObject({ day: '2026-11-26', total: { tickets: 3 } });
    const morning = await post(`${svc.url}/api/queue/tickets`, { categoryId: 'A' });
    expect(morning.json.receipt.ticketNo).toBe('A001');
  });
  it('a screen connecting in the middle of a burst still converges (snapshot never ahead of ids)', async () => {
    svc = await startHallService({ port: 0, dataDir: dir, log: () => {} });
    const base = svc.url;
    const burst = Array.from({ length: 40 }, (_, i) =>
      post(`${base}/api/queue/tickets`, { categoryId: 'ABCD'[i % 4] }),
    );
    const late = await Promise.all([SseClient.open(base), SseClient.open(base)]);
    await Promise.all(burst);
    await post(`${base}/api/queue/counters/1/call-next`);
    for (const c of late) {
      await c.waitFor(() => c.seq === svc!.seq());
      expect(c.state?.order).toHaveLength(40);
      expect(new Set(c.state?.order).size).toBe(40);
      expect(c.state).toEqual(JSON.parse(JSON.stringify(publicState(svc.getState()))));
      c.close();
    }
  });
});
