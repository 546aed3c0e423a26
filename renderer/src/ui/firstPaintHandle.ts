// The start-up first paint's on-screen handle (desk/firstPaint.ts paints it): whatever the React
// tree shows first (the list's rows, another page, the recovery screen, an error) dismisses it.
// No imports: the error boundary and the entry use it without pulling in the painter.
let shown: HTMLElement | null = null;
let over = false;
let onHash: (() => void) | null = null;

/**
 * Puts the first paint on screen, unless the React tree has already taken over (false then).
 * Leaving the route dismisses it: it only ever stands in for the page it was painted for.
 */
export function showFirstPaint(node: HTMLElement): boolean {
  if (over || shown) return false;
  shown = node;
  document.body.appendChild(node);
  onHash = () => dismissFirstPaint();
  window.addEventListener('hashchange', onHash);
  return true;
}

/** Removes the first paint (idempotent); from now on nothing paints it again. */
export function dismissFirstPaint(): void {
  over = true;
  if (onHash) window.removeEventListener('hashchange', onHash);
  onHash = null;
  shown?.remove();
  shown = null;
}

/** True while the first paint stands in for the page. */
export function firstPaintShown(): boolean {
  return shown !== null;
}
