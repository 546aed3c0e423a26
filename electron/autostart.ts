// Start with the system: Windows and macOS through app.setLoginItemSettings, Linux desktops
// (UOS, Kylin, …) through an XDG autostart .desktop file, which Electron does not write.
import fs from 'node:fs';
import path from 'node:path';

export function desktopEntry(execPath: string, args: readonly string[]): string {
  const quote = (s: string) => (/[\s"'\\$`]/.test(s) ? `"${s.replace(/(["\\$`])/g, '\\$1')}"` : s);
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=HallDesk 营业厅受理台',
    `Exec=${[execPath, ...args].map(quote).join(' ')}`,
    'X-GNOME-Autostart-enabled=true',
    'Terminal=false',
    '',
  ].join('\n');
}

export function setLinuxAutostart(
  configHome: string,
  enabled: boolean,
  execPath: string,
  args: readonly string[],
): string {
  const file = path.join(configHome, 'autostart', 'halldesk.desktop');
  if (enabled) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, desktopEntry(execPath, args));
  } else {
    fs.rmSync(file, { force: true });
  }
  return file;
}
