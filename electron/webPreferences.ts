// The web preferences every HallDesk window gets: isolated, sandboxed, no Node, web security on.
// A pure function so a unit test pins each flag (Electron cannot report them back at run time).
import type { Role } from '../shared/ipc/contract';

export function secureWebPreferences(preloadPath: string, role: Role) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    // Hall screens run for hours in the background of a desk: keep timers (clock, queue) live.
    backgroundThrottling: role === 'desk',
  } as const;
}
