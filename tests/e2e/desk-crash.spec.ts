// End to end: the browser is killed (SIGKILL, no shutdown) the moment the receipt shows; after a
// relaunch on the same profile the application is there. Strict durability makes "saved" true.
import { chromium, expect, test, type BrowserContext } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumArgs, chromiumExecutable } from '../support/browser';
import { residentId } from './support/ids';
import { acceptApplication, searchApplications, setupDesk } from './support/desk';

/** Pids of the browser's main process for a user-data-dir (the one without --type=). */
function browserPids(userDataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmd.split('\0');
    if (
      args.some((a) => a === `--user-data-dir=${userDataDir}`) &&
      !args.some((a) => a.startsWith('--type='))
    ) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

async function launch(userDataDir: string, baseURL: string): Promise<BrowserContext> {
  const exe = chromiumExecutable();
  return chromium.launchPersistentContext(userDataDir, {
    ...(exe ? { executablePath: exe } : {}),
    args: chromiumArgs,
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
}

test('closing the browser abruptly right after submit loses nothing', async ({ baseURL }) => {
  test.skip(process.platform !== 'linux', 'finds the browser process through /proc');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-crash-'));
  try {
    const first = await launch(dir, baseURL ?? 'http://127.0.0.1:4317');
    const page = first.pages()[0] ?? (await first.newPage());
    await setupDesk(page);
    const id = residentId('440106', '19780909', '135');
    const appNo = await acceptApplication(page, {
      query: '101',
      typeName: '低压居民新装',
      kind: 'resident',
      customer: {
        name: '孙八',
        idNumber: id,
        phone: '13655556666',
        address: '广州市天河区体育西路6号',
      },
      fields: { capacity: '10' },
    });

    // The receipt is on screen: kill the browser now, with no chance to flush anything.
    const pids = browserPids(dir);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await first.close().catch(() => undefined);

    const second = await launch(dir, baseURL ?? 'http://127.0.0.1:4317');
    try {
      const p2 = second.pages()[0] ?? (await second.newPage());
      const rows = await searchApplications(p2, id.slice(-4));
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText(appNo);
      // The unsent change survived too: it will still be sent.
      await expect(p2.getByTestId('outbox-state')).toContainText('待上传 1 条');
    } finally {
      await second.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
