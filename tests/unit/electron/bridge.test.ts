// The renderer's shell bridge: unwraps main's envelopes into ShellError, falls back in a plain
// browser (window.print, no secret store, role from the hash, signatures via crypto.subtle).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HalldeskApi, IpcResponse } from '../../../shared/ipc/contract';
import { roleFromHash, shell, ShellError } from '../../../renderer/src/shell/bridge';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function setWindow(w: Partial<Window> & { halldesk?: HalldeskApi }): void {
  vi.stubGlobal('window', { location: { hash: '' }, ...w });
}

afterEach(() => vi.unstubAllGlobals());

function fakeApi(
  answer: (name: string, arg: unknown) => IpcResponse<unknown>,
): HalldeskApi & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    version: 1,
    calls,
    invoke: ((name: string, arg: unknown) => {
      calls.push([name, arg]);
      return Promise.resolve(answer(name, arg));
    }) as HalldeskApi['invoke'],
    on: () => () => {},
  };
}

describe('roleFromHash', () => {
  it('maps hash routes to roles, desk by default', () => {
    expect(roleFromHash('#/display')).toBe('display');
    expect(roleFromHash('#/kiosk?hall=1')).toBe('kiosk');
    expect(roleFromHash('#/customer')).toBe('customer');
    expect(roleFromHash('#/desk/new')).toBe('desk');
    expect(roleFromHash('#/displayed')).toBe('desk');
    expect(roleFromHash('')).toBe('desk');
  });
});

describe('browser mode', () => {
  it('prints with window.print and keeps no secrets', async () => {
    const print = vi.fn();
    setWindow({ print });
    expect(shell.isElectron).toBe(false);
    await shell.print();
    expect(print).toHaveBeenCalledOnce();
    expect(await shell.secrets.get('device-token')).toBeNull();
    expect(await shell.secrets.set('device-token', 'x')).toBe(false);
    expect(await shell.customer.show({ stage: 'idle' })).toBe(false);
  });

  it('hashes signatures with crypto.subtle and detects later changes', async () => {
    setWindow({});
    const doc = { title: '低压居民新装', rows: [{ label: '户名', value: '张*' }] };
    const saved = await shell.signature.save('3f1c1b8e-8d63-4d55-9f4e-2d9a3c1e7b21', doc, PNG);
    expect(saved.storedBy).toBe('caller');
    const png = Uint8Array.from(Buffer.from(PNG.split(',')[1]!, 'base64'));
    expect((await shell.signature.verify(saved.record, png, doc)).valid).toBe(true);
    expect(
      (await shell.signature.verify(saved.record, png, { ...doc, title: '高压新装' })).valid,
    ).toBe(false);
  });
});

describe('Electron mode', () => {
  it('unwraps results and throws ShellError with the contract code', async () => {
    const api = fakeApi((name) =>
      name === 'printers:list'
        ? { ok: true, value: [{ name: 'XP-80C', displayName: 'XP-80C', isDefault: true }] }
        : {
            ok: false,
            error: {
              code: 'invalid_argument',
              message: '参数无效',
              issues: [{ path: 'x', message: 'bad' }],
            },
          },
    );
    setWindow({ halldesk: api });
    expect(shell.isElectron).toBe(true);
    expect(await shell.printers()).toHaveLength(1);
    const err = await shell.updateSettings({ role: 'kiosk' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShellError);
    expect(err).toMatchObject({
      code: 'invalid_argument',
      issues: [{ path: 'x', message: 'bad' }],
    });
  });

  it('prints receipts silently through main and reports a failed print', async () => {
    const api = fakeApi(() => ({
      ok: true,
      value: { printed: false, printer: null, pdfPath: null, message: '未找到可用的打印机' },
    }));
    setWindow({ halldesk: api, print: vi.fn() });
    await expect(shell.print()).rejects.toThrow('未找到可用的打印机');
    expect(api.calls).toEqual([['print:receipt', { mode: 'print' }]]);
  });

  it('answers null for secrets when the OS keystore is unavailable (caller falls back)', async () => {
    const api = fakeApi(() => ({
      ok: false,
      error: { code: 'unavailable', message: '安全存储不可用' },
    }));
    setWindow({ halldesk: api });
    expect(await shell.secrets.get('device-token')).toBeNull();
    expect(await shell.secrets.set('device-token', 't')).toBe(false);
  });

  it('hall uplink: asks main, and a refusal keeps its reason for the settings card', async () => {
    const api = fakeApi((name) => {
      if (name === 'settings:get')
        return { ok: true, value: { settings: { hallHost: { enabled: true } } } };
      if (name === 'hall:getCentralUplink') return { ok: true, value: { configured: false } };
      return {
        ok: false,
        error: {
          code: 'invalid_argument',
          message: '登记码无效、已使用或已过期 / bad code',
          reason: 'E_ENROLLMENT_CODE',
        },
      };
    });
    setWindow({ halldesk: api });
    expect(await shell.hall.isHost()).toBe(true);
    expect(await shell.hall.centralUplink()).toEqual({ configured: false });
    const err = await shell.hall
      .setCentralUplink({ centralUrl: 'http://c.example', enrollmentCode: 'K7QH-3MZP' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShellError);
    expect(err).toMatchObject({ code: 'invalid_argument', reason: 'E_ENROLLMENT_CODE' });
    expect(api.calls.map(([n]) => n)).toEqual([
      'settings:get',
      'hall:getCentralUplink',
      'hall:setCentralUplink',
    ]);
  });
});

describe('browser mode: hall uplink', () => {
  it('is not a hall host and has no uplink to show', async () => {
    setWindow({});
    expect(await shell.hall.isHost()).toBe(false);
    expect(await shell.hall.centralUplink()).toBeNull();
  });
});
