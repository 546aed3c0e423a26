// The "CVR" interface (termb.dll / libtermb.so: 华视 and compatible readers): CVR_InitComm,
// CVR_Authenticate, CVR_Read_Content, then one getter per field as text in the system's ANSI
// code page (GBK/GB18030 on Chinese Windows; UTF-8 or GBK in Linux builds), and the photo as a
// file (zp.bmp) the library writes in its folder.
import fs from 'node:fs';
import path from 'node:path';
import { nationCodeOf, nationName, sexCodeOf, sexName } from '../../shared/domain/idCard';
import type { IdCardData } from '../../shared/domain/idCard';
import type { FindResult, IdCardDriver, RawCard } from './driver';
import { idCardError } from './errors';
import { bind, callAsync, openLibrary, type FfiFunction, type FfiLibrary } from './library';

const GETTERS = [
  'GetPeopleName',
  'GetPeopleSex',
  'GetPeopleNation',
  'GetPeopleBirthday',
  'GetPeopleAddress',
  'GetPeopleIDCode',
  'GetDepartment',
  'GetStartDate',
  'GetEndDate',
] as const;
type Getter = (typeof GETTERS)[number];

/** Names the vendors give the photo file. */
const PHOTO_FILES = ['zp.bmp', 'photo.bmp'];

/**
 * Which encoding the library wrote a card's fields in: UTF-8 when all of them together are valid
 * UTF-8, else the Chinese ANSI code page. Decided over all fields at once: a short GBK text alone
 * can pass for UTF-8 (女 is C5 AE, also "Ů").
 */
export function ansiEncodingOf(fields: Uint8Array[]): 'utf-8' | 'gb18030' {
  try {
    for (const f of fields) new TextDecoder('utf-8', { fatal: true }).decode(f);
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

export class CvrDriver implements IdCardDriver {
  readonly kind = 'cvr' as const;
  private readonly lib: FfiLibrary;
  private readonly init: FfiFunction;
  private readonly closeComm: FfiFunction;
  private readonly authenticate: FfiFunction;
  private readonly readContent: FfiFunction;
  private readonly getters: Record<Getter, FfiFunction>;
  private readonly photoDirs: string[];

  constructor(libraryPath: string, photoDir: string | null) {
    this.lib = openLibrary(libraryPath);
    try {
      this.init = bind(this.lib, 'int __stdcall CVR_InitComm(int port)', libraryPath);
      this.closeComm = bind(this.lib, 'int __stdcall CVR_CloseComm()', libraryPath);
      this.authenticate = bind(this.lib, 'int __stdcall CVR_Authenticate()', libraryPath);
      this.readContent = bind(this.lib, 'int __stdcall CVR_Read_Content(int active)', libraryPath);
      this.getters = Object.fromEntries(
        GETTERS.map((g) => [
          g,
          bind(this.lib, `int __stdcall ${g}(_Out_ uint8_t *buf, _Inout_ int *len)`, libraryPath),
        ]),
      ) as Record<Getter, FfiFunction>;
    } catch (err) {
      this.lib.unload();
      throw err;
    }
    // The library writes the photo beside itself or in the working folder; a configured folder
    // comes first.
    this.photoDirs = [photoDir, path.dirname(libraryPath), process.cwd()].filter(
      (d): d is string => !!d,
    );
  }

  async open(port: number): Promise<boolean> {
    return (await callAsync<number>(this.init, port)) === 1;
  }

  async close(): Promise<void> {
    await callAsync<number>(this.closeComm);
  }

  async find(): Promise<FindResult> {
    const code = await callAsync<number>(this.authenticate);
    if (code === 1) return 'card';
    return code < 0 ? 'lost' : 'none';
  }

  private async bytes(getter: Getter): Promise<Uint8Array> {
    const buf = Buffer.alloc(256);
    const len = [256];
    const ok = await callAsync<number>(this.getters[getter], buf, len);
    if (ok !== 1) return new Uint8Array();
    const n = Math.max(0, Math.min(len[0] ?? 0, buf.length));
    const end = buf.subarray(0, n).indexOf(0);
    return buf.subarray(0, end >= 0 ? end : n);
  }

  async read(): Promise<RawCard> {
    this.removePhotoFiles();
    const code = await callAsync<number>(this.readContent, 1);
    // CVR does not tell a card taken away from a failed read.
    if (code !== 1) throw idCardError('E_IDCARD_READ', '或身份证已被移开');
    const raw: Uint8Array[] = [];
    for (const g of GETTERS) raw.push(await this.bytes(g));
    const decoder = new TextDecoder(ansiEncodingOf(raw));
    const t: Partial<Record<Getter, string>> = {};
    GETTERS.forEach((g, i) => (t[g] = decoder.decode(raw[i]).trim()));
    const sexCode = sexCodeOf(t.GetPeopleSex ?? '');
    const nationCode = nationCodeOf(t.GetPeopleNation ?? '');
    const card: IdCardData = {
      cardType: 'resident_id',
      name: t.GetPeopleName ?? '',
      sexCode,
      sex: sexName(sexCode),
      nationCode,
      nation: nationCode ? nationName(nationCode) : (t.GetPeopleNation ?? ''),
      birthDate: (t.GetPeopleBirthday ?? '').replace(/\D/g, ''),
      address: t.GetPeopleAddress ?? '',
      idNumber: (t.GetPeopleIDCode ?? '').toUpperCase(),
      issuingAuthority: t.GetDepartment ?? '',
      validFrom: (t.GetStartDate ?? '').replace(/[.\-/]/g, ''),
      validTo: (t.GetEndDate ?? '').replace(/[.\-/]/g, ''),
    };
    if (!card.name || !card.idNumber) throw idCardError('E_IDCARD_FORMAT');
    return { card, photoBmp: this.takePhoto() };
  }

  /** Reads the photo file and deletes it: a card's photo is not left on the disk. */
  private takePhoto(): Buffer | null {
    for (const dir of this.photoDirs) {
      for (const name of PHOTO_FILES) {
        const file = path.join(dir, name);
        try {
          const data = fs.readFileSync(file);
          fs.rmSync(file, { force: true });
          if (data.length > 54 && data[0] === 0x42 && data[1] === 0x4d) return data;
        } catch {
          // not there: try the next place
        }
      }
    }
    return null;
  }

  /** A photo left by an earlier read must never be taken for this card's. */
  private removePhotoFiles(): void {
    for (const dir of this.photoDirs)
      for (const name of PHOTO_FILES) fs.rmSync(path.join(dir, name), { force: true });
  }

  dispose(): void {
    this.lib.unload();
  }
}
