// Window placement on monitors: chosen monitor, fallbacks when it is unplugged, clamping of
// remembered bounds to what is visible, full-screen roles covering their monitor.
import { describe, expect, it } from 'vitest';
import { ROLE_WINDOWS } from '../../../electron/roles';
import {
  clampToDisplays,
  orderDisplays,
  pickDisplay,
  placeWindow,
  type ScreenDisplay,
} from '../../../electron/windowPlacement';

function display(
  id: number,
  x: number,
  y: number,
  w: number,
  h: number,
  primary = false,
): ScreenDisplay {
  return {
    id,
    primary,
    bounds: { x, y, width: w, height: h },
    workArea: { x, y, width: w, height: h - 40 }, // a 40 px taskbar at the bottom
  };
}

// Primary laptop-size screen in the middle, a TV to the right, a small screen to the left.
const laptop = display(1, 0, 0, 1920, 1080, true);
const tv = display(2, 1920, 0, 3840, 2160);
const left = display(3, -1280, 0, 1280, 800);
const displays = [tv, laptop, left];

describe('monitor numbering and choice', () => {
  it('numbers monitors left to right whatever order the OS reports', () => {
    expect(orderDisplays(displays).map((d) => d.id)).toEqual([3, 1, 2]);
  });

  it('uses the chosen 1-based monitor when it is attached', () => {
    expect(pickDisplay(displays, 3, 'primary')).toEqual({ display: tv, fellBack: false });
    expect(pickDisplay(displays, 1, 'primary').display.id).toBe(3);
  });

  it('falls back to the primary for desk-like roles when the chosen monitor is gone', () => {
    expect(pickDisplay(displays, 7, 'primary')).toEqual({ display: laptop, fellBack: true });
  });

  it('falls back to a non-primary monitor for second-screen roles', () => {
    const pick = pickDisplay([laptop, tv], 5, 'secondary');
    expect(pick.display.id).toBe(2);
    expect(pick.fellBack).toBe(true);
  });

  it('uses the primary when a second-screen role runs on a single monitor', () => {
    expect(pickDisplay([laptop], null, 'secondary')).toEqual({ display: laptop, fellBack: false });
  });

  it('refuses to place on no displays at all', () => {
    expect(() => pickDisplay([], null, 'primary')).toThrow();
  });
});

describe('clampToDisplays', () => {
  it('keeps bounds that are fully visible', () => {
    const b = { x: 100, y: 50, width: 1200, height: 800 };
    expect(clampToDisplays(b, displays)).toEqual(b);
  });

  it('brings back a window saved on a monitor that is no longer attached', () => {
    const onGoneMonitor = { x: 6000, y: 200, width: 1200, height: 800 };
    const b = clampToDisplays(onGoneMonitor, [laptop]);
    expect(b.width).toBe(1200);
    expect(b.height).toBe(800);
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(1920);
    expect(b.y + b.height).toBeLessThanOrEqual(1040);
  });

  it('shrinks a window larger than the work area it is on', () => {
    const b = clampToDisplays({ x: 0, y: 0, width: 5000, height: 3000 }, [laptop]);
    expect(b).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
  });

  it('pulls a window hanging off the bottom-right back inside', () => {
    const b = clampToDisplays({ x: 1800, y: 1000, width: 800, height: 600 }, [laptop]);
    expect(b.x + b.width).toBeLessThanOrEqual(1920);
    expect(b.y + b.height).toBeLessThanOrEqual(1040);
    expect(b.width).toBe(800);
  });

  it('replaces nonsense saved bounds with a centred default on the primary', () => {
    const b = clampToDisplays({ x: Number.NaN, y: 0, width: -5, height: 10 }, displays);
    expect(b.width).toBeLessThanOrEqual(1920);
    expect(b.x).toBeGreaterThanOrEqual(0);
  });
});

describe('placeWindow per role', () => {
  it('covers the chosen monitor for the hall display (kiosk, full screen)', () => {
    const p = placeWindow({ displays, monitor: 3, policy: ROLE_WINDOWS.display, saved: null });
    expect(p).toMatchObject({ bounds: tv.bounds, kiosk: true, fullscreen: true, displayId: 2 });
  });

  it('puts the hall display on the second monitor when none is chosen', () => {
    const p = placeWindow({
      displays: [laptop, tv],
      monitor: null,
      policy: ROLE_WINDOWS.display,
      saved: null,
    });
    expect(p.displayId).toBe(2);
  });

  it('puts the customer screen on the second monitor, full screen but not kiosk', () => {
    const p = placeWindow({
      displays: [laptop, tv],
      monitor: 2,
      policy: ROLE_WINDOWS.customer,
      saved: null,
    });
    expect(p).toMatchObject({ displayId: 2, fullscreen: true, kiosk: false });
  });

  it('reopens the desk where it was (clamped)', () => {
    const saved = { x: 200, y: 100, width: 1300, height: 850 };
    const p = placeWindow({ displays, monitor: null, policy: ROLE_WINDOWS.desk, saved });
    expect(p.bounds).toEqual(saved);
    expect(p.fullscreen).toBe(false);
  });

  it('centres the desk on its monitor the first time', () => {
    const p = placeWindow({
      displays: [laptop],
      monitor: null,
      policy: ROLE_WINDOWS.desk,
      saved: null,
    });
    expect(p.bounds).toEqual({ x: 277, y: 90, width: 1366, height: 860 });
  });
});
