// `npm start`: runs the whole system on embedded defaults — the central endpoint (PGlite in a
// data folder), this hall's queue service, and the desk — in Electron where a runtime exists,
// otherwise serving the desk to a browser at a printed http://127.0.0.1 address. It prints where
// everything is: the centre's address, the enrollment code and where the desk takes it.
//   npm start -- --browser    serve the desk to a browser even where Electron could start
//   npm start -- --no-build   use dist/renderer as it is (no freshness check, no rebuild)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as admin from '../server/central/admin';
import { buildCentralServer } from '../server/central/app';
import { httpCentralPush } from '../server/hall/central';
import { startHallService } from '../server/hall/service';
import { buildFreshness } from './rendererBuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataRoot = process.env.HALLDESK_DATA_DIR ?? path.join(root, '.data');
const host = process.env.HOST ?? '127.0.0.1';
const centralPort = Number(process.env.CENTRAL_PORT ?? 8600);
const hallPort = Number(process.env.HALL_PORT ?? 8700);
/** This machine's own address for the services started here (0.0.0.0 is not one). */
const localHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
const args = new Set(process.argv.slice(2));

/** The Electron binary, if this machine has one (the npm package downloads it on first use). */
function electronBinary(): string | null {
  if (process.env.ELECTRON_PATH && fs.existsSync(process.env.ELECTRON_PATH)) {
    return process.env.ELECTRON_PATH;
  }
  const pathFile = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const bin = path.join(
    root,
    'node_modules',
    'electron',
    'dist',
    fs.readFileSync(pathFile, 'utf8'),
  );
  return fs.existsSync(bin) ? bin : null;
}

