// Entry of the hall-queue utility process (forked by main on the hall's host machine): runs
// startHallService and reports to main; main's supervisor restarts this process if it dies.
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

async function main(): Promise<void> {
  const parent = (process as unknown as { parentPort?: ParentPort }).parentPort;
  const config = JSON.parse(process.env.HALLDESK_HALL_CONFIG ?? '{}') as HallHostConfig;
  const service = await startHallService(config);
  parent?.postMessage({ type: 'ready', port: service.port });
  parent?.on('message', (e) => {
    if ((e.data as { type?: string } | null)?.type === 'stop') {
      void service.close().finally(() => process.exit(0));
    }
  });
}

main().catch((error: unknown) => {
  console.error('hall service failed to start:', error);
  process.exit(1);
});
