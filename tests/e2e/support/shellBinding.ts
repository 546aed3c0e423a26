// window.halldesk for browser tests that drive main's own code: a Playwright binding into this
// Node process, where the real IPC registry validates each call (as the desk window's role), and
// `window.__hdEmit(event, payload)` for the events main would push. This is not Electron.
import type { Page } from '@playwright/test';
import type { IpcRegistry } from '../../../shared/ipc/registry';

export async function bindShell(page: Page, registry: IpcRegistry): Promise<void> {
  await page.exposeBinding('__halldeskInvoke', (source, name: unknown, arg: unknown) =>
    registry.dispatch(name, arg, { senderId: 1, url: source.frame.url(), role: 'desk' }),
  );
  await page.addInitScript(() => {
    const listeners = new Map<string, Set<(p: unknown) => void>>();
    const w = window as unknown as {
      __halldeskInvoke: (n: string, a: unknown) => Promise<unknown>;
      __hdEmit: (e: string, p: unknown) => void;
      halldesk: unknown;
    };
    w.__hdEmit = (e, p) => listeners.get(e)?.forEach((l) => l(p));
    w.halldesk = Object.freeze({
      version: 1,
      invoke: (name: string, arg: unknown) => w.__halldeskInvoke(name, arg),
      on(event: string, listener: (p: unknown) => void) {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
    });
  });
}
