// The display's announcement queue as a rule (pure; the Announcer in the renderer plays it):
// reading a call out takes seconds, and five quick calls once took ~9 s to get through. A later
// call for the same counter replaces one not yet read (in its place in the line: the counter
// was called first), and calls older than config.announcementMaxAgeSeconds are dropped unread
// (the customer has seen the screen by then).

export interface PendingAnnouncement {
  text: string;
  repeat: number;
  counterNo: number;
  ticketNo: string;
  /** When the call happened (hall service time, ms). */
  at: number;
}

/** Adds a call to the unread line, replacing an unread earlier call of the same counter. */
export function addAnnouncement(
  line: readonly PendingAnnouncement[],
  call: PendingAnnouncement,
): PendingAnnouncement[] {
  const i = line.findIndex((p) => p.counterNo === call.counterNo);
  if (i < 0) return [...line, call];
  const next = [...line];
  next[i] = call;
  return next;
}

/** The next call to read at `now`, dropping the ones too old to be worth reading. */
export function takeAnnouncement(
  line: readonly PendingAnnouncement[],
  now: number,
  maxAgeMs: number,
): {
  next: PendingAnnouncement | null;
  rest: PendingAnnouncement[];
  dropped: PendingAnnouncement[];
} {
  const dropped: PendingAnnouncement[] = [];
  const fresh: PendingAnnouncement[] = [];
  for (const p of line) (now - p.at > maxAgeMs ? dropped : fresh).push(p);
  const [next = null, ...rest] = fresh;
  return { next, rest, dropped };
}
