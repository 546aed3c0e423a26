// The ID card reader module through koffi against simulators of both vendor interfaces, compiled
// from C in this run (tests/fixtures/idcard): the real FFI path, not a mock. Skips, saying why,
// where no C compiler exists.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CvrDriver } from '../../../electron/idCard/cvr';
import { IdCardError } from '../../../electron/idCard/errors';
import { openLibrary, type FfiLibrary } from '../../../electron/idCard/library';
import { IdCardReader } from '../../../electron/idCard/reader';
import { SdtDriver } from '../../../electron/idCard/sdt';
import type { IdCardRead } from '../../../shared/domain/idCard';
import { buildSimulators, simulatorsUnavailable, type Simulators } from '../../support/idcardSim';

const unavailable = simulatorsUnavailable();
if (unavailable) console.log(`[idcard] reader simulator tests skipped: ${unavailable}`);

const CARD =
  'card 王𠮷|1|01|19900307|北京市东城区景山前街4号故宫博物院|11010119900307451X|北京市公安局东城分局|20200101|20400101';
const EXPIRED = 'card 李四|2|03|19800101|上海市|310101198001010028|上海市公安局|20060101|20260101';

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof IdCardError) return err.reason;
    throw err;
  }
  return 'no error';
}

describe.skipIf(unavailable !== null)('ID card reader through koffi (simulated readers)', () => {
  let sim: Simulators;
  let control: FfiLibrary;
  let cvrControl: FfiLibrary;
  let script: (s: string) => number;
  let plug: (port: number) => void;
  let cvrScript: (s: string) => number;
  let cvrPlug: (port: number) => void;
  let cvrUtf8: (on: number) => void;

  beforeAll(() => {
    sim = buildSimulators();
    // The same library the driver opens (dlopen shares its state): the test scripts it.
    control = openLibrary(sim.sdt);
    script = control.func('int SIM_Script(const char *s)') as unknown as (s: string) => number;
    plug = control.func('void SIM_Plug(int port)') as unknown as (p: number) => void;
    cvrControl = openLibrary(sim.cvr);
    cvrScript = cvrControl.func('int SIM_Script(const char *s)') as unknown as (
      s: string,
    ) => number;
    cvrPlug = cvrControl.func('void SIM_Plug(int port)') as unknown as (p: number) => void;
    cvrUtf8 = cvrControl.func('void SIM_Utf8(int on)') as unknown as (on: number) => void;
  });
  afterAll(() => {
    control?.unload();
    cvrControl?.unload();
    if (sim) fs.rmSync(sim.dir, { recursive: true, force: true });
  });

  describe('SDT interface', () => {
    function reader(remembered: number | null = null, found: number[] = []) {
      return new IdCardReader({
        driver: () => new SdtDriver(sim.sdt, sim.wlt),
        rememberedPort: remembered,
        onPortFound: (p) => found.push(p),
        now: () => new Date('2026-12-07T02:00:00Z'),
      });
    }

    it('finds the reader on its port, reads the card with a rare character and its photo', async () => {
      script(`port 1003\n${CARD}`);
      const found: number[] = [];
      const r = reader(null, found);
      const read = await r.read();
      expect(read.card).toMatchObject({
        cardType: 'resident_id',
        name: '王𠮷',
        sexCode: '1',
        sex: '男',
        nationCode: '01',
        nation: '汉',
        birthDate: '19900307',
        address: '北京市东城区景山前街4号故宫博物院',
        idNumber: '11010119900307451X',
        issuingAuthority: '北京市公安局东城分局',
        validFrom: '20200101',
        validTo: '20400101',
      });
      expect(read.readerKind).toBe('sdt');
      expect(read.readAt).toBe('2026-12-07T02:00:00.000Z');
      const bmp = Buffer.from(read.photo!.base64, 'base64');
      expect(bmp.subarray(0, 2).toString()).toBe('BM');
      expect(bmp.readInt32LE(18)).toBe(102);
      expect(bmp.readInt32LE(22)).toBe(126);
      expect(found).toEqual([1003]);
      expect(r.status().port).toBe(1003);
      await r.dispose();
    });

    it('tries the remembered port first', async () => {
      script(`port 16\n${CARD}`);
      const found: number[] = [];
      const r = reader(16, found);
      await r.read();
      expect(found).toEqual([]); // nothing new to remember
      await r.dispose();
    });

    it('says what went wrong: no card, removed, read error; the next card still reads', async () => {
      script(`nocard\nremoved\nreaderror\n${CARD}`);
      const r = reader();
      expect(await reason(r.read())).toBe('E_IDCARD_NO_CARD');
      expect(await reason(r.read())).toBe('E_IDCARD_REMOVED');
      expect(await reason(r.read())).toBe('E_IDCARD_READ');
      expect(r.status().lastError).toMatch(/读卡失败/);
      expect((await r.read()).card.name).toBe('王𠮷');
      expect(r.status().lastError).toBeNull();
      await r.dispose();
    });

    it('a card read once is not read again until it is placed again', async () => {
      script(CARD);
      const r = reader();
      await r.read();
      expect(await reason(r.read())).toBe('E_IDCARD_NO_CARD');
      await r.dispose();
    });

    it('an unplugged reader is reported, and found again on another port when plugged back', async () => {
      script(`${CARD}\n${CARD}`);
      const found: number[] = [];
      const r = reader(null, found);
      plug(0);
      expect(await reason(r.read())).toBe('E_IDCARD_NO_READER');
      plug(1005);
      expect((await r.read()).card.idNumber).toBe('11010119900307451X');
      expect(found).toEqual([1005]);
      // Unplugged while open: the next call looks for it again.
      plug(0);
      expect(await reason(r.read())).toBe('E_IDCARD_NO_READER');
      expect(r.status().port).toBeNull();
      await r.dispose();
    });

    it('reads an expired card (the form warns; reading never refuses it)', async () => {
      script(EXPIRED);
      const r = reader();
      const read = await r.read();
      expect(read.card).toMatchObject({
        name: '李四',
        sex: '女',
        nation: '回',
        validTo: '20260101',
      });
      await r.dispose();
    });

    it('no photo decoder, or no photo on the card: the card still reads, without a photo', async () => {
      script(`photo 0\n${CARD}`);
      const r1 = reader();
      expect((await r1.read()).photo).toBeNull();
      await r1.dispose();
      script(CARD);
      const r2 = new IdCardReader({ driver: () => new SdtDriver(sim.sdt, null) });
      expect((await r2.read()).photo).toBeNull();
      await r2.dispose();
    });

    it('a decoder with only the file-to-file entry point (GetBmp) gives the photo too', async () => {
      script(CARD);
      const r = new IdCardReader({ driver: () => new SdtDriver(sim.sdt, sim.wltFile) });
      const read = await r.read();
      expect(Buffer.from(read.photo!.base64, 'base64').length).toBe(54 + 308 * 126);
      await r.dispose();
    });

    it('auto-read reports each card placed once, and errors once per kind', async () => {
      script(`nocard\nnocard\n${CARD}\nnocard\nnocard`);
      const r = reader();
      const cards: IdCardRead[] = [];
      const errors: string[] = [];
      await new Promise<void>((resolve) => {
        r.startAutoRead(
          5,
          (c) => {
            cards.push(c);
            setTimeout(resolve, 40);
          },
          (e) => errors.push(e.reason),
        );
      });
      r.stopAutoRead();
      expect(cards.map((c) => c.card.name)).toEqual(['王𠮷']);
      expect(errors).toEqual([]);
      plug(0);
      const errs: string[] = [];
      r.startAutoRead(
        5,
        () => undefined,
        (e) => errs.push(e.reason),
      );
      // Waited for, not slept on: under CI load the first polls took longer than 60 ms. Once
      // the error is in, a dozen more polls must not repeat it.
      await vi.waitFor(() => expect(errs.length).toBeGreaterThan(0), { timeout: 5_000 });
      await new Promise((res) => setTimeout(res, 60));
      r.stopAutoRead();
      expect(errs).toEqual(['E_IDCARD_NO_READER']);
      plug(1001);
      await r.dispose();
    });
  });

  describe('library problems', () => {
    it('a missing library, one of the wrong architecture, one of another interface', () => {
      const missing = path.join(sim.dir, 'nope', 'libsdtapi.so');
      expect(() => new SdtDriver(missing, null)).toThrow(/找不到读卡器驱动库/);
      try {
        new SdtDriver(sim.sdtWrongArch, null);
        expect.unreachable();
      } catch (err) {
        expect((err as IdCardError).reason).toBe('E_IDCARD_LIBRARY_ARCH');
        expect((err as IdCardError).message).toMatch(/与本机不匹配/);
      }
      try {
        new SdtDriver(sim.wlt, null); // a real library, but not the SDT interface
        expect.unreachable();
      } catch (err) {
        expect((err as IdCardError).reason).toBe('E_IDCARD_LIBRARY_INVALID');
        expect((err as IdCardError).message).toMatch(/SDT_OpenPort/);
      }
      try {
        new CvrDriver(sim.sdt, null);
        expect.unreachable();
      } catch (err) {
        expect((err as IdCardError).reason).toBe('E_IDCARD_LIBRARY_INVALID');
      }
    });
  });

  describe('CVR interface', () => {
    function reader() {
      return new IdCardReader({ driver: () => new CvrDriver(sim.cvr, null) });
    }

    it('reads GB18030 text, maps sex and nation to codes, takes the photo file and deletes it', async () => {
      cvrUtf8(0);
      cvrScript(`port 1002\n${EXPIRED.replace('李四', '欧阳娜娜')}`);
      const r = reader();
      const read = await r.read();
      expect(read.card).toMatchObject({
        name: '欧阳娜娜',
        sexCode: '2',
        nationCode: '03',
        nation: '回',
        address: '上海市',
        idNumber: '310101198001010028',
        validTo: '20260101',
      });
      expect(read.readerKind).toBe('cvr');
      expect(Buffer.from(read.photo!.base64, 'base64').subarray(0, 2).toString()).toBe('BM');
      expect(fs.existsSync(path.join(path.dirname(sim.cvr), 'zp.bmp'))).toBe(false);
      await r.dispose();
    });

    it('reads UTF-8 text from Linux builds, including characters outside GBK', async () => {
      cvrUtf8(1);
      cvrScript(CARD);
      const r = reader();
      expect((await r.read()).card.name).toBe('王𠮷');
      cvrUtf8(0);
      await r.dispose();
    });

    it('no card, a failed read and an unplugged reader each say so', async () => {
      cvrScript(`nocard\nreaderror\n${CARD}`);
      const r = reader();
      expect(await reason(r.read())).toBe('E_IDCARD_NO_CARD');
      expect(await reason(r.read())).toBe('E_IDCARD_READ');
      cvrPlug(0);
      expect(await reason(r.read())).toBe('E_IDCARD_NO_READER');
      cvrPlug(1001);
      expect((await r.read()).card.name).toBe('王𠮷');
      await r.dispose();
    });
  });
});
