// What the sync engine knows about its link to the centre: the upload rate it measured and the
// round-trip time of small requests. Used to size push batches and chunks by time, to start the
// next push while the previous answer is on its way, to choose how many chunks go up at once,
// and to tell a stalled transfer (no answer long after its bytes should have arrived) from a
// slow one.

/** Rate assumed before anything was measured: 2 KB/s (a bad GPRS line), so no false stall. */
const UNKNOWN_BYTES_PER_MS = 2;
/** Busy time a rate sample spans at least. */
const SAMPLE_MIN_MS = 750;

export class LinkMeter {
  private inflight = 0;
  private busySince: number | null = null;
  private busyTotal = 0;
  private busyAtLastSample = 0;
  private rate: number | null = null;
  private rtts: number[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The health probe under way on this link (transport.ts probe), joined by other callers. */
  probing: Promise<boolean> | null = null;

  /** Body bytes of the uploads in flight (handed to the link, not yet answered). */
  private inflightBytes = 0;

  /** An upload (a request with a body of `size` bytes) starts. */
  begin(size = 0): void {
    if (this.inflight === 0) this.busySince = this.now();
    this.inflight += 1;
    this.inflightBytes += size;
  }

  /**
   * How long the link needs for the upload bytes in flight: a small request sent now waits
   * about this long behind them (at most; part of them may be up already).
   */
  queuedMs(): number {
    return this.inflightBytes / (this.rate ?? UNKNOWN_BYTES_PER_MS);
  }

  /**
   * An upload ended; `bytes` is its body size when it was answered (0 when it failed). The rate
   * is bytes per ms of time the link had at least one upload on it (idle time does not count),
   * smoothed so that one odd request does not swing it.
   */
  end(bytes: number, size = bytes): void {
    this.inflightBytes = Math.max(0, this.inflightBytes - size);
    const now = this.now();
    const busy = this.busyTotal + (this.busySince !== null ? now - this.busySince : 0);
    this.inflight = Math.max(0, this.inflight - 1);
    if (this.inflight === 0 && this.busySince !== null) {
      this.busyTotal += now - this.busySince;
      this.busySince = null;
    }
    if (bytes <= 0) {
      // A failed upload (a drop, a stall): the time it spent is not the link's rate.
      this.busyAtLastSample = busy;
      this.sampleBytes = 0;
      return;
    }
    // Answers of uploads that overlap arrive bunched (the centre answered two at once): one
    // sample per answer would divide a chunk by the few ms since the previous answer and
    // read a rate many times the link's, and the chunks sized on it would fill the line for
    // many seconds. The bytes answered are summed until they cover enough busy time.
    this.sampleBytes += bytes;
    const dBusy = busy - this.busyAtLastSample;
    if (dBusy < SAMPLE_MIN_MS || this.sampleBytes < 4096) return;
    const sample = this.sampleBytes / dBusy;
    this.busyAtLastSample = busy;
    this.sampleBytes = 0;
    this.rate = this.rate === null ? sample : this.rate * 0.7 + sample * 0.3;
  }

  /** Answered upload bytes not yet in a rate sample. */
  private sampleBytes = 0;

  /**
   * A small request (no body to speak of) took `ms` from start to answer. Only counted when
   * no upload shared the link with it: time queued behind the desk's own chunks is not the
   * link's delay (it made every "quick" allowance after a silent drop as long as the stall).
   */
  roundTrip(ms: number, shared = false): void {
    if (shared) return;
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
