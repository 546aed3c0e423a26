// The browser-mode desk ↔ customer-screen link: two windows of one origin over
// BroadcastChannel('halldesk-customer') (Node's BroadcastChannel stands in for the browser's).
// Delivered only when the other window took it; payloads validated on both ends; Electron keeps IPC.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CustomerResponse,
  type CustomerView,
  type HalldeskApi,
  handlers,
} from '../../../shared/ipc/contract';
import {
  CUSTOMER_CHANNEL,
  CustomerRelay,
  resetBrowserRelay,
  shell,
  ShellError,
} from '../../../renderer/src/shell/bridge';

const APP_ID = '3f1c1b8e-8d63-4d55-9f4e-2d9a3c1e7b21';
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const open: CustomerRelay[] = [];
function relay(ackMs = 300): CustomerRelay {
  const r = new CustomerRelay((name) => new BroadcastChannel(name) as never, ackMs);
  open.push(r);
  return r;
}

afterEach(() => {
  for (const r of open.splice(0)) r.close();
  resetBrowserRelay();
  vi.unstubAllGlobals();
});

const confirmView: CustomerView = {
  stage: 'confirm',
  applicationId: APP_ID,
  title: '业务受理确认单 · 低压居民新装',
  rows: [{ label: '证件（居民身份证）', value: '110105********002X' }],
};

describe('CustomerRelay', () => {
  it('delivers a view to a listening customer window and reports delivered', async () => {
    const desk = relay();
    const screen = relay();
    const seen: CustomerView[] = [];
    screen.onView((v) => seen.push(v));
    expect(await desk.show(confirmView)).toBe(true);
    expect(seen).toEqual([confirmView]);
  });

  it('reports not delivered when no window listens (after the ack wait)', async () => {
    const desk = relay(80);
    relay(80); // a window that is open but not a customer screen: no view listener
    const started = Date.now();
    expect(await desk.show(confirmView)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('carries responses (with the signature image) back to the desk', async () => {
    const desk = relay();
    const screen = relay(80);
    const got: CustomerResponse[] = [];
    const off = desk.onResponse((r) => got.push(r));
    const signed: CustomerResponse = { kind: 'signed', applicationId: APP_ID, pngDataUrl: PNG };
    expect(await screen.respond(signed)).toBe(true);
    expect(got).toEqual([signed]);
    // Once the desk stops listening, nobody takes a response.
    off();
    expect(await screen.respond({ kind: 'confirmed', applicationId: APP_ID })).toBe(false);
    expect(got).toHaveLength(1);
  });

  it('refuses an invalid view before sending, and ignores invalid messages on the channel', async () => {
    const desk = relay();
    const screen = relay();
    const seen: unknown[] = [];
    screen.onView((v) => seen.push(v));
    const err = await desk
      .show({ stage: 'bogus' } as unknown as CustomerView)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShellError);
    expect(err).toMatchObject({ code: 'invalid_argument' });
    // A foreign sender on the channel: malformed payloads are dropped and never acknowledged.
    const raw = new BroadcastChannel(CUSTOMER_CHANNEL);
    const acks: unknown[] = [];
    raw.onmessage = (ev: MessageEvent) => acks.push(ev.data);
    raw.postMessage({ type: 'view', id: 'x1', view: { stage: 'sign', rows: 'not rows' } });
    raw.postMessage({ type: 'view', id: 'x2', view: { ...confirmView, applicationId: 'nope' } });
    raw.postMessage('garbage');
    await new Promise((r) => setTimeout(r, 100));
    raw.close();
    expect(seen).toEqual([]);
    expect(acks).toEqual([]);
  });
});

describe('shell.customer in browser mode', () => {
  it('show/respond and the customer events work between two windows through the channel', async () => {
    vi.stubGlobal('window', { location: { hash: '#/desk/new' }, BroadcastChannel });
    // The other window: the customer screen, answering a confirm with "confirmed".
    const screen = relay();
    screen.onView((v) => {
      if (v.stage === 'confirm') void screen.respond({ kind: 'confirmed', applicationId: APP_ID });
    });
    const responses: CustomerResponse[] = [];
    const off = shell.on('customer:response', (r) => responses.push(r));
    expect(await shell.customer.show(confirmView)).toBe(true);
    await vi.waitFor(() =>
      expect(responses).toEqual([{ kind: 'confirmed', applicationId: APP_ID }]),
    );
    off();
    // With nobody listening in this window, a response is not acknowledged.
    expect(await screen.respond({ kind: 'rated', rating: '满意', applicationId: APP_ID })).toBe(
      false,
    );
  });

  it('the customer window receives views through shell.on and answers through shell.customer.respond', async () => {
    vi.stubGlobal('window', { location: { hash: '#/customer' }, BroadcastChannel });
    const desk = relay();
    const got: CustomerResponse[] = [];
    desk.onResponse((r) => got.push(r));
    const views: CustomerView[] = [];
    const off = shell.on('customer:view', (v) => views.push(v));
    expect(await desk.show({ stage: 'rate', applicationId: APP_ID, ratingLevels: ['满意'] })).toBe(
      true,
    );
    expect(views[0]?.stage).toBe('rate');
    expect(
      await shell.customer.respond({ kind: 'rated', applicationId: APP_ID, rating: '满意' }),
    ).toBe(true);
    expect(got).toEqual([{ kind: 'rated', applicationId: APP_ID, rating: '满意' }]);
    off();
  });

  it('is unavailable (false) where the browser has no BroadcastChannel', async () => {
    vi.stubGlobal('window', { location: { hash: '' } });
    expect(await shell.customer.show(confirmView)).toBe(false);
    expect(shell.on('customer:view', () => {})).toBeTypeOf('function');
  });
});

describe('shell.customer under Electron', () => {
  it('uses IPC, not the channel', async () => {
    const calls: unknown[][] = [];
    const subscribed: string[] = [];
    const api: HalldeskApi = {
      version: 1,
      invoke: ((name: string, arg: unknown) => {
        calls.push([name, arg]);
        return Promise.resolve({ ok: true, value: { delivered: true } });
      }) as HalldeskApi['invoke'],
      on: ((event: string) => {
        subscribed.push(event);
        return () => {};
      }) as HalldeskApi['on'],
    };
    vi.stubGlobal('window', { location: { hash: '' }, halldesk: api, BroadcastChannel });
    const screen = relay(60);
    const seen: unknown[] = [];
    screen.onView((v) => seen.push(v));
    expect(await shell.customer.show(confirmView)).toBe(true);
    expect(await shell.customer.respond({ kind: 'confirmed', applicationId: APP_ID })).toBe(true);
    shell.on('customer:response', () => {});
    expect(calls.map((c) => c[0])).toEqual(['customer:show', 'customer:respond']);
    expect(subscribed).toEqual(['customer:response']);
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual([]);
  });
});

describe('the IPC contract main validates with', () => {
  it('keeps the signature image of a signed response (zod would strip an unknown key)', () => {
    const parsed = handlers['customer:respond'].arg.parse({
      kind: 'signed',
      applicationId: APP_ID,
      pngDataUrl: PNG,
    });
    expect(parsed.pngDataUrl).toBe(PNG);
    expect(
      handlers['customer:respond'].arg.safeParse({ kind: 'signed', pngDataUrl: 'data:text/html,x' })
        .success,
    ).toBe(false);
    const view = handlers['customer:show'].arg.parse({
      stage: 'rate',
      ratingLevels: ['满意', '不满意'],
      badRatingLevels: ['不满意'],
    });
    expect(view.badRatingLevels).toEqual(['不满意']);
  });
});
