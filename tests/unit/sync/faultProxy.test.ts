// The fault proxy itself: it must really shape, delay, reset and drop, or the sync tests prove nothing.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../../support/faultProxy';

let server: http.Server;
let port = 0;
let hits = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits += 1;
      const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size') ?? '2');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(size));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  if (a && typeof a === 'object') port = a.port;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

async function post(url: string, body: Uint8Array<ArrayBuffer>): Promise<string> {
  const res = await fetch(url, { method: 'POST', body });
  return res.text();
}

describe('fault proxy', () => {
  it('passes traffic and counts requests and bytes both ways', async () => {
    const proxy = await startFaultProxy({ target: { port } });
    try {
      expect(await post(`${proxy.url}/?size=1000`, new Uint8Array(5000))).toHaveLength(1000);
      expect(await post(`${proxy.url}/?size=10`, new Uint8Array(10))).toHaveLength(10);
      expect(proxy.stats.requests).toBe(2);
      expect(proxy.stats.bytesUp).toBeGreaterThan(5010);
      expect(proxy.stats.bytesDown).toBeGreaterThan(1010);
    } finally {
      await proxy.close();
    }
  });

  it('caps the bandwidth and adds the round trip', async () => {
    // 80 kbit/s = 10 KB/s: a 30 KB upload takes ~2.6 s after the 4 KB burst, plus 200 ms RTT.
    const proxy = await startFaultProxy({ target: { port }, kbps: 80, rttMs: 200 });
    try {
      const t0 = performance.now();
      await post(`${proxy.url}/?size=10`, new Uint8Array(30_000));
      const ms = performance.now() - t0;
      expect(ms).toBeGreaterThan(2_300);
      expect(ms).toBeLessThan(4_500);
    } finally {
      await proxy.close();
    }
  });

  it('drops the response after the server handled the request', async () => {
    const proxy = await startFaultProxy({ target: { port }, dropResponseProbability: 1 });
    try {
      const before = hits;
      await expect(post(`${proxy.url}/`, new Uint8Array(100))).rejects.toThrow();
      expect(hits).toBe(before + 1);
      expect(proxy.stats.droppedResponses).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('resets during the upload before the server sees a whole request', async () => {
    const proxy = await startFaultProxy({ target: { port }, resetProbability: 1, seed: 7 });
    try {
      const before = hits;
      await expect(post(`${proxy.url}/`, new Uint8Array(200_000))).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 50));
      expect(hits).toBe(before);
      expect(proxy.stats.resets).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('refuses every connection while offline', async () => {
    const proxy = await startFaultProxy({ target: { port }, offline: true });
    try {
      await expect(post(`${proxy.url}/`, new Uint8Array(1))).rejects.toThrow();
      proxy.setFaults({ offline: false });
      expect(await post(`${proxy.url}/`, new Uint8Array(1))).toBe('xx');
    } finally {
      await proxy.close();
    }
  });
});
