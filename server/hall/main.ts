// `npm run hall`: the hall queue service on its own (PORT, default 8700; data in
// HALLDESK_HALL_DATA or .data/hall; the central uplink when HALLDESK_CENTRAL_URL, _DEVICE_ID and
// _TOKEN are set). Serves dist/renderer so screens open http://<host>:8700/#/display.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HALL_DEFAULT_PORT } from '../../shared/queue';
import { httpCentralPush } from './central';
import { startHallService } from './service';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = process.env;
const centralUrl = env.HALLDESK_CENTRAL_URL;
const deviceId = env.HALLDESK_CENTRAL_DEVICE_ID;
const token = env.HALLDESK_CENTRAL_TOKEN;

const service = await startHallService({
  port: Number(env.PORT ?? HALL_DEFAULT_PORT),
  host: env.HOST ?? '0.0.0.0',
  dataDir: path.resolve(env.HALLDESK_HALL_DATA ?? path.join(root, '.data', 'hall')),
  staticDir: env.HALLDESK_HALL_STATIC ?? path.join(root, 'dist', 'renderer'),
  ...(env.HALLDESK_HALL_SNAPSHOT_EVERY
    ? { snapshotEvery: Number(env.HALLDESK_HALL_SNAPSHOT_EVERY) }
    : {}),
  ...(env.HALLDESK_HALL_CODE ? { hallCode: env.HALLDESK_HALL_CODE } : {}),
  ...(centralUrl && deviceId && token
    ? {
        centralPush: httpCentralPush({ baseUrl: centralUrl, deviceId, token }),
        keyRegisterPull: { baseUrl: centralUrl, token },
        staffPull: { baseUrl: centralUrl, token },
      }
    : {}),
});
console.log(
  `营业厅排队服务已启动 / hall queue service on port ${service.port} (恢复 ${service.startupMs.toFixed(0)} ms)`,
);
console.log(
  `  叫号屏 display: /#/display   取号机 kiosk: /#/kiosk   管理 manager: /#/queue/manager`,
);
console.log(
  `  管理密钥 manager secret: ${service.managerSecretFile}${service.managerSecretCreated ? ` (new: ${service.managerSecret})` : ''}`,
);
console.log(
  '  管理地址 manager URL: /#/queue/manager?key=<manager secret>  (then Devices → pair counters)',
);
if (!centralUrl) console.log('  未配置中心端，排队事件暂存本地 / no central uplink configured');

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await service.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
