// The signing side (build/updateSigning.ts) and the checking side (electron/updateSignature.ts)
// on real files: a release folder as electron-builder leaves it is signed, and main's check
// accepts exactly that manifest and installer, on every platform's manifest name.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyModuleText, signReleaseDir } from '../../../build/updateSigning';
import { UPDATE_PUBLIC_KEY } from '../../../electron/updateKey';
import {
  channelFileFor,
  feedAllowed,
  manifestSignatureValid,
  parseManifest,
  sha512OfFile,
  verifyDownload,
} from '../../../electron/updateSignature';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-sign-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const keys = generateKeyPairSync('ed25519');
const privatePem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

async function release(version: string, name: string, manifest: string) {
  const installer = path.join(dir, name);
  fs.writeFileSync(installer, Buffer.alloc(300_000, 7)); // streamed in chunks by sha512OfFile
  const sha = await sha512OfFile(installer);
  fs.writeFileSync(
    path.join(dir, manifest),
    `version: ${version}\nfiles:\n  - url: ${name}\n    sha512: ${sha}\n    size: 300000\n` +
      `path: ${name}\nsha512: ${sha}\nreleaseDate: '2026-12-07T01:00:00.000Z'\n`,
  );
  return installer;
}

const reader = (name: string) => Promise.resolve(fs.readFileSync(path.join(dir, name)));

describe('update signing and verification', () => {
  it('names the manifest of every platform as electron-updater does', () => {
    expect(channelFileFor('win32', 'x64')).toBe('latest.yml');
    expect(channelFileFor('linux', 'x64')).toBe('latest-linux.yml');
    expect(channelFileFor('linux', 'arm64')).toBe('latest-linux-arm64.yml');
    expect(channelFileFor('darwin', 'arm64')).toBe('latest-mac.yml');
  });

  it('signs every manifest of a release folder; main accepts exactly those', async () => {
    const win = await release('2.0.0', 'HallDesk-Setup-2.0.0-x64.exe', 'latest.yml');
    const deb = await release('2.0.0', 'HallDesk-2.0.0-arm64.AppImage', 'latest-linux-arm64.yml');
    expect(signReleaseDir(dir, privatePem).sort()).toEqual([
      'latest-linux-arm64.yml',
      'latest.yml',
    ]);
    for (const [channelFile, file] of [
      ['latest.yml', win],
      ['latest-linux-arm64.yml', deb],
    ] as const) {
      const deps = {
        publicKeyPem: publicPem,
        channelFile,
        fetchFeedFile: reader,
        hashFile: sha512OfFile,
      };
      expect(await verifyDownload(deps, { version: '2.0.0', downloadedFile: file })).toEqual({
        ok: true,
      });
      // The app's own built-in key did not sign this release: refused.
      expect(
        await verifyDownload(
          { ...deps, publicKeyPem: UPDATE_PUBLIC_KEY },
          { version: '2.0.0', downloadedFile: file },
        ),
      ).toMatchObject({ ok: false });
    }
    // One byte of the manifest changed after signing: the signature no longer holds.
    const m = fs.readFileSync(path.join(dir, 'latest.yml'));
    const sig = fs.readFileSync(path.join(dir, 'latest.yml.sig'), 'utf8');
    expect(manifestSignatureValid(m, sig, publicPem)).toBe(true);
    const changed = Buffer.from(m.toString().replace('size: 300000', 'size: 300001'));
    expect(manifestSignatureValid(changed, sig, publicPem)).toBe(false);
    // The installer changed after signing: its hash is not in the manifest.
    fs.appendFileSync(win, 'x');
    const deps = {
      publicKeyPem: publicPem,
      channelFile: 'latest.yml',
      fetchFeedFile: reader,
      hashFile: sha512OfFile,
    };
    expect(await verifyDownload(deps, { version: '2.0.0', downloadedFile: win })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/sha512 mismatch/),
    });
  });

  it('reads electron-builder manifests (quoted values, several files)', () => {
    const m = parseManifest(
      "version: '1.2.3'\nfiles:\n  - url: a.exe\n    sha512: AAA==\n    size: 10\n  - url: b.zip\n    sha512: \"BBB==\"\n    size: 20\n    blockMapSize: 5\npath: a.exe\nsha512: AAA==\nreleaseDate: '2025-01-01'\n",
    );
    expect(m).toEqual({
      version: '1.2.3',
      files: [
        { url: 'a.exe', sha512: 'AAA==', size: 10 },
        { url: 'b.zip', sha512: 'BBB==', size: 20 },
      ],
      path: 'a.exe',
      sha512: 'AAA==',
    });
    expect(parseManifest('files: []\n')).toBeNull();
  });

  it('feeds are https unless plain http is explicitly allowed', () => {
    expect(feedAllowed('https://c.example/updates/', false)).toBe(true);
    expect(feedAllowed('http://10.1.0.5:8600/updates/', false)).toBe(false);
    expect(feedAllowed('http://10.1.0.5:8600/updates/', true)).toBe(true);
    expect(feedAllowed('file:///tmp/updates/', true)).toBe(false);
    expect(feedAllowed('not a url', true)).toBe(false);
  });

  it('the built-in key module is what keygen writes', () => {
    expect(keyModuleText(UPDATE_PUBLIC_KEY)).toBe(
      fs.readFileSync(path.resolve(import.meta.dirname, '../../../electron/updateKey.ts'), 'utf8'),
    );
  });
});
