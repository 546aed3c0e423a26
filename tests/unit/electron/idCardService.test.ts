// Main's ID card service: built from the machine's settings against the simulated SDT reader
// (compiled in this run, loaded through koffi), the desk's calls and events, the library search.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdCardService } from '../../../electron/idCard/service';
import { openLibrary, type FfiLibrary } from '../../../electron/idCard/library';
import type { IdCardRead } from '../../../shared/domain/idCard';
import { DEFAULT_SETTINGS, type IdCardStatus } from '../../../shared/ipc/contract';
import { IpcFailure } from '../../../shared/ipc/registry';
import { buildSimulators, simulatorsUnavailable, type Simulators } from '../../support/idcardSim';

const unavailable = simulatorsUnavailable();
if (unavailable) console.log(`[idcard] reader service tests skipped: ${unavailable}`);

const CARD = 'card 张三|1|01|19900307|北京市|11010119900307451X|北京市公安局|20200101|长期';

describe.skipIf(unavailable !== null)('IdCardService (simulated SDT reader)', () => {
  let sim: Simulators;
  let control: FfiLibrary;
  let script: (s: string) => number;

  beforeAll(() => {
    sim = buildSimulators();
    control = openLibrary(sim.sdt);
    script = control.func('int SIM_Script(const char *s)') as unknown as (s: string) => number;
  });
  afterAll(() => {
    control?.unload();
    if (sim) fs.rmSync(sim.dir, { recursive: true, force: true });
  });

  function service(extraDirs: string[] = []) {
    const ports: number[] = [];
    const cards: IdCardRead[] = [];
    const states: IdCardStatus[] = [];
    const svc = new IdCardService({
      savePort: (p) => ports.push(p),
      onCard: (c) => cards.push(c),
      onStatus: (s) => states.push(s),
      locateEnv: { platform: 'linux', extraDirs, env: {} },
      log: () => undefined,
      pollMs: 5,
    });
    return { svc, ports, cards, states };
  }

  it('without a reader: not available, and a read says to set one up', async () => {
    const { svc } = service();
    await svc.configure(DEFAULT_SETTINGS.idCardReader);
    expect(svc.status()).toMatchObject({ available: false, kind: 'none', problem: null });
    await expect(svc.read()).rejects.toMatchObject({ reason: 'E_IDCARD_NOT_CONFIGURED' });
  });

  it('finds the library in the search folders, reads a card, remembers the port', async () => {
    script(`port 1002\n${CARD}`);
    const { svc, ports } = service([sim.dir]);
    expect(svc.locate('sdt')).toEqual({
      libraryPath: path.join(sim.dir, 'libsdtapi.so'),
      photoPath: path.join(sim.dir, 'libwlt.so'),
    });
    await svc.configure({ ...DEFAULT_SETTINGS.idCardReader, kind: 'sdt', autoRead: false });
    expect(svc.status()).toMatchObject({ available: true, kind: 'sdt', readerFound: false });
    const read = await svc.read();
    expect(read.card.validTo).toBe('长期');
    expect(read.photo?.mime).toBe('image/bmp');
    expect(ports).toEqual([1002]);
    expect(svc.status()).toMatchObject({ readerFound: true, problem: null });
    // The desk's status never carries the library path or the port.
    expect(JSON.stringify(svc.status())).not.toMatch(/libsdtapi|1002/);
    await svc.dispose();
  });

  it('auto-read sends each card placed to the desk', async () => {
    script(`nocard\n${CARD}`);
    const { svc, cards } = service();
    await svc.configure({
      kind: 'sdt',
      libraryPath: sim.sdt,
      photoPath: null,
      autoRead: true,
      port: 1001,
    });
    for (let i = 0; i < 100 && cards.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(cards.map((c) => c.card.name)).toEqual(['张三']);
    expect(svc.status().autoRead).toBe(true);
    await svc.dispose();
  });

  it('a missing library is a lasting problem the settings page and the desk show', async () => {
    const { svc } = service();
    await svc.configure({
      kind: 'sdt',
      libraryPath: path.join(sim.dir, 'gone', 'libsdtapi.so'),
      photoPath: null,
      autoRead: false,
      port: null,
    });
    expect(svc.status()).toMatchObject({
      available: false,
      kind: 'sdt',
      reason: 'E_IDCARD_LIBRARY_MISSING',
    });
    const err = await svc.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpcFailure);
    expect((err as IpcFailure).message).toMatch(/找不到读卡器驱动库/);
  });

  it('an unplugged reader shows as a problem until a read succeeds; no card does not', async () => {
    script(`unplug\n${CARD}`);
    const { svc } = service();
    await svc.configure({
      kind: 'sdt',
      libraryPath: sim.sdt,
      photoPath: null,
      autoRead: false,
      port: null,
    });
    await expect(svc.read()).rejects.toMatchObject({ reason: 'E_IDCARD_NO_READER' });
    expect(svc.status().reason).toBe('E_IDCARD_NO_READER');
    const plug = control.func('void SIM_Plug(int port)') as unknown as (p: number) => void;
    plug(1001);
    await svc.read();
    await expect(svc.read()).rejects.toMatchObject({ reason: 'E_IDCARD_NO_CARD' });
    expect(svc.status()).toMatchObject({ problem: null, readerFound: true });
    await svc.dispose();
  });
});
