// Background updates with electron-updater from a generic feed URL (the central endpoint can
// serve it): download quietly, install only when updatePolicy.ts allows (next start or quit,
// never during a customer's business). A record in the data folder (updateRecord.ts) tells the
// next start whether the install worked, so a done update is forgotten and a failed one is not
// retried at every start. Nothing installs before updateSignature.ts has checked the signed
// manifest and the installer's SHA-512 against it; feeds are HTTPS unless an administrator
// allowed plain HTTP.
import fs from 'node:fs';
import path from 'node:path';
import type { UpdateStatus } from '../shared/ipc/contract';
import { readJson, writeJsonAtomic } from './jsonFile';
import { decideInstall, type AppPhase, type BusyState } from './updatePolicy';
import { feedAllowed, type VerifyResult } from './updateSignature';
import {
  isEmptyRecord,
  parseUpdateRecord,
  reconcileUpdateRecord,
  type InstallAttempt,
  type UpdateRecord,
} from './updateRecord';

export interface UpdaterLogger {
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
  debug?(message: string): void;
}

/**
 * What we use of electron-updater's autoUpdater. A local interface rather than its types, so that
 * this module (and its tests) never load electron-updater, which needs Electron; main.ts passes
 * the real autoUpdater, and TypeScript checks there that it fits.
 */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: UpdaterLogger | null;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'checking-for-update', listener: () => void): unknown;
  on(event: 'update-not-available', listener: () => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(
    event: 'update-downloaded',
    listener: (info: { version: string; downloadedFile?: string }) => void,
  ): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface UpdaterDeps {
  feedUrl: string | null;
  /** Plain http:// feeds only when an administrator set this (settings.updateAllowHttp). */
  allowHttpFeed?: boolean;
  /**
   * Checks a download before anything may install it (updateSignature.ts verifyDownload with
   * the built-in public key): signed manifest, same version, installer SHA-512 listed in it.
   */
  verify: (download: { version: string; downloadedFile?: string }) => Promise<VerifyResult>;
  isPackaged: boolean;
  dataDir: string;
  /** The running app's version: what reconciles the record at start. */
  currentVersion: string;
  updater: Updater;
  busy: () => BusyState;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  onStatus: (s: UpdateStatus) => void;
  onReady: (version: string) => void;
  /** How long start() gives a cached pending update to come back before the windows open. */
  startWaitMs?: number;
  checkEveryMs?: number;
  now?: () => Date;
}

export class Updates {
  private status: UpdateStatus = {
    state: 'disabled',
    readyVersion: null,
    percent: null,
    error: null,
  };
  private phase: AppPhase = 'starting';
  private readonly pendingFile: string;
  private record: UpdateRecord = parseUpdateRecord(null);
  private failedVersion: string | null = null;
  /** Set while start() waits for a cached update; ends that wait (true: installing now). */
  private endWait: ((installing: boolean) => void) | null = null;
  /** quitAndInstall at start went through: the installer owns the way out. */
  private handedOver = false;
  /** An error electron-updater reports synchronously from inside quitAndInstall. */
  private installError: string | null = null;
  private inQuitAndInstall = false;
  private interval: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly deps: UpdaterDeps) {
    this.pendingFile = path.join(deps.dataDir, 'update-pending.json');
  }

  getStatus(): UpdateStatus {
    return { ...this.status };
  }

  private set(patch: Partial<UpdateStatus>): void {
    this.status = { ...this.status, ...patch };
    this.deps.onStatus(this.getStatus());
  }

  private readRecord(): UpdateRecord {
    const { value, error } = readJson(this.pendingFile);
    if (error) this.deps.log('warn', `update record unreadable, starting afresh: ${error}`);
    return parseUpdateRecord(value);
  }

  private saveRecord(next: UpdateRecord): void {
    this.record = next;
    try {
      if (isEmptyRecord(next)) fs.rmSync(this.pendingFile, { force: true });
      else writeJsonAtomic(this.pendingFile, next);
    } catch (error) {
      // Not fatal for this run; the next start only knows less.
      this.deps.log('error', `could not write the update record: ${String(error)}`);
    }
  }

  private attempt(version: string, via: InstallAttempt['via']): InstallAttempt {
    const at = (this.deps.now?.() ?? new Date()).toISOString();
    return { version, fromVersion: this.deps.currentVersion, via, at };
  }

  /**
   * Starts the updater. Resolves once, at start, a pending update was handed to the installer
   * (the app is then quitting) — true — or it is clear there is none to install now — false.
   */
  async start(): Promise<boolean> {
    const { deps } = this;
    // Disabled means hands off, the record included: a development run may share the data
    // folder with an installed copy and must not judge that copy's install.
    if (!deps.feedUrl || !deps.isPackaged) {
      deps.log('info', `updates disabled (${deps.feedUrl ? 'not packaged' : 'no feed URL'})`);
      return false;
    }

    if (!feedAllowed(deps.feedUrl, deps.allowHttpFeed ?? false)) {
      // An http:// feed can be replaced by anyone on the way; only an administrator's explicit
      // setting allows one (the signature is still checked).
      const error =
        '更新地址必须使用 https（管理员可在设置中明确允许 http）/ update feed must be https';
      deps.log('error', `updates off: feed ${deps.feedUrl} is not allowed (${error})`);
      this.set({ state: 'error', error });
      return false;
    }

    // Before anything else: what became of the last install?
    const stored = this.readRecord();
    const r = reconcileUpdateRecord(stored, deps.currentVersion);
    this.record = stored;
    if (r.changed) this.saveRecord(r.record);
    this.failedVersion = r.failedVersion;
    if (r.installed)
      deps.log('info', `update ${r.installed} is installed (running ${deps.currentVersion})`);
    if (r.failed) {
      deps.log(
        'error',
        `installing update ${r.failed} failed (still running ${deps.currentVersion}): ` +
          'it will not be retried; waiting for a newer version',
      );
    } else if (r.failedVersion) {
      deps.log('warn', `update ${r.failedVersion} failed to install before: not retried`);
    }

    const u = deps.updater;
    u.setFeedURL({ provider: 'generic', url: deps.feedUrl });
    u.autoDownload = true;
    // Registers electron-updater's quit handler at download; beforeQuit decides whether it acts.
    u.autoInstallOnAppQuit = true;
    u.logger = {
      info: (m: unknown) => deps.log('info', `updater: ${String(m)}`),
      warn: (m: unknown) => deps.log('warn', `updater: ${String(m)}`),
      error: (m: unknown) => deps.log('error', `updater: ${String(m)}`),
      debug: () => {},
    };
    this.set({ state: 'idle' });
    u.on('checking-for-update', () => this.set({ state: 'checking', error: null }));
    u.on('update-not-available', () => this.onNotAvailable());
    u.on('download-progress', (p) =>
      this.set({ state: 'downloading', percent: Math.round(p.percent) }),
    );
    u.on('error', (e) => {
      if (this.inQuitAndInstall) {
        this.installError = e.message;
        return;
      }
      this.set({ state: 'error', error: e.message });
      this.endWait?.(false);
    });
    u.on('update-downloaded', (info) => void this.onDownloadedUnverified(info));

    // Only a cached, installable download is worth holding the windows for; it comes back from
    // electron-updater's cache as update-downloaded without downloading again. The wait ends at
    // the first answer of the feed (or the timeout on a dead link), whatever it is.
    const waiting = r.installable
      ? new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            deps.log('info', `update ${r.installable} did not come back in time: starting`);
            this.endWait?.(false);
          }, deps.startWaitMs ?? 10_000);
          this.endWait = (installing) => {
            clearTimeout(timer);
            this.endWait = null;
            resolve(installing);
          };
        })
      : null;
    if (!waiting) this.phase = 'running';

    // Every 4 hours; the first check now.
    const check = () =>
      u.checkForUpdates().catch((e: unknown) => {
        this.set({ state: 'error', error: e instanceof Error ? e.message : String(e) });
        this.endWait?.(false);
      });
    void check();
    this.interval = setInterval(() => void check(), deps.checkEveryMs ?? 4 * 60 * 60 * 1000);
    this.interval.unref();

    if (!waiting) return false;
    const installing = await waiting;
    if (!installing) this.phase = 'running';
    return installing;
  }

  private onNotAvailable(): void {
    this.set({ state: 'idle' });
    // The feed offers nothing newer than what runs: a download from an earlier run that did not
    // come back is withdrawn, and holding the next start for it would be a wait for nothing.
    if (this.record.version && this.status.readyVersion === null) {
      this.deps.log('info', `update ${this.record.version} is no longer offered: forgotten`);
      this.saveRecord({ ...this.record, version: null });
    }
    this.endWait?.(false);
  }

  /** Verifies first; a download that fails is refused and reported, never installed. */
  private async onDownloadedUnverified(info: {
    version: string;
    downloadedFile?: string;
  }): Promise<void> {
    // Until it is verified, nothing is ready: a quit in the meantime installs nothing.
    this.set({ state: 'downloading', readyVersion: null, percent: 100, error: null });
    let result: VerifyResult;
    try {
      result = await this.deps.verify(info);
    } catch (error) {
      result = { ok: false, reason: String(error) };
    }
    if (!result.ok) {
      this.deps.log('error', `update ${info.version} refused: ${result.reason}`);
      this.deps.updater.autoInstallOnAppQuit = false;
      this.set({
        state: 'error',
        readyVersion: null,
        percent: null,
        error: refusal(info.version, result.reason),
      });
      this.endWait?.(false);
      return;
    }
    this.onDownloaded(info.version);
  }

  private onDownloaded(version: string): void {
    const { deps } = this;
    if (version === this.failedVersion) {
      deps.log('warn', `update ${version} is downloaded but failed to install before: skipped`);
      this.set({
        state: 'error',
        readyVersion: null,
        percent: null,
        error: `installing ${version} failed; waiting for a newer version`,
      });
      this.endWait?.(false);
      return;
    }
    if (this.record.version !== version) this.saveRecord({ ...this.record, version });
    this.set({ state: 'ready', readyVersion: version, percent: 100, error: null });
    deps.onReady(version);
    const decision = decideInstall({
      phase: this.phase,
      downloadedVersion: version,
      busy: deps.busy(),
      failedVersion: this.failedVersion,
    });
    deps.log('info', `update ${version} downloaded: ${decision.reason}`);
    if (decision.install && this.phase === 'starting') this.installAtStart(version);
    else this.endWait?.(false);
  }

  private installAtStart(version: string): void {
    const { deps } = this;
    this.phase = 'quitting';
    // Written before the handover: if the installer never gets the app back to a new version,
    // the next start finds this attempt from the version still running and does not loop.
    this.saveRecord({ ...this.record, version, attempt: this.attempt(version, 'start') });
    this.installError = null;
    this.inQuitAndInstall = true;
    try {
      deps.updater.quitAndInstall(true, true);
    } catch (error) {
      this.installError = error instanceof Error ? error.message : String(error);
    } finally {
      this.inQuitAndInstall = false;
    }
    if (this.installError === null) {
      this.handedOver = true;
      this.endWait?.(true);
      return;
    }
    // electron-updater refused on the spot (no installer file, not writable…): the app does not
    // quit, so open the windows and treat the version as failed now.
    deps.log('error', `installing update ${version} failed: ${this.installError}`);
    this.failedVersion = version;
    this.saveRecord({ ...this.record, attempt: null, failedVersion: version });
    this.set({ state: 'error', readyVersion: null, error: this.installError });
    this.endWait?.(false);
  }

  /** Called once windows are up. */
  markRunning(): void {
    if (this.phase === 'starting') this.phase = 'running';
  }

  /** On before-quit: install the downloaded update on the way out only if policy allows. */
  beforeQuit(): void {
    if (this.status.state === 'disabled' || this.handedOver) return;
    this.phase = 'quitting';
    const version = this.status.readyVersion;
    const decision = decideInstall({
      phase: 'quitting',
      downloadedVersion: version,
      busy: this.deps.busy(),
      failedVersion: this.failedVersion,
    });
    this.deps.updater.autoInstallOnAppQuit = decision.install;
    // before-quit can come again after a cancelled quit, with another answer: keep the record
    // in step with what electron-updater's quit handler will do.
    if (decision.install && version) {
      this.saveRecord({ ...this.record, version, attempt: this.attempt(version, 'quit') });
    } else if (this.record.attempt) {
      this.saveRecord({ ...this.record, attempt: null });
    }
    this.deps.log('info', `quit: ${decision.reason}`);
  }

  /** Stops the periodic checks (tests; the app just quits). */
  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
    this.endWait?.(false);
  }
}

/** "中文 / English" like main's other messages, the reason's two halves in their places. */
function refusal(version: string, reason: string): string {
  const i = reason.indexOf(' / ');
  const zh = i > 0 ? reason.slice(0, i) : reason;
  const en = i > 0 ? reason.slice(i + 3) : reason;
  return `更新包校验失败，已拒绝安装（${version}）：${zh} / update ${version} refused: ${en}`;
}
