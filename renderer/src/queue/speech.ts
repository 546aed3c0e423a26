// The display's voice: each call is read out in zh-CN after a chime, repeated as configured, and
// queued so that two calls never talk over each other; the line follows shared/queue/announce.ts
// (a later call of the same counter replaces an unread one, stale calls are dropped). Works without voices (headless browsers,
// TVs without a zh-CN voice): the texts are still queued and recorded in
// window.__hallAnnouncements (for tests and for a caption on screen), the pause is simulated.

import {
  addAnnouncement,
  takeAnnouncement,
  type PendingAnnouncement,
} from '../../../shared/queue/announce';

declare global {
  interface Window {
    /** Calls dropped unread (replaced by a later call of the counter, or too old). */
    __hallDropped?: string[];
    /** Every announcement text queued on this page, in order (tests read it). */
    __hallAnnouncements?: string[];
    /** Texts whose speaking finished (or was simulated). */
    __hallSpoken?: string[];
  }
}

export interface AnnouncerOptions {
  onSpeaking?: (text: string | null) => void;
  /** The hall service's clock (ms): call times are its times. */
  now?: () => number;
  /** Calls older than this are dropped unread (config.announcementMaxAgeSeconds). */
  maxAgeMs?: () => number;
}

function chime(ctx: AudioContext | null): Promise<void> {
  if (!ctx || ctx.state !== 'running') return new Promise((r) => setTimeout(r, 300));
  // Two-tone "ding-dong" (WebAudio, no sound file to ship).
  const start = ctx.currentTime + 0.02;
  [880, 660].forEach((freq, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const t = start + i * 0.45;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.4, t + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.42);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + 0.45);
  });
  return new Promise((r) => setTimeout(r, 1000));
}

function speakOnce(text: string): Promise<void> {
  const synth = typeof window !== 'undefined' ? window.speechSynthesis : undefined;
  // Without speech, keep the rhythm of a spoken call so the queue paces like the real thing.
  const fallbackMs = 600 + text.length * 180;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') {
    return new Promise((r) => setTimeout(r, fallbackMs));
  }
  return new Promise((resolve) => {
    const u = new SpeechSynthesisUtterance(text);
    u.lang = 'zh-CN';
    u.rate = 0.9;
    const voice = synth.getVoices().find((v) => v.lang.replace('_', '-').startsWith('zh'));
    if (voice) u.voice = voice;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      resolve();
    };
    // Engines without a voice never fire `end`: never let the queue stall. With a voice the
    // guard is generous so a slow speaker is not talked over by the next call.
    const hasVoice = synth.getVoices().length > 0;
    const guard = setTimeout(finish, hasVoice ? fallbackMs * 3 + 4000 : fallbackMs + 300);
    u.onend = finish;
    u.onerror = finish;
    try {
      synth.speak(u);
    } catch {
      finish();
    }
  });
}

export class Announcer {
  private queue: PendingAnnouncement[] = [];
  private running = false;
  private ctx: AudioContext | null = null;
  private stopped = false;

  constructor(private readonly options: AnnouncerOptions = {}) {
    window.__hallAnnouncements ??= [];
    window.__hallSpoken ??= [];
    window.__hallDropped ??= [];
  }

  /** Browsers allow sound only after a user gesture: call from a click ("启用语音"). */
  async unlock(): Promise<boolean> {
    try {
      this.ctx ??= new AudioContext();
      if (this.ctx.state === 'suspended') await this.ctx.resume();
      return this.ctx.state === 'running';
    } catch {
      return false;
    }
  }

  get audioReady(): boolean {
    return this.ctx?.state === 'running';
  }

  tryAutoUnlock(): void {
    // Kiosk-mode browsers started with an autoplay policy allow this without a gesture.
    void this.unlock();
  }

  /** Queues a call (see shared/queue/announce.ts for what replaces or drops it). */
  enqueue(call: Omit<PendingAnnouncement, 'repeat'> & { repeat: number }): void {
    window.__hallAnnouncements?.push(call.text);
    const replaced = this.queue.find((p) => p.counterNo === call.counterNo);
    if (replaced) window.__hallDropped?.push(replaced.text);
    this.queue = addAnnouncement(this.queue, { ...call, repeat: Math.max(1, call.repeat) });
    if (!this.running) void this.run();
  }

  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  private async run(): Promise<void> {
    this.running = true;
    while (!this.stopped) {
      const now = this.options.now?.() ?? Date.now();
      const taken = takeAnnouncement(this.queue, now, this.options.maxAgeMs?.() ?? 30_000);
      for (const d of taken.dropped) window.__hallDropped?.push(d.text);
      this.queue = taken.rest;
      const item = taken.next;
      if (!item) break;
      this.options.onSpeaking?.(item.text);
      await chime(this.ctx);
      for (let i = 0; i < item.repeat && !this.stopped; i++) {
        await speakOnce(item.text);
        if (i < item.repeat - 1) await new Promise((r) => setTimeout(r, 500));
      }
      window.__hallSpoken?.push(item.text);
    }
    this.running = false;
    this.options.onSpeaking?.(null);
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
    try {
      window.speechSynthesis?.cancel();
    } catch {
      /* ignore */
    }
    void this.ctx?.close().catch(() => undefined);
  }
}
