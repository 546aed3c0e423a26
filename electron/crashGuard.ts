// After a renderer crash the window is reloaded (drafts are in IndexedDB, so the work comes
// back); a crash loop (too many crashes in a short time) stops reloading and shows an error.

export class CrashGuard {
  private readonly times: number[] = [];

  constructor(
    private readonly limit = 3,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; true if the window should be reloaded, false if it is a crash loop. */
  recordCrash(): boolean {
    const t = this.now();
    this.times.push(t);
    while (this.times.length && t - (this.times[0] ?? t) > this.windowMs) this.times.shift();
    return this.times.length <= this.limit;
  }
}
