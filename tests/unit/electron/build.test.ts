// Packaging: the app bundle (app.asar) holds the whitelisted files and the runtime packages the
// Electron bundles require; the generated icons are valid PNG / ICO; the builder config targets
// what the issue asks for.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { extractFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAppAsar, requiredPackages } from '../../../build/appBundle';
import { crc32, encodeIco, encodePng, renderIcon } from '../../../build/icon';

const repo = path.resolve('.');
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-dist-'));
  const w = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), text);
  };
  w(
    'package.json',
    JSON.stringify({
      name: 'halldesk',
      version: '9.9.9',
      dependencies: { debug: '4.4.0', react: '19.3.1', koffi: '3.3.4' },
      halldeskLazyPackages: ['koffi'],
    }),
  );
  w('dist/renderer/index.html', '<!doctype html>');
  w('dist/renderer/assets/app.js', 'console.log(1)');
  w('dist/renderer/assets/app.js.map', '{}');
  w(
    'dist-electron/main.cjs',
    'require("electron"); require("node:fs"); require("debug"); require("./chunks/x.cjs");',
  );
  w('dist-electron/chunks/x.cjs', 'module.exports = 1;');
  w('dist-electron/preload.cjs', 'require("electron");');
  w('dist-electron/hallHost.cjs', 'require("debug/src/node.js");');
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('app bundle', () => {
  it('finds the bare packages the built files require', () => {
    expect(requiredPackages(path.join(tmp, 'dist-electron'))).toEqual(['debug']);
  });

  it('packs whitelisted files and runtime packages (with their dependencies) into app.asar, nothing renderer-only', async () => {
    const out = path.join(tmp, 'release');
    const result = await packAppAsar({ root: tmp, outDir: out, nodeModulesRoot: repo });
    expect(result.entries).toEqual(
      expect.arrayContaining([
        '/package.json',
        '/dist-electron/main.cjs',
        '/dist-electron/preload.cjs',
        '/dist-electron/hallHost.cjs',
        '/dist-electron/chunks/x.cjs',
        '/dist/renderer/index.html',
        '/node_modules/debug/package.json',
        // debug's own dependency comes along.
        '/node_modules/ms/package.json',
        // Loaded lazily by main (the ID card reader), with its prebuilt binary for this platform.
        '/node_modules/koffi/package.json',
        `/node_modules/@koromix/koffi-${process.platform}-${process.arch}/package.json`,
      ]),
    );
    expect(result.entries.some((e) => e.endsWith('.node'))).toBe(true);
    expect(result.entries).not.toContain('/dist/renderer/assets/app.js.map');
    expect(result.entries.some((e) => e.startsWith('/node_modules/react'))).toBe(false);
    const pkg = JSON.parse(extractFile(result.asarPath, 'package.json').toString()) as Record<
      string,
      unknown
    >;
    expect(pkg).toMatchObject({
      name: 'halldesk',
      version: '9.9.9',
      main: 'dist-electron/main.cjs',
      dependencies: { debug: '4.4.0', koffi: '3.3.4' },
    });
    expect(fs.existsSync(path.join(out, 'app-staging'))).toBe(false);
  });

  it('refuses to pack without a built main', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    await expect(packAppAsar({ root: empty, outDir: path.join(empty, 'r') })).rejects.toThrow(
      /npm run build/,
    );
  });
});

describe('icons', () => {
  it('encodes a valid RGBA PNG (signature, IHDR, CRCs, pixel data)', () => {
    const size = 24;
    const rgba = renderIcon(size);
    const png = encodePng(size, rgba);
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    let off = 8;
    const chunks: Record<string, Buffer> = {};
    while (off < png.length) {
      const len = png.readUInt32BE(off);
      const type = png.subarray(off + 4, off + 8).toString('ascii');
      const data = png.subarray(off + 8, off + 8 + len);
      expect(png.readUInt32BE(off + 8 + len), `${type} CRC`).toBe(
        crc32(png.subarray(off + 4, off + 8 + len)),
      );
      chunks[type] = data;
      off += 12 + len;
    }
    expect(chunks.IHDR!.readUInt32BE(0)).toBe(size);
    expect(chunks.IHDR![9]).toBe(6);
    const raw = zlib.inflateSync(chunks.IDAT!);
    expect(raw.length).toBe(size * (size * 4 + 1));
    // Corners are transparent (rounded square), the centre is opaque.
    expect(rgba[3]).toBe(0);
    expect(rgba[((size / 2) * size + size / 2) * 4 + 3]).toBe(255);
  });

  it('writes an ICO directory pointing at each PNG', () => {
    const images = [16, 256].map((size) => ({ size, png: encodePng(size, renderIcon(size)) }));
    const ico = encodeIco(images);
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBe(2);
    expect(ico[6]).toBe(16);
    expect(ico[6 + 16]).toBe(0); // 256 is written as 0
    const off = ico.readUInt32LE(6 + 12);
    expect(ico.subarray(off, off + 4)).toEqual(images[0]!.png.subarray(0, 4));
  });

  it('ships the generated icons', () => {
    expect(fs.readFileSync('build/icons/icon.png').readUInt32BE(16)).toBe(512);
    expect(fs.existsSync('build/icons/icon.ico')).toBe(true);
  });
});

describe('electron-builder config', () => {
  it('targets NSIS x64 and deb + AppImage for x64 and arm64, with a whitelist and a generic feed', () => {
    const config = createRequire(import.meta.url)('../../../build/electron-builder.config.cjs') as {
      appId: string;
      productName: string;
      files: string[];
      win: { target: { target: string; arch: string[] }[] };
      linux: { target: { target: string; arch: string[] }[] };
      publish: { provider: string; url: string }[];
      extraMetadata: { main: string };
    };
    expect(config.appId).toBe('cn.halldesk.desk');
    expect(config.productName).toBe('HallDesk');
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.linux.target).toEqual([
      { target: 'deb', arch: ['x64', 'arm64'] },
      { target: 'AppImage', arch: ['x64', 'arm64'] },
    ]);
    expect(config.files.slice(0, 3)).toEqual([
      'dist/renderer/**',
      'dist-electron/**',
      'package.json',
    ]);
    expect(config.files).toContain('!node_modules/react/**');
    expect(config.publish[0]?.provider).toBe('generic');
    expect(config.extraMetadata.main).toBe('dist-electron/main.cjs');
  });
});