/** Builds the renderer only when dist/renderer is not a build of the sources as they are now. */
async function ensureRendererBuild(): Promise<void> {
  const f = buildFreshness(root, path.join(root, 'dist', 'renderer'));
  if (f.fresh) {
    console.log('受理台界面已是最新构建 / renderer build is up to date (reused)');
    return;
  }
  console.log(`构建受理台界面 / building the renderer: ${f.reason}`);
  const code = await new Promise<number | null>((resolve) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['run', 'build:renderer'], {
      cwd: root,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`renderer build failed (exit ${code})`);
}

async function main(): Promise<void> {
  if (!args.has('--no-build')) await ensureRendererBuild();
  fs.mkdirSync(dataRoot, { recursive: true });
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const central = await buildCentralServer({
    ...(databaseUrl ? { databaseUrl } : { dataDir: path.join(dataRoot, 'central') }),
    ...(process.env.HALLDESK_ADMIN_TOKEN ? { adminToken: process.env.HALLDESK_ADMIN_TOKEN } : {}),
    // The shell's update feed (electron-builder's release folder by default, when it exists).
    updatesDir: process.env.HALLDESK_UPDATES_DIR ?? path.join(root, 'release'),
    logger: false,
  });
  const centralAddress = await central.app.listen({ port: centralPort, host });
  console.log(`中心端 / central endpoint: ${centralAddress}  (console: ${centralAddress}/console)`);
  if (central.generatedAdminToken) {
    // Shown once: only its hash is stored. Set HALLDESK_ADMIN_TOKEN to choose your own.
    console.log(`  管理员令牌 / admin token (shown once): ${central.generatedAdminToken}`);
  }
  // A demo hall and a fresh one-time enrollment code, so the desk can be enrolled at once.
  const demoHall = process.env.HALLDESK_DEMO_HALL ?? 'H0101';
  const halls = await admin.listHalls(central.db);
  if (!halls.some((h) => h.code === demoHall)) {
    await admin.createHall(central.db, { code: demoHall, name: '示范营业厅 (demo hall)' });
  }
  const code = await admin.createEnrollmentCode(central.db, demoHall, { note: 'npm start' });
  console.log(
    `  营业厅 ${demoHall} 登记码 / enrollment code: ${code.code} (until ${code.expiresAt})`,
  );
  console.log(
    `  → 填到受理台「同步 → 登记本机」，中心地址 ${centralAddress} / enter it on the desk's 同步 (Sync) page with the centre address ${centralAddress}`,
  );

  // The hall's queue service is a device of the demo hall too: its queue events go to the centre
  // through the same idempotent push (credentials kept in the data folder, mode 0600).
  const uplink = await hallQueueDevice(central.db, demoHall);
  const pushPort = (central.app.server.address() as { port: number }).port;
  const hall = await startHallService({
    port: hallPort,
    host,
    dataDir: path.join(dataRoot, 'hall'),
    staticDir: path.join(root, 'dist', 'renderer'),
    hallCode: demoHall,
    centralPush: httpCentralPush({
      baseUrl: `http://${localHost}:${pushPort}`,
      deviceId: uplink.deviceId,
      token: uplink.token,
    }),
    keyRegisterPull: { baseUrl: `http://${localHost}:${pushPort}`, token: uplink.token },
  });
  const hallUrl = `http://${host}:${hall.port}`;
  console.log(`营业厅排队服务 / hall queue service: ${hallUrl}`);
  console.log(
    `  排队事件上传中心端 / queue events pushed to the centre as device ${uplink.deviceId}${uplink.enrolled ? ' (just enrolled)' : ''}`,
  );
  // What the hall manager needs: the manager view with its secret (pairs counter devices).
  console.log(`  排队管理 manager: ${hallUrl}/#/queue/manager?key=${hall.managerSecret}`);
  console.log(
    `  管理密钥 manager secret: ${hall.managerSecretFile}${hall.managerSecretCreated ? ' (new)' : ''} — 在「排队管理 → 设备」生成配对码，各窗口叫号面板输入配对码 / pair counters in Manager → Devices`,
  );

  // A first pairing code, so the desk's counter panel can be paired at once (10 minutes).
  try {
    const res = await fetch(`http://${localHost}:${hall.port}/api/queue/pairing-codes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${hall.managerSecret}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: '受理台 (npm start)' }),
    });
    const pairing = (await res.json()) as { code?: string; expiresAt?: string };
    if (pairing.code) {
      console.log(
        `  窗口配对码 counter pairing code: ${pairing.code} (until ${pairing.expiresAt}) — ${hallUrl}/#/queue/counter?pair=${pairing.code}`,
      );
    }
  } catch {
    /* the manager view can make one */
  }

  const electron = args.has('--browser') ? null : electronBinary();
  if (electron && fs.existsSync(path.join(root, 'dist-electron'))) {
    console.log('启动桌面程序 / starting the Electron shell');
    const child = spawn(electron, ['.'], { cwd: root, stdio: 'inherit' });
    child.on('exit', () => void shutdown());
  } else {
    console.log(
      `未找到 Electron 运行时，请在浏览器中打开受理台 / No Electron runtime here: open the desk at ${hallUrl}/#/desk/new`,
    );
    // First start: this address opens enrollment with the centre's address and hall filled in.
    console.log(
      `  首次使用先登记 / first start, enroll: ${hallUrl}/#/sync?${new URLSearchParams({ centre: centralAddress, hall: demoHall }).toString()}`,
    );
    console.log(`  叫号屏 display: ${hallUrl}/#/display   取号机 kiosk: ${hallUrl}/#/kiosk`);
  }

  let stopping = false;
  async function shutdown(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await hall.close();
    await central.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

/**
 * Credentials of the hall queue service as a device of `hallCode` at the embedded centre: reused
 * while the centre still knows the device, else enrolled afresh with a one-time code.
 */
async function hallQueueDevice(
  db: Parameters<typeof admin.listDevices>[0],
  hallCode: string,
): Promise<{ deviceId: string; token: string; enrolled: boolean }> {
  const file = path.join(dataRoot, 'hall-central-device.json');
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      deviceId?: string;
      token?: string;
    };
    if (saved.deviceId && saved.token) {
      const devices = await admin.listDevices(db, hallCode);
      if (devices.some((d) => d.id === saved.deviceId && !d.revokedAt)) {
        return { deviceId: saved.deviceId, token: saved.token, enrolled: false };
      }
    }
  } catch {
    /* first start, or unreadable: enroll */
  }
  const code = await admin.createEnrollmentCode(db, hallCode, {
    note: 'npm start: hall queue',
    kind: 'service',
  });
  const res = await admin.enroll(db, {
    code: code.code,
    deviceName: '排队叫号服务 (hall queue)',
    kind: 'service',
  });
  fs.writeFileSync(file, JSON.stringify({ deviceId: res.deviceId, token: res.token }), {
    mode: 0o600,
  });
  return { deviceId: res.deviceId, token: res.token, enrolled: true };
}

main().catch((error: unknown) => {
  console.error('启动失败 / failed to start:', error);
  process.exit(1);
});
