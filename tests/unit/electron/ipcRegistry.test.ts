// The IPC boundary: one handler per name, every argument validated with the contract's schema
// before the handler runs, typed error envelopes for everything that goes wrong.
import { describe, expect, it, vi } from 'vitest';
import { HANDLER_NAMES, handlers } from '../../../shared/ipc/contract';
import { IPC_ALLOWED, ipcAllowed } from '../../../shared/ipc/policy';
import { DuplicateHandlerError, IpcFailure, IpcRegistry } from '../../../shared/ipc/registry';

const caller = { senderId: 1, url: 'app://halldesk/index.html#/desk/new', role: 'desk' as const };

describe('IpcRegistry', () => {
  it('has a schema for every handler name and no extra ones', () => {
    expect(Object.keys(handlers).sort()).toEqual([...HANDLER_NAMES].sort());
  });

  it('throws when the same name is registered twice', () => {
    const r = new IpcRegistry();
    r.register('hall:status', () => ({
      state: 'disabled' as const,
      port: null,
      restarts: 0,
      lastError: null,
      nextAttemptAt: null,
    }));
    expect(() =>
      r.register('hall:status', () => ({
        state: 'stopped' as const,
        port: null,
        restarts: 0,
        lastError: null,
        nextAttemptAt: null,
      })),
    ).toThrow(DuplicateHandlerError);
  });

  it('refuses to register a name outside the contract', () => {
    const r = new IpcRegistry();
    // @ts-expect-error not a contract name
    expect(() => r.register('fs:readFile', () => null)).toThrow(/not in the IPC contract/);
  });

  it('reports which contract handlers are not registered', () => {
    const r = new IpcRegistry();
    r.register('app:info', () => {
      throw new Error('unused');
    });
    expect(r.missing()).not.toContain('app:info');
    expect(r.missing()).toHaveLength(HANDLER_NAMES.length - 1);
  });

  it('validates arguments before the handler runs', async () => {
    const r = new IpcRegistry();
    const handler = vi.fn(() => ({ value: 'x' }));
    r.register('secrets:get', handler);
    const bad = await r.dispatch('secrets:get', { name: '../../etc/passwd' }, caller);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect(bad.ok ? [] : bad.error.issues?.map((i) => i.path)).toEqual(['name']);
    expect(handler).not.toHaveBeenCalled();

    const good = await r.dispatch('secrets:get', { name: 'device-token' }, caller);
    expect(good).toEqual({ ok: true, value: { value: 'x' } });
    expect(handler).toHaveBeenCalledWith({ name: 'device-token' }, caller);
  });

  it('rejects extra garbage in no-argument calls and wrong types in print jobs', async () => {
    const r = new IpcRegistry();
    r.register('app:info', vi.fn());
    r.register('print:ticket', vi.fn());
    expect((await r.dispatch('app:info', { evil: true }, caller)).ok).toBe(false);
    const ticket = await r.dispatch(
      'print:ticket',
      {
        ticketNo: 'A001',
        categoryName: '居民业务',
        hallName: '城关营业厅',
        waitingAhead: -1,
        estimatedWaitMin: null,
        issuedAt: 'yesterday',
      },
      caller,
    );
    expect(ticket.ok ? [] : ticket.error.issues?.map((i) => i.path).sort()).toEqual([
      'issuedAt',
      'waitingAhead',
    ]);
  });

  it('answers unknown names and untrusted callers with typed errors', async () => {
    const r = new IpcRegistry({ isTrustedCaller: (c) => c.url.startsWith('app://halldesk/') });
    r.register('hall:status', vi.fn());
    expect(await r.dispatch('child_process:exec', 'rm -rf /', caller)).toMatchObject({
      ok: false,
      error: { code: 'unknown_handler' },
    });
    expect(
      await r.dispatch('hall:status', undefined, {
        senderId: 2,
        url: 'https://evil.example/',
        role: 'desk',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('says a contract handler is unavailable when this side did not register it', async () => {
    const r = new IpcRegistry();
    expect(await r.dispatch('update:status', undefined, caller)).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });

  it('turns handler failures into envelopes, keeping IpcFailure codes and hiding other details', async () => {
    const onError = vi.fn();
    const r = new IpcRegistry({ onError });
    r.register('secrets:set', () => {
      throw new IpcFailure('unavailable', '安全存储不可用');
    });
    r.register('secrets:delete', () => {
      throw new Error('EACCES /home/clerk/.config/HallDesk/secrets.json');
    });
    expect(await r.dispatch('secrets:set', { name: 'a', value: 'b' }, caller)).toEqual({
      ok: false,
      error: { code: 'unavailable', message: '安全存储不可用' },
    });
    const hidden = await r.dispatch('secrets:delete', { name: 'a' }, caller);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(JSON.stringify(hidden)).not.toContain('EACCES');
    expect(onError).toHaveBeenCalledOnce();
  });

  it('validates signature payloads: PNG data URL and UUID application id', async () => {
    const r = new IpcRegistry();
    r.register('signature:save', vi.fn());
    const res = await r.dispatch(
      'signature:save',
      {
        applicationId: 'not-a-uuid',
        document: { a: 1 },
        pngDataUrl: 'data:text/html;base64,PHNjcmlwdD4=',
      },
      caller,
    );
    expect(res.ok ? [] : res.error.issues?.map((i) => i.path).sort()).toEqual([
      'applicationId',
      'pngDataUrl',
    ]);
  });

  it('validates the hall uplink request: http(s) centre address and a plausible code', async () => {
    const r = new IpcRegistry();
    const handler = vi.fn(() => ({
      configured: true,
      centralUrl: 'http://10.1.0.5:8600',
      hallCode: 'H0101',
      hallName: null,
      deviceId: null,
      enrolledAt: null,
      problem: null,
    }));
    r.register('hall:setCentralUplink', handler);
    const paths = async (arg: unknown) => {
      const res = await r.dispatch('hall:setCentralUplink', arg, caller);
      return res.ok ? [] : (res.error.issues?.map((i) => i.path).sort() ?? ['?']);
    };
    expect(await paths({ centralUrl: 'file:///etc/passwd', enrollmentCode: 'K7QH-3MZP' })).toEqual([
      'centralUrl',
    ]);
    expect(await paths({ centralUrl: 'javascript:alert(1)', enrollmentCode: 'K7QH-3MZP' })).toEqual(
      ['centralUrl'],
    );
    expect(
      await paths({ centralUrl: 'http://c.example/?x=1', enrollmentCode: 'K7QH-3MZP' }),
    ).toEqual(['centralUrl']);
    expect(await paths({ centralUrl: 'http://c.example', enrollmentCode: 'ab' })).toEqual([
      'enrollmentCode',
    ]);
    expect(
      await paths({ centralUrl: 'http://c.example', enrollmentCode: 'K7QH;DROP TABLE' }),
    ).toEqual(['enrollmentCode']);
    expect(await paths({ centralUrl: 'http://c.example' })).toEqual(['enrollmentCode']);
    expect(await paths('http://c.example K7QH-3MZP')).toEqual(['']);
    expect(handler).not.toHaveBeenCalled();

    const ok = await r.dispatch(
      'hall:setCentralUplink',
      { centralUrl: 'https://centre.example:8600/', enrollmentCode: ' k7qh-3mzp ' },
      caller,
    );
    expect(ok.ok).toBe(true);
    // The handler gets the trimmed code.
    expect(handler).toHaveBeenCalledWith(
      { centralUrl: 'https://centre.example:8600/', enrollmentCode: 'k7qh-3mzp' },
      caller,
    );
    // get / clear take no argument.
    r.register('hall:clearCentralUplink', vi.fn());
    expect((await r.dispatch('hall:clearCentralUplink', { all: true }, caller)).ok).toBe(false);
  });

  it('passes an IpcFailure reason through to the renderer', async () => {
    const r = new IpcRegistry();
    r.register('hall:setCentralUplink', () => {
      throw new IpcFailure('invalid_argument', '登记码无效', 'E_ENROLLMENT_CODE');
    });
    expect(
      await r.dispatch(
        'hall:setCentralUplink',
        { centralUrl: 'http://c.example', enrollmentCode: 'K7QH-3MZP' },
        caller,
      ),
    ).toEqual({
      ok: false,
      error: { code: 'invalid_argument', message: '登记码无效', reason: 'E_ENROLLMENT_CODE' },
    });
  });
});

describe('IpcRegistry per-role policy (shared/ipc/policy.ts)', () => {
  const url = 'app://halldesk/index.html';
  function registryWithAll() {
    const r = new IpcRegistry();
    const calls: string[] = [];
    for (const n of HANDLER_NAMES) {
      r.register(n, (() => {
        calls.push(n);
        return { value: 'secret-token' };
      }) as never);
    }
    return { r, calls };
  }
  // What each non-desk window must never reach: secrets, settings (the update feed is one),
  // the centre uplink's credentials.
  const SENSITIVE = [
    ['secrets:get', { name: 'device-token' }],
    ['secrets:set', { name: 'device-token', value: 'x' }],
    ['secrets:delete', { name: 'device-token' }],
    ['settings:get', undefined],
    ['settings:set', { updateUrl: 'http://evil.example/feed' }],
    ['hall:getCentralUplink', undefined],
    ['hall:setCentralUplink', { centralUrl: 'http://evil.example', enrollmentCode: 'X' }],
    ['hall:clearCentralUplink', undefined],
    ['shell:openExternal', { url: 'https://95598.cn/' }],
  ] as const;

  for (const role of ['kiosk', 'display', 'customer'] as const) {
    it(`a ${role} window cannot read secrets, change settings or move the update feed`, async () => {
      const { r, calls } = registryWithAll();
      for (const [name, arg] of SENSITIVE) {
        const res = await r.dispatch(name, arg, { senderId: 7, url, role });
        expect(res, `${role} ${name}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      expect(calls).toEqual([]);
      // What its page does need still works.
      expect(await r.dispatch('app:info', undefined, { senderId: 7, url, role })).toMatchObject({
        ok: true,
      });
    });
  }

  it('every handler is checked for every role against the one table', async () => {
    const { r } = registryWithAll();
    for (const role of ['desk', 'customer', 'display', 'kiosk', null] as const) {
      for (const name of HANDLER_NAMES) {
        const res = await r.dispatch(name, undefined, { senderId: 7, url, role });
        const forbidden = !res.ok && res.error.code === 'forbidden';
        expect(forbidden, `${String(role)} ${name}`).toBe(!ipcAllowed(role, name));
      }
    }
    expect(IPC_ALLOWED.kiosk).toEqual(['app:info', 'print:ticket']);
    expect(IPC_ALLOWED.desk).toContain('secrets:get');
    expect(IPC_ALLOWED.desk).toContain('settings:set');
  });

  it('the desk window keeps every shell function; an unknown window gets none', async () => {
    const { r, calls } = registryWithAll();
    const desk = await r.dispatch(
      'secrets:get',
      { name: 'device-token' },
      { senderId: 1, url, role: 'desk' },
    );
    expect(desk).toEqual({ ok: true, value: { value: 'secret-token' } });
    const stranger = await r.dispatch('app:info', undefined, { senderId: 9, url, role: null });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual(['secrets:get']);
  });
});
