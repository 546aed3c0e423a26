// Role choice: command-line flags beat stored settings, which beat the default (desk).
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/ipc/contract';
import { chooseRole, parseFlags, ROLE_ROUTES, settingsFromFlags } from '../../../electron/roles';

const stored = (patch: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...patch });

describe('parseFlags', () => {
  it('reads --role=display --display=2', () => {
    const f = parseFlags(['dist-electron/main.cjs', '--role=display', '--display=2']);
    expect(f).toMatchObject({ role: 'display', display: 2, dataDir: null, problems: [] });
  });

  it('reads space-separated values and --data-dir', () => {
    const f = parseFlags(['--role', 'kiosk', '--data-dir', '/tmp/hd']);
    expect(f).toMatchObject({ role: 'kiosk', dataDir: '/tmp/hd' });
  });

  it('ignores Chromium switches and reports invalid values instead of failing', () => {
    const f = parseFlags(['--no-sandbox', '--role=boss', '--display=0', '--display=x']);
    expect(f.role).toBeNull();
    expect(f.display).toBeNull();
    expect(f.problems).toHaveLength(3);
  });

  it('accepts role names in any case', () => {
    expect(parseFlags(['--role=Customer']).role).toBe('customer');
  });
});

describe('chooseRole', () => {
  it('defaults to the desk', () => {
    expect(chooseRole(parseFlags([]), null)).toEqual({
      role: 'desk',
      source: 'default',
      monitor: null,
    });
  });

  it('uses the role remembered in settings', () => {
    const c = chooseRole(parseFlags([]), stored({ role: 'display', displayMonitor: 3 }));
    expect(c).toEqual({ role: 'display', source: 'settings', monitor: 3 });
  });

  it('lets a flag override settings, monitor included', () => {
    const c = chooseRole(
      parseFlags(['--role=kiosk', '--display=2']),
      stored({ role: 'display', displayMonitor: 3 }),
    );
    expect(c).toEqual({ role: 'kiosk', source: 'flag', monitor: 2 });
  });

  it('takes the monitor from settings when only the role comes from a flag', () => {
    const c = chooseRole(parseFlags(['--role=display']), stored({ displayMonitor: 2 }));
    expect(c).toEqual({ role: 'display', source: 'flag', monitor: 2 });
  });

  it('puts the customer screen on its configured monitor', () => {
    const c = chooseRole(
      parseFlags(['--role=customer']),
      stored({ customerScreen: { enabled: true, monitor: 2 } }),
    );
    expect(c.monitor).toBe(2);
  });

  it('maps every role to a renderer route', () => {
    expect(ROLE_ROUTES).toEqual({
      desk: '#/desk/new',
      display: '#/display',
      kiosk: '#/kiosk',
      customer: '#/customer',
    });
  });
});

describe('settingsFromFlags (flags are remembered per machine)', () => {
  it('stores the role and monitor given on the command line', () => {
    expect(
      settingsFromFlags(parseFlags(['--role=display', '--display=2']), DEFAULT_SETTINGS),
    ).toEqual({
      role: 'display',
      displayMonitor: 2,
    });
    expect(
      settingsFromFlags(parseFlags(['--role=customer', '--display=3']), DEFAULT_SETTINGS),
    ).toEqual({
      role: 'customer',
      customerScreen: { enabled: false, monitor: 3 },
    });
  });

  it('changes nothing without flags or when they match what is stored', () => {
    expect(settingsFromFlags(parseFlags([]), DEFAULT_SETTINGS)).toBeNull();
    expect(
      settingsFromFlags(
        parseFlags(['--role=kiosk', '--display=1']),
        stored({ role: 'kiosk', displayMonitor: 1 }),
      ),
    ).toBeNull();
  });

  it('keeps a desk monitor flag out of the display setting', () => {
    expect(settingsFromFlags(parseFlags(['--display=2']), DEFAULT_SETTINGS)).toBeNull();
  });
});
