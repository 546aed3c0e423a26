// More connections accepted per turn of the event loop. libuv (1.45+, so Node 20) accepts ONE
// connection per listening handle per loop iteration. When hundreds of desks connect at once
// and each iteration also serves requests (tens of ms), the kernel has completed their
// handshakes but the connections wait in the accept queue, one iteration each: seconds of
// "slow /health" with an idle handler, an event loop that never stalls long, and no kernel
// counter to show it (bench:fleet, issue 16). Several handles on the same listening socket give
// as many accepts per iteration. Node 20 has no SO_REUSEPORT, so the copies are duplicates of
// the socket's descriptor: the raw handle goes to a short-lived helper process and comes back
// N times (each passage over IPC is a new descriptor of the same socket). The helper never
// listens (a raw handle is not a server there), so it can take no connection.
import { spawn } from 'node:child_process';
import net from 'node:net';

/** The helper: sends the handle it gets back `n` times, then waits to be let go. */
const HELPER = `process.once('message', (m, h) => {
  for (let i = 0; i < Number(m.n); i++) process.send('copy', h);
  process.once('disconnect', () => process.exit(0));
});`;

/** How long to wait for the copies before going on with one handle. */
const TIMEOUT_MS = 10_000;

/**
 * Adds `copies` more handles accepting on `server`'s listening socket; their connections are
 * served by `server` itself. Returns them (close them before closing `server`).
 */
export async function addAcceptHandles(
  server: net.Server,
  copies: number,
  backlog: number,
): Promise<net.Server[]> {
  const handle = (server as unknown as { _handle?: unknown })._handle;
  if (copies <= 0 || !handle) return [];
  const child = spawn(process.execPath, ['-e', HELPER], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const got: unknown[] = [];
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no copies in time')), TIMEOUT_MS);
      child.on('message', (_m, h) => {
        got.push(h);
        if (got.length === copies) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`helper exited (${code})`));
      });
      child.send({ n: copies }, handle as net.Server);
    });
  } finally {
    // The helper holds its own descriptor of the socket until it exits: wait for that, so that
    // closing every handle here really stops listening.
    if (child.connected) child.disconnect();
    const t = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    await exited;
    clearTimeout(t);
  }
  return got.map((h) => {
    const s = net.createServer();
    // Listening again on the same socket keeps its backlog only if it is given again.
    s.listen(h as net.Server, backlog);
    s.on('connection', (socket) => server.emit('connection', socket));
    // A copy that fails leaves the others (and the original) accepting: said, not thrown.
    s.on('error', (err: NodeJS.ErrnoException) => {
      console.error('[central] accept handle:', err.code ?? err.name);
      s.close();
    });
    return s;
  });
}
