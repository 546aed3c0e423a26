// Entry of the hall-queue child process (an Electron utility process forked by main on the
// hall's host machine; a plain Node child in tests): runs startHallService and reports to its
// parent; the parent's supervisor restarts this process if it dies.
import { startHallService } from '../server/hall/service';

interface HallHostConfig {
  port: number;
  host: string;
  dataDir: string;
  staticDir: string;
}

type ParentPort = {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
};

/** Electron utility processes talk over process.parentPort, Node children over process.send. */
function parentLink(): { send(m: unknown): void; onMessage(l: (m: unknown) => void): void } {
  const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      send: (m) => port.postMessage(m),
      onMessage: (l) => port.on('message', (e) => l(e.data)),
    };
  }
  return {
    send: (m) => process.send?.(m),
    onMessage: (l) => process.on('message', l),
  };
}

async function main(): Promise<void> {
  const link = parentLink();
  const config = JSON.parse(process.env.HALLDESK_HALL_CONFIG ?? '{}') as HallHostConfig;
  const service = await startHallService(config);
  link.onMessage((m) => {
    if ((m as { type?: string } | null)?.type === 'stop') {
      void service.close().finally(() => process.exit(0));
    }
  });
  link.send({ type: 'ready', port: service.port });
}

main().catch((error: unknown) => {
  console.error('hall service failed to start:', error);
  process.exit(1);
});
