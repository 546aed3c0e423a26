// What the hall display shows, derived from the queue state (pure, so the rules are unit
// tested): the large "now calling" panel shows the newest call whose customer is still expected
// (a ticket marked no-show, cleared or sent back to waiting leaves it); each counter's cell
// says whether it is paused AND which ticket it is still serving; the recent-calls list shows
// each ticket once (six recalls of one ticket do not push every other call off the list).
import type { CallEntry, QueueState } from './state';

export interface DisplayCounter {
  no: number;
  name: string;
  paused: boolean;
  /** The ticket called or being served there (also while the counter is paused). */
  current: string | null;
}

export interface DisplayView {
  now: CallEntry | null;
  counters: DisplayCounter[];
  recent: CallEntry[];
}

/** Tickets that a call on the display may still point to. */
function stillCalled(state: QueueState, call: CallEntry): boolean {
  const t = state.tickets[call.ticketNo];
  // A ticket the state does not know (pruned) keeps its call: nothing says it is over.
  if (!t) return true;
  return t.status === 'called' || t.status === 'finished';
}

export function displayView(state: QueueState, recentLimit = 8): DisplayView {
  const now = state.recentCalls.find((c) => stillCalled(state, c)) ?? null;
  const seen = new Set<string>();
  const recent: CallEntry[] = [];
  for (const c of state.recentCalls) {
    // One line per ticket and counter: the newest (re)call stands for all of them.
    const key = `${c.ticketNo}@${c.counterNo}`;
    if (seen.has(key)) continue;
    seen.add(key);
    recent.push(c);
    if (recent.length >= recentLimit) break;
  }
  const counters = state.config.counters.map((c) => {
    const cs = state.counters[String(c.no)];
    return { no: c.no, name: c.name, paused: cs?.paused ?? false, current: cs?.current ?? null };
  });
  return { now, counters, recent };
}
