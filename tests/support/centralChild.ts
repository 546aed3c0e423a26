// Child-process entry for the crash tests and the bench: the central endpoint on PGlite in
// CENTRAL_DATA_DIR (or PostgreSQL at CENTRAL_DATABASE_URL),
// listening on CENTRAL_PORT (0 = any), printing {"port":N} once it accepts connections.
import { buildCentralServer } from '../../server/central/app';

const server = await buildCentralServer({
  ...(process.env.CENTRAL_DATABASE_URL
    ? { databaseUrl: process.env.CENTRAL_DATABASE_URL }
    : { dataDir: process.env.CENTRAL_DATA_DIR ?? '.data/central-test' }),
  ...(process.env.CENTRAL_MAX_CONNECTIONS
    ? { maxConnections: Number(process.env.CENTRAL_MAX_CONNECTIONS) }
    : {}),
  ...(process.env.CENTRAL_ADMIN_TOKEN ? { adminToken: process.env.CENTRAL_ADMIN_TOKEN } : {}),
  ...(process.env.CENTRAL_RENDERER_DIR ? { rendererDir: process.env.CENTRAL_RENDERER_DIR } : {}),
  logger: false,
});
const address = await server.app.listen({
  port: Number(process.env.CENTRAL_PORT ?? 0),
  host: '127.0.0.1',
});
process.stdout.write(`${JSON.stringify({ port: Number(new URL(address).port) })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
