// bench:idcard — the ID card read at the counter, in Chromium with main's real reader code behind
// window.halldesk (a binding, not Electron) over the simulated SDT reader (C, compiled here,
// loaded through koffi). cardReadToFormMs: from the moment the read's answer reaches the page to
// the moment the form shows the card's number in its field (the clerk sees it filled). The FFI
// read itself (ffiReadMs: find, select, read, decode the photo) is timed apart in Node.
// Last line: one JSON object.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { openLibrary } from '../electron/idCard/library';
import { IdCardService } from '../electron/idCard/service';
import { IpcRegistry } from '../shared/ipc/registry';
import { chromiumArgs, chromiumExecutable } from '../tests/support/browser';
import { buildSimulators, simulatorsUnavailable } from '../tests/support/idcardSim';
import { serveStatic } from './support/static';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READS = Number(process.env.BENCH_READS ?? 30);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}
const r1 = (x: number) => Math.round(x * 10) / 10;

/** A valid GB 11643 number for serial `n` (the form checks it like a typed one). */
function residentId(n: number): string {
  const body = `110101199003${String(7 + (n % 20)).padStart(2, '0')}${String(100 + n).slice(-3)}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return body + '10X98765432'[sum % 11]!;
}

async function main(): Promise<void> {
  const why = simulatorsUnavailable();
  if (why) {
    console.log(`bench:idcard skipped: ${why}`);
    console.log(JSON.stringify({ skipped: why }));
    return;
  }
  const sim = buildSimulators();
  const control = openLibrary(sim.sdt);
  const script = control.func('int SIM_Script(const char *s)') as unknown as (s: string) => number;
  const service = new IdCardService({
    savePort: () => undefined,
    onCard: () => undefined,
    onStatus: () => undefined,
    locateEnv: { platform: 'linux', extraDirs: [], env: {} },
    log: () => undefined,
  });
  await service.configure({
    kind: 'sdt',
    libraryPath: sim.sdt,
    photoPath: sim.wlt,
    autoRead: false,
    port: null,
  });
  const registry = new IpcRegistry();
  registry.register('idCard:status', () => service.status());
  registry.register('idCard:read', () => service.read());
  registry.register('session:busy', () => undefined);
  const keystore = new Map<string, string>();
  registry.register('secrets:get', ({ name }) => ({ value: keystore.get(name) ?? null }));
  registry.register('secrets:set', ({ name, value }) => {
    keystore.set(name, value);
  });

  // The FFI path alone, in Node.
  const ffi: number[] = [];
  for (let i = 0; i < READS; i++) {
    script(`card 读卡测试|1|01|19900307|北京市|${residentId(i)}|北京市公安局|20200101|20400101`);
    const t0 = performance.now();
    await service.read();
    ffi.push(performance.now() - t0);
  }

  const server = await serveStatic(path.join(ROOT, 'dist', 'renderer'));
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: chromiumArgs,
  });
  const page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await page.exposeBinding('__halldeskInvoke', (source, name: unknown, arg: unknown) =>
    registry.dispatch(name, arg, { senderId: 1, url: source.frame.url(), role: 'desk' }),
  );
  // Plain text scripts: tsx would wrap functions in helpers the page does not have.
  await page.addInitScript({
    content: `
      window.halldesk = Object.freeze({
        version: 1,
        invoke: async (name, arg) => {
          const res = await window.__halldeskInvoke(name, arg);
          // The read's answer is in the page now: the clock starts.
          if (name === 'idCard:read') window.__cardAnsweredAt = performance.now();
          return res;
        },
        on: () => () => undefined,
      });`,
  });
  const toForm: number[] = [];
  try {
    for (let i = 0; i < READS; i++) {
      const id = residentId(1000 + i);
      script(`card 读卡测试|1|01|19900307|北京市|${id}|北京市公安局|20200101|20400101`);
      await page.goto(`${server.url}/#/desk/new?business=101`);
      await page.locator('#f-customer-idNumber').waitFor();
      await page.getByTestId('idcard-read').waitFor();
      await page.keyboard.press('F8');
      const ms = await page.evaluate(`new Promise((resolve, reject) => {
        const until = performance.now() + 10000;
        const tick = () => {
          const input = document.querySelector('#f-customer-idNumber');
          if (input && input.value === ${JSON.stringify(id)} && window.__cardAnsweredAt !== undefined)
            resolve(performance.now() - window.__cardAnsweredAt);
          else if (performance.now() > until) reject(new Error('the form was not filled'));
          else requestAnimationFrame(tick);
        };
        tick();
      })`);
      toForm.push(ms as number);
    }
  } finally {
    await browser.close();
    await server.close();
    await service.dispose();
    control.unload();
    fs.rmSync(sim.dir, { recursive: true, force: true });
  }
  const result = {
    reads: READS,
    cardReadToFormMs: r1(percentile(toForm, 50)),
    cardReadToFormP95Ms: r1(percentile(toForm, 95)),
    ffiReadMs: r1(percentile(ffi, 50)),
    ffiReadP95Ms: r1(percentile(ffi, 95)),
    platform: `${os.platform()}-${os.arch()}`,
  };
  console.log(
    `card read → form filled: p50 ${result.cardReadToFormMs} ms, p95 ${result.cardReadToFormP95Ms} ms (target ≤ 300); FFI read p50 ${result.ffiReadMs} ms`,
  );
  console.log(JSON.stringify(result));
}

await main();
