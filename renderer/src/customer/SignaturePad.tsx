// A signature drawn on a canvas with pointer events (finger, stylus or mouse), exported as a PNG
// data URL. The canvas is sized in device pixels so strokes stay sharp, on a white background so
// the image prints legibly.
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef } from 'react';

export interface SignaturePadHandle {
  clear(): void;
  /** The drawing as `data:image/png;base64,…`; null while nothing is drawn. */
  toDataUrl(): string | null;
}

export const SignaturePad = forwardRef<
  SignaturePadHandle,
  { onChange: (hasInk: boolean) => void; label: string }
>(function SignaturePad(props, ref) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const ink = useRef(false);
  // Kept in a ref: a new callback from the parent must not re-run the sizing effect (it clears).
  const onChangeRef = useRef(props.onChange);
  onChangeRef.current = props.onChange;
  const onChange = useCallback((hasInk: boolean) => onChangeRef.current(hasInk), []);

  const paintBackground = useCallback(() => {
    const c = canvasRef.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.restore();
  }, []);

  // Match the backing store to the element's size × devicePixelRatio (once, and on resize,
  // which clears: a signature is short, and a resized pad must not show a stretched one).
  useEffect(() => {
    const c = canvasRef.current;
    if (!c) return;
    const fit = () => {
      const rect = c.getBoundingClientRect();
      const dpr = Math.min(window.devicePixelRatio || 1, 2);
      c.width = Math.max(1, Math.round(rect.width * dpr));
      c.height = Math.max(1, Math.round(rect.height * dpr));
      const ctx = c.getContext('2d');
      if (ctx) {
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.lineCap = 'round';
        ctx.lineJoin = 'round';
        ctx.strokeStyle = '#0f172a';
        ctx.lineWidth = 3;
      }
      paintBackground();
      ink.current = false;
      onChange(false);
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, [onChange, paintBackground]);

  useImperativeHandle(
    ref,
    () => ({
      clear() {
        paintBackground();
        ink.current = false;
        onChange(false);
      },
      toDataUrl() {
        return ink.current && canvasRef.current ? canvasRef.current.toDataURL('image/png') : null;
      },
    }),
    [onChange, paintBackground],
  );

  function point(e: React.PointerEvent<HTMLCanvasElement>) {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  function stroke(to: { x: number; y: number }) {
    const ctx = canvasRef.current?.getContext('2d');
    const from = last.current;
    if (!ctx || !from) return;
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last.current = to;
    if (!ink.current) {
      ink.current = true;
      onChange(true);
    }
  }

  return (
    <canvas
      ref={canvasRef}
      className="cs-pad"
      data-testid="signature-pad"
      role="img"
      aria-label={props.label}
      onPointerDown={(e) => {
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        last.current = point(e);
        // A tap leaves a dot.
        stroke({ x: last.current.x + 0.1, y: last.current.y + 0.1 });
      }}
      onPointerMove={(e) => {
        if (!last.current) return;
        for (const ev of e.nativeEvent.getCoalescedEvents?.() ?? [e.nativeEvent]) {
          const r = e.currentTarget.getBoundingClientRect();
          stroke({ x: ev.clientX - r.left, y: ev.clientY - r.top });
        }
      }}
      onPointerUp={() => (last.current = null)}
      onPointerCancel={() => (last.current = null)}
    />
  );
});
