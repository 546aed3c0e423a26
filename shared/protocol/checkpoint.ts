// Pull checkpoints: opaque to clients, but defined here so tests can reason about them.
// Format "v1.<hallFeedSeq>.<configVersion>": the hall's feed position and the highest
// configuration version already delivered.

export interface Checkpoint {
  hallSeq: number;
  configVersion: number;
}

export const INITIAL_CHECKPOINT: Checkpoint = { hallSeq: 0, configVersion: 0 };

export function encodeCheckpoint(c: Checkpoint): string {
  return `v1.${c.hallSeq}.${c.configVersion}`;
}

/** Parses a checkpoint; undefined/empty = from the start; null = malformed. */
export function decodeCheckpoint(s: string | undefined): Checkpoint | null {
  if (s === undefined || s === '') return { ...INITIAL_CHECKPOINT };
  const m = /^v1\.(\d{1,15})\.(\d{1,15})$/.exec(s);
  if (!m) return null;
  return { hallSeq: Number(m[1]), configVersion: Number(m[2]) };
}
