// Updates across app runs, with a real temp data folder and a fake updater: an EventEmitter that
// replays electron-updater's events (checking-for-update, update-available, download-progress,
// update-downloaded, update-not-available, error). It is not Electron nor electron-updater. Each
// run is a new Updates on the same folder. Timers are faked, so "does not wait for the 10 s
// timeout" means it resolved without the clock moving. Every download is verified as main does
// (electron/updateSignature.ts): the fake feed holds a manifest signed with a test key pair.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDLE, type BusyState } from '../../../electron/updatePolicy';
import { Updates, type Updater, type UpdaterLogger } from '../../../electron/updates';
import { verifyDownload } from '../../../electron/updateSignature';
import { signManifest } from '../../../build/updateSigning';

const FEED = 'https://central.example/updates/';

// The release key of these tests, and another key an attacker might sign with.
const release = generateKeyPairSync('ed25519');
const attacker = generateKeyPairSync('ed25519');
const pem = (k: typeof release.privateKey) => k.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_KEY = release.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const sha512 = (b: Buffer | string) => createHash('sha512').update(b).digest('base64');

/** The feed's files (latest.yml and latest.yml.sig), shared by every run of a test. */
let feed = new Map<string, Buffer>();

/** What the build publishes for `version`: the installer and its signed manifest. */
function publish(version: string, installer: Buffer, signWith = release.privateKey): void {
  const name = `HallDesk-Setup-${version}-x64.exe`;
  const manifest = Buffer.from(
    `version: ${version}\nfiles:\n  - url: ${name}\n    sha512: ${sha512(installer)}\n` +
      `    size: ${installer.length}\npath: ${name}\nsha512: ${sha512(installer)}\n` +
      `releaseDate: '2025-03-01T08:00:00.000Z'\n`,
  );
  feed.set('latest.yml', manifest);
  feed.set('latest.yml.sig', Buffer.from(signManifest(manifest, pem(signWith))));
}

type Answer = 'silent' | 'not-available' | 'error' | { downloaded: string };

class FakeUpdater extends EventEmitter implements Updater {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  logger: UpdaterLogger | null = null;
  feed: { provider: 'generic'; url: string } | null = null;
  checks = 0;
  installs: Array<{ isSilent?: boolean; isForceRunAfter?: boolean }> = [];
  /** What the feed (or electron-updater's cache) answers to the next checks. */
  answer: Answer = 'silent';
  /** quitAndInstall reports this error on the spot, as electron-updater's install() does. */
  refuseInstall: string | null = null;
  onSetFeed: () => void = () => {};

  setFeedURL(options: { provider: 'generic'; url: string }): void {
    this.onSetFeed();
    this.feed = options;
  }

  checkForUpdates(): Promise<unknown> {
    this.checks++;
    this.emit('checking-for-update');
    const answer = this.answer;
    // electron-updater answers asynchronously; 'silent' is a link that never answers.
    return Promise.resolve().then(() => {
      if (answer === 'silent') return new Promise<never>(() => {});
      if (answer === 'not-available') {
        this.emit('update-not-available', { version: '0.0.0', files: [], releaseDate: '' });
        return null;
      }
      if (answer === 'error') {
        const error = new Error('net::ERR_INTERNET_DISCONNECTED');
        this.emit('error', error, error.message);
        throw error;
      }
      this.download(answer.downloaded);
      return null;
    });
  }

  /**
   * A download (or a cache hit) finishing, as electron-updater reports it: the installer is a
   * real file in the cache; the feed holds its signed manifest unless the test arranged another.
   */
  download(version: string, opts: { publish?: boolean; bytes?: Buffer } = {}): void {
    const installer = Buffer.from(`HallDesk installer ${version}`);
    if (opts.publish ?? true) publish(version, installer);
    fs.mkdirSync(path.join(dir, 'cache'), { recursive: true });
    const file = path.join(dir, 'cache', `HallDesk-${version}.exe`);
    fs.writeFileSync(file, opts.bytes ?? installer);
    this.emit('update-available', { version, files: [], releaseDate: '' });
    this.emit('download-progress', { percent: 100, bytesPerSecond: 1, total: 1, transferred: 1 });
    this.emit('update-downloaded', {
      version,
      files: [],
      releaseDate: '',
      downloadedFile: file,
    });
  }

  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push({ isSilent, isForceRunAfter });
    if (this.refuseInstall) this.emit('error', new Error(this.refuseInstall));
  }
}

