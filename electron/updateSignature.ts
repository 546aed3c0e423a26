// Update verification before install: the feed's manifest (latest.yml, latest-linux.yml, …) is
// signed with the release key (Ed25519, build/signUpdate.ts writes `<manifest>.sig`); main checks
// that signature against the public key built into the app (updateKey.ts), that the signed
// manifest names the version electron-updater downloaded, and that the downloaded installer's
// SHA-512 is one the signed manifest lists. Anything else is refused and reported. node:crypto
// only; no Electron, so it is tested with Vitest.
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import fs from 'node:fs';

/** The manifest electron-updater reads for this platform (its generic provider's names). */
export function channelFileFor(platform: NodeJS.Platform, arch: string): string {
  if (platform === 'win32') return 'latest.yml';
  if (platform === 'darwin') return 'latest-mac.yml';
  return arch === 'x64' ? 'latest-linux.yml' : `latest-linux-${arch}.yml`;
}

export interface ManifestFile {
  url: string;
  sha512: string;
  size: number | null;
}

export interface UpdateManifest {
  version: string;
  files: ManifestFile[];
  /** Older single-file fields electron-builder still writes. */
  path: string | null;
  sha512: string | null;
}

const unquote = (v: string): string => {
  const t = v.trim();
  return (t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"'))
    ? t.slice(1, -1)
    : t;
};

/**
 * Reads the fields that matter from electron-builder's manifest (a fixed YAML shape: version,
 * files[{url, sha512, size}], path, sha512, releaseDate). Only ever applied to a manifest whose
 * signature was checked first. null when it has no version.
 */
export function parseManifest(text: string): UpdateManifest | null {
  const m: UpdateManifest = { version: '', files: [], path: null, sha512: null };
  let inFiles = false;
  let current: ManifestFile | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || raw.trimStart().startsWith('#')) continue;
    const top = /^([A-Za-z0-9_]+):\s*(.*)$/.exec(raw);
    if (top) {
      inFiles = top[1] === 'files';
      current = null;
      const value = unquote(top[2] ?? '');
      if (top[1] === 'version') m.version = value;
      else if (top[1] === 'path') m.path = value;
      else if (top[1] === 'sha512') m.sha512 = value;
      continue;
    }
    if (!inFiles) continue;
    const item = /^\s*-\s+([A-Za-z0-9_]+):\s*(.*)$/.exec(raw);
    const field = item ?? /^\s+([A-Za-z0-9_]+):\s*(.*)$/.exec(raw);
    if (!field) continue;
    if (item) {
      current = { url: '', sha512: '', size: null };
      m.files.push(current);
    }
    if (!current) continue;
    const value = unquote(field[2] ?? '');
    if (field[1] === 'url') current.url = value;
    else if (field[1] === 'sha512') current.sha512 = value;
    else if (field[1] === 'size' && /^\d+$/.test(value)) current.size = Number(value);
  }
  return m.version ? m : null;
}

/** True when `signatureB64` is the Ed25519 signature of exactly `manifest` by `publicKeyPem`. */
export function manifestSignatureValid(
  manifest: Buffer,
  signatureB64: string,
  publicKeyPem: string,
): boolean {
  try {
    const sig = Buffer.from(signatureB64.trim(), 'base64');
    if (sig.length !== 64) return false;
    return verifySignature(null, manifest, createPublicKey(publicKeyPem), sig);
  } catch {
    return false;
  }
}

/** SHA-512 of a file, base64 (the form electron-builder's manifest uses), streamed. */
export function sha512OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    fs.createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('base64')));
  });
}

export interface VerifyDeps {
  /** The built-in release public key (PEM, SPKI). */
  publicKeyPem: string;
  /** The manifest's name for this platform (channelFileFor). */
  channelFile: string;
  /** Reads a file of the feed (the manifest and its `.sig`); throws when it cannot. */
  fetchFeedFile: (name: string) => Promise<Buffer>;
  /** SHA-512 (base64) of the downloaded installer. */
  hashFile: (file: string) => Promise<string>;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Checks one download as electron-updater reports it (update-downloaded). */
export async function verifyDownload(
  deps: VerifyDeps,
  download: { version: string; downloadedFile?: string | undefined },
): Promise<VerifyResult> {
  if (!download.downloadedFile)
    return { ok: false, reason: '未找到下载的安装包 / no downloaded file' };
  let manifest: Buffer;
  let signature: string;
  try {
    manifest = await deps.fetchFeedFile(deps.channelFile);
    signature = (await deps.fetchFeedFile(`${deps.channelFile}.sig`)).toString('utf8');
  } catch (error) {
    return {
      ok: false,
      reason: `无法取得更新清单或其签名 / manifest or signature unavailable: ${String(error)}`,
    };
  }
  if (!manifestSignatureValid(manifest, signature, deps.publicKeyPem)) {
    return { ok: false, reason: '更新清单签名无效 / manifest signature invalid' };
  }
  const signed = parseManifest(manifest.toString('utf8'));
  if (!signed) return { ok: false, reason: '更新清单格式错误 / manifest unreadable' };
  if (signed.version !== download.version) {
    return {
      ok: false,
      reason: `下载的版本 ${download.version} 与签名清单 ${signed.version} 不符 / version mismatch`,
    };
  }
  let actual: string;
  try {
    actual = await deps.hashFile(download.downloadedFile);
  } catch (error) {
    return { ok: false, reason: `无法读取安装包 / cannot read installer: ${String(error)}` };
  }
  const listed = [...signed.files.map((f) => f.sha512), signed.sha512].filter(Boolean);
  if (!listed.includes(actual)) {
    return { ok: false, reason: '安装包校验值与签名清单不符 / installer sha512 mismatch' };
  }
  return { ok: true };
}

/** Plain HTTP feeds only when an administrator allowed them; everything else must be HTTPS. */
export function feedAllowed(feedUrl: string, allowHttp: boolean): boolean {
  try {
    const u = new URL(feedUrl);
    return u.protocol === 'https:' || (allowHttp && u.protocol === 'http:');
  } catch {
    return false;
  }
}

/** Reads feed files over the network (main's implementation of VerifyDeps.fetchFeedFile). */
export function httpFeedReader(feedUrl: string, timeoutMs = 30_000) {
  const base = feedUrl.endsWith('/') ? feedUrl : `${feedUrl}/`;
  return async (name: string): Promise<Buffer> => {
    const res = await fetch(new URL(name, base), {
      signal: AbortSignal.timeout(timeoutMs),
      cache: 'no-store',
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${name}`);
    return Buffer.from(await res.arrayBuffer());
  };
}
