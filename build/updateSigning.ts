// Signs update manifests for the shell's verification (electron/updateSignature.ts), and makes
// the release key pair. Ed25519 with node:crypto:
//   npx tsx build/updateSigning.ts keygen <private-key.pem>   new key pair: the private key to
//       that file (0600, keep it off the build machines' disks when not signing), the public key
//       written into electron/updateKey.ts (commit it: every build then trusts only this key)
//   npx tsx build/updateSigning.ts sign [release-dir]         writes <manifest>.sig beside every
//       latest*.yml in release-dir (default release/), with the private key from
//       HALLDESK_UPDATE_SIGNING_KEY (PEM text) or HALLDESK_UPDATE_SIGNING_KEY_FILE (a path)
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const KEY_MODULE = path.join(root, 'electron', 'updateKey.ts');

/** The TypeScript module that builds the public key into the app. */
export function keyModuleText(publicKeyPem: string): string {
  return `// The release public key every build trusts for updates (Ed25519, SPKI PEM). Replace it with
// \`npx tsx build/updateSigning.ts keygen <private-key.pem>\`; sign releases with the private key
// (build/README.md). A feed whose manifest is not signed by this key is never installed.
export const UPDATE_PUBLIC_KEY = \`${publicKeyPem.trim()}
\`;
`;
}

/** A signature file's text for one manifest's exact bytes: base64 Ed25519, one line. */
export function signManifest(manifest: Buffer, privateKeyPem: string): string {
  return `${sign(null, manifest, createPrivateKey(privateKeyPem)).toString('base64')}\n`;
}

/** Signs every latest*.yml in `dir`; returns the manifests signed. */
export function signReleaseDir(dir: string, privateKeyPem: string): string[] {
  const manifests = fs.readdirSync(dir).filter((f) => /^latest.*\.yml$/.test(f));
  for (const f of manifests) {
    const text = signManifest(fs.readFileSync(path.join(dir, f)), privateKeyPem);
    fs.writeFileSync(path.join(dir, `${f}.sig`), text);
  }
  return manifests;
}

function privateKeyFromEnv(): string {
  const inline = process.env.HALLDESK_UPDATE_SIGNING_KEY;
  if (inline) return inline;
  const file = process.env.HALLDESK_UPDATE_SIGNING_KEY_FILE;
  if (file) return fs.readFileSync(file, 'utf8');
  throw new Error('set HALLDESK_UPDATE_SIGNING_KEY (PEM) or HALLDESK_UPDATE_SIGNING_KEY_FILE');
}

function main(argv: string[]): void {
  const [cmd, arg] = argv;
  if (cmd === 'keygen') {
    if (!arg) throw new Error('usage: keygen <private-key.pem>');
    if (fs.existsSync(arg)) throw new Error(`${arg} exists: refusing to overwrite a key`);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    fs.writeFileSync(arg, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    fs.writeFileSync(KEY_MODULE, keyModuleText(pub));
    console.log(`private key: ${arg} (0600)\npublic key written to ${KEY_MODULE}:\n${pub}`);
    return;
  }
  if (cmd === 'sign') {
    const dir = path.resolve(arg ?? path.join(root, 'release'));
    const key = privateKeyFromEnv();
    const pub = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString().trim();
    const built = fs.readFileSync(KEY_MODULE, 'utf8');
    if (!built.includes(pub)) {
      console.warn('warning: this key is not the one in electron/updateKey.ts; builds will refuse');
    }
    const signed = signReleaseDir(dir, key);
    if (signed.length === 0) throw new Error(`no latest*.yml in ${dir}`);
    for (const f of signed) console.log(`signed ${f} -> ${f}.sig`);
    return;
  }
  throw new Error('usage: updateSigning.ts keygen <private-key.pem> | sign [release-dir]');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
