// Background updates with electron-updater from a generic feed URL (the central endpoint can
// serve it): download quietly, install only when updatePolicy.ts allows (next start or quit,
// never during a customer's business).
import path from 'node:path';
import { autoUpdater } from 'electron-updater';
import type { UpdateStatus } from '../shared/ipc/contract';
import { readJson, writeJsonAtomic } from './jsonFile';
import { decideInstall, type AppPhase, type BusyState } from './updatePolicy';

export interface UpdaterDeps {
  feedUrl: string | null;
  isPackaged: boolean;
  dataDir: string;
  busy: () => BusyState;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  onStatus: (s: UpdateStatus) => void;
  onReady: (version: string) => void;
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

  /** A version downloaded in an earlier run that has not been installed yet. */
  pendingVersion(): string | null {
    const { value } = readJson(this.pendingFile);
    const v = (value as { version?: unknown } | null)?.version;
    return typeof v === 'string' ? v : null;
  }

  /**
   * Starts the updater. Resolves once, at start, a pending update was handed to the installer
   * (the app is then quitting) — true — or it is clear there is none to install now — false.
   */
  async start(): Promise<boolean> {
    if (!this.deps.feedUrl || !this.deps.isPackaged) {
      this.deps.log(
        'info',
        `updates disabled (${this.deps.feedUrl ? 'not packaged' : 'no feed URL'})`,
      );
      return false;
    }
    autoUpdater.setFeedURL({ provider: 'generic', url: this.deps.feedUrl });
    autoUpdater.autoDownload = true;
    // Registers electron-updater's quit handler; before-quit decides (beforeQuit) whether it acts.
    autoUpdater.autoInstallOnAppQuit = true;
    autoUpdater.logger = {
      info: (m: unknown) => this.deps.log('info', `updater: ${String(m)}`),
      warn: (m: unknown) => this.deps.log('warn', `updater: ${String(m)}`),
      error: (m: unknown) => this.deps.log('error', `updater: ${String(m)}`),
      debug: () => {},
    };
    this.set({ state: 'idle' });
    autoUpdater.on('checking-for-update', () => this.set({ state: 'checking', error: null }));
    autoUpdater.on('update-not-available', () => this.set({ state: 'idle' }));
    autoUpdater.on('download-progress', (p: { percent: number }) =>
      this.set({ state: 'downloading', percent: Math.round(p.percent) }),
    );
    autoUpdater.on('error', (e: Error) => this.set({ state: 'error', error: e.message }));

    const installedAtStart = new Promise<boolean>((resolve) => {
      autoUpdater.on('update-downloaded', (info: { version: string }) => {
        writeJsonAtomic(this.pendingFile, { version: info.version });
        this.set({ state: 'ready', readyVersion: info.version, percent: 100 });
        this.deps.onReady(info.version);
        const decision = decideInstall({
          phase: this.phase,
          downloadedVersion: info.version,
          busy: this.deps.busy(),
          failedVersion: null,
        });
        this.deps.log('info', `update ${info.version} downloaded: ${decision.reason}`);
        if (decision.install && this.phase === 'starting') {
          this.phase = 'quitting';
          autoUpdater.quitAndInstall(true, true);
          resolve(true);
        }
      });
    });

    // Every 4 hours; the first check now. A pending download from an earlier run re-appears
    // from electron-updater's cache as update-downloaded without downloading again.
    const check = () =>
      autoUpdater
        .checkForUpdates()
        .catch((e: unknown) => this.set({ state: 'error', error: String(e) }));
    void check();
    setInterval(() => void check(), 4 * 60 * 60 * 1000).unref();

    if (!this.pendingVersion()) {
      this.phase = 'running';
      return false;
    }
    // Give the cached update a few seconds to be re-validated before the windows open.
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000));
    const installed = await Promise.race([installedAtStart, timeout]);
    if (!installed) this.phase = 'running';
    return installed;
  }

  /** Called once windows are up. */
  markRunning(): void {
    if (this.phase === 'starting') this.phase = 'running';
  }

  /** On before-quit: install the downloaded update on the way out only if policy allows. */
  beforeQuit(): void {
    if (this.status.state === 'disabled') return;
    this.phase = 'quitting';
    const decision = decideInstall({
      phase: 'quitting',
      downloadedVersion: this.status.readyVersion,
      busy: this.deps.busy(),
      failedVersion: null,
    });
    autoUpdater.autoInstallOnAppQuit = decision.install;
    this.deps.log('info', `quit: ${decision.reason}`);
  }
}
