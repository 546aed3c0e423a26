// A copy the hall service keeps of something the centre owns (the staff roster, the key-customer
// register), pulled on a timer: pull now, then every `intervalMs`; a failure is logged once per
// distinct message and retried at the next turn, the last copy stays in use meanwhile.
export class CentralPullLoop<O extends { intervalMs?: number }> {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  lastError: string | null = null;

  constructor(
    /** Named in the log line of a failure ("staff roster", "key-customer register"). */
    private readonly what: string,
    private readonly pullOnce: (opts: O) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  start(opts: O): void {
    const tick = async () => {
      try {
        await this.pullOnce(opts);
        this.lastError = null;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (msg !== this.lastError) this.log(`${this.what} pull failed: ${msg}`);
        this.lastError = msg;
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), opts.intervalMs ?? 60_000);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
