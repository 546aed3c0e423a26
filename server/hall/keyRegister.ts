// The centre's key-customer register in the hall service (issue 14 §3): pulled as configuration
// (the `keyCustomers` document of /api/v1/pull, which a service device receives alone), kept in
// the private data folder so a hall offline after a restart still knows its key customers, and
// asked by the kiosk's lane beside the hall's own configured key customers.
import fs from 'node:fs';
import path from 'node:path';
import { KeyRegisterDoc, registerHasRef } from '../../shared/domain/customers';
import { paths, type PullResponse } from '../../shared/protocol';
import { CentralPullLoop } from './centralPull';
import { writePrivateFile } from './privateFiles';

export interface KeyRegisterPullOptions {
  /** The central endpoint, e.g. http://central.example:8600 */
  baseUrl: string;
  /** The hall service's device token (the same as its push uplink's). */
  token: string;
  /** Between two pulls (default 60 s). */
  intervalMs?: number;
  timeoutMs?: number;
}

interface Stored {
  checkpoint: string | null;
  configVersion: number;
  doc: KeyRegisterDoc | null;
}

const FILE = 'key-register.json';

export class KeyRegister {
  private stored: Stored = { checkpoint: null, configVersion: 0, doc: null };
  private readonly loop: CentralPullLoop<KeyRegisterPullOptions>;

  constructor(
    private readonly dataDir: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.loop = new CentralPullLoop('key-customer register', (o) => this.pullOnce(o), log);
    try {
      const raw = JSON.parse(fs.readFileSync(path.join(dataDir, FILE), 'utf8')) as Stored;
      const doc = raw.doc === null ? null : KeyRegisterDoc.parse(raw.doc);
      this.stored = {
        checkpoint: typeof raw.checkpoint === 'string' ? raw.checkpoint : null,
        configVersion: Number(raw.configVersion) || 0,
        doc,
      };
    } catch {
      // First start or an unreadable file: the next pull from the start rebuilds it.
    }
  }

  /** Whether a 户号 or phone typed at the kiosk is a registered key customer. */
  has(ref: string): boolean {
    return registerHasRef(this.stored.doc, ref);
  }

  get size(): number {
    return this.stored.doc?.entries.length ?? 0;
  }

  /** One pull round: every page up to now, keeping the newest register document. */
  async pullOnce(opts: KeyRegisterPullOptions): Promise<void> {
    let { checkpoint, configVersion, doc } = this.stored;
    let changed = false;
    for (let page = 0; page < 100; page++) {
      const url = new URL(paths.pull, opts.baseUrl);
      if (checkpoint) url.searchParams.set('checkpoint', checkpoint);
      url.searchParams.set('accept', 'keyCustomers');
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${opts.token}` },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      });
      if (!res.ok)
        throw new Error(`central pull HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
      const body = (await res.json()) as PullResponse;
      for (const c of body.changes) {
        if (c.kind !== 'config' || c.key !== 'keyCustomers' || c.version <= configVersion) continue;
        const parsed = KeyRegisterDoc.safeParse(c.data);
        if (!parsed.success) {
          this.log(`key-customer register version ${c.version} ignored: invalid`);
          continue;
        }
        doc = parsed.data;
        configVersion = c.version;
        changed = true;
      }
      checkpoint = body.checkpoint;
      if (!body.hasMore) break;
    }
    this.stored = { checkpoint, configVersion, doc };
    this.save();
    if (changed) this.log(`key-customer register: ${doc?.entries.length ?? 0} customers`);
  }

  private save(): void {
    writePrivateFile(path.join(this.dataDir, FILE), JSON.stringify(this.stored));
  }

  /** Pulls now and then every `intervalMs`; failures are logged and retried next time. */
  start(opts: KeyRegisterPullOptions): void {
    this.loop.start(opts);
  }

  stop(): void {
    this.loop.stop();
  }

  /** The last pull's failure (null after a pull that worked). */
  get lastError(): string | null {
    return this.loop.lastError;
  }
}
