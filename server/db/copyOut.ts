// Raw rows from PostgreSQL without the driver decoding them: `COPY (SELECT …) TO STDOUT (FORMAT
// binary)` run as a pg "submittable", its CopyData bytes kept as Buffers. A text column arrives
// as its UTF-8 bytes, so a pull page (about 1 MB of stored record text) goes from the socket to
// the compressor without becoming a JavaScript string (decoding it, re-encoding it and the
// garbage collection of megabyte strings were most of an uncached page's CPU).
//
// COPY takes no bind parameters: callers inline only values they have checked (integers,
// booleans, UUIDs) — see sqlInt/sqlBool/sqlUuid below.

/** The part of pg's Connection a submittable uses. */
interface PgConnection {
  query(text: string): void;
}

/**
 * A query object pg's Client accepts (`client.query(submittable)`): the client sends it with
 * `submit` and forwards the backend's messages to the handle* methods until ReadyForQuery.
 */
export class CopyOutBinary {
  private readonly chunks: Buffer[] = [];
  private error: Error | null = null;
  private settled = false;
  readonly done: Promise<Buffer>;
  private resolve!: (b: Buffer) => void;
  private reject!: (e: Error) => void;

  constructor(private readonly text: string) {
    this.done = new Promise<Buffer>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    // The chunk is a view into the driver's receive buffer, which it reuses: copy it out.
    this.chunks.push(Buffer.from(msg.chunk));
  }

  handleError(err: Error): void {
    this.error ??= err;
    // After a backend error ReadyForQuery follows; after a broken connection nothing does.
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  // Messages a COPY does not send, or that need nothing here.
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.error) this.reject(this.error);
    else this.resolve(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks));
  }
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** Splits PostgreSQL's binary COPY format into rows of raw field bytes (null for NULL). */
export function parseBinaryCopy(buf: Buffer): Array<Array<Buffer | null>> {
  if (buf.length < 19 || !buf.subarray(0, 11).equals(SIGNATURE)) {
    throw new Error('COPY BINARY: bad signature');
  }
  let at = 11 + 4; // signature, flags
  at += 4 + buf.readUInt32BE(at); // header extension
  const rows: Array<Array<Buffer | null>> = [];
  for (;;) {
    const n = buf.readInt16BE(at);
    at += 2;
    if (n === -1) return rows;
    const row: Array<Buffer | null> = [];
    for (let i = 0; i < n; i++) {
      const len = buf.readInt32BE(at);
      at += 4;
      if (len === -1) {
        row.push(null);
      } else {
        if (at + len > buf.length) throw new Error('COPY BINARY: truncated');
        row.push(buf.subarray(at, at + len));
        at += len;
      }
    }
    rows.push(row);
  }
}

/** An integer for inlining into SQL (COPY has no parameters); anything else is refused. */
export function sqlInt(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${String(n)}`);
  return String(n);
}

export function sqlBool(b: boolean): string {
  return b ? 'true' : 'false';
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function sqlUuid(s: string): string {
  if (!UUID_RE.test(s)) throw new Error('not a uuid');
  return `'${s}'::uuid`;
}
