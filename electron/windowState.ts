// Remembered window size and position per role (window-state.json in the data folder), so the
// desk reopens where the clerk left it; clamping to attached monitors happens at placement.
import path from 'node:path';
import type { Role } from '../shared/ipc/contract';
import { readJson, writeJsonAtomic } from './jsonFile';
import type { Rect } from './windowPlacement';

export interface SavedWindow {
  bounds: Rect;
  maximized: boolean;
}

function isRect(v: unknown): v is Rect {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every(
    (k) => typeof r[k] === 'number' && Number.isFinite(r[k]),
  );
}

export class WindowStateStore {
  private readonly file: string;
  private state: Partial<Record<Role, SavedWindow>> = {};

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'window-state.json');
    const { value } = readJson(this.file);
    if (value && typeof value === 'object') {
      for (const [role, saved] of Object.entries(value as Record<string, unknown>)) {
        const s = saved as { bounds?: unknown; maximized?: unknown } | null;
        if (s && isRect(s.bounds)) {
          this.state[role as Role] = { bounds: s.bounds, maximized: s.maximized === true };
        }
      }
    }
  }

  get(role: Role): SavedWindow | null {
    return this.state[role] ?? null;
  }

  save(role: Role, saved: SavedWindow): void {
    this.state[role] = saved;
    writeJsonAtomic(this.file, this.state, 0o644);
  }
}
