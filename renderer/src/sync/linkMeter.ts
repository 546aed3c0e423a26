// What the sync engine knows about its link to the centre: the upload rate it measured and the
// round-trip time of small requests. Used to size push batches and chunks by time, to start the
// next push while the previous answer is on its way, to choose how many chunks go up at once,
// and to tell a stalled transfer (no answer long after its bytes should have arrived) from a
// slow one.

/** Rate assumed before anything was measured: 2 KB/s (a bad GPRS line), so no false stall. */
const UNKNOWN_BYTES_PER_MS = 2;

export class LinkMeter {
  private inflight = 0;
  private busySince: number | null = null;
  private busyTotal = 0;
  private busyAtLastSample = 0;
  private rate: number | null = null;
  private rtts: number[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** An upload (a request with a body) starts. */
  begin(): void {
    if (this.inflight === 0) this.busySince = this.now();
    this.inflight += 1;
  }

  /**
   * An upload ended; `bytes` is its body size when it was answered (0 when it failed). The rate
   * is bytes per ms of time the link had at least one upload on it (idle time does not count),
   * smoothed so that one odd request does not swing it.
   */
  end(bytes: number): void {
    const now = this.now();
    const busy = this.busyTotal + (this.busySince !== null ? now - this.busySince : 0);
    this.inflight = Math.max(0, this.inflight - 1);
    if (this.inflight === 0 && this.busySince !== null) {
      this.busyTotal += now - this.busySince;
      this.busySince = null;
    }
    if (bytes <= 0) return;
    const dBusy = busy - this.busyAtLastSample;
    this.busyAtLastSample = busy;
    if (dBusy < 20 || bytes < 4096) return;
    const sample = bytes / dBusy;
    this.rate = this.rate === null ? sample : this.rate * 0.7 + sample * 0.3;
  }

  /** A small request (no body to speak of) took `ms` from start to answer. */
  roundTrip(ms: number): void {
    this.rtts.push(ms);
    if (this.rtts.length > 8) this.rtts.shift();
  }

  /** Uploads in flight now. */
  get uploads(): number {
    return this.inflight;
  }

  /** Measured upload rate in bytes per ms, or null before the first measurement. */
  bytesPerMs(): number | null {
    return this.rate;
  }

  /** Shortest recent round trip of a small request, or null. */
  rttMs(): number | null {
    return this.rtts.length === 0 ? null : Math.min(...this.rtts);
  }

  /**
   * How long `bytes` take to go up when they share the link with the uploads now in flight
   * (`joining`: the caller's request has not begun yet and will share the link too).
   */
  expectedUploadMs(bytes: number, joining = false): number {
    const rate = this.rate ?? UNKNOWN_BYTES_PER_MS;
    return (bytes * Math.max(1, this.inflight + (joining ? 1 : 0))) / rate;
  }
}
