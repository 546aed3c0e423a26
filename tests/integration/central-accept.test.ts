// More accepts per event-loop turn (server/central/acceptHandles.ts, issue 16): libuv accepts
// one connection per listening handle per loop iteration, so connections that arrive while the
// loop is busy are taken one per iteration afterwards. With copies of the listening handle, the
// first iteration after a stall takes several; every connection is served by the one HTTP
// server; closing the copies and the server frees the port.
import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { addAcceptHandles } from '../../server/central/acceptHandles';

/** Connections the server accepts in the first loop iteration after a 300 ms stall. */
async function acceptedInFirstTurn(copies: number): Promise<{ first: number; served: number }> {
  let accepted = 0;
  const server = http.createServer((_req, res) => res.end('ok'));
  server.on('connection', () => accepted++);
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 512 }, r));
  const extra = await addAcceptHandles(server, copies, 512);
  const port = (server.address() as net.AddressInfo).port;
  try {
    // 20 connections in flight, then the loop is held while the kernel completes them all.
    const answers = Array.from(
      { length: 20 },
      () =>
        new Promise<string>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
              let body = '';
              res.on('data', (c: Buffer) => (body += c.toString()));
              res.on('end', () => resolve(body));
            })
            .on('error', reject);
        }),
    );
    // The connects are issued (next tick); the kernel completes every handshake while the loop
    // is held, then counts how many the next poll phase accepts.
    const first = await new Promise<number>((resolve) => {
      setImmediate(() => {
        const end = Date.now() + 300;
        while (Date.now() < end) {
          // the kernel queues the handshakes meanwhile
        }
        accepted = 0;
        // The next poll phase accepts; setImmediate runs right after it.
        setImmediate(() => resolve(accepted));
      });
    });
    const bodies = await Promise.all(answers);
    return { first, served: bodies.filter((b) => b === 'ok').length };
  } finally {
    for (const s of extra) s.close();
    await new Promise((r) => server.close(r));
  }
}

describe('accept handles', () => {
  it('one handle accepts one connection per loop turn; eight accept up to eight; all are served', async () => {
    const one = await acceptedInFirstTurn(0);
    expect(one.served).toBe(20);
    expect(one.first).toBe(1);
    const eight = await acceptedInFirstTurn(7);
    expect(eight.served).toBe(20);
    expect(eight.first).toBeGreaterThanOrEqual(4);
  });

  it('closing the copies and the server frees the port', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, r));
    const port = (server.address() as net.AddressInfo).port;
    const extra = await addAcceptHandles(server, 3, 511);
    expect(extra).toHaveLength(3);
    for (const s of extra) s.close();
    await new Promise((r) => server.close(r));
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
