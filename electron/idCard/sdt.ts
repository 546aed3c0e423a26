// The "SDT" interface (sdtapi.dll / libsdtapi.so, 公安部 reference API shipped by most vendors):
// open port, find card, select card, read the 256-byte UCS-2 base message and the 1,024-byte WLT
// photo, which the vendor's decoder (libwlt.so / WltRS.dll) turns into a BMP where present.
import {
  BASE_MESSAGE_BYTES,
  IdCardFormatError,
  parseBaseMessage,
} from '../../shared/domain/idCard';
import type { FindResult, IdCardDriver, RawCard } from './driver';
import { idCardError } from './errors';
import { bind, callAsync, openLibrary, type FfiFunction, type FfiLibrary } from './library';
import { openPhotoDecoder, type PhotoDecoder } from './wlt';

const OK = 0x90;
const FOUND = 0x9f;
const NO_CARD = 0x80;
const SELECT_FAILED = 0x81;

// __stdcall is what the 32-bit Windows builds use; koffi ignores it everywhere else.
const PROTOS = {
  open: 'int __stdcall SDT_OpenPort(int port)',
  close: 'int __stdcall SDT_ClosePort(int port)',
  find: 'int __stdcall SDT_StartFindIDCard(int port, _Out_ uint8_t *manaInfo, int ifOpen)',
  select: 'int __stdcall SDT_SelectIDCard(int port, _Out_ uint8_t *manaMsg, int ifOpen)',
  read:
    'int __stdcall SDT_ReadBaseMsg(int port, _Out_ uint8_t *chMsg, _Out_ uint32_t *chLen, ' +
    '_Out_ uint8_t *phMsg, _Out_ uint32_t *phLen, int ifOpen)',
};

export class SdtDriver implements IdCardDriver {
  readonly kind = 'sdt' as const;
  private readonly lib: FfiLibrary;
  private readonly fn: Record<keyof typeof PROTOS, FfiFunction>;
  private readonly decoder: PhotoDecoder | null;

  constructor(libraryPath: string, photoLibraryPath: string | null) {
    this.lib = openLibrary(libraryPath);
    try {
      this.fn = {
        open: bind(this.lib, PROTOS.open, libraryPath),
        close: bind(this.lib, PROTOS.close, libraryPath),
        find: bind(this.lib, PROTOS.find, libraryPath),
        select: bind(this.lib, PROTOS.select, libraryPath),
        read: bind(this.lib, PROTOS.read, libraryPath),
      };
    } catch (err) {
      this.lib.unload();
      throw err;
    }
    // No decoder is never a failure: the card is read without its photo.
    this.decoder = photoLibraryPath ? openPhotoDecoder(photoLibraryPath) : null;
  }

  async open(port: number): Promise<boolean> {
    return (await callAsync<number>(this.fn.open, port)) === OK;
  }

  async close(port: number): Promise<void> {
    await callAsync<number>(this.fn.close, port);
  }

  async find(port: number): Promise<FindResult> {
    const code = await callAsync<number>(this.fn.find, port, Buffer.alloc(8), 0);
    if (code !== FOUND && code !== NO_CARD) return 'lost';
    // A card that was just read answers "no card" to find until it leaves the field; select
    // still reaches it, so a clerk's second press of 读卡 reads the card again.
    const selected = await callAsync<number>(this.fn.select, port, Buffer.alloc(8), 0);
    if (selected === OK) return 'card';
    // Found, then gone before it could be selected: the customer took the card away.
    if (code === FOUND) return 'removed';
    return selected === SELECT_FAILED || selected === NO_CARD ? 'none' : 'lost';
  }

  async read(port: number): Promise<RawCard> {
    const text = Buffer.alloc(BASE_MESSAGE_BYTES + 64);
    const photo = Buffer.alloc(1024 + 64);
    const textLen = [0];
    const photoLen = [0];
    const code = await callAsync<number>(this.fn.read, port, text, textLen, photo, photoLen, 0);
    if (code === SELECT_FAILED || code === NO_CARD) throw idCardError('E_IDCARD_REMOVED');
    if (code !== OK) {
      throw idCardError('E_IDCARD_READ', `0x${code.toString(16)}`);
    }
    let card;
    try {
      card = parseBaseMessage(text.subarray(0, Math.max(textLen[0] ?? 0, BASE_MESSAGE_BYTES)));
    } catch (err) {
      if (err instanceof IdCardFormatError) throw idCardError('E_IDCARD_FORMAT');
      throw err;
    }
    const wltLen = photoLen[0] ?? 0;
    const photoBmp =
      this.decoder && wltLen >= 1024 ? await this.decoder.decode(photo.subarray(0, 1024)) : null;
    return { card, photoBmp };
  }

  dispose(): void {
    this.decoder?.dispose();
    this.lib.unload();
  }
}
