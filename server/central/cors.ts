// CORS for the device API: desks run from other origins (the hall service's http://host:8700 in
// browser mode, app://halldesk in Electron). Devices authenticate with a bearer token, never a
// cookie, so any origin may call; the admin API and the console (cookie) stay same-origin only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../../shared/protocol';

const ALLOW_HEADERS = 'authorization, content-type, content-encoding, accept-encoding';
// Retry-After is not a CORS-safelisted response header: a desk in a browser would not see it.
const EXPOSE_HEADERS =
  'x-attachment-size, x-attachment-received, x-attachment-complete, retry-after';

function isDeviceApi(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  if (path === '/health') return true;
  return path.startsWith(`${API_PREFIX}/`) && !path.startsWith(`${API_PREFIX}/admin`);
}

function setHeaders(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-allow-methods', 'GET, HEAD, POST, PUT, OPTIONS');
  reply.header('access-control-allow-headers', ALLOW_HEADERS);
  reply.header('access-control-expose-headers', EXPOSE_HEADERS);
  reply.header('access-control-max-age', '600');
}

export function installCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (isDeviceApi(req.url)) setHeaders(reply);
  });
  // Preflight: answered before authentication (browsers send no Authorization on OPTIONS).
  app.options(`${API_PREFIX}/*`, async (req, reply) => {
    if (!isDeviceApi(req.url)) return reply.code(404).send();
    return reply.code(204).send();
  });
  app.options('/health', async (_req, reply) => reply.code(204).send());
}
