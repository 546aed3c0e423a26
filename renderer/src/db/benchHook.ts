// Dev/bench hook: with `?bench=1` in the URL, loads the benchmark driver (benchImpl.ts) and
// exposes it as `window.__halldeskBench`, so `npm run bench:local` drives the real built page.
// Import once from main.tsx (`import './db/benchHook';`); without the flag it does nothing and
// the driver's code is never loaded.
export function benchRequested(): boolean {
  if (typeof window === 'undefined' || typeof location === 'undefined') return false;
  return new URLSearchParams(location.search).get('bench') === '1';
}

if (benchRequested()) {
  import('./benchImpl')
    .then((m) => m.installBenchHook())
    .catch((e: unknown) => {
      console.error('bench hook failed to load', e);
    });
}
