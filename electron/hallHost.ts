// Entry of the hall-queue child process (an Electron utility process forked by main on the
// hall's host machine; a plain Node child in tests): runs startHallService and reports to its
// parent; the parent's supervisor restarts this process if it dies. With a central uplink in
// its config (or HALLDESK_CENTRAL_URL/_DEVICE_ID/_TOKEN in its environment) queue events are
// pushed to the centre.
import { httpCentralPush } from '../server/hall/central';
import { startHallService } from '../server/hall/service';
import type { HallCentralUplink } from './hallProcess';

interface HallHostConfig {
  port: number;
  host: string;
  dataDir: string;
  staticDir: string;
  central?: HallCentralUplink;
  /** How often the outbox is reported to the parent while it changes (ms). */
  reportMs?: number;
}

function uplinkOf(config: HallHostConfig): HallCentralUplink | null {
  if (config.central) return config.central;
  const env = process.env;
  if (env.HALLDESK_CENTRAL_URL && env.HALLDESK_CENTRAL_DEVICE_ID && env.HALLDESK_CENTRAL_TOKEN) {
    return {
      baseUrl: env.HALLDESK_CENTRAL_URL,
      deviceId: env.HALLDESK_CENTRAL_DEVICE_ID,
      token: env.HALLDESK_CENTRAL_TOKEN,
      ...(env.HALLDESK_HALL_CODE ? { hallCode: env.HALLDESK_HALL_CODE } : {}),
    };
  }
  return null;
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
  const uplink = uplinkOf(config);
  const { central: _central, ...serviceConfig } = config;
  const service = await startHallService({
    ...serviceConfig,
    ...(uplink
      ? {
          centralPush: httpCentralPush({
            baseUrl: uplink.baseUrl,
            deviceId: uplink.deviceId,
            token: uplink.token,
          }),
          keyRegisterPull: { baseUrl: uplink.baseUrl, token: uplink.token },
          ...(uplink.hallCode ? { hallCode: uplink.hallCode } : {}),
        }
      : {}),
  });
  let reporter: ReturnType<typeof setInterval> | null = null;
  link.onMessage((m) => {
    if ((m as { type?: string } | null)?.type === 'stop') {
      if (reporter) clearInterval(reporter);
      void service.close().finally(() => process.exit(0));
    }
  });
  // Where the manager secret is (mode 0600): the shell can show it to the hall manager, who
  // pairs counter devices with it. The secret itself never goes through messages or logs.
  link.send({
    type: 'ready',
    port: service.port,
    centralUplink: uplink !== null,
    managerSecretFile: service.managerSecretFile,
  });
  // The shell shows the hall manager whether queue events reach the centre: report the outbox
  // when it changes (and at least every minute, so a stale report is recognisable).
  if (uplink) {
    let last = '';
    let lastAt = 0;
    const report = () => {
      const outbox = service.outbox();
      const text = JSON.stringify(outbox);
      if (text === last && Date.now() - lastAt < 60_000) return;
      last = text;
      lastAt = Date.now();
      link.send({ type: 'outbox', ...outbox, reportedAt: lastAt });
    };
    report();
    reporter = setInterval(report, config.reportMs ?? 5_000);
  }
}

main().catch((error: unknown) => {
  console.error('hall service failed to start:', error);
  process.exit(1);
});
