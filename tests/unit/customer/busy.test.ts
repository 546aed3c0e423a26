// Busy reporting (update policy input): dirty forms and serving add up and reach main as one
// session:busy call per change.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HalldeskApi } from '../../../shared/ipc/contract';
import { busyState, setFormDirty, setServing } from '../../../renderer/src/customer/busy';

afterEach(() => vi.unstubAllGlobals());

describe('busy reporting', () => {
  it('sends the totals to main on every change, once per change', async () => {
    const calls: unknown[][] = [];
    const api: HalldeskApi = {
      version: 1,
      invoke: ((name: string, arg: unknown) => {
        calls.push([name, arg]);
        return Promise.resolve({ ok: true, value: undefined });
      }) as HalldeskApi['invoke'],
      on: () => () => {},
    };
    vi.stubGlobal('window', { location: { hash: '' }, halldesk: api });
    setFormDirty('intake-1', true);
    setFormDirty('intake-1', true); // no change: not sent again
    setFormDirty('intake-2', true);
    setServing(true);
    setFormDirty('intake-1', false);
    setFormDirty('intake-2', false);
    setServing(false);
    await Promise.resolve();
    expect(calls).toEqual([
      ['session:busy', { dirtyForms: 1, serving: false }],
      ['session:busy', { dirtyForms: 2, serving: false }],
      ['session:busy', { dirtyForms: 2, serving: true }],
      ['session:busy', { dirtyForms: 1, serving: true }],
      ['session:busy', { dirtyForms: 0, serving: true }],
      ['session:busy', { dirtyForms: 0, serving: false }],
    ]);
    expect(busyState()).toEqual({ dirtyForms: 0, serving: false });
  });
});