let dir: string;
const running: Updates[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-updates-'));
  feed = new Map();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});

afterEach(() => {
  for (const u of running.splice(0)) u.stop();
  vi.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface RunOptions {
  version: string;
  answer?: Answer;
  feedUrl?: string | null;
  isPackaged?: boolean;
  allowHttpFeed?: boolean;
}

/** One run of the app on the shared data folder. */
function run(opts: RunOptions) {
  const updater = new FakeUpdater();
  updater.answer = opts.answer ?? 'silent';
  const logs: string[] = [];
  const ready: string[] = [];
  let busy: BusyState = IDLE;
  const statuses: string[] = [];
  const updates = new Updates({
    feedUrl: opts.feedUrl === undefined ? FEED : opts.feedUrl,
    ...(opts.allowHttpFeed ? { allowHttpFeed: true } : {}),
    verify: (download) =>
      verifyDownload(
        {
          publicKeyPem: PUBLIC_KEY,
          channelFile: 'latest.yml',
          fetchFeedFile: (name) => {
            const file = feed.get(name);
            return file ? Promise.resolve(file) : Promise.reject(new Error(`404 ${name}`));
          },
          // Synchronous read: the fake clock's flush sees the verification through.
          hashFile: (file) => Promise.resolve(sha512(fs.readFileSync(file))),
        },
        download,
      ),
    isPackaged: opts.isPackaged ?? true,
    dataDir: dir,
    currentVersion: opts.version,
    updater,
    busy: () => busy,
    log: (level, msg) => logs.push(`${level} ${msg}`),
    onStatus: (st) => statuses.push(st.state),
    onReady: (v) => ready.push(v),
    now: () => new Date('2025-03-01T08:00:00.000Z'),
  });
  running.push(updates);
  return {
    updates,
    updater,
    logs,
    ready,
    statuses,
    setBusy: (b: BusyState) => {
      busy = b;
    },
  };
}

const recordFile = () => path.join(dir, 'update-pending.json');

function record(): unknown {
  return fs.existsSync(recordFile()) ? JSON.parse(fs.readFileSync(recordFile(), 'utf8')) : null;
}

function writeRecord(value: unknown): void {
  fs.writeFileSync(recordFile(), JSON.stringify(value));
}

/** Starts and reports whether start() settled without the fake clock moving (no wait). */
async function startPromptly(updates: Updates): Promise<{ settled: boolean; installing: boolean }> {
  let settled = false;
  let installing = false;
  void updates.start().then((v) => {
    settled = true;
    installing = v;
  });
  await vi.advanceTimersByTimeAsync(0);
  return { settled, installing };
}

const attemptFrom = (version: string, fromVersion: string, via: 'start' | 'quit') => ({
  version,
  fromVersion,
  via,
  at: '2025-03-01T08:00:00.000Z',
});

describe('Updates', () => {
  it('first start without a record does not wait and does not install', async () => {
    const { updates, updater } = run({ version: '1.0.0' });
    expect(await startPromptly(updates)).toEqual({ settled: true, installing: false });
    expect(updater.feed).toEqual({ provider: 'generic', url: FEED });
    expect(updater.autoDownload).toBe(true);
    expect(updater.checks).toBe(1);
    expect(updater.installs).toEqual([]);
    expect(record()).toBeNull();
  });

  it('a download while running does not install but writes the record', async () => {
    const { updates, updater, ready } = run({ version: '1.0.0' });
    await startPromptly(updates);
    updates.markRunning();
    updater.download('1.1.0');
    await vi.advanceTimersByTimeAsync(0); // verification
    expect(updater.installs).toEqual([]);
    expect(ready).toEqual(['1.1.0']);
    expect(updates.getStatus()).toMatchObject({ state: 'ready', readyVersion: '1.1.0' });
    expect(record()).toEqual({ version: '1.1.0', attempt: null, failedVersion: null });
  });

  it('quit while idle installs on the way out and records the attempt', async () => {
    const { updates, updater } = run({ version: '1.0.0' });
    await startPromptly(updates);
    updater.download('1.1.0');
    await vi.advanceTimersByTimeAsync(0); // verification
    updates.beforeQuit();
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(record()).toEqual({
      version: '1.1.0',
      attempt: attemptFrom('1.1.0', '1.0.0', 'quit'),
      failedVersion: null,
    });
  });

  it('quit while serving or with a dirty form does not install (and a retried quit follows suit)', async () => {
    const { updates, updater, setBusy } = run({ version: '1.0.0' });
    await startPromptly(updates);
    updater.download('1.1.0');
    await vi.advanceTimersByTimeAsync(0); // verification
    for (const busy of [
      { ...IDLE, serving: true },
      { ...IDLE, dirtyForms: 2 },
    ]) {
      setBusy(busy);
      updates.beforeQuit();
      expect(updater.autoInstallOnAppQuit).toBe(false);
      expect(record()).toEqual({ version: '1.1.0', attempt: null, failedVersion: null });
    }
    // An idle quit records the attempt; a busy one after it (the first quit was cancelled)
    // takes it back, as electron-updater will then not install.
    setBusy(IDLE);
    updates.beforeQuit();
    expect(updater.autoInstallOnAppQuit).toBe(true);
    setBusy({ ...IDLE, serving: true });
    updates.beforeQuit();
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(record()).toEqual({ version: '1.1.0', attempt: null, failedVersion: null });
  });

  it('the next start on the new version clears the record and does not wait', async () => {
    writeRecord({ version: '1.1.0', attempt: attemptFrom('1.1.0', '1.0.0', 'quit') });
    const { updates, updater, logs } = run({ version: '1.1.0' });
    let recordWhenUpdaterTouched: unknown = 'untouched';
    updater.onSetFeed = () => (recordWhenUpdaterTouched = record());
    expect(await startPromptly(updates)).toEqual({ settled: true, installing: false });
    expect(recordWhenUpdaterTouched).toBeNull(); // reconciled before the updater did anything
    expect(record()).toBeNull();
    expect(updater.installs).toEqual([]);
    expect(logs).toContain('info update 1.1.0 is installed (running 1.1.0)');
  });

  it('reads the old record format ({ version }) and clears it once that version runs', async () => {
    writeRecord({ version: '1.1.0' });
    const { updates } = run({ version: '1.1.0' });
    expect(await startPromptly(updates)).toEqual({ settled: true, installing: false });
    expect(record()).toBeNull();
  });

  it('a pending download installs at the next start, and the attempt is recorded first', async () => {
    writeRecord({ version: '1.1.0' });
    const { updates, updater } = run({ version: '1.0.0', answer: { downloaded: '1.1.0' } });
    expect(await startPromptly(updates)).toEqual({ settled: true, installing: true });
    expect(updater.installs).toEqual([{ isSilent: true, isForceRunAfter: true }]);
    expect(record()).toEqual({
      version: '1.1.0',
      attempt: attemptFrom('1.1.0', '1.0.0', 'start'),
      failedVersion: null,
    });
    // quitAndInstall quits the app: before-quit must leave the installer and the record alone.
    updates.beforeQuit();
    expect(record()).toMatchObject({ attempt: attemptFrom('1.1.0', '1.0.0', 'start') });
    expect(vi.getTimerCount()).toBe(1); // the periodic check only; the 10 s wait was cleared
  });

  it('still on the old version after an attempt: marks it failed, no quitAndInstall again (no boot loop), a newer download does install', async () => {
    writeRecord({ version: '1.1.0', attempt: attemptFrom('1.1.0', '1.0.0', 'start') });

    // Start after the failed install: electron-updater's cache replays 1.1.0.
    const second = run({ version: '1.0.0', answer: { downloaded: '1.1.0' } });
    expect(await startPromptly(second.updates)).toEqual({ settled: true, installing: false });
    expect(second.updater.installs).toEqual([]);
    expect(second.logs).toContain(
      'error installing update 1.1.0 failed (still running 1.0.0): it will not be retried; waiting for a newer version',
    );
    expect(record()).toEqual({ version: '1.1.0', attempt: null, failedVersion: '1.1.0' });
    expect(second.ready).toEqual([]);
    expect(second.updates.getStatus()).toMatchObject({ state: 'error', readyVersion: null });
    second.updates.beforeQuit();
    expect(second.updater.autoInstallOnAppQuit).toBe(false); // not at quit either

    // And the start after that: still no install, no wait.
    const third = run({ version: '1.0.0', answer: { downloaded: '1.1.0' } });
    expect(await startPromptly(third.updates)).toEqual({ settled: true, installing: false });
    expect(third.updater.installs).toEqual([]);
    // The feed publishes 1.2.0 while this run is up: downloaded, installed at quit.
    third.updates.markRunning();
    third.updater.download('1.2.0');
    await vi.advanceTimersByTimeAsync(0); // verification
    expect(third.ready).toEqual(['1.2.0']);
    third.updates.beforeQuit();
    expect(third.updater.autoInstallOnAppQuit).toBe(true);
    expect(record()).toEqual({
      version: '1.2.0',
      attempt: attemptFrom('1.2.0', '1.0.0', 'quit'),
      failedVersion: '1.1.0',
    });
  });

  it('a newer download pending after a failure installs at start', async () => {
    writeRecord({ version: '1.2.0', attempt: null, failedVersion: '1.1.0' });
    const { updates, updater } = run({ version: '1.0.0', answer: { downloaded: '1.2.0' } });
    expect(await startPromptly(updates)).toEqual({ settled: true, installing: true });
    expect(updater.installs).toHaveLength(1);
  });

  it('an install electron-updater refuses on the spot opens the windows and is not retried', async () => {
    writeRecord({ version: '1.1.0' });
    const first = run({ version: '1.0.0', answer: { downloaded: '1.1.0' } });
    first.updater.refuseInstall = 'AppImage is not writable';
    expect(await startPromptly(first.updates)).toEqual({ settled: true, installing: false });
    expect(first.updater.installs).toHaveLength(1);
    expect(record()).toEqual({ version: '1.1.0', attempt: null, failedVersion: '1.1.0' });
    first.updates.beforeQuit();
    expect(first.updater.autoInstallOnAppQuit).toBe(false);

    const next = run({ version: '1.0.0', answer: { downloaded: '1.1.0' } });
    expect(await startPromptly(next.updates)).toEqual({ settled: true, installing: false });
    expect(next.updater.installs).toEqual([]);
  });

  it('with a pending version, update-not-available ends the wait at once (and forgets the withdrawn version)', async () => {
    writeRecord({ version: '1.1.0' });
    const { updates } = run({ version: '1.0.0', answer: 'not-available' });
    expect(await startPromptly(updates)).toEqual({ settled: true, installing: false });
    expect(vi.getTimerCount()).toBe(1); // the periodic check only; the 10 s wait was cleared
    expect(record()).toBeNull();
  });

  it('with a pending version, an error from the feed ends the wait at once', async () => {
    writeRecord({ version: '1.1.0' });
    const { updates } = run({ version: '1.0.0', answer: 'error' });
    expect(await startPromptly(updates)).toEqual({ settled: true, installing: false });
    expect(vi.getTimerCount()).toBe(1);
    expect(updates.getStatus()).toMatchObject({ state: 'error' });
    expect(record()).toEqual({ version: '1.1.0' }); // the link failed: still pending
  });

  it('with a pending version and a feed that never answers, the wait ends at 10 s', async () => {
    writeRecord({ version: '1.1.0' });
    const { updates, updater } = run({ version: '1.0.0', answer: 'silent' });
    let result: boolean | null = null;
    void updates.start().then((v) => (result = v));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(result).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toBe(false);
    // Came back late: the windows are open by now, so it waits for the next start or quit.
    updater.download('1.1.0');
    await vi.advanceTimersByTimeAsync(0); // verification
    expect(updater.installs).toEqual([]);
  });

  it('is disabled without a feed URL or when not packaged, and leaves the record alone', async () => {
    writeRecord({ version: '1.1.0', attempt: attemptFrom('1.1.0', '1.0.0', 'quit') });
    const before = fs.readFileSync(recordFile(), 'utf8');
    for (const opts of [{ feedUrl: null }, { isPackaged: false }]) {
      const { updates, updater, logs } = run({ version: '1.0.0', ...opts });
      expect(await startPromptly(updates)).toEqual({ settled: true, installing: false });
      expect(updater.feed).toBeNull();
      expect(updater.checks).toBe(0);
      expect(updates.getStatus().state).toBe('disabled');
      expect(logs[0]).toMatch(/^info updates disabled \((no feed URL|not packaged)\)$/);
      updates.beforeQuit();
      expect(updater.autoInstallOnAppQuit).toBe(false);
    }
    expect(fs.readFileSync(recordFile(), 'utf8')).toBe(before);
  });
});

describe('Updates: verified before they install', () => {
  /** Runs with a pending 1.1.0 whose download the test shapes; returns the run after start. */
  async function pendingRun(tamper: () => void) {
    writeRecord({ version: '1.1.0' });
    const r = run({ version: '1.0.0' });
    const started = startPromptly(r.updates);
    tamper();
    return { ...r, started };
  }

  it('a correctly signed download installs (the control case)', async () => {
    writeRecord({ version: '1.1.0' });
    const { updates, updater } = run({ version: '1.0.0', answer: { downloaded: '1.1.0' } });
    expect(await startPromptly(updates)).toEqual({ settled: true, installing: true });
    expect(updater.installs).toHaveLength(1);
  });

  const TAMPERED: Array<[string, (u: FakeUpdater) => void]> = [
    // The installer was swapped on the way (or in the cache) after the manifest was signed.
    ['a tampered installer', (u) => u.download('1.1.0', { bytes: Buffer.from('MZ evil') })],
    [
      'a tampered manifest (the attacker lists his own installer’s hash)',
      (u) => {
        publish('1.1.0', Buffer.from('HallDesk installer 1.1.0'));
        const evil = Buffer.from('MZ evil');
        const text = feed
          .get('latest.yml')!
          .toString()
          .replaceAll(sha512(Buffer.from('HallDesk installer 1.1.0')), sha512(evil));
        feed.set('latest.yml', Buffer.from(text)); // the .sig is the one of the original
        u.download('1.1.0', { publish: false, bytes: evil });
      },
    ],
    [
      'a manifest signed with another key',
      (u) => {
        publish('1.1.0', Buffer.from('HallDesk installer 1.1.0'), attacker.privateKey);
        u.download('1.1.0', { publish: false });
      },
    ],
    [
      'a manifest without a signature',
      (u) => {
        publish('1.1.0', Buffer.from('HallDesk installer 1.1.0'));
        feed.delete('latest.yml.sig');
        u.download('1.1.0', { publish: false });
      },
    ],
    [
      'a signed manifest of another version',
      (u) => {
        publish('1.0.5', Buffer.from('HallDesk installer 1.1.0'));
        u.download('1.1.0', { publish: false });
      },
    ],
  ];
  for (const [what, tamper] of TAMPERED) {
    it(`${what} is refused and reported, never installed`, async () => {
      const { updates, updater, ready, logs } = await pendingRun(() => {});
      tamper(updater);
      await vi.advanceTimersByTimeAsync(0);
      expect(updater.installs).toEqual([]);
      expect(ready).toEqual([]);
      const status = updates.getStatus();
      expect(status.state).toBe('error');
      expect(status.readyVersion).toBeNull();
      expect(status.error).toMatch(/更新包校验失败，已拒绝安装/);
      expect(logs.some((l) => l.startsWith('error update 1.1.0 refused:'))).toBe(true);
      // Not at quit either.
      updates.beforeQuit();
      expect(updater.autoInstallOnAppQuit).toBe(false);
    });
  }

  it('an http:// feed is refused unless an administrator allowed it', async () => {
    const plain = 'http://10.1.0.5:8600/updates/';
    const off = run({ version: '1.0.0', feedUrl: plain });
    expect(await startPromptly(off.updates)).toEqual({ settled: true, installing: false });
    expect(off.updater.feed).toBeNull();
    expect(off.updater.checks).toBe(0);
    expect(off.updates.getStatus()).toMatchObject({ state: 'error' });
    expect(off.updates.getStatus().error).toMatch(/https/);

    const allowed = run({ version: '1.0.0', feedUrl: plain, allowHttpFeed: true });
    await startPromptly(allowed.updates);
    expect(allowed.updater.feed).toEqual({ provider: 'generic', url: plain });
    // Still signature-checked over http.
    allowed.updater.download('1.1.0', { bytes: Buffer.from('MZ evil') });
    await vi.advanceTimersByTimeAsync(0);
    expect(allowed.updates.getStatus().state).toBe('error');
  });
});
