// Server-sent events of the hall service: every screen, kiosk and desk gets the public state
// once and then each committed queue event; a ring of recent frames lets a reconnecting client
// resume with only what it missed. Bounded per hall and per address.
import type http from 'node:http';
import { PRIVATE_EVENTS, publicEvent, publicState, type QueueEvent } from '../../shared/queue';
import { HttpError, clientKey } from './httpUtil';
import type { HallStore } from './store';

const RING_FRAMES = 5000;
const HEARTBEAT_MS = 15_000;
/** SSE connections from one address (a PC may show display + kiosk + desk + rating pad...). */
const SSE_PER_ADDRESS = 40;

export function createSseHub(opts: {
  maxClients: number;
  clock: () => number;
  /** Set once the store is open (the hub must exist first: the store broadcasts through it). */
  store: () => HallStore;
}) {
  const clients = new Set<http.ServerResponse>();
  const byAddress = new Map<string, number>();
  let ring: Array<{ seq: number; frame: string }> = [];
  // Frames of every queue event with seq > ringFrom are in `ring` (null: none sent yet, so only
  // a client that is up to date can resume).
  let ringFrom: number | null = null;

  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  function broadcast(seq: number, event: QueueEvent): void {
    ringFrom ??= seq - 1;
    // Appointment bookings stay here (their codes are check-in secrets); the ticket a check-in
    // issues is an ordinary public event.
    if (PRIVATE_EVENTS.has(event.type)) return;
    const frame = `id: ${seq}\nevent: queue\ndata: ${JSON.stringify({ seq, event: publicEvent(event) })}\n\n`;
    ring.push({ seq, frame });
    if (ring.length > RING_FRAMES) {
      const drop = ring.length - RING_FRAMES;
      ringFrom = ring[drop - 1]?.seq ?? ringFrom;
      ring = ring.slice(drop);
    }
    for (const res of clients) res.write(frame);
  }

  async function open(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    if (clients.size >= opts.maxClients) {
      throw new HttpError(503, 'E_TOO_MANY_CLIENTS', '连接的屏幕过多，请稍后重试');
    }
    // One device on the LAN must not take every slot from the hall's screens.
    const addr = clientKey(req);
    const fromAddr = byAddress.get(addr) ?? 0;
    if (fromAddr >= SSE_PER_ADDRESS) {
      throw new HttpError(503, 'E_TOO_MANY_CLIENTS', '本机打开的排队页面过多，请关闭多余页面');
    }
    const store = opts.store();
    // The snapshot below is the committed state; wait for this turn's decisions to be durable
    // so the first frame is not older than events the client will never be sent.
    await store.whenDurable();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write('retry: 2000\n\n');
    const seq = store.journal.seq;
    const header = req.headers['last-event-id'];
    const raw = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId');
    const last = raw !== null && raw !== undefined && raw !== '' ? Number(raw) : NaN;
    const from = ringFrom ?? seq;
    if (Number.isInteger(last) && last >= from && last <= seq) {
      // Resume: only what the client missed.
      for (const f of ring) if (f.seq > last) res.write(f.frame);
    } else {
      const snap = { seq, serverTime: opts.clock(), state: publicState(store.state) };
      res.write(`id: ${seq}\nevent: snapshot\ndata: ${JSON.stringify(snap)}\n\n`);
    }
    clients.add(res);
    byAddress.set(addr, fromAddr + 1);
    req.on('close', () => {
      clients.delete(res);
      const n = (byAddress.get(addr) ?? 1) - 1;
      if (n <= 0) byAddress.delete(addr);
      else byAddress.set(addr, n);
    });
  }

  return {
    broadcast,
    open,
    get size() {
      return clients.size;
    },
    close(): void {
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
