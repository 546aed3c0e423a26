// The vendor's photo decoder: the card stores its photo in a compressed form ("WLT", 1,024
// bytes) that only the vendor's library opens. Two entry points are common: `unpack` (libwlt.so,
// memory to memory) and `GetBmp` (WltRS.dll, a .wlt file to a .bmp beside it). A decoder that
// fails gives no photo, never a failed read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { callAsync, openLibrary, tryBind, type FfiFunction, type FfiLibrary } from './library';

/** 102 × 126 pixels, 24-bit, rows padded to 4 bytes, plus the 54-byte header. */
export const PHOTO_BMP_BYTES = 54 + 308 * 126;

export interface PhotoDecoder {
  decode(wlt: Buffer): Promise<Buffer | null>;
  dispose(): void;
}

function looksLikeBmp(b: Buffer): boolean {
  return b.length > 54 && b[0] === 0x42 && b[1] === 0x4d;
}

export function openPhotoDecoder(libraryPath: string): PhotoDecoder | null {
  let lib: FfiLibrary;
  try {
    lib = openLibrary(libraryPath);
  } catch {
    return null;
  }
  const unpack = tryBind(
    lib,
    'int __stdcall unpack(uint8_t *src, _Out_ uint8_t *dst, int bmpSave)',
  );
  const getBmp = unpack ? null : tryBind(lib, 'int __stdcall GetBmp(const char *file, int intf)');
  if (!unpack && !getBmp) {
    lib.unload();
    return null;
  }
  return {
    decode: (wlt) => (unpack ? decodeInMemory(unpack, wlt) : decodeViaFile(getBmp!, wlt)),
    dispose: () => lib.unload(),
  };
}

async function decodeInMemory(unpack: FfiFunction, wlt: Buffer): Promise<Buffer | null> {
  const out = Buffer.alloc(PHOTO_BMP_BYTES + 1024);
  try {
    const ok = await callAsync<number>(unpack, wlt, out, 1);
    if (ok !== 1 || !looksLikeBmp(out)) return null;
    return out.subarray(0, Math.min(out.readUInt32LE(2), out.length));
  } catch {
    return null;
  }
}

/** GetBmp wants a file: a private folder, removed at once (the photo is personal data). */
async function decodeViaFile(getBmp: FfiFunction, wlt: Buffer): Promise<Buffer | null> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-wlt-'));
  try {
    const file = path.join(dir, 'photo.wlt');
    fs.writeFileSync(file, wlt, { mode: 0o600 });
    const ok = await callAsync<number>(getBmp, file, 2);
    const bmp = path.join(dir, 'photo.bmp');
    if (ok !== 1 || !fs.existsSync(bmp)) return null;
    const data = fs.readFileSync(bmp);
    return looksLikeBmp(data) ? data : null;
  } catch {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
