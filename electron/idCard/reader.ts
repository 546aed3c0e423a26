// The ID card reader as main uses it: one driver (SDT or CVR) over the vendor's library, the port
// found by trying the ports the vendors document (the one that answered is remembered and tried
// first), one call at a time, a reader that was unplugged found again on the next call, and an
// auto-read loop that reports each card placed on the reader once.
import type { IdCardRead } from '../../shared/domain/idCard';
import { DEFAULT_PORTS, type IdCardDriver } from './driver';
import { IdCardError, idCardError } from './errors';

export interface IdCardReaderOptions {
  /** Makes the driver (opens the library); called again after dispose. */
  driver: () => IdCardDriver;
  /** The port that answered last time (settings), tried first. */
  rememberedPort?: number | null;
  /** Told when a different port answered, to store it. */
  onPortFound?: (port: number) => void;
  ports?: readonly number[];
  now?: () => Date;
}

export interface ReaderStatus {
  kind: 'sdt' | 'cvr';
  /** The port a reader answered on; null until one did. */
  port: number | null;
  /** Why the last call failed (Chinese), null after a success. */
  lastError: string | null;
  autoRead: boolean;
}

export class IdCardReader {
  private driverInstance: IdCardDriver | null = null;
  private port: number | null = null;
  private remembered: number | null;
  private queue: Promise<unknown> = Promise.resolve();
  private lastError: string | null = null;
  private autoTimer: ReturnType<typeof setTimeout> | null = null;
  private autoStop = false;
  readonly kind: 'sdt' | 'cvr';

  constructor(private readonly options: IdCardReaderOptions) {
    this.remembered = options.rememberedPort ?? null;
    // Opening the library now surfaces a missing or wrong library at configuration time.
    this.driverInstance = options.driver();
    this.kind = this.driverInstance.kind;
  }

  status(): ReaderStatus {
    return {
      kind: this.kind,
      port: this.port,
      lastError: this.lastError,
      autoRead: this.autoTimer !== null,
    };
  }

  private driver(): IdCardDriver {
    this.driverInstance ??= this.options.driver();
    return this.driverInstance;
  }

  /** Runs calls one after another: the vendors' libraries are not safe for concurrent use. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The open port, finding the reader first when none is open (or it was unplugged). */
  private async ensurePort(): Promise<number> {
    if (this.port !== null) return this.port;
    const d = this.driver();
    const order = [
      ...(this.remembered !== null ? [this.remembered] : []),
      ...(this.options.ports ?? DEFAULT_PORTS).filter((p) => p !== this.remembered),
    ];
    for (const p of order) {
      if (await d.open(p)) {
        this.port = p;
        if (p !== this.remembered) {
          this.remembered = p;
          this.options.onPortFound?.(p);
        }
        return p;
      }
    }
    throw idCardError('E_IDCARD_NO_READER');
  }

  /** The reader stopped answering (unplugged): close what we had and look again next time. */
  private async lose(): Promise<void> {
    const p = this.port;
    this.port = null;
    if (p !== null)
      await this.driver()
        .close(p)
        .catch(() => undefined);
  }

  /**
   * Reads the card on the reader. `wait` = false: no card is an error for the clerk; the auto-
   * read loop passes true and gets null instead.
   */
  private async readOnce(noCardIsError: boolean): Promise<IdCardRead | null> {
    let port = await this.ensurePort();
    let found = await this.driver().find(port);
    if (found === 'lost') {
      // One retry after finding the reader again (it was replugged, maybe on another port).
      await this.lose();
      port = await this.ensurePort();
      found = await this.driver().find(port);
      if (found === 'lost') {
        await this.lose();
        throw idCardError('E_IDCARD_NO_READER');
      }
    }
    if (found === 'removed') throw idCardError('E_IDCARD_REMOVED');
    if (found === 'none') {
      if (noCardIsError) throw idCardError('E_IDCARD_NO_CARD');
      return null;
    }
    const raw = await this.driver().read(port);
    return {
      card: raw.card,
      photo: raw.photoBmp ? { mime: 'image/bmp', base64: raw.photoBmp.toString('base64') } : null,
      readerKind: this.kind,
      readAt: (this.options.now?.() ?? new Date()).toISOString(),
    };
  }

  private track<T>(p: Promise<T>): Promise<T> {
    return p.then(
      (v) => {
        this.lastError = null;
        return v;
      },
      (err: unknown) => {
        this.lastError = err instanceof Error ? err.message : String(err);
        throw err instanceof IdCardError ? err : idCardError('E_IDCARD_READ', this.lastError);
      },
    );
  }

  /** The clerk pressed 读卡: the card now, or a clear reason. */
  read(): Promise<IdCardRead> {
    return this.track(this.serial(() => this.readOnce(true))) as Promise<IdCardRead>;
  }

  /** One look for a card (the auto-read loop): null when none is there. */
  poll(): Promise<IdCardRead | null> {
    return this.track(this.serial(() => this.readOnce(false)));
  }

  /**
   * Looks for a card every `intervalMs` and reports each one read. The reader itself refuses to
   * read a card twice until it leaves the field, so a card left lying there is reported once.
   * Errors are reported once per kind until a read succeeds, then the loop goes on.
   */
  startAutoRead(
    intervalMs: number,
    onCard: (read: IdCardRead) => void,
    onError: (err: IdCardError) => void,
  ): void {
    this.stopAutoRead();
    this.autoStop = false;
    let lastReason: string | null = null;
    const tick = async (): Promise<void> => {
      if (this.autoStop) return;
      try {
        const read = await this.poll();
        lastReason = null;
        if (read) onCard(read);
      } catch (err) {
        const e = err instanceof IdCardError ? err : idCardError('E_IDCARD_READ');
        if (e.reason !== lastReason) onError(e);
        lastReason = e.reason;
      }
      if (!this.autoStop) this.autoTimer = setTimeout(() => void tick(), intervalMs);
    };
    this.autoTimer = setTimeout(() => void tick(), 0);
  }

  stopAutoRead(): void {
    this.autoStop = true;
    if (this.autoTimer) clearTimeout(this.autoTimer);
    this.autoTimer = null;
  }

  async dispose(): Promise<void> {
    this.stopAutoRead();
    await this.serial(async () => {
      await this.lose();
      this.driverInstance?.dispose();
      this.driverInstance = null;
    });
  }
}
