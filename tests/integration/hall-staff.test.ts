// Issue 13 §2 on the hall service over real HTTP: a paired counter device acts only for the
// person signed in at its counter (refused E_STAFF_REQUIRED / E_STAFF_ROLE, nothing journaled);
// calls, recalls, transfers, no-shows and finishes carry that staff number in the journal (and
// after a restart); a rating belongs to the clerk who served; per-clerk figures come back from
// /api/queue/staff-figures with the manager key's 未记录 work apart.
/* eslint-disable @typescript-eslint/no-explicit-any -- the test inspects loosely typed JSON answers */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueEvent } from '../../shared/queue';
import { startHallService, type HallService } from '../../server/hall/service';
import { hallRoster } from '../support/hallRoster';

let dir: string;
let svc: HallService | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-staff-'));
});
afterEach(async () => {
  await svc?.close();
  svc = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<HallService> {
  svc = await startHallService({
    port: 0,
    dataDir: dir,
    log: () => {},
    managerSecret: 'hm_test_manager_secret_0123456789',
    staff: hallRoster([
      ['C001', '张三', ['clerk']],
      ['C002', '李四', ['clerk']],
      ['C009', '钱九', ['clerk']],
      ['B001', '后台王五', ['back_office']],
      ['M001', '赵主管', ['hall_manager']],
    ]),
    initialConfig: {
      hallName: '工号测试营业厅',
      categories: [
        { id: 'A', name: '业扩报装' },
        { id: 'B', name: '变更用电' },
      ],
      counters: [
        { no: 1, name: '1号窗口', categories: ['A', 'B'] },
        { no: 2, name: '2号窗口', categories: ['A', 'B'] },
      ],
    },
  });
  return svc;
}

async function call(method: string, p: string, token: string | null, body?: unknown) {
  const res = await fetch(`${svc!.url}${p}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as any };
}

async function pair(counterNo: number): Promise<string> {
  const code = await call('POST', '/api/queue/pairing-codes', svc!.managerSecret, {
    name: `${counterNo}号窗口受理台`,
    counterNo,
  });
  return (await call('POST', '/api/queue/pair', null, { code: code.json.code })).json.token;
}

const issue = (categoryId = 'A') => call('POST', '/api/queue/tickets', null, { categoryId });

/** Every event in the journal files, as written to disk. */
function journalEvents(): QueueEvent[] {
  const out: QueueEvent[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.startsWith('journal-'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      const entry = JSON.parse(line.slice(line.indexOf(' ') + 1));
      const ev = entry.ev ?? entry.event;
      if (ev) out.push(ev as QueueEvent);
    }
  }
  return out;
}

describe('hall service: staff at the counter', () => {
  it('once staff sign in, refuses a counter action with nobody signed in or without the clerk role; nothing is written', async () => {
    await start();
    const token = await pair(1);
    const token2 = await pair(2);
    await issue();
    // A hall whose service knows its people (its roster, staffRoster.ts) never lets a counter
    // act for nobody, even before anyone has signed in anywhere...
    const early = await call('POST', '/api/queue/counters/1/call-next', token, {});
    expect(early.status).toBe(403);
    expect(early.json.error.code).toBe('E_STAFF_REQUIRED');
    // ...nor once its desks sign people in.
    await call('POST', '/api/queue/counters/2/sign-in', token2, {
      staffNo: 'C009',
      name: '钱九',
      roles: ['clerk'],
    });
    await issue();
    const before = svc!.seq();
    const refused = await call('POST', '/api/queue/counters/1/call-next', token, {});
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('E_STAFF_REQUIRED');
    expect(refused.json.error.message).toMatch(/未登录工号/);
    const wrongRole = await call('POST', '/api/queue/counters/1/sign-in', token, {
      staffNo: 'B001',
      name: '后台王五',
      roles: ['back_office'],
    });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.json.error.code).toBe('E_STAFF_ROLE');
    expect(wrongRole.json.error.message).toMatch(/没有叫号的角色.*受理员/);
    const bad = await call('POST', '/api/queue/counters/1/sign-in', token, { staffNo: '' });
    expect(bad.status).toBe(400);
    expect(svc!.seq()).toBe(before);
    expect(svc!.getState().counters['1']!.staffNo ?? null).toBeNull();
    // Still refused after the failed sign-ins.
    expect((await call('POST', '/api/queue/counters/1/call-next', token, {})).status).toBe(403);
  });

  it('stamps the signed-in staff number on calls, recalls, transfers, no-shows, finishes and ratings', async () => {
    await start();
    const token = await pair(1);
    const token2 = await pair(2);
    for (let i = 0; i < 4; i++) await issue();
    const signIn = await call('POST', '/api/queue/counters/1/sign-in', token, {
      staffNo: 'C001',
      name: '张三',
      roles: ['clerk'],
    });
    expect(signIn.status).toBe(200);
    expect(signIn.json.events[0]).toMatchObject({ type: 'counter_signed_in', staffNo: 'C001' });
    await call('POST', '/api/queue/counters/2/sign-in', token2, {
      staffNo: 'M001',
      name: '赵主管',
      roles: ['hall_manager'],
    });
    const c1 = await call('POST', '/api/queue/counters/1/call-next', token, {});
    expect(c1.json.events).toEqual([expect.objectContaining({ type: 'called', staffNo: 'C001' })]);
    await call('POST', '/api/queue/counters/1/recall', token, {});
    await call('POST', '/api/queue/counters/1/transfer', token, { toCategoryId: 'B' });
    await call('POST', '/api/queue/counters/1/call-next', token, {});
    await call('POST', '/api/queue/counters/1/no-show', token, {});
    await call('POST', '/api/queue/counters/1/call-next', token, {}); // A002
    const fin = await call('POST', '/api/queue/counters/1/finish', token, {});
    expect(fin.json.events[0]).toMatchObject({ type: 'finished', staffNo: 'C001' });
    // Shift change at counter 1: the rating still belongs to the clerk who served.
    await call('POST', '/api/queue/counters/1/sign-in', token, {
      staffNo: 'C002',
      name: '李四',
      roles: ['clerk'],
    });
    const rated = await call('POST', '/api/queue/ratings', token, {
      counterNo: 1,
      level: 1,
      reason: '等待太久',
    });
    expect(rated.status).toBe(200);
    expect(rated.json.events[0]).toMatchObject({ type: 'rated', staffNo: 'C001' });

    const events = journalEvents();
    const acts = events.filter((e) =>
      ['called', 'recalled', 'transferred', 'no_show', 'finished', 'rated'].includes(e.type),
    );
    expect(new Set(acts.map((e) => e.type))).toEqual(
      new Set(['called', 'recalled', 'transferred', 'no_show', 'finished', 'rated']),
    );
    for (const e of acts) expect((e as { staffNo?: string }).staffNo).toBe('C001');

    // The manager's key at an empty counter (bootstrap): allowed, recorded as nobody (未记录).
    await call('POST', '/api/queue/counters/2/sign-out', token2, {});
    await call('POST', '/api/queue/counters/2/call-next', svc!.managerSecret, {});
    const unrecorded = journalEvents()
      .filter((e) => e.type === 'called')
      .at(-1)!;
    expect(unrecorded).not.toHaveProperty('staffNo');

    const figures = await call('GET', '/api/queue/staff-figures', token, undefined);
    expect(figures.status).toBe(200);
    const c001 = figures.json.clerks.find((f: any) => f.staffNo === 'C001');
    expect(c001).toMatchObject({
      called: 2,
      served: 1,
      noShows: 1,
      rated: 1,
      badRatings: 1,
      badReasons: { 等待太久: 1 },
      counters: [1],
    });
    expect(figures.json.clerks.at(-1)).toMatchObject({ staffNo: null, called: 1 });

    // After a restart (journal replay) the counter's person and the tickets' clerks are kept.
    await svc!.close();
    svc = null;
    await start();
    expect(svc!.getState().counters['1']).toMatchObject({ staffNo: 'C002', staffName: '李四' });
    expect(svc!.getState().tickets['A002']).toMatchObject({ servedBy: 'C001', rating: 1 });
  });

  it('reads old events without a staff number (未记录)', () => {
    const old = QueueEvent.parse({ type: 'called', at: 1, counterNo: 1, ticketNo: 'A001' });
    expect(old).not.toHaveProperty('staffNo');
  });
});
