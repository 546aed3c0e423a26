// Start with the system on Linux desktops (UOS, Kylin): an XDG autostart entry, quoted safely.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desktopEntry, setLinuxAutostart } from '../../../electron/autostart';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-autostart-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Linux autostart', () => {
  it('writes and removes ~/.config/autostart/halldesk.desktop', () => {
    const file = setLinuxAutostart(dir, true, '/opt/HallDesk/halldesk', ['--role=display']);
    expect(file).toBe(path.join(dir, 'autostart', 'halldesk.desktop'));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain('Exec=/opt/HallDesk/halldesk --role=display');
    setLinuxAutostart(dir, false, '/opt/HallDesk/halldesk', []);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('quotes paths with spaces and shell characters', () => {
    expect(desktopEntry('/home/a b/HallDesk.AppImage', ['--data-dir=/x $y'])).toContain(
      'Exec="/home/a b/HallDesk.AppImage" "--data-dir=/x \\$y"',
    );
  });
});
