// bench:centre's browser phase: the workbench's application list over the seeded province,
// scrolled in Chromium (what the workbench runs in) the way a back-office user drags it down,
// while the page records every frame gap and long task. Answers issue 14's "virtualised,
// 1,000,000 rows without a pause" with figures: how many rows were loaded, how many are in
// the DOM, the longest frame gap, the long tasks, and the JS heap per 10,000 rows loaded.
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../tests/support/browser';

export interface ScrollFigures {
  /** The list's first page on screen after opening the workbench (ms). */
  listFirstPageMs: number;
  /** Rows loaded into the list by scrolling (keyset pages of 100). */
  scrollRowsLoaded: number;
  /** Table rows in the DOM at the end (virtualisation keeps this to the visible ones). */
  scrollDomRows: number;
  /** Longest gap between two drawn frames while scrolling (ms). */
  scrollMaxFrameGapMs: number;
  /** Long tasks (> 50 ms) reported by the browser while scrolling, and the longest. */
  scrollLongTasks: number;
  scrollLongestTaskMs: number;
  /** JS heap growth per 10,000 rows loaded (MB): what a million rows would cost. */
  heapMbPer10kRows: number;
  scrollSeconds: number;
}

/** Opens `${url}/workbench` signed in with `token`, scrolls until `rows` are loaded or `budgetMs`. */
export async function measureWorkbenchScroll(
  url: string,
  token: string,
  opts: { rows: number; budgetMs: number },
): Promise<ScrollFigures> {
  const exe = chromiumExecutable();
  const browser = await chromium.launch({
    ...(exe ? { executablePath: exe } : {}),
    args: [...chromiumArgs, '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  });
  try {
    const context = await browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 1400, height: 900 },
    });
    // The token tab keeps the token in sessionStorage (renderer/src/workbench/api.ts).
    await context.addInitScript(
      (t) => sessionStorage.setItem('halldesk.workbench.token', t),
      token,
    );
    const page = await context.newPage();
    const opened = performance.now();
    await page.goto(`${url}/workbench`);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="wb-list"] .wb-row').length > 0,
      undefined,
      { timeout: 120_000 },
    );
    const listFirstPageMs = Math.round(performance.now() - opened);

    let pages = 0;
    page.on('requestfinished', (r) => {
      const u = new URL(r.url());
      if (u.pathname.endsWith('/admin/workbench/applications') && u.searchParams.get('cursor'))
        pages++;
    });
    // Frame gaps and long tasks, recorded in the page from here on.
    // As source text: tsx compiles this file with esbuild's keepNames, whose __name helper
    // does not exist in the page.
    await page.evaluate(`(() => {
      window.__gap = 0;
      window.__long = [];
      if (window.gc) window.gc();
      window.__heap0 = performance.memory ? performance.memory.usedJSHeapSize : 0;
      let last = performance.now();
      const frame = (now) => {
        window.__gap = Math.max(window.__gap, now - last);
        last = now;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.__long.push(e.duration);
      }).observe({ type: 'longtask', buffered: false });
    })()`);
    const body = page.locator('[data-testid="wb-list-body"]').first();
    await body.hover();
    const started = performance.now();
    // Drag down as a user does with the wheel (a page of rows at a time), so the list asks for
    // the next keyset page whenever fewer than half a page remain below the view.
    while (pages * 100 + 100 < opts.rows && performance.now() - started < opts.budgetMs) {
      await page.mouse.wheel(0, 2_000);
      await page.waitForTimeout(16);
    }
    // Let the last page arrive.
    await page.waitForTimeout(500);
    const scrollSeconds = Math.round((performance.now() - started) / 100) / 10;
    // Collected first: the heap then holds what the loaded rows keep, not garbage.
    const inPage = (await page.evaluate(`(() => {
      if (window.gc) window.gc();
      return {
        gap: window.__gap,
        long: window.__long,
        heapDelta: (performance.memory ? performance.memory.usedJSHeapSize : 0) - window.__heap0,
        dom: document.querySelectorAll('[data-testid="wb-list"] .wb-row').length,
      };
    })()`)) as { gap: number; long: number[]; heapDelta: number; dom: number };
    const rows = pages * 100 + 100;
    return {
      listFirstPageMs,
      scrollRowsLoaded: rows,
      scrollDomRows: inPage.dom,
      scrollMaxFrameGapMs: Math.round(inPage.gap),
      scrollLongTasks: inPage.long.filter((d) => d > 50).length,
      scrollLongestTaskMs: Math.round(Math.max(0, ...inPage.long)),
      heapMbPer10kRows: Number(((inPage.heapDelta / 1024 / 1024) * (10_000 / rows)).toFixed(1)),
      scrollSeconds,
    };
  } finally {
    await browser.close();
  }
}
