// kill -9 in the middle of a busy day: the hall service runs as a child process (npx tsx
// server/hall/main.ts), is SIGKILLed while requests are in flight (and a torn line is left at the
// journal's end), restarts on the same data folder, and still has every acknowledged ticket and
// counter action; numbering continues without duplicates.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueState } from '../../shared/queue';
import { readManagerSecret } from '../../server/hall/auth';

const root = path.resolve(import.meta.dirname, '..', '..');
let dir = '';
let child: ChildProcess | null = null;

function killGroup(c: ChildProcess | null): void {
  // The child is `npx`, which runs tsx, which runs node: kill the whole group we started.
  if (c?.pid) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

afterEach(() => {
  killGroup(child);
  child = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function startChild(dataDir: string): Promise<{ c: ChildProcess; base: string }> {
  const c = spawn('npx', ['tsx', 'server/hall/main.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      HALLDESK_HALL_DATA: dataDir,
      HALLDESK_HALL_STATIC: path.join(dataDir, 'no-static'),
      HALLDESK_HALL_SNAPSHOT_EVERY: '40',
    },
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /on port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    c.stdout?.on('data', onData);
    c.stderr?.on('data', onData);
    c.on('exit', (code) => reject(new Error(`service exited ${code}: ${out}`)));
  });
  return { c, base: `http://127.0.0.1:${port}` };
}

/** As the hall manager: the secret the service generated (0600) in its data folder. */
async function post(url: string, body: unknown = {}) {
  const secret = readManagerSecret(dir);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret ? { authorization: `Bearer ${secret}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('hall service crash safety', () => {
  it('loses no acknowledged ticket or action after kill -9 mid-day', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-crash-'));
    const first = await startChild(dir);
    child = first.c;
    const base = first.base;

    const acked = new Map<string, string>(); // ticketNo -> categoryId
    const calledAcked = new Map<string, number>(); // ticketNo -> counter
    let stop = false;
    const cats = ['A', 'B', 'C', 'D'];
    const issuers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const cat = cats[(w + i) % cats.length]!;
        try {
          const r = await post(`${base}/api/queue/tickets`, { categoryId: cat });
          if (r.status === 201) {
            const receipt = r.json.receipt as { ticketNo: string; categoryId: string };
            acked.set(receipt.ticketNo, receipt.categoryId);
          }
        } catch {
          return; // the service died under us: this request was never acknowledged
        }
      }
    });
    const counters = [1, 2, 3].map(async (no) => {
      while (!stop) {
        try {
          const r = await post(`${base}/api/queue/counters/${no}/call-next`);
          if (r.status === 200 && typeof r.json.current === 'string') {
            calledAcked.set(r.json.current, no);
          }
          await new Promise((res) => setTimeout(res, 5));
        } catch {
          return;
        }
      }
    });

    while (acked.size < 150) await new Promise((r) => setTimeout(r, 10));
    killGroup(child); // SIGKILL with requests in flight
    stop = true;
    await Promise.all([...issuers, ...counters]);
    child = null;

    // Leave a torn line at the end of the journal, as a power cut during a write would.
    const segment = fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('journal-'))
      .sort()
      .pop()!;
    fs.appendFileSync(path.join(dir, segment), '0badc0de {"k":"e","ev":{"type":"ticket_iss');
    expect(fs.existsSync(path.join(dir, 'snapshot.json'))).toBe(true); // compaction happened

    const second = await startChild(dir);
    child = second.c;
    const state = (
      (await (await fetch(`${second.base}/api/queue/state`)).json()) as {
        state: QueueState;
      }
    ).state;

    for (const [no, cat] of acked) {
      expect(state.tickets[no], `ticket ${no}`).toBeDefined();
      expect(state.tickets[no]?.categoryId).toBe(cat);
    }
    for (const [no, counter] of calledAcked) {
      const t = state.tickets[no];
      expect(t?.firstCalledAt, `call of ${no}`).not.toBeNull();
      // Called there (maybe finished since by that counter's next call).
      expect(t?.counterNo).toBe(counter);
    }
    // Numbering continues after the highest number ever written: no duplicates.
    const nextA = await post(`${second.base}/api/queue/tickets`, { categoryId: 'A' });
    const highestA = Math.max(
      ...Object.keys(state.tickets)
        .filter((n) => n.startsWith('A'))
        .map((n) => Number(n.slice(1))),
    );
    expect((nextA.json.receipt as { ticketNo: string }).ticketNo).toBe(
      `A${String(highestA + 1).padStart(3, '0')}`,
    );
    killGroup(child);
    child = null;
  });
});
