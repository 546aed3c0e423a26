// A LAN device that opens a connection to the hall service and never finishes its request head
// (slowloris) is dropped within the configured headers timeout, not left open for the server's
// whole connection-check interval (one stayed past 20 s before).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHallService, type HallService } from '../../server/hall/service';

let dir = '';
let svc: HallService | null = null;
afterEach(async () => {
  await svc?.close();
  svc = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens a raw socket, sends part of a request head, resolves with ms until the server closes. */
function trickle(port: number, giveUpMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write('GET /api/queue/state HTTP/1.1\r\nHost: hall\r\n');
      // One more header byte now and then, as a slowloris does, never the blank line.
      const drip = setInterval(() => socket.write('X'), 200);
      socket.once('close', () => clearInterval(drip));
    });
    socket.on('data', () => {});
    socket.on('error', () => {});
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${giveUpMs} ms`));
    }, giveUpMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
  });
}

describe('hall service slow clients', () => {
  it('closes a client that never finishes its headers within the configured timeout', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-slow-'));
    svc = await startHallService({
      port: 0,
      dataDir: dir,
      log: () => {},
      headersTimeoutMs: 1500,
      requestTimeoutMs: 3000,
    });
    const ms = await trickle(svc.port, 6000);
    expect(ms).toBeGreaterThanOrEqual(1400);
    // The timeout plus one connection check (a quarter of it, at most 1 s).
    expect(ms).toBeLessThan(1500 + 1000 + 500);
    // A prompt client on the same service is served as usual.
    const res = await fetch(`${svc.url}/api/queue/health`);
    expect(res.status).toBe(200);
  });
});
