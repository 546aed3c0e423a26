// The ID card reader in main: built from the machine's settings (interface, library, photo
// decoder, auto-read), rebuilt when they change, and answering the desk's calls. Plain Node with
// its outside (settings, events, where to search) injected, so Vitest runs it against the
// simulators through the real FFI.
import type { IdCardRead } from '../../shared/domain/idCard';
import type { IdCardLocated, IdCardReaderSettings, IdCardStatus } from '../../shared/ipc/contract';
import { IpcFailure } from '../../shared/ipc/registry';
import { CvrDriver } from './cvr';
import { IdCardError, idCardError } from './errors';
import { locateLibrary, locatePhotoDecoder, type LocateEnv } from './locate';
import { IdCardReader } from './reader';
import { SdtDriver } from './sdt';

export interface IdCardServiceDeps {
  /** Stores the port that answered (settings.idCardReader.port). */
  savePort(port: number): void;
  /** Auto-read found a card: to the desk window. */
  onCard(read: IdCardRead): void;
  onStatus(status: IdCardStatus): void;
  locateEnv: Omit<LocateEnv, 'exists' | 'listDirs'>;
  log(level: 'info' | 'warn', message: string): void;
  /** How often auto-read looks for a card (ms). */
  pollMs?: number;
}

export class IdCardService {
  private reader: IdCardReader | null = null;
  private config: IdCardReaderSettings | null = null;
  private problem: IdCardError | null = null;

  constructor(private readonly deps: IdCardServiceDeps) {}

  /** A problem with the reader itself (not with one card): shown until a read succeeds. */
  private readerProblem: IdCardError | null = null;

  status(): IdCardStatus {
    const r = this.reader?.status();
    const problem = this.problem ?? this.readerProblem;
    return {
      available: this.reader !== null,
      kind: this.config?.kind ?? 'none',
      autoRead: r?.autoRead ?? false,
      readerFound: (r?.port ?? null) !== null,
      problem: problem?.message ?? null,
      reason: problem?.reason ?? null,
    };
  }

  /** Card-level failures (no card, removed, a bad read) are the clerk's to retry, not a state. */
  private note(err: IdCardError | null): void {
    const readerLevel =
      err &&
      ![
        'E_IDCARD_NO_CARD',
        'E_IDCARD_REMOVED',
        'E_IDCARD_READ',
        'E_IDCARD_FORMAT',
        'E_IDCARD_BUSY',
      ].includes(err.reason);
    if (!err) this.readerProblem = null;
    else if (readerLevel) this.readerProblem = err;
  }

  /** (Re)builds the reader for these settings; a library problem is kept for the status. */
  async configure(config: IdCardReaderSettings): Promise<void> {
    await this.reader?.dispose();
    this.reader = null;
    this.problem = null;
    this.readerProblem = null;
    this.config = config;
    if (config.kind === 'none') {
      this.deps.onStatus(this.status());
      return;
    }
    const kind = config.kind;
    try {
      const libraryPath = config.libraryPath ?? locateLibrary(kind, this.deps.locateEnv);
      if (!libraryPath) throw idCardError('E_IDCARD_LIBRARY_MISSING', '常用安装目录中没有找到');
      const photoPath =
        config.photoPath ??
        (kind === 'sdt' ? locatePhotoDecoder(libraryPath, this.deps.locateEnv) : null);
      this.reader = new IdCardReader({
        driver: () =>
          kind === 'sdt'
            ? new SdtDriver(libraryPath, photoPath)
            : new CvrDriver(libraryPath, photoPath),
        rememberedPort: config.port,
        onPortFound: (port) => this.deps.savePort(port),
      });
      this.deps.log('info', `id card reader: ${kind} library loaded (${libraryPath})`);
    } catch (err) {
      this.problem = err instanceof IdCardError ? err : idCardError('E_IDCARD_LIBRARY_INVALID');
      this.deps.log('warn', `id card reader: ${this.problem.message}`);
    }
    if (this.reader && config.autoRead) {
      this.reader.startAutoRead(
        this.deps.pollMs ?? 500,
        (read) => {
          this.note(null);
          this.deps.onCard(read);
          this.deps.onStatus(this.status());
        },
        (err) => {
          this.note(err);
          this.deps.onStatus(this.status());
        },
      );
    }
    this.deps.onStatus(this.status());
  }

  /** The clerk's 读身份证: the card, or an IpcFailure carrying the reason and the Chinese text. */
  async read(): Promise<IdCardRead> {
    if (!this.reader) {
      const e = this.problem ?? idCardError('E_IDCARD_NOT_CONFIGURED');
      throw new IpcFailure('unavailable', e.message, e.reason);
    }
    try {
      const read = await this.reader.read();
      this.note(null);
      return read;
    } catch (err) {
      const e = err instanceof IdCardError ? err : idCardError('E_IDCARD_READ');
      this.note(e);
      throw new IpcFailure('failed', e.message, e.reason);
    } finally {
      this.deps.onStatus(this.status());
    }
  }

  locate(kind: 'sdt' | 'cvr'): IdCardLocated {
    const libraryPath = locateLibrary(kind, this.deps.locateEnv);
    return {
      libraryPath,
      photoPath:
        libraryPath && kind === 'sdt' ? locatePhotoDecoder(libraryPath, this.deps.locateEnv) : null,
    };
  }

  async dispose(): Promise<void> {
    await this.reader?.dispose();
    this.reader = null;
  }
}
