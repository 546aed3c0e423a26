// Child-process entry for the crash tests: the central endpoint on PGlite in CENTRAL_DATA_DIR,
// listening on CENTRAL_PORT (0 = any), printing {"port":N} once it accepts connections.
import { buildCentralServer } from '../../server/central/app';

const server = await buildCentralServer({
  dataDir: process.env.CENTRAL_DATA_DIR ?? '.data/central-test',
  ...(process.env.CENTRAL_ADMIN_TOKEN ? { adminToken: process.env.CENTRAL_ADMIN_TOKEN } : {}),
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
