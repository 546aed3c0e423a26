// A window whose page stops answering (an endless loop, a wedged GPU) is recovered instead of
// staring at the hall for hours: after `graceMs` unresponsive the renderer is crashed on purpose,
// which sends it through the crash path (reload, drafts intact, crash-loop guard).

export interface HangTimers {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

export class HangWatch {
  private timer: unknown = null;

  constructor(
    /** Called once the page has been unresponsive for graceMs: crash the renderer. */
    private readonly recover: () => void,
    private readonly graceMs = 30_000,
    private readonly timers: HangTimers = {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
  ) {}

  /** webContents 'unresponsive'. Repeats while already waiting do not restart the clock. */
  unresponsive(): void {
    if (this.timer !== null) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.recover();
    }, this.graceMs);
  }

  /** webContents 'responsive', or the window went away. */
  responsive(): void {
    if (this.timer === null) return;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  get waiting(): boolean {
    return this.timer !== null;
  }
}
