// Where windows go on the machine's monitors: pick the chosen monitor (or a sensible one when it
// is unplugged), place a role's window on it, and clamp remembered bounds to what is visible.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ScreenDisplay {
  id: number;
  bounds: Rect;
  workArea: Rect;
  primary: boolean;
}

/** Monitors numbered 1…n left to right, then top to bottom (what users see in settings). */
export function orderDisplays<T extends ScreenDisplay>(displays: readonly T[]): T[] {
  return [...displays].sort((a, b) => a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y);
}

export interface DisplayPick<T extends ScreenDisplay> {
  display: T;
  /** The chosen monitor was not there: we fell back (log it, and tell the settings page). */
  fellBack: boolean;
}

/**
 * Picks a monitor: the 1-based `wanted` one if plugged in; otherwise the primary, or the first
 * non-primary one for roles that prefer a second screen (hall display, customer screen).
 */
export function pickDisplay<T extends ScreenDisplay>(
  displays: readonly T[],
  wanted: number | null,
  preferred: 'primary' | 'secondary',
): DisplayPick<T> {
  const ordered = orderDisplays(displays);
  if (ordered.length === 0) throw new Error('no displays');
  const primary = ordered.find((d) => d.primary) ?? (ordered[0] as T);
  if (wanted !== null) {
    const hit = ordered[wanted - 1];
    if (hit) return { display: hit, fellBack: false };
  }
  if (preferred === 'secondary') {
    const other = ordered.find((d) => d !== primary);
    if (other) return { display: other, fellBack: wanted !== null };
  }
  return { display: primary, fellBack: wanted !== null };
}

/** Centres a window of the given size in the display's work area, shrinking it to fit. */
export function centreIn(area: Rect, size: { width: number; height: number }): Rect {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return {
    x: Math.round(area.x + (area.width - width) / 2),
    y: Math.round(area.y + (area.height - height) / 2),
    width,
    height,
  };
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Minimum visible part (px) of a remembered window's title area for it to be reachable. */
const MIN_VISIBLE = 100;

/**
 * Clamps remembered bounds to the monitors now attached: a window saved on a monitor that is
 * gone, or dragged mostly off-screen, comes back fully inside the work area it overlaps most
 * (or the primary), never larger than that work area.
 */
export function clampToDisplays(saved: Rect, displays: readonly ScreenDisplay[]): Rect {
  const ordered = orderDisplays(displays);
  if (ordered.length === 0) throw new Error('no displays');
  const valid =
    [saved.x, saved.y, saved.width, saved.height].every(Number.isFinite) &&
    saved.width > 0 &&
    saved.height > 0;
  const primary = ordered.find((d) => d.primary) ?? ordered[0]!;
  if (!valid) return centreIn(primary.workArea, { width: 1366, height: 860 });

  let best = primary;
  let bestArea = 0;
  for (const d of ordered) {
    const a = overlap(saved, d.workArea);
    if (a > bestArea) {
      best = d;
      bestArea = a;
    }
  }
  const area = best.workArea;
  const width = Math.min(Math.round(saved.width), area.width);
  const height = Math.min(Math.round(saved.height), area.height);
  if (bestArea === 0) return centreIn(area, { width, height });
  // The top strip (where the title bar is) must be visible enough to grab.
  const titleStrip = { x: saved.x, y: saved.y, width: saved.width, height: 30 };
  const reachable = ordered.some((d) => overlap(titleStrip, d.workArea) >= MIN_VISIBLE * 10);
  let x = Math.round(saved.x);
  let y = Math.round(saved.y);
  if (
    !reachable ||
    x < area.x ||
    y < area.y ||
    x + width > area.x + area.width ||
    y + height > area.y + area.height
  ) {
    x = Math.min(Math.max(x, area.x), area.x + area.width - width);
    y = Math.min(Math.max(y, area.y), area.y + area.height - height);
  }
  return { x, y, width, height };
}

export interface WindowPlacement {
  bounds: Rect;
  fullscreen: boolean;
  kiosk: boolean;
  displayId: number;
  fellBack: boolean;
}

/**
 * Where a role's window opens. Full-screen roles cover the chosen monitor's bounds; the desk
 * gets its remembered bounds (clamped) or a centred default on its monitor.
 */
export function placeWindow(input: {
  displays: readonly ScreenDisplay[];
  monitor: number | null;
  policy: {
    kiosk: boolean;
    fullscreen: boolean;
    rememberBounds: boolean;
    defaultSize: { width: number; height: number };
    preferredMonitor: 'primary' | 'secondary';
  };
  saved: Rect | null;
}): WindowPlacement {
  const { display, fellBack } = pickDisplay(
    input.displays,
    input.monitor,
    input.policy.preferredMonitor,
  );
  if (input.policy.fullscreen || input.policy.kiosk) {
    return {
      bounds: { ...display.bounds },
      fullscreen: input.policy.fullscreen,
      kiosk: input.policy.kiosk,
      displayId: display.id,
      fellBack,
    };
  }
  // An explicit monitor choice beats the remembered position.
  const bounds =
    input.saved && input.policy.rememberBounds && input.monitor === null
      ? clampToDisplays(input.saved, input.displays)
      : centreIn(display.workArea, input.policy.defaultSize);
  return { bounds, fullscreen: false, kiosk: false, displayId: display.id, fellBack };
}
